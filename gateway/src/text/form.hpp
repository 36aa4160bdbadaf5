#pragma once
// Decoding of application/x-www-form-urlencoded bodies and query strings.
#include <optional>
#include <string>
#include <string_view>

namespace ssogate::gateway {

/// One name or value of a form or query string with `+` turned into a space and
/// `%XX` escapes decoded; nullopt when an escape is malformed or truncated.
[[nodiscard]] std::optional<std::string> decode_form_component(std::string_view s);

} // namespace ssogate::gateway
