#include <ssogate/gateway/routes.hpp>
#include <ssogate/gateway/console.hpp>
#include <ssogate/gateway/user_adoption.hpp>

namespace ssogate::gateway {

namespace {

/// Every route group of ssogate. A new area of routes adds one line here.
router build_router()
{
    router r;
    add_health_routes(r);
    add_sso_routes(r);
    add_admin_routes(r);
    add_scim_routes(r);
    add_admin_connection_routes(r);
    add_admin_user_routes(r);
    add_admin_adoption_routes(r);
    add_console_routes(r);
    add_metrics_routes(r);
    return r;
}

} // namespace

router const& default_router()
{
    static router const r = build_router();
    return r;
}

void add_security_headers(http_response& res)
{
    auto set_default = [&](std::string_view name, std::string value) {
        if (!res.headers.contains(name))
            res.headers.set(name, std::move(value));
    };
    // Browsers only ever reach ssogate over HTTPS; two years, as hstspreload.org asks.
    set_default("Strict-Transport-Security", "max-age=63072000");
    set_default("X-Content-Type-Options", "nosniff");
    // SAML and OAuth-style URLs carry state in query strings; never leak them.
    set_default("Referrer-Policy", "no-referrer");
    set_default("X-Frame-Options", "DENY");
    set_default("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    set_default("Cache-Control", "no-store");
}

http_response handle_request(app_context const& ctx, http_request const& req)
{
    auto res = default_router().dispatch(ctx, req);
    add_security_headers(res);
    return res;
}

} // namespace ssogate::gateway
