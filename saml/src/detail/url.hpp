#pragma once
// The one check of the URLs saml/ writes into XML, redirects to, or takes from metadata
// as an endpoint: an absolute http(s) URL with a host, and nothing a browser or an
// XML attribute would read differently (no whitespace, no control characters).
#include <string_view>

namespace ssogate::saml::detail {

/// Whether a URL may carry a fragment (`#…`).
enum class fragment {
    /// Refused: the URL is a destination a query string is appended to (an
    /// AuthnRequest's Destination, an ACS location we publish).
    refused,
    /// Allowed after the host: an endpoint Location as an IdP's metadata lists it.
    allowed,
};

/// True when `s` starts with `https://` or `http://`, has a host (not `/`, `?` or `#`
/// right after `//`), holds no byte at or below 0x20 nor DEL, and no `#` unless
/// `fragments` allows it.
[[nodiscard]] constexpr bool is_absolute_http_url(std::string_view s, fragment fragments = fragment::refused) noexcept
{
    if (!(s.starts_with("https://") || s.starts_with("http://")))
        return false;
    for (char const c : s) {
        auto const u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f || (c == '#' && fragments == fragment::refused))
            return false;
    }
    auto const host = s.substr(s.find("//") + 2);
    return !host.empty() && host.front() != '/' && host.front() != '?' && host.front() != '#';
}

} // namespace ssogate::saml::detail
