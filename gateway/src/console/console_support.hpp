#pragma once
// Private helpers of the admin console (console.hpp): access checks, CSRF, audit
// events of the console itself, and the page layout.
#include <ssogate/gateway/console.hpp>

#include "text/escape.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace ssogate::gateway::console_detail {

/// An admitted console request.
struct admitted {
    console_admin admin;
    /// The admin cookie secret (CSRF tokens are derived from it).
    std::string secret;
    /// The session's CSRF token (sha256 of a label and the secret).
    std::string csrf;
    /// A Set-Cookie value when this request opened the session (SSO entry), else empty.
    std::string set_cookie;
};

/// For pages (GET): the admin session of the cookie, or an SSO-signed-in user with an
/// admin role, who then gets a new admin session (audited); otherwise the response to
/// send: 303 to sign-in, or the 403 page.
[[nodiscard]] std::variant<admitted, http_response> admit_page(app_context const& ctx, http_request const& req);

/// For state-changing requests (POST) and the live stream: only an existing admin
/// session (no entry on the way), and for POST a CSRF token that matches (form field
/// `csrf` in `form`, or header X-CSRF-Token) and an Origin, when sent, equal to
/// public_url. A refused CSRF token is 403 and an `admin.console.csrf_failed` event.
/// `form` is the parsed body of a form post, or nullptr.
[[nodiscard]] std::variant<admitted, http_response> admit_change(app_context const& ctx, http_request const& req,
                                                                 std::map<std::string, std::string, std::less<>> const* form);

/// Only an existing admin session (GET routes that do not open one, e.g. the SSE stream).
[[nodiscard]] std::variant<admitted, http_response> admit_session(app_context const& ctx, http_request const& req);

/// Sets the console's response headers (CSP, nosniff, Referrer-Policy) on `res`.
void set_console_headers(http_response& res);

/// A console page with the navigation bar: `body_html` must already be escaped.
/// `nav` names the active section ("connections", "users", "audit" or "").
[[nodiscard]] http_response console_page(admitted const& a, int status, std::string_view title, std::string_view nav,
                                         std::string_view body_html);

/// A page without navigation (login, 403), with the console's headers.
[[nodiscard]] http_response bare_page(int status, std::string_view title, std::string_view body_html);

/// A JSON response with the console's headers.
[[nodiscard]] http_response json_response(int status, std::string body);

/// The hidden CSRF input of a form.
[[nodiscard]] std::string csrf_input(admitted const& a);

/// Appends one console audit event (actor = the admin) in `tx`; false when the store
/// refused it (see tx.last_error_detail()).
[[nodiscard]] bool append_console_event(app_context const& ctx, store::transaction& tx, admin_actor const& actor,
                                        std::string action, std::string target, std::string status,
                                        std::string reason, std::string changes_json = {});

/// Appends one console audit event (actor = the admin) in its own transaction and
/// wakes tailers; failures are logged.
void audit_console_event(app_context const& ctx, admin_actor const& actor, std::string action, std::string target,
                         std::string status, std::string reason, std::string changes_json = {});

/// The actor of a request (for events before anyone is admitted).
[[nodiscard]] admin_actor anonymous_actor(http_request const& req);

/// Time as shown in the console: "2024-05-01 12:00:00Z".
[[nodiscard]] std::string show_time(std::chrono::system_clock::time_point t);

// Handlers (one file per page; routes bound in console/routes.cpp).

/// GET /admin/login: the break-glass form (sets a login CSRF cookie).
http_response handle_login_form(app_context const& ctx, http_request const& req, route_params const& params);
/// POST /admin/login (form: csrf, token): opens an admin session for a valid admin token.
http_response handle_login(app_context const& ctx, http_request const& req, route_params const& params);
/// POST /admin/logout (form: csrf): ends the admin session.
http_response handle_logout(app_context const& ctx, http_request const& req, route_params const& params);
/// GET /admin/: the overview.
http_response handle_home(app_context const& ctx, http_request const& req, route_params const& params);
/// GET /admin/audit?action=&connection=&actor=&result=: newest events first.
http_response handle_audit_page(app_context const& ctx, http_request const& req, route_params const& params);
/// GET /admin/audit/stream: the SSE stream of make_audit_stream for an admin session.
http_response handle_audit_stream(app_context const& ctx, http_request const& req, route_params const& params);
/// POST /admin/audit/verify (csrf): the audit page with the result of verify_chain.
http_response handle_audit_verify(app_context const& ctx, http_request const& req, route_params const& params);

/// GET /admin/connections: every connection with its JIT switch.
http_response handle_connections_page(app_context const& ctx, http_request const& req, route_params const& params);
/// GET /admin/connections/{id}: IdP metadata summary, ACS, SP metadata, settings, SCIM tokens.
http_response handle_connection_page(app_context const& ctx, http_request const& req, route_params const& params);
/// POST /admin/connections/{id} (csrf, patch): change_connection with a JSON merge patch.
http_response handle_connection_change(app_context const& ctx, http_request const& req, route_params const& params);
/// POST /admin/connections/{id}/jit (csrf, enabled, confirm): set_connection_jit; JSON
/// answer for `Accept: application/json` (console.js), else a redirect or a confirmation page.
http_response handle_connection_jit(app_context const& ctx, http_request const& req, route_params const& params);
/// POST /admin/connections/{id}/scim-tokens (csrf, name): create_scim_token, secret shown once.
http_response handle_scim_token_create(app_context const& ctx, http_request const& req, route_params const& params);
/// POST /admin/connections/{id}/scim-tokens/{token}/revoke (csrf): revoke_scim_token.
http_response handle_scim_token_revoke(app_context const& ctx, http_request const& req, route_params const& params);
/// GET /admin/users?q=: search by email, id or name.
http_response handle_users_page(app_context const& ctx, http_request const& req, route_params const& params);
/// GET /admin/users/{id}: the user's explanation (users.hpp explain_user) and the
/// "Adopt into SCIM" form.
http_response handle_user_page(app_context const& ctx, http_request const& req, route_params const& params);
/// POST /admin/users/{id}/adopt (csrf, connection, step=preview|apply): user_adoption.hpp
/// adopt_user — the dry run with an "Apply" form, then the adoption.
http_response handle_user_adopt(app_context const& ctx, http_request const& req, route_params const& params);

/// One audit event (audit_event_to_json) as a list item of the audit page; console.js
/// builds the same structure for live events.
std::string render_audit_event(boost::json::object const& event);

/// The static assets (gateway/src/console/assets/).
extern std::string_view const console_css;
extern std::string_view const console_js;

} // namespace ssogate::gateway::console_detail
