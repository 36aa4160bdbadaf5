#pragma once
// Text codecs shared by the protocol pieces (AuthnRequest, SP and IdP metadata):
// XML escaping, URL (percent) encoding, xs:dateTime. Internal to ssogate_saml;
// base64 is detail/base64.hpp.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ssogate::saml::detail {

/// `s` escaped for XML text and double-quoted attribute values (&, <, >, ", and the
/// whitespace characters that attribute-value normalisation would otherwise fold).
std::string xml_escape(std::string_view s);

/// Percent-encodes every byte outside RFC 3986 "unreserved" (uppercase hex).
std::string url_encode(std::string_view s);

/// application/x-www-form-urlencoded decoding ('+' is a space); nullopt on a bad escape.
std::optional<std::string> url_decode(std::string_view s);

/// xs:dateTime in UTC with second precision: 2026-01-01T00:00:00Z.
std::optional<std::string> format_instant(std::chrono::system_clock::time_point t);

} // namespace ssogate::saml::detail
