#pragma once
// ssogate's HTTP routes and the one entry point the server calls.
//
// To add routes: write the handlers in gateway/src/routes/<area>.cpp, give that file a
// `void add_<area>_routes(router&)` (declared below), and append it to the list in
// gateway/src/routes/routes.cpp. Nothing else changes.
#include <ssogate/gateway/app_context.hpp>
#include <ssogate/gateway/http.hpp>
#include <ssogate/gateway/router.hpp>

namespace ssogate::gateway {

/// The router with every route of ssogate, built once on first use (thread-safe).
router const& default_router();

/// Dispatches through default_router and then applies add_security_headers. This is
/// the function the server calls for every request that parsed; never throws except
/// std::bad_alloc.
[[nodiscard]] http_response handle_request(app_context const& ctx, http_request const& req);

/// Adds the headers every response carries unless the handler set them itself:
/// Strict-Transport-Security, X-Content-Type-Options: nosniff, Referrer-Policy:
/// no-referrer, X-Frame-Options: DENY, Content-Security-Policy (default-src 'none';
/// frame-ancestors 'none'), and Cache-Control: no-store (a handler serving a static
/// asset sets its own Cache-Control).
void add_security_headers(http_response& res);

// Route groups (one per file in gateway/src/routes/).

/// GET /healthz, GET /readyz.
void add_health_routes(router& r);

/// GET /healthz: 200 "ok" while the process serves requests.
[[nodiscard]] http_response handle_healthz(app_context const& ctx, http_request const& req, route_params const& params);
/// GET /readyz: 200 "ready" when the store answers a trivial query, 503 otherwise
/// (the cause is logged, not sent).
[[nodiscard]] http_response handle_readyz(app_context const& ctx, http_request const& req, route_params const& params);

} // namespace ssogate::gateway
