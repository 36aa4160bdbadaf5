#pragma once
// jit::current_state — what the store holds about the person signing in, as plain
// values. The gateway reads it (in the sign-in transaction) and hands it to `jit::plan`.
#include <ssogate/jit/owner.hpp>

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ssogate::jit {

using time_point = std::chrono::system_clock::time_point;

/// One stored profile value with its provenance. `owned_by` is nullopt for a value
/// that no source has claimed (rows written before provenance existed): JIT may
/// replace such a value.
struct stored_value {
    std::string value;
    std::optional<owner> owned_by;
    time_point set_at{};
};

/// One role grant row.
struct role_grant {
    std::string role;
    std::optional<owner> owned_by;
    time_point set_at{};
};

/// One team membership row. Team names compare ignoring ASCII case, as the store's
/// unique index does; the stored spelling wins over the assertion's.
struct team_membership {
    std::string team;
    std::optional<owner> owned_by;
    time_point set_at{};
};

/// A stored user, with every value the planner may touch.
struct user_state {
    std::string id;
    /// false after SCIM `active=false` or an admin's deactivation.
    bool active = true;
    std::optional<stored_value> email;
    std::optional<stored_value> given_name;
    std::optional<stored_value> family_name;
    std::optional<stored_value> display_name;
    std::vector<role_grant> roles;
    std::vector<team_membership> teams;
};

/// An SSO identity bound to a user: (connection, subject).
struct sso_identity {
    std::string connection_id;
    std::string subject;
};

/// How the gateway found `current_state::user`.
enum class user_match {
    /// By (connection, subject): the identity is already bound to the user.
    subject = 1,
    /// A user this connection's SCIM provisioned, whose `externalId` equals the subject
    /// (`scim.match_on = "externalId"`); the plan binds the identity to it.
    scim_external_id,
    /// A user this connection's SCIM provisioned, whose `userName` equals the NameID or
    /// email (`scim.match_on = "userName"`); the plan binds the identity to it.
    scim_user_name,
};

/// Another user that holds the assertion's email (compared by lower-cased form) under
/// another identity: the subject of the connection's link policy.
struct email_holder {
    user_state user;
    /// The SSO identities already bound to that user (may be empty: SCIM/admin-created).
    std::vector<sso_identity> identities;
    /// Who created that user, when known.
    std::optional<owner> created_by;
};

/// Everything the planner needs to know about stored state. A plain value.
struct current_state {
    /// The user bound to (connection, subject), or matched by SCIM (see `matched_by`).
    std::optional<user_state> user;
    user_match matched_by = user_match::subject;
    /// A different user holding the assertion's email, if any. The planner ignores it
    /// when its id equals `user->id`.
    std::optional<email_holder> holder_of_email;
    /// Names of the teams that exist; only those of `lookup_keys::teams` are read, so
    /// the gateway may load just those.
    std::set<std::string, std::less<>> existing_teams;
};

} // namespace ssogate::jit
