#pragma once
// jit::owner — who set a provisioned value (DESIGN.md "Provenance").
#include <optional>
#include <string>
#include <string_view>

namespace ssogate::jit {

/// The three kinds of source that may set a profile value, role grant or membership.
enum class owner_kind {
    /// Just-in-Time provisioning of one connection: `jit:<connection>`.
    jit = 1,
    /// The SCIM server of one connection: `scim:<connection>`.
    scim,
    /// An administrator (CLI, admin API, console): `admin`.
    admin,
};

/// Whether `id` can be a connection id inside an owner: 1 to 64 characters from
/// `A-Z a-z 0-9 . _ -`. Connection ids are also URL path segments
/// (`/sso/acs/{connection}`), so nothing outside that set is ever needed.
[[nodiscard]] bool is_valid_connection_id(std::string_view id) noexcept;

/// The owner of one stored value: `jit:<connection>`, `scim:<connection>` or `admin`.
///
/// A plain value: copy it, compare it, keep it. The text form (`to_string`, `parse`)
/// is what the store writes in its `owner` columns and the audit log shows, so it is a
/// contract. `connection_id` is empty exactly when `kind == owner_kind::admin`; the
/// factories below and `parse` keep that invariant, and `parse` accepts only what
/// `to_string` produces.
struct owner {
    owner_kind kind = owner_kind::admin;
    std::string connection_id;

    /// `jit:<connection_id>`.
    [[nodiscard]] static owner jit(std::string connection_id);
    /// `scim:<connection_id>`.
    [[nodiscard]] static owner scim(std::string connection_id);
    /// `admin`.
    [[nodiscard]] static owner admin();

    /// Reads the exact text form; nullopt for anything else: other prefixes, upper
    /// case (`JIT:okta`), surrounding spaces, an invalid or missing connection id,
    /// `admin:x`.
    [[nodiscard]] static std::optional<owner> parse(std::string_view text);

    /// `jit:okta-main`, `scim:okta-main`, `admin`.
    [[nodiscard]] std::string to_string() const;

    friend bool operator==(owner const&, owner const&) = default;
};

} // namespace ssogate::jit
