#pragma once
// Private helpers of the sign-in routes (sso.cpp) and their pages (pages.cpp): form
// and cookie parsing, random secrets, hashing, return_to validation, HTML pages.
#include <ssogate/gateway/app_context.hpp>
#include <ssogate/gateway/http.hpp>

#include "text/escape.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssogate::gateway::sso_detail {

inline constexpr std::string_view flow_cookie = "__Host-ssogate_flow";
inline constexpr std::string_view session_cookie = "__Host-ssogate_session";
/// How long a pending AuthnRequest (and the flow cookie) stays usable.
inline constexpr std::chrono::seconds request_lifetime{600};

/// `application/x-www-form-urlencoded` (or a query string) → name → value (first
/// occurrence wins). nullopt when a percent escape is malformed.
std::optional<std::map<std::string, std::string, std::less<>>> parse_form(std::string_view body);

/// The value of cookie `name` in the request's Cookie headers, if present.
std::optional<std::string> cookie_value(http_request const& req, std::string_view name);

/// `bytes` random bytes from ctx.random as lowercase hex.
std::string random_hex(app_context const& ctx, std::size_t bytes);

/// Hex SHA-256.
std::string sha256_hex(std::string_view data);

/// Constant-time equality of two strings (length may leak).
bool equal_constant_time(std::string_view a, std::string_view b) noexcept;

/// True for exactly `n` lowercase hex digits.
bool is_hex(std::string_view s, std::size_t n) noexcept;

/// `return_to` as sent, validated: a path on this host ("/x", not "//x", not "/\x"),
/// or an absolute https URL whose origin is public_url's or one of `allowed_origins`.
/// nullopt for anything else (control characters, backslashes, other schemes,
/// userinfo, other origins, over 2048 bytes).
std::optional<std::string> validate_return_to(std::string_view return_to, std::vector<std::string> const& allowed_origins,
                                              std::string_view public_url);

/// A complete HTML page (text/html; charset=utf-8) with ssogate's stylesheet and a CSP
/// that allows only it. `body_html` must already be escaped.
http_response html_page(int status, std::string_view title, std::string_view body_html);

/// GET /assets/ssogate.css
http_response stylesheet();

} // namespace ssogate::gateway::sso_detail
