// The PostgreSQL instantiations of the repositories written once in sql/ (pg_repositories.hpp
// names them for the transactions).
#include "pg_repositories.hpp"

template class ssogate::store::sql::basic_sessions<ssogate::store::pg::backend>;
template class ssogate::store::sql::basic_requests<ssogate::store::pg::backend>;
template class ssogate::store::sql::basic_replay<ssogate::store::pg::backend>;
template class ssogate::store::sql::basic_admin_sessions<ssogate::store::pg::backend>;
template class ssogate::store::sql::basic_scim<ssogate::store::pg::backend>;
template class ssogate::store::sql::basic_connections<ssogate::store::pg::backend>;
template class ssogate::store::sql::basic_users<ssogate::store::pg::backend>;
template class ssogate::store::sql::basic_teams<ssogate::store::pg::backend>;
