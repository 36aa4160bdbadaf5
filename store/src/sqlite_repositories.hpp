#pragma once
// The SQLite repositories: the implementations written once for both backends in sql/
// (one header per group: identity, signin, admin_sessions, audit, scim), instantiated
// with sqlite::backend (sqlite_context.hpp: its context, statement and dialect fragments).
// The transactions (sqlite_store.cpp, through sql/basic_transaction.hpp) use them.
#include "sqlite_context.hpp"
#include "sql/admin_sessions.hpp"
#include "sql/audit_repositories.hpp"
#include "sql/identity_repositories.hpp"
#include "sql/scim_repositories.hpp"
#include "sql/signin_repositories.hpp"

#include <ssogate/store/transaction.hpp>

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
