// The PostgreSQL instantiations of the repositories written once in sql/
// (pg_repositories.hpp names them for the transactions).
#include "pg_repositories.hpp"

namespace ssogate::store {

template class sql::basic_connections<pg::backend>;
template class sql::basic_users<pg::backend>;
template class sql::basic_teams<pg::backend>;
template class sql::basic_sessions<pg::backend>;
template class sql::basic_admin_sessions<pg::backend>;
template class sql::basic_requests<pg::backend>;
template class sql::basic_replay<pg::backend>;
template class sql::basic_audit<pg::backend>;
template class sql::basic_tokens<pg::backend>;
template class sql::basic_link_approvals<pg::backend>;
template class sql::basic_scim<pg::backend>;

} // namespace ssogate::store
