// The SQLite instantiations of the repositories written once in sql/
// (sqlite_repositories.hpp names them for the transactions).
#include "sqlite_repositories.hpp"

namespace ssogate::store {

template class sql::basic_connections<sqlite::backend>;
template class sql::basic_users<sqlite::backend>;
template class sql::basic_teams<sqlite::backend>;
template class sql::basic_sessions<sqlite::backend>;
template class sql::basic_admin_sessions<sqlite::backend>;
template class sql::basic_requests<sqlite::backend>;
template class sql::basic_replay<sqlite::backend>;
template class sql::basic_audit<sqlite::backend>;
template class sql::basic_tokens<sqlite::backend>;
template class sql::basic_link_approvals<sqlite::backend>;
template class sql::basic_scim<sqlite::backend>;

} // namespace ssogate::store
