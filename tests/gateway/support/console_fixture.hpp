#pragma once
// Helpers shared by the admin console's handler tests (tests/gateway/console/): requests
// through handle_request with a browser's cookies, break-glass and SSO entry, the CSRF
// token of a page, the console's headers, audit events, and a store-owned connection.
// Built on sso_fixture (a real SQLite store, the okta/entra connections, a movable clock).
#include <ssogate/gateway/http.hpp>
#include <ssogate/store/audit_log.hpp>

#include "support/sso_fixture.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace ssogate::test::console {

using sso::browser;
using sso::sso_app;

/// The value of one response header, "" when absent.
[[nodiscard]] std::string header(gateway::http_response const& r, std::string_view name);

/// The Set-Cookie header that sets `cookie`, "" when none does.
[[nodiscard]] std::string set_cookie_for(gateway::http_response const& r, std::string_view cookie);

/// The CSRF token of the first form of a console page (fails the test when there is none).
[[nodiscard]] std::string csrf_of(std::string const& page);

/// HTML text of `s` as the console writes it (& < > " ' as entities).
[[nodiscard]] std::string html(std::string_view s);

/// Checks the headers every console response carries (CSP, nosniff, Referrer-Policy).
void check_console_headers(gateway::http_response const& r);

/// A request through handle_request from 192.0.2.20 with `b`'s cookies (a form post for
/// POST; `Accept: application/json` when `json`); `b` keeps the response's cookies.
gateway::http_response send(gateway::app_context const& ctx, browser& b, gateway::http_method m,
                            std::string const& target, std::string const& body = {}, bool json = false);

/// Creates an admin token named `name` (actor cli root); returns its secret.
[[nodiscard]] std::string admin_token(sso_app& app, std::string const& name = "break-glass");

/// Opens a break-glass session in `b` with this admin token secret through
/// /admin/login; returns the console home page.
gateway::http_response break_glass(sso_app& app, browser& b, std::string const& secret);

/// Opens a break-glass session in `b` with a new admin token "ops"; returns the CSRF token.
std::string open_console(gateway::app_context const& ctx, store::store& db, browser& b,
                         std::chrono::system_clock::time_point now);

/// Signs `b` in through the okta connection with this role and email (assertion id
/// `_assertion-<id>`), return_to /admin/.
void sign_in(sso_app& app, browser& b, std::string const& role, std::string const& email, std::string const& id);

/// Audit events with this action, in seq order.
[[nodiscard]] std::vector<store::audit_event> events(store::store& db, std::string const& action);

/// Creates the store-owned connection `id` from okta's settings (same IdP), SCIM off.
void create_store_connection(sso_app& app, std::string const& id, std::string const& name);

} // namespace ssogate::test::console
