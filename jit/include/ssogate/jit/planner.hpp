#pragma once
// jit::plan — the provisioning decision for one sign-in:
// plan = f(identity, current state, connection policy, now). Pure: no I/O, no clock.
#include <ssogate/jit/current_state.hpp>
#include <ssogate/jit/identity.hpp>
#include <ssogate/jit/plan.hpp>
#include <ssogate/jit/policy.hpp>

#include <boost/system/result.hpp>

#include <optional>
#include <string>
#include <vector>

namespace ssogate::jit {

/// What the gateway looks the user up by, before it reads `current_state`.
struct lookup_keys {
    /// The subject key: the value of the policy's subject attribute when one is
    /// configured, else the NameID value. Exactly as sent: never trimmed, never case-folded
    /// (two subjects that differ in any byte are two identities).
    std::string subject;
    /// `NameID`, or the name of the subject attribute as sent.
    std::string subject_source;
    /// The email the planner will use (see `plan`), to find `current_state::holder_of_email`
    /// by its lower-cased form; nullopt when the assertion has no usable email.
    std::optional<std::string> email;
    /// The names of the teams this assertion maps to (group table, `organization:team`,
    /// `default_team`), in plan order. `plan` reads `current_state::existing_teams` only
    /// for these names, so the gateway looks up just these instead of listing every team.
    std::vector<std::string> teams;
};

/// The keys of `id` under `policy`. Fails with `errc::subject_missing` when the NameID is
/// empty or transient (a transient NameID changes at every sign-in and cannot key a
/// user), or when a configured subject attribute is absent, empty or multi-valued.
[[nodiscard]] boost::system::result<lookup_keys> lookup_keys_for(identity const& id, connection_policy const& policy);

/// Plans the sign-in of `id` through `policy`'s connection, given what the store holds.
///
/// The rules (DESIGN.md "JIT and attribute mapping", issue 5):
/// - Keys: the user is `state.user` (found by connection + subject, or SCIM-matched);
///   never found by email alone. With no user, `state.holder_of_email` goes through the
///   link policy.
/// - Email: the first email attribute value that is email-shaped; else the NameID when
///   its format is `emailAddress`, or unspecified/absent and the value is email-shaped
///   (persistent and transient NameIDs are opaque and never used as an email). Emails
///   compare by ASCII-lower-cased form; the value is stored as sent.
/// - Values are full strings: nothing is trimmed; an unusable value (empty, control
///   characters, bad UTF-8, surrounding space, too long) is skipped and reported.
/// - Provenance: JIT writes a profile value only when it is unset, unowned, or owned
///   by `jit:<connection>`; it removes only grants and memberships owned by
///   `jit:<connection>`. A refused write is a `conflict`, not a write.
/// - `jit_enabled == false`: existing users sign in and JIT writes nothing for them;
///   new users are denied `jit_disabled`. The link policy and SCIM-match binding still
///   apply (they create no user).
/// - Roles: the highest role mapped from the role attribute and the group rules, else
///   `default_role`. When the assertion carries no role input at all (no role attribute,
///   and no groups attribute while group rules exist), an existing user's roles are
///   kept and the default is granted only to a user who holds no role.
///
/// `id.connection_id` must equal `policy.connection_id`; ownership uses the latter.
/// Never throws except `std::bad_alloc`.
[[nodiscard]] provisioning_plan plan(identity const& id, current_state const& state, connection_policy const& policy,
                                     time_point now);

} // namespace ssogate::jit
