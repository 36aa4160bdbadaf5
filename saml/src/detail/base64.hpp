#pragma once
// Strict base64 (RFC 4648 §4) for SAML: the standard alphabet with '=' padding.
// ASCII whitespace (space, tab, CR, LF) is skipped, as line-wrapped base64 is the
// norm in SAML form values and metadata; any other byte outside the alphabet, bad
// padding, or data after padding is refused.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ssogate::saml::detail {

/// Decoded bytes, or nullopt when `text` is not valid base64.
std::optional<std::string> base64_decode(std::string_view text);

/// Base64 of `bytes` on one line.
std::string base64_encode(std::string_view bytes);

inline std::string base64_encode(std::span<std::byte const> bytes)
{
    return base64_encode(std::string_view(reinterpret_cast<char const*>(bytes.data()), bytes.size()));
}

} // namespace ssogate::saml::detail
