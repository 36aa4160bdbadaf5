#pragma once
// Provenance owners (DESIGN.md "JIT and attribute mapping"): every attribute value,
// role grant, team membership and team records who set it, as a string
// `jit:<connection>`, `scim:<connection>` or `admin`.
#include <string>
#include <string_view>

namespace ssogate::store {

/// The owner string of values written by an administrator.
inline constexpr std::string_view owner_admin = "admin";

/// `jit:<connection>`.
[[nodiscard]] inline std::string owner_jit(std::string_view connection_id)
{
    return "jit:" + std::string(connection_id);
}

/// `scim:<connection>`.
[[nodiscard]] inline std::string owner_scim(std::string_view connection_id)
{
    return "scim:" + std::string(connection_id);
}

/// True for `admin`, `jit:<c>` and `scim:<c>` with a non-empty connection id.
[[nodiscard]] inline bool is_valid_owner(std::string_view owner) noexcept
{
    if (owner == owner_admin)
        return true;
    for (std::string_view prefix : {std::string_view("jit:"), std::string_view("scim:")})
        if (owner.size() > prefix.size() && owner.substr(0, prefix.size()) == prefix)
            return true;
    return false;
}

} // namespace ssogate::store
