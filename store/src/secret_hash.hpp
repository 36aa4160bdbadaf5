#pragma once
// SHA-256 as lowercase hex: how secrets (session ids, tokens, flow-cookie bindings)
// are stored, and the audit chain's digest. Shared by every backend.
#include <string>
#include <string_view>

namespace ssogate::store::detail {

/// Lowercase hex SHA-256 of `data` (64 characters).
[[nodiscard]] std::string sha256_hex(std::string_view data);

} // namespace ssogate::store::detail
