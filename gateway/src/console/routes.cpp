// The console's routes (console.hpp), its overview page and its static assets.
#include <ssogate/gateway/console.hpp>
#include <ssogate/gateway/connections.hpp>

#include "console/console_support.hpp"

namespace ssogate::gateway {

namespace console_detail {

http_response handle_home(app_context const& ctx, http_request const& req, route_params const&)
{
    auto admitted_or = admit_page(ctx, req);
    if (auto* res = std::get_if<http_response>(&admitted_or))
        return std::move(*res);
    auto const& a = std::get<admitted>(admitted_or);
    std::int64_t events = 0;
    std::size_t connections = 0;
    if (auto began = ctx.store.begin(store::access::read)) {
        if (auto ls = (*began)->audit().last_seq())
            events = *ls;
        if (auto cs = (*began)->connections().list())
            connections = cs->size();
    }
    std::string body = "<p>Signed in as <strong>" + escape_markup(a.admin.label) + "</strong> ("
                       + (a.admin.method == "sso" ? "single sign-on" : "break-glass admin token")
                       + "). Every change you make here is recorded in the audit log with you as the actor.</p>\n"
                         "<ul class=\"cards\">\n"
                         "<li><a href=\"/admin/connections\">Connections</a><span>"
                       + std::to_string(connections)
                       + " configured</span></li>\n"
                         "<li><a href=\"/admin/users\">Users</a><span>search, provenance, adoption</span></li>\n"
                         "<li><a href=\"/admin/audit\">Audit log</a><span>"
                       + std::to_string(events) + " events, live</span></li>\n</ul>\n";
    return console_page(a, 200, "Admin console", "", body);
}

namespace {

http_response asset(std::string_view content_type, std::string_view body)
{
    http_response res;
    res.headers.set("Content-Type", std::string(content_type));
    res.headers.set("Cache-Control", "no-cache");
    set_console_headers(res);
    res.body = std::string(body);
    return res;
}

http_response redirect_home(app_context const&, http_request const&, route_params const&)
{
    http_response res;
    res.status = 308;
    res.headers.set("Location", "/admin/");
    set_console_headers(res);
    return res;
}

} // namespace

} // namespace console_detail

void add_console_routes(router& r)
{
    using namespace console_detail;
    r.add(http_method::get, "/admin", redirect_home);
    r.add(http_method::get, "/admin/", handle_home);
    r.add(http_method::get, "/admin/login", handle_login_form);
    r.add(http_method::post, "/admin/login", handle_login);
    r.add(http_method::post, "/admin/logout", handle_logout);
    r.add(http_method::get, "/admin/assets/console.css",
          [](app_context const&, http_request const&, route_params const&) {
              return asset("text/css; charset=utf-8", console_css);
          });
    r.add(http_method::get, "/admin/assets/console.js",
          [](app_context const&, http_request const&, route_params const&) {
              return asset("text/javascript; charset=utf-8", console_js);
          });
    r.add(http_method::get, "/admin/audit", handle_audit_page);
    r.add(http_method::get, "/admin/audit/stream", handle_audit_stream);
    r.add(http_method::post, "/admin/audit/verify", handle_audit_verify);
    r.add(http_method::get, "/admin/connections", handle_connections_page);
    r.add(http_method::get, "/admin/connections/{id}", handle_connection_page);
    r.add(http_method::post, "/admin/connections/{id}", handle_connection_change);
    r.add(http_method::post, "/admin/connections/{id}/jit", handle_connection_jit);
    r.add(http_method::post, "/admin/connections/{id}/scim-tokens", handle_scim_token_create);
    r.add(http_method::post, "/admin/connections/{id}/scim-tokens/{token}/revoke", handle_scim_token_revoke);
    r.add(http_method::get, "/admin/users", handle_users_page);
    r.add(http_method::get, "/admin/users/{id}", handle_user_page);
    r.add(http_method::post, "/admin/users/{id}/adopt", handle_user_adopt);
}

} // namespace ssogate::gateway
