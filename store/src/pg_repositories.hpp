#pragma once
// The PostgreSQL repositories: the implementations written once for both backends in sql/
// (one header per group: identity, signin, admin_sessions, audit, scim), instantiated
// with pg::backend (pg_context.hpp: its context, statement and dialect fragments).
// The transactions (pg_store.cpp, through sql/basic_transaction.hpp) use them.
#include "pg_context.hpp"
#include "sql/admin_sessions.hpp"
#include "sql/audit_repositories.hpp"
#include "sql/identity_repositories.hpp"
#include "sql/scim_repositories.hpp"
#include "sql/signin_repositories.hpp"

#include <ssogate/store/transaction.hpp>

namespace ssogate::store {

// Instantiated once, in pg_repositories.cpp, not in every file that uses them.
extern template class sql::basic_connections<pg::backend>;
extern template class sql::basic_users<pg::backend>;
extern template class sql::basic_teams<pg::backend>;
extern template class sql::basic_sessions<pg::backend>;
extern template class sql::basic_admin_sessions<pg::backend>;
extern template class sql::basic_requests<pg::backend>;
extern template class sql::basic_replay<pg::backend>;
extern template class sql::basic_audit<pg::backend>;
extern template class sql::basic_tokens<pg::backend>;
extern template class sql::basic_link_approvals<pg::backend>;
extern template class sql::basic_scim<pg::backend>;

} // namespace ssogate::store
