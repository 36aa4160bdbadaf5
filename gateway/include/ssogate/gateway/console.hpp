#pragma once
// The admin console (`/admin/...`, issue 9): server-rendered HTML over the same
// functions as the admin API and the CLI — it holds no logic of its own.
//
// Access (DESIGN.md "Admin console"):
// - A user signed in through SSO (`__Host-ssogate_session`) whose role is in
//   `[admin] roles` enters on `GET /admin/`; another signed-in user gets a 403 page that
//   says why; nobody signed in is redirected to `/?return_to=/admin/`.
// - Break-glass: `GET/POST /admin/login` takes an admin token (`ssogate admin token
//   create`), verified by authenticate_admin exactly as the admin API verifies it.
// - Either way the console opens an admin session: its own cookie
//   `__Host-ssogate_admin` (`Secure; HttpOnly; SameSite=Strict; Path=/`), ended after
//   `[admin] session_idle_timeout` without a request and at `[session] lifetime` at the
//   latest. The admin is the `actor` of every change made in the console; entering,
//   leaving and a refused CSRF token are audit events (`admin.console.entered`,
//   `admin.console.denied`, `admin.console.left`, `admin.console.csrf_failed`).
// - Every state-changing request carries the session's CSRF token (form field `csrf`
//   or header `X-CSRF-Token`); a missing or wrong one is 403 and an audit event.
// - Every console response carries `Content-Security-Policy: default-src 'self';
//   frame-ancestors 'none'`, `X-Content-Type-Options: nosniff` and `Referrer-Policy:
//   same-origin`; CSS and JS are static files compiled into the binary.
#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/app_context.hpp>
#include <ssogate/gateway/http.hpp>
#include <ssogate/gateway/router.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ssogate::gateway {

/// The admin console's session cookie.
inline constexpr std::string_view console_session_cookie = "__Host-ssogate_admin";

/// Who is in the console.
struct console_admin {
    /// The actor of every change: {"user", user id} after SSO, {"admin", token id}
    /// after break-glass; with the request's source IP and user agent.
    admin_actor actor;
    /// What the header shows: the user's email, or "admin token <name>".
    std::string label;
    /// "sso" or "token".
    std::string method;
};

// Admin console sessions live in the store (store/admin_session.hpp, migration 6), by
// the SHA-256 of the cookie secret: every node on a shared store recognises an admin
// who signed in on another, and a restart keeps them. The CSRF token is derived from
// the secret (never stored). On every console request the session is checked and its
// last-seen time written: it ends after `[admin] session_idle_timeout` without a
// request, at `[session] lifetime` after it opened, when an SSO admin no longer holds
// a role of `[admin] roles` (or is deactivated), or when a break-glass admin's token
// is revoked.

/// Binds every console route:
/// GET /admin, GET /admin/ (overview), GET/POST /admin/login, POST /admin/logout,
/// GET /admin/assets/console.css, GET /admin/assets/console.js,
/// GET /admin/audit (page), GET /admin/audit/stream (SSE), POST /admin/audit/verify,
/// GET /admin/connections, GET/POST /admin/connections/{id}, POST
/// /admin/connections/{id}/jit, POST /admin/connections/{id}/scim-tokens[/{token}/revoke],
/// GET /admin/users, GET /admin/users/{id}, POST /admin/users/{id}/adopt (see
/// gateway/src/console/README.md).
void add_console_routes(router& r);

} // namespace ssogate::gateway
