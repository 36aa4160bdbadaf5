#pragma once
// jit::errc — why a provisioning plan denies a sign-in or refuses a mapping.
// The names are written to the audit log as `result.reason`; never rename one.
#include <boost/system/error_category.hpp>
#include <boost/system/error_code.hpp>

#include <string_view>
#include <type_traits>

namespace ssogate::jit {

enum class errc {
    /// The user does not exist and JIT provisioning is off for the connection.
    jit_disabled = 1,
    /// An account with this email belongs to another identity and the link policy is `deny`
    /// (or `verified_domain` and the domain is not verified for this connection).
    link_denied,
    /// Linking to an existing account waits for an administrator's approval.
    link_pending_approval,
    /// The assertion carries no usable email (no mapped attribute, NameID not email-shaped).
    email_missing,
    /// The user exists but is deactivated (SCIM active=false or an admin).
    user_inactive,
    /// No role could be derived and the connection has no default role.
    role_unmapped,
    /// A mapped team does not exist and the connection refuses to create teams.
    team_unknown,
};

namespace detail {
class jit_category_impl final : public boost::system::error_category {
public:
    constexpr jit_category_impl() noexcept : error_category(0x5c6a7e1a2b3c4d5eULL) {}
    char const* name() const noexcept override { return "ssogate.jit"; }
    std::string message(int ev) const override;
};
} // namespace detail

/// The stable snake_case name of a code, as written to the audit log.
constexpr std::string_view to_reason_code(errc e) noexcept
{
    switch (e) {
    case errc::jit_disabled: return "jit_disabled";
    case errc::link_denied: return "link_denied";
    case errc::link_pending_approval: return "link_pending_approval";
    case errc::email_missing: return "email_missing";
    case errc::user_inactive: return "user_inactive";
    case errc::role_unmapped: return "role_unmapped";
    case errc::team_unknown: return "team_unknown";
    }
    return "unknown";
}

inline std::string detail::jit_category_impl::message(int ev) const
{
    switch (static_cast<errc>(ev)) {
    case errc::jit_disabled: return "user is not provisioned and JIT provisioning is off for the connection";
    case errc::link_denied: return "an account with this email belongs to another identity and linking is not allowed";
    case errc::link_pending_approval: return "linking to the existing account awaits administrator approval";
    case errc::email_missing: return "the assertion carries no usable email address";
    case errc::user_inactive: return "the user is deactivated";
    case errc::role_unmapped: return "no role could be derived and the connection has no default role";
    case errc::team_unknown: return "a mapped team does not exist and team creation is off";
    }
    return "unknown jit error";
}

inline boost::system::error_category const& jit_category() noexcept
{
    static detail::jit_category_impl const instance;
    return instance;
}

inline boost::system::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), jit_category()};
}

} // namespace ssogate::jit

template <>
struct boost::system::is_error_code_enum<ssogate::jit::errc> : std::true_type {};
