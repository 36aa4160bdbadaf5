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

/// Decodes `text` into `buffer` (grown as needed, never shrunk, so that a buffer reused
/// call after call is neither reallocated nor cleared again); a view of the decoded
/// bytes at the start of `buffer`, valid until `buffer` changes, or nullopt when `text`
/// is not valid base64 (then the contents of `buffer` are unspecified).
std::optional<std::string_view> base64_decode_into(std::string_view text, std::string& buffer);

/// Base64 of `bytes` on one line.
std::string base64_encode(std::string_view bytes);

inline std::string base64_encode(std::span<std::byte const> bytes)
{
    return base64_encode(std::string_view(reinterpret_cast<char const*>(bytes.data()), bytes.size()));
}

} // namespace ssogate::saml::detail
