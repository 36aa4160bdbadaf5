// /admin/v1/connections: list, create, show, change (the JIT switch), delete (issue 6).
//
//   GET    /admin/v1/connections            200 {"connections":[summary…]}
//   POST   /admin/v1/connections            201 full view, Location: /admin/v1/connections/{id}
//   GET    /admin/v1/connections/{id}       200 full view
//   PATCH  /admin/v1/connections/{id}       200 full view (JSON merge patch; {"jit":{"enabled":false}})
//   PUT    /admin/v1/connections/{id}/jit   200 full view ({"enabled": bool})
//   DELETE /admin/v1/connections/{id}       204
//
// Errors: {"error": "...", "field": "..."}; 401 without a valid admin token; 400 invalid
// JSON or settings (field = the dotted key, "body" for the body itself); 404 unknown
// connection; 409 id taken, users still on the connection, or a connection declared in
// the configuration file (read-only here: the message names the file and the line);
// 503 store unavailable.
#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/connection_admin.hpp>
#include <ssogate/gateway/logger.hpp>
#include <ssogate/gateway/routes.hpp>

#include <boost/json.hpp>

namespace ssogate::gateway {

namespace json = boost::json;

namespace {

int status_of(connection_admin_errc code) noexcept
{
    switch (code) {
    case connection_admin_errc::invalid: return 400;
    case connection_admin_errc::not_found: return 404;
    case connection_admin_errc::id_taken:
    case connection_admin_errc::in_use:
    case connection_admin_errc::file_owned: return 409;
    case connection_admin_errc::store_failed: return 503;
    }
    return 500;
}

http_response refusal(app_context const& ctx, connection_admin_error const& e)
{
    if (e.code == connection_admin_errc::store_failed)
        ctx.log.warn("admin connections: store failure", {{"error", e.message}});
    return admin_json_error(status_of(e.code), e.message, e.field);
}

http_response json_response(int status, json::object const& body)
{
    http_response res;
    res.status = status;
    res.headers.set("Content-Type", "application/json");
    res.body = json::serialize(body);
    res.body += '\n';
    return res;
}

/// The body as JSON, or the 400 to send.
std::variant<json::value, http_response> parse_body(http_request const& req)
{
    boost::system::error_code ec;
    auto v = json::parse(req.body, ec);
    if (ec)
        return admin_json_error(400, "the request body is not JSON: " + ec.message(), "body");
    if (!v.is_object())
        return admin_json_error(400, "the request body must be a JSON object", "body");
    return v;
}

/// Authenticates and builds the operation context, or the 401 to send.
std::variant<connection_admin_context, http_response> admin_context(app_context const& ctx, http_request const& req)
{
    auto auth = authenticate_admin(ctx, req);
    if (auto* res = std::get_if<http_response>(&auth))
        return std::move(*res);
    return connection_admin_context{ctx.store, ctx.connections, std::get<admin_actor>(std::move(auth)), ctx.random,
                                    ctx.clock()};
}

} // namespace

http_response handle_admin_connections_list(app_context const& ctx, http_request const& req, route_params const&)
{
    auto ac = admin_context(ctx, req);
    if (auto* res = std::get_if<http_response>(&ac))
        return std::move(*res);
    auto listed = list_connections(std::get<connection_admin_context>(ac));
    if (auto* e = std::get_if<connection_admin_error>(&listed))
        return refusal(ctx, *e);
    json::array out;
    for (auto const& v : std::get<std::vector<connection_view>>(listed))
        out.push_back(connection_view_to_json(v, false));
    return json_response(200, json::object{{"connections", std::move(out)}});
}

http_response handle_admin_connections_create(app_context const& ctx, http_request const& req, route_params const&)
{
    auto ac = admin_context(ctx, req);
    if (auto* res = std::get_if<http_response>(&ac))
        return std::move(*res);
    auto body = parse_body(req);
    if (auto* res = std::get_if<http_response>(&body))
        return std::move(*res);
    auto created = create_connection(std::get<connection_admin_context>(ac), std::get<json::value>(body));
    if (auto* e = std::get_if<connection_admin_error>(&created))
        return refusal(ctx, *e);
    auto const& change = std::get<connection_change>(created);
    auto res = json_response(201, connection_view_to_json(change.view, true));
    res.headers.set("Location", "/admin/v1/connections/" + change.view.row.id);
    return res;
}

http_response handle_admin_connection_show(app_context const& ctx, http_request const& req, route_params const& params)
{
    auto ac = admin_context(ctx, req);
    if (auto* res = std::get_if<http_response>(&ac))
        return std::move(*res);
    auto shown = show_connection(std::get<connection_admin_context>(ac), params.get("id"));
    if (auto* e = std::get_if<connection_admin_error>(&shown))
        return refusal(ctx, *e);
    return json_response(200, connection_view_to_json(std::get<connection_view>(shown), true));
}

http_response handle_admin_connection_change(app_context const& ctx, http_request const& req,
                                             route_params const& params)
{
    auto ac = admin_context(ctx, req);
    if (auto* res = std::get_if<http_response>(&ac))
        return std::move(*res);
    auto body = parse_body(req);
    if (auto* res = std::get_if<http_response>(&body))
        return std::move(*res);
    auto changed =
        change_connection(std::get<connection_admin_context>(ac), params.get("id"), std::get<json::value>(body));
    if (auto* e = std::get_if<connection_admin_error>(&changed))
        return refusal(ctx, *e);
    return json_response(200, connection_view_to_json(std::get<connection_change>(changed).view, true));
}

http_response handle_admin_connection_jit(app_context const& ctx, http_request const& req, route_params const& params)
{
    auto ac = admin_context(ctx, req);
    if (auto* res = std::get_if<http_response>(&ac))
        return std::move(*res);
    auto body = parse_body(req);
    if (auto* res = std::get_if<http_response>(&body))
        return std::move(*res);
    auto const& o = std::get<json::value>(body).get_object();
    auto const* enabled = o.if_contains("enabled");
    if (o.size() != 1 || !enabled || !enabled->is_bool())
        return admin_json_error(400, "the body must be {\"enabled\": true} or {\"enabled\": false}", "enabled");
    auto changed = set_connection_jit(std::get<connection_admin_context>(ac), params.get("id"), enabled->get_bool());
    if (auto* e = std::get_if<connection_admin_error>(&changed))
        return refusal(ctx, *e);
    return json_response(200, connection_view_to_json(std::get<connection_change>(changed).view, true));
}

http_response handle_admin_connection_delete(app_context const& ctx, http_request const& req,
                                             route_params const& params)
{
    auto ac = admin_context(ctx, req);
    if (auto* res = std::get_if<http_response>(&ac))
        return std::move(*res);
    auto deleted = delete_connection(std::get<connection_admin_context>(ac), params.get("id"));
    if (auto* e = std::get_if<connection_admin_error>(&deleted))
        return refusal(ctx, *e);
    http_response res;
    res.status = 204;
    return res;
}

void add_admin_connection_routes(router& r)
{
    r.add(http_method::get, "/admin/v1/connections", handle_admin_connections_list);
    r.add(http_method::post, "/admin/v1/connections", handle_admin_connections_create);
    r.add(http_method::get, "/admin/v1/connections/{id}", handle_admin_connection_show);
    r.add(http_method::patch, "/admin/v1/connections/{id}", handle_admin_connection_change);
    r.add(http_method::delete_, "/admin/v1/connections/{id}", handle_admin_connection_delete);
    r.add(http_method::put, "/admin/v1/connections/{id}/jit", handle_admin_connection_jit);
}

} // namespace ssogate::gateway
