// The SQLite instantiations of the repositories written once in sql/ (sqlite_repositories.hpp
// names them for the transactions).
#include "sqlite_repositories.hpp"

template class ssogate::store::sql::basic_sessions<ssogate::store::sqlite::backend>;
template class ssogate::store::sql::basic_requests<ssogate::store::sqlite::backend>;
template class ssogate::store::sql::basic_replay<ssogate::store::sqlite::backend>;
template class ssogate::store::sql::basic_admin_sessions<ssogate::store::sqlite::backend>;
template class ssogate::store::sql::basic_scim<ssogate::store::sqlite::backend>;
template class ssogate::store::sql::basic_connections<ssogate::store::sqlite::backend>;
template class ssogate::store::sql::basic_users<ssogate::store::sqlite::backend>;
template class ssogate::store::sql::basic_teams<ssogate::store::sqlite::backend>;
