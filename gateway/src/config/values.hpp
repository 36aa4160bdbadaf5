#pragma once
// Shape checks for configuration values: pure functions over strings, no TOML, no I/O.
// Each returns the normalised value, or nullopt when the text has the wrong shape
// (the caller words the message, because only it knows the key).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ssogate::gateway::config_detail {

/// "180s", "30m", "8h", "7d", "1h30m": one or more <digits><unit> groups.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

/// The shortest spelling of a duration in the same form ("1h30m", "0s").
std::string format_duration(std::chrono::seconds d);

struct listen_address {
    std::string host; // without brackets
    std::uint16_t port = 0;
    bool ipv6 = false;
};

/// "127.0.0.1:8443" or "[::1]:8443"; the host must be an IP literal, port 0..65535.
std::optional<listen_address> parse_listen(std::string_view text);

/// "host:port" as a URL authority ("[::1]:8443" for IPv6).
std::string authority_of(listen_address const& a);

/// An https URL with a host, without userinfo, query or fragment; returned with a
/// lower-case scheme and host and without a trailing slash. `why` names the defect.
std::optional<std::string> normalize_https_url(std::string_view text, std::string& why);

/// An https origin ("https://host[:port]", an optional single trailing "/"),
/// returned lower-cased without the slash. `why` names the defect.
std::optional<std::string> normalize_https_origin(std::string_view text, std::string& why);

/// An absolute URI (scheme ":" ...), as SAML entity IDs are (URLs or URNs).
bool is_absolute_uri(std::string_view text);

/// A postgresql:// or postgres:// URL that parses as a URI. `why` names the defect.
bool is_postgresql_url(std::string_view text, std::string& why);

/// A DNS name (letters, digits, hyphens; labels 1..63, total ≤ 253, no trailing dot),
/// returned lower-cased.
std::optional<std::string> normalize_domain(std::string_view text);

/// [a-z0-9][a-z0-9_-]{0,62}: connection ids.
bool is_connection_id(std::string_view text);

/// [a-z][a-z0-9_-]{0,62}: role names.
bool is_role_name(std::string_view text);

/// Printable text without control characters, 1..max_length bytes (team and group names).
bool is_plain_name(std::string_view text, std::size_t max_length);

/// Levenshtein distance, for "did you mean ...?".
std::size_t edit_distance(std::string_view a, std::string_view b);

} // namespace ssogate::gateway::config_detail
