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

/// Browser sign-in (sso.cpp): GET /, GET /assets/ssogate.css, POST /sso/start,
/// GET /sso/login/{connection}, POST /sso/acs/{connection}, GET /sso/metadata, GET /me,
/// GET /auth/check, POST /logout.
void add_sso_routes(router& r);

/// GET /: the sign-in form, or who is signed in with a sign-out form.
[[nodiscard]] http_response handle_home(app_context const& ctx, http_request const& req, route_params const& params);
/// POST /sso/start (form: email, optional return_to): routes the email's domain to its
/// connection (303 to /sso/login/{id}), a chooser page for several, a message for none.
[[nodiscard]] http_response handle_sso_start(app_context const& ctx, http_request const& req,
                                             route_params const& params);
/// GET /sso/login/{connection}?return_to=PATH: stores a pending AuthnRequest bound to
/// the `__Host-ssogate_flow` cookie and redirects (302) to the IdP; RelayState = request ID.
[[nodiscard]] http_response handle_sso_login(app_context const& ctx, http_request const& req,
                                             route_params const& params);
/// POST /sso/acs/{connection}: verifies the SAMLResponse, consumes the pending request
/// and the assertion ID, applies the JIT plan, creates the session and audits, in one
/// transaction; 303 to return_to with `__Host-ssogate_session`, or a denial page (403)
/// with a trace ID (the reason code goes to the log and the audit log only).
[[nodiscard]] http_response handle_sso_acs(app_context const& ctx, http_request const& req,
                                           route_params const& params);
/// GET /sso/metadata: SP metadata with one ACS per connection.
[[nodiscard]] http_response handle_sso_metadata(app_context const& ctx, http_request const& req,
                                                route_params const& params);
/// GET /me: the signed-in user as JSON, or 401.
[[nodiscard]] http_response handle_me(app_context const& ctx, http_request const& req, route_params const& params);
/// GET /auth/check: 200 with X-Ssogate-User/Email/Roles/Teams, or 401 (forward auth, no redirect).
[[nodiscard]] http_response handle_auth_check(app_context const& ctx, http_request const& req,
                                              route_params const& params);
/// POST /logout (form: csrf; a present Origin must be public_url): ends the session
/// server-side and clears the cookie.
[[nodiscard]] http_response handle_logout(app_context const& ctx, http_request const& req, route_params const& params);

/// GET /admin/v1/audit, GET /admin/v1/audit/stream (handlers in admin.hpp).
void add_admin_routes(router& r);

/// The SCIM 2.0 server under /scim/v2/{connection}/ (scim.cpp; handlers in
/// gateway/src/scim/, tokens and limits in scim.hpp).
void add_scim_routes(router& r);

/// /admin/v1/connections (admin_connections.cpp; operations in connection_admin.hpp):
/// GET and POST /admin/v1/connections, GET, PATCH and DELETE /admin/v1/connections/{id},
/// PUT /admin/v1/connections/{id}/jit.
void add_admin_connection_routes(router& r);

[[nodiscard]] http_response handle_admin_connections_list(app_context const& ctx, http_request const& req,
                                                          route_params const& params);
[[nodiscard]] http_response handle_admin_connections_create(app_context const& ctx, http_request const& req,
                                                            route_params const& params);
[[nodiscard]] http_response handle_admin_connection_show(app_context const& ctx, http_request const& req,
                                                         route_params const& params);
[[nodiscard]] http_response handle_admin_connection_change(app_context const& ctx, http_request const& req,
                                                           route_params const& params);
[[nodiscard]] http_response handle_admin_connection_jit(app_context const& ctx, http_request const& req,
                                                        route_params const& params);
[[nodiscard]] http_response handle_admin_connection_delete(app_context const& ctx, http_request const& req,
                                                           route_params const& params);

/// GET /admin/v1/users, GET /admin/v1/users/{id}, GET /admin/v1/users/{id}/explain
/// (admin_users.cpp; handlers and JSON shapes in users.hpp).
void add_admin_user_routes(router& r);

/// GET /metrics (metrics.cpp).
void add_metrics_routes(router& r);

/// GET /metrics: Prometheus text format 0.0.4 (metrics.hpp) with the store's live
/// session count. Loopback peers may scrape; anyone else needs an admin bearer token
/// (401 otherwise, as authenticate_admin).
[[nodiscard]] http_response handle_metrics(app_context const& ctx, http_request const& req, route_params const& params);

/// True for 127.0.0.0/8, ::1 and IPv4-mapped 127.0.0.0/8; false for anything else,
/// including an empty or malformed address.
[[nodiscard]] bool is_loopback_peer(std::string_view address) noexcept;

} // namespace ssogate::gateway
