#pragma once
// jit::provisioning_plan — what one sign-in should write, and why.
//
// The gateway applies a plan in the sign-in transaction: the rows (user, identity
// binding, profile values, role grants, memberships, teams) and the audit events
// (`audit_actions`) together, or nothing.
#include <ssogate/jit/current_state.hpp>
#include <ssogate/jit/errc.hpp>
#include <ssogate/jit/owner.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssogate::jit {

enum class plan_decision {
    /// No user is bound to (connection, subject) and none links: create one, bind the
    /// identity to it, and write every change of the plan. Audit: `jit.user.created`.
    create = 1,
    /// An existing user (`user_id`) signs in and rows change: changes, an identity
    /// binding (`link`), or both. Audit: `jit.user.updated` and/or `jit.user.linked`.
    update,
    /// An existing user signs in and nothing is written (conflicts and skips may
    /// still be recorded).
    no_change,
    /// The sign-in is refused (`denied`); nothing is written except a queued link
    /// request when `link->kind == link_kind::approval_requested`. Audit:
    /// `sso.login.denied` with `denied->reason`.
    deny,
};

enum class profile_field {
    email = 1,
    given_name,
    family_name,
    display_name,
};

/// Why a sign-in is refused: the audit reason code and a sentence for the audit detail
/// (never shown to the browser as is).
struct denial {
    errc reason{};
    std::string detail;
};

/// One profile value to write. `after` is always a value from the assertion: JIT never
/// clears a field because the assertion left its attribute out.
struct field_change {
    profile_field field{};
    std::optional<std::string> before;
    std::string after;
    std::optional<owner> owner_before;
    owner owner_after;
};

/// A role grant to add (owned by `jit:<connection>`) or to remove (its current owner,
/// always `jit:<connection>`: JIT removes only grants it owns).
struct role_change {
    std::string role;
    owner owned_by;
};

/// A team membership to add or remove; same ownership rule as `role_change`.
struct membership_change {
    std::string team;
    owner owned_by;
};

enum class link_kind {
    /// Bind the identity to `user_id`, an existing user with the same email, because
    /// the email's domain is verified for the connection. Audit: `jit.user.linked`.
    verified_domain = 1,
    /// Bind the identity to `user_id`, which this connection's SCIM provisioned and
    /// the gateway matched by `externalId`/`userName`. Audit: `jit.user.linked`.
    scim_match,
    /// Queue a request to link the identity to `user_id` for an administrator
    /// (`ssogate user link approve …`); the sign-in is denied meanwhile.
    approval_requested,
};

struct link_action {
    link_kind kind{};
    std::string user_id;
    /// Both identities in words, for the audit event.
    std::string detail;
};

enum class conflict_kind {
    profile = 1,
    role,
    team,
};

/// A value the assertion asks for that JIT may not write: it is owned by another
/// source (or by nobody, for a grant or membership JIT would have to remove), or the
/// email belongs to another user. Written as a `provision.conflict` event.
///
/// - profile: `item` is the field (`email`, `given_name`, …), both values as they are.
/// - role: `item` is `role`; `assertion_value` the role JIT derived, `stored_value` a
///   role the user holds from another owner.
/// - team: `item` is the team; `assertion_value` is empty (the assertion does not
///   grant it) and `stored_value` the team, in `sync` mode for a membership JIT may not
///   remove.
struct conflict {
    conflict_kind kind{};
    std::string item;
    std::string assertion_value;
    std::string stored_value;
    std::optional<owner> stored_owner;
    std::string detail;
};

/// Where a skipped value came from.
enum class skip_source {
    /// A profile attribute (email, given/family/display name).
    profile_attribute = 1,
    /// The groups attribute.
    group,
    /// The role attribute.
    role_value,
    /// The connection's `default_team`.
    default_team,
};

enum class skip_reason {
    /// An empty value.
    empty = 1,
    /// A byte below 0x20 or 0x7F.
    control_characters,
    /// Not well-formed UTF-8.
    invalid_utf8,
    /// A leading or trailing space (values are never trimmed).
    surrounding_space,
    /// Longer than the bound (`max_profile_value_bytes`, `max_group_value_bytes`).
    too_long,
    /// An email attribute value that is not `local@domain`.
    not_an_email,
    /// A further value of a single-valued attribute; the first usable one is used.
    extra_value,
    /// Looks like `organization:team` but is not `<organization>:<team>` with a
    /// non-empty team free of `:` and surrounding spaces.
    bad_team_shape,
    /// The mapped team does not exist and `create_teams` is off.
    team_unknown,
    /// A role attribute value that no rule maps and that is not a role name.
    role_unknown,
};

/// A value that was left out; the rest of the assertion still applies. Written as a
/// `provision.skipped` event.
struct skipped_item {
    skip_source source{};
    /// The attribute name as sent (empty for `default_team`).
    std::string attribute;
    /// The value as sent, cut to 512 bytes when it is longer (`too_long`).
    std::string value;
    skip_reason reason{};
    std::string detail;
};

/// The outcome of `jit::plan` for one sign-in. A plain value with no references into
/// its inputs; every vector is in a deterministic order (assertion order, then policy
/// order, then stored order).
struct provisioning_plan {
    plan_decision decision = plan_decision::no_change;
    /// Set exactly when `decision == deny`.
    std::optional<denial> denied;

    std::string connection_id;
    /// The subject key (NameID value, or the persistent attribute's value); empty when
    /// denied with `subject_missing`.
    std::string subject;
    /// The user the plan applies to: the bound, SCIM-matched or linked user; for a
    /// `deny`, the user concerned if there is one (inactive user, link target). nullopt
    /// for `create` (the store assigns the id).
    std::optional<std::string> user_id;
    /// The user's email once the plan is applied (empty when denied and unknown).
    std::string email;

    /// Bind the identity to an existing user, or queue a link request.
    std::optional<link_action> link;

    /// Profile values to write, in field order (email first).
    std::vector<field_change> profile_changes;
    std::vector<role_change> roles_added;
    std::vector<role_change> roles_removed;
    std::vector<membership_change> memberships_added;
    std::vector<membership_change> memberships_removed;
    /// Teams to create before adding memberships (only teams some addition needs).
    std::vector<std::string> teams_created;

    std::vector<conflict> conflicts;
    std::vector<skipped_item> skipped;

    /// `set_at` of every row the plan writes: the `now` given to `jit::plan`.
    time_point at{};

    /// Whether applying the plan writes user rows (changes or an identity binding).
    [[nodiscard]] bool writes_rows() const noexcept;
    /// The change of one field, or nullptr.
    [[nodiscard]] field_change const* change_of(profile_field field) const noexcept;
};

/// The audit actions the plan implies, one per event, in the order to append them:
/// `sso.login.denied` | `jit.user.created` | `jit.user.linked`, `jit.user.updated`;
/// then one `provision.conflict` per conflict and one `provision.skipped` per skip.
/// (`sso.login.succeeded` is the gateway's, after the session exists.)
[[nodiscard]] std::vector<std::string_view> audit_actions(provisioning_plan const& p);

[[nodiscard]] std::string_view to_string(plan_decision d) noexcept;
[[nodiscard]] std::string_view to_string(profile_field f) noexcept;
[[nodiscard]] std::string_view to_string(link_kind k) noexcept;
[[nodiscard]] std::string_view to_string(conflict_kind k) noexcept;
[[nodiscard]] std::string_view to_string(skip_source s) noexcept;
[[nodiscard]] std::string_view to_string(skip_reason r) noexcept;

} // namespace ssogate::jit
