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
#include <map>
#include <mutex>
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

/// One admin console session.
struct console_session {
    console_admin admin;
    std::chrono::system_clock::time_point created_at{};
    std::chrono::system_clock::time_point last_seen_at{};
    /// Absolute end ([session] lifetime after created_at).
    std::chrono::system_clock::time_point expires_at{};
};

/// Admin console sessions, kept in this process's memory by the SHA-256 of the cookie
/// secret (the secret itself is never kept). They end with the process: an admin signs
/// in again after a restart, which the short idle timeout asks for anyway. (The store's
/// sessions table cannot hold them: a break-glass admin is not a user, and its rows
/// have no field that tells an admin session from a sign-in session.)
///
/// Thread-safety: every member may be called from any thread.
class console_session_table {
public:
    /// Keeps a session under the hash of `secret` (a fresh random 256-bit value).
    void add(std::string_view secret, console_session session);

    /// The live session for this secret, its last_seen_at set to `now`; a session
    /// found idle for `idle_timeout` or past expires_at is removed and not returned.
    [[nodiscard]] std::optional<console_session> use(std::string_view secret, std::chrono::system_clock::time_point now,
                                                     std::chrono::seconds idle_timeout);

    /// Ends a session. False when there was none.
    bool end(std::string_view secret);

    /// Number of sessions held (live or not yet swept).
    [[nodiscard]] std::size_t size() const;

private:
    void sweep_locked(std::chrono::system_clock::time_point now, std::chrono::seconds idle_timeout);

    mutable std::mutex mutex_;
    std::map<std::string, console_session, std::less<>> sessions_;
};

/// The session table of this process (the console routes use it).
console_session_table& process_console_sessions();

/// Binds every console route:
/// GET /admin, GET /admin/ (overview), GET/POST /admin/login, POST /admin/logout,
/// GET /admin/assets/console.css, GET /admin/assets/console.js,
/// GET /admin/audit (page), GET /admin/audit/stream (SSE), POST /admin/audit/verify,
/// GET /admin/connections, GET /admin/connections/{id} and the connection and user
/// pages that the landed admin API allows (see gateway/src/console/README.md).
void add_console_routes(router& r);

} // namespace ssogate::gateway
