#pragma once
// jit::errc — why a provisioning plan denies a sign-in or refuses a mapping.
//
// Precise inside, generic outside (STYLE.md rule 7): these codes go to the audit
// log as `result.reason` (see `to_reason_code`); the browser sees a short human
// sentence and a trace ID. The names are a contract: admins search the audit log
// for them, so never rename one; new codes go at the end.
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
    /// The assertion carries no usable subject: an empty NameID, or the connection keys
    /// users on a persistent attribute that is absent, empty or has several values.
    subject_missing,
};

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
    case errc::subject_missing: return "subject_missing";
    }
    return "unknown";
}

/// The error category of jit::errc ("ssogate.jit"); one distinct sentence per code.
boost::system::error_category const& jit_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), jit_category()};
}

} // namespace ssogate::jit

template <>
struct boost::system::is_error_code_enum<ssogate::jit::errc> : std::true_type {};
