#pragma once
// jit::connection_policy — one connection's JIT configuration as plain values
// (DESIGN.md "JIT and attribute mapping"). The gateway builds it once from its typed
// config; the planner only reads it.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssogate::jit {

/// Whether sign-ins after the first one write a mapping's values.
enum class update_mode {
    /// Every sign-in writes the values the assertion carries (within ownership rules).
    each_login = 1,
    /// The sign-in that creates the user writes everything; a later sign-in writes a
    /// mapping only where the user has nothing yet for it (a profile field with no stored
    /// value, no role grant at all, no team membership at all) — "set once".
    on_create,
    /// The sign-in that creates the user writes everything; later sign-ins write nothing
    /// for the mapping.
    never,
};

/// How the groups attribute drives team memberships.
enum class group_mode {
    /// Groups never change memberships (`default_team` is still joined).
    off = 1,
    /// Memberships of mapped teams are added, never removed.
    merge,
    /// Memberships are added, and those owned by `jit:<this connection>` whose team is no
    /// longer mapped are removed.
    sync,
};

/// What a first sign-in does when its email belongs to another user.
enum class link_policy {
    /// Refused with `link_denied`.
    deny = 1,
    /// Linked when the email's domain is one of the connection's verified domains,
    /// otherwise refused with `link_denied`.
    verified_domain,
    /// Refused with `link_pending_approval`, and a link request is queued for an admin.
    admin_approval,
};

[[nodiscard]] std::string_view to_string(update_mode m) noexcept;
[[nodiscard]] std::string_view to_string(group_mode m) noexcept;
[[nodiscard]] std::string_view to_string(link_policy p) noexcept;
/// The config spellings (`each_login`, `on_create`, `never`, …); exact, lower case.
[[nodiscard]] std::optional<update_mode> parse_update_mode(std::string_view text) noexcept;
[[nodiscard]] std::optional<group_mode> parse_group_mode(std::string_view text) noexcept;
[[nodiscard]] std::optional<link_policy> parse_link_policy(std::string_view text) noexcept;

/// Accepted attribute names per field, in priority order (see `find_attribute` for the
/// matching rule). The defaults cover what Okta, Entra ID, Google Workspace, ADFS,
/// Keycloak, OneLogin and SimpleSAMLphp send out of the box.
struct attribute_names {
    std::vector<std::string> email{
        "email",
        "mail",
        "emailaddress",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "urn:oid:0.9.2342.19200300.100.1.3",
    };
    std::vector<std::string> given_name{
        "given_name",
        "givenName",
        "firstName",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "urn:oid:2.5.4.42",
    };
    std::vector<std::string> family_name{
        "family_name",
        "familyName",
        "lastName",
        "surname",
        "sn",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        "urn:oid:2.5.4.4",
    };
    std::vector<std::string> display_name{
        "display_name",
        "displayName",
        "http://schemas.microsoft.com/identity/claims/displayname",
        "urn:oid:2.16.840.1.113730.3.1.241",
    };
    std::vector<std::string> groups{
        "groups",
        "memberOf",
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
        "http://schemas.xmlsoap.org/claims/Group",
        "urn:oid:1.3.6.1.4.1.5923.1.5.1.1",
    };
    std::vector<std::string> role{
        "role",
        "roles",
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
    };
    /// A persistent attribute that keys users instead of the NameID (e.g. Entra's
    /// `http://schemas.microsoft.com/identity/claims/objectidentifier`). Empty: NameID.
    std::vector<std::string> subject{};
};

/// Per-mapping update modes; an unset one follows `connection_policy::update`.
struct update_overrides {
    std::optional<update_mode> email;
    /// Given, family and display name.
    std::optional<update_mode> profile;
    std::optional<update_mode> role;
    std::optional<update_mode> teams;
};

/// A value of the role attribute that grants a role (`"Admins"` → `owner`).
struct role_value_rule {
    std::string value;
    std::string role;
};

/// A group whose members get a role (`"eng-leads"` → `editor`).
struct group_role_rule {
    std::string group;
    std::string role;
};

/// A group whose members join a team (`"00e8f…"` → `Engineering`).
struct group_team_rule {
    std::string group;
    std::string team;
};

/// Bounds on values read from an assertion; longer values are skipped, not truncated.
inline constexpr std::size_t max_profile_value_bytes = 256;
inline constexpr std::size_t max_group_value_bytes = 256;

/// One connection's JIT policy. A plain value; safe to share between threads as const.
struct connection_policy {
    std::string connection_id;
    /// Create users on their first sign-in. Off: only existing users sign in, and JIT
    /// writes nothing for them (identity binding to a SCIM user or a link still happens).
    bool jit_enabled = true;
    update_mode update = update_mode::each_login;
    update_overrides overrides;
    group_mode groups = group_mode::merge;

    attribute_names attributes;

    /// The role set, lowest first; a later role outranks an earlier one.
    std::vector<std::string> roles{"member", "editor", "owner"};
    /// Granted (owned by `jit:<connection>`) when no rule maps a role. nullopt: a user
    /// who would end up with no role is refused with `role_unmapped`.
    std::optional<std::string> default_role{"member"};
    /// Role attribute value → role. A value equal to a role name maps to that role
    /// without a rule.
    std::vector<role_value_rule> role_values;
    /// Group → role rules. They read the groups attribute whatever `groups` says.
    std::vector<group_role_rule> group_roles;

    /// Explicit group → team table.
    std::vector<group_team_rule> group_teams;
    /// The `organization:team` naming convention: with `"acme"`, group `acme:Payments`
    /// maps to team `Payments`. nullopt: convention off.
    std::optional<std::string> team_organization;
    /// A team every JIT user of the connection joins (owned by `jit:<connection>`).
    std::optional<std::string> default_team;
    /// Create mapped teams that do not exist; off: skip them with `team_unknown`.
    bool create_teams = false;

    link_policy link = link_policy::deny;
    /// Domains this connection has proven it controls (compared ASCII case-insensitively).
    std::vector<std::string> verified_domains;

    /// The update mode of a mapping: its override, else `update`.
    [[nodiscard]] update_mode email_update() const noexcept { return overrides.email.value_or(update); }
    [[nodiscard]] update_mode profile_update() const noexcept { return overrides.profile.value_or(update); }
    [[nodiscard]] update_mode role_update() const noexcept { return overrides.role.value_or(update); }
    [[nodiscard]] update_mode teams_update() const noexcept { return overrides.teams.value_or(update); }
};

/// The first problem that makes `p` unusable, as a sentence naming the config key
/// (`jit.default_role must be one of member, editor, owner (got "admin")`); nullopt
/// when it is consistent. The gateway prefixes the connection and refuses the config:
/// validation rejects, it never clamps.
[[nodiscard]] std::optional<std::string> find_policy_problem(connection_policy const& p);

} // namespace ssogate::jit
