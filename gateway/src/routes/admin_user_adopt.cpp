// POST /admin/v1/users/{id}/adopt (user_adoption.hpp): the admin API's face of
// adopt_user. Bearer admin token.
#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/logger.hpp>
#include <ssogate/gateway/user_adoption.hpp>

#include <boost/json.hpp>

namespace ssogate::gateway {

http_response handle_admin_user_adopt(app_context const& ctx, http_request const& req, route_params const& params)
{
    auto auth = authenticate_admin(ctx, req);
    if (auto* res = std::get_if<http_response>(&auth))
        return std::move(*res);
    if (!req.query().empty())
        return admin_json_error(400, "this route takes no parameters");
    auto const id = params.get("id");
    if (id.empty() || id.size() > 320)
        return admin_json_error(400, "the user id is malformed", "id");

    boost::system::error_code ec;
    auto body = boost::json::parse(req.body, ec);
    if (ec)
        return admin_json_error(400, "the request body is not JSON: " + ec.message(), "body");
    if (!body.is_object())
        return admin_json_error(400, "the request body must be a JSON object", "body");
    std::string connection;
    bool dry_run = false;
    for (auto const& kv : body.get_object()) {
        std::string_view const key = kv.key();
        auto const& value = kv.value();
        if (key == "connection") {
            if (!value.is_string() || value.get_string().empty())
                return admin_json_error(400, "connection must be a connection id (a non-empty string)", "connection");
            connection = std::string(value.get_string());
        } else if (key == "dry_run") {
            if (!value.is_bool())
                return admin_json_error(400, "dry_run must be true or false", "dry_run");
            dry_run = value.get_bool();
        } else {
            return admin_json_error(400, "unknown key " + std::string(key) + " (expected connection, dry_run)",
                                    std::string(key));
        }
    }
    if (connection.empty())
        return admin_json_error(400, "connection is required: the connection whose SCIM adopts the user",
                                "connection");

    adoption_context ac{ctx.store, registry_scim_switch(ctx.connections), std::get<admin_actor>(auth), ctx.random,
                        ctx.clock()};
    auto outcome = adopt_user(ac, id, connection, dry_run);
    if (auto const* e = std::get_if<adoption_error>(&outcome)) {
        if (e->code == adoption_errc::store_failed) {
            ctx.log.error("admin adopt: store error", {{"detail", e->message}});
            return admin_json_error(503, "the store is unavailable");
        }
        return admin_json_error(http_status_of(e->code), e->message, e->field);
    }
    http_response res;
    res.headers.set("Content-Type", "application/json");
    res.body = boost::json::serialize(adoption_plan_to_json(std::get<adoption_plan>(outcome)));
    res.body += '\n';
    return res;
}

void add_admin_adoption_routes(router& r)
{
    r.add(http_method::post, "/admin/v1/users/{id}/adopt", handle_admin_user_adopt);
}

} // namespace ssogate::gateway
