#pragma once
// The SQLite repositories: the implementations written once for both backends in sql/
// (one header per group: identity, signin, admin_sessions, audit, scim), instantiated
// with sqlite::backend (sqlite_context.hpp: its context, statement and dialect fragments).
// The transactions (sqlite_store.cpp) use them by these names.
#include "sqlite_context.hpp"
#include "sql/admin_sessions.hpp"
#include "sql/audit_repositories.hpp"
#include "sql/identity_repositories.hpp"
#include "sql/scim_repositories.hpp"
#include "sql/signin_repositories.hpp"

#include <ssogate/store/transaction.hpp>

namespace ssogate::store::sqlite {

using sqlite_connections = sql::basic_connections<backend>;
using sqlite_users = sql::basic_users<backend>;
using sqlite_teams = sql::basic_teams<backend>;
using sqlite_sessions = sql::basic_sessions<backend>;
using sqlite_admin_sessions = sql::basic_admin_sessions<backend>;
using sqlite_requests = sql::basic_requests<backend>;
using sqlite_replay = sql::basic_replay<backend>;
using sqlite_audit = sql::basic_audit<backend>;
using sqlite_tokens = sql::basic_tokens<backend>;
using sqlite_link_approvals = sql::basic_link_approvals<backend>;
using sqlite_scim = sql::basic_scim<backend>;

} // namespace ssogate::store::sqlite

namespace ssogate::store {

// Instantiated once, in sqlite_repositories.cpp, not in every file that uses them.
extern template class sql::basic_connections<sqlite::backend>;
extern template class sql::basic_users<sqlite::backend>;
extern template class sql::basic_teams<sqlite::backend>;
extern template class sql::basic_sessions<sqlite::backend>;
extern template class sql::basic_admin_sessions<sqlite::backend>;
extern template class sql::basic_requests<sqlite::backend>;
extern template class sql::basic_replay<sqlite::backend>;
extern template class sql::basic_audit<sqlite::backend>;
extern template class sql::basic_tokens<sqlite::backend>;
extern template class sql::basic_link_approvals<sqlite::backend>;
extern template class sql::basic_scim<sqlite::backend>;

} // namespace ssogate::store
