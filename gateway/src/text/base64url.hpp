#pragma once
// base64url without padding (RFC 4648 §5), for secrets we hand out (admin and SCIM tokens).
#include <cstddef>
#include <span>
#include <string>

namespace ssogate::gateway {

/// The bytes in the URL- and filename-safe alphabet, without `=` padding.
[[nodiscard]] std::string base64url(std::span<std::byte const> bytes);

} // namespace ssogate::gateway
