// The SCIM 2.0 routes (issue 7): everything under /scim/v2/{connection}/. Handlers are
// in gateway/src/scim/ (scim_support.hpp).
#include <ssogate/gateway/routes.hpp>

#include "scim/scim_support.hpp"

namespace ssogate::gateway {

void add_scim_routes(router& r)
{
    using namespace scim_api;
    constexpr std::string_view base = "/scim/v2/{connection}";
    auto p = [&](std::string_view tail) { return std::string(base) + std::string(tail); };
    r.add(http_method::get, p("/ServiceProviderConfig"), handle_service_provider_config);
    r.add(http_method::get, p("/ResourceTypes"), handle_resource_types);
    r.add(http_method::get, p("/ResourceTypes/{id}"), handle_resource_type);
    r.add(http_method::get, p("/Schemas"), handle_schemas);
    r.add(http_method::get, p("/Schemas/{id}"), handle_schema);

    r.add(http_method::get, p("/Users"), handle_users_list);
    r.add(http_method::post, p("/Users"), handle_users_create);
    r.add(http_method::get, p("/Users/{id}"), handle_user_get);
    r.add(http_method::put, p("/Users/{id}"), handle_user_replace);
    r.add(http_method::patch, p("/Users/{id}"), handle_user_patch);
    r.add(http_method::delete_, p("/Users/{id}"), handle_user_delete);

    r.add(http_method::get, p("/Groups"), handle_groups_list);
    r.add(http_method::post, p("/Groups"), handle_groups_create);
    r.add(http_method::get, p("/Groups/{id}"), handle_group_get);
    r.add(http_method::put, p("/Groups/{id}"), handle_group_replace);
    r.add(http_method::patch, p("/Groups/{id}"), handle_group_patch);
    r.add(http_method::delete_, p("/Groups/{id}"), handle_group_delete);
}

} // namespace ssogate::gateway
