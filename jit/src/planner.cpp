#include <ssogate/jit/planner.hpp>

#include "text.hpp"

#include <algorithm>
#include <utility>

namespace ssogate::jit {
namespace {

constexpr std::size_t max_reported_value_bytes = 512;

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

// ---------------------------------------------------------------------------------
// Reading the assertion

/// Why a value cannot be used, or nullopt when it can.
std::optional<skip_reason> check_value(std::string_view value, std::size_t max_bytes)
{
    if (value.empty())
        return skip_reason::empty;
    if (value.size() > max_bytes)
        return skip_reason::too_long;
    if (!detail::is_valid_utf8(value))
        return skip_reason::invalid_utf8;
    if (detail::has_control_characters(value))
        return skip_reason::control_characters;
    if (detail::has_surrounding_space(value))
        return skip_reason::surrounding_space;
    return std::nullopt;
}

std::string reported(std::string_view value)
{
    if (value.size() <= max_reported_value_bytes)
        return std::string(value);
    return std::string(value.substr(0, max_reported_value_bytes));
}

std::string describe(skip_reason reason)
{
    switch (reason) {
    case skip_reason::empty: return "the value is empty";
    case skip_reason::control_characters: return "the value contains control characters";
    case skip_reason::invalid_utf8: return "the value is not valid UTF-8";
    case skip_reason::surrounding_space: return "the value starts or ends with a space";
    case skip_reason::too_long: return "the value is longer than allowed";
    case skip_reason::not_an_email: return "the value is not an email address";
    case skip_reason::extra_value: return "only the first usable value of this attribute is used";
    case skip_reason::bad_team_shape: return "the value is not organization:team";
    case skip_reason::team_unknown: return "the team does not exist and jit.create_teams is off";
    case skip_reason::role_unknown: return "no rule maps this value to a role";
    }
    return "skipped";
}

skipped_item make_skip(skip_source source, std::string_view attribute, std::string_view value, skip_reason reason,
                       std::string detail_text = {})
{
    return {source, std::string(attribute), reported(value), reason,
            detail_text.empty() ? describe(reason) : std::move(detail_text)};
}

struct subject_outcome {
    std::optional<lookup_keys> keys;
    std::string problem; // set when keys is nullopt
};

subject_outcome resolve_subject(identity const& id, connection_policy const& policy)
{
    lookup_keys keys;
    if (!policy.attributes.subject.empty()) {
        auto const attribute = find_attribute(id, policy.attributes.subject);
        if (!attribute)
            return {std::nullopt, "connection " + policy.connection_id
                                      + " keys users on a persistent attribute that the assertion does not carry"};
        if (attribute->values.size() != 1)
            return {std::nullopt, "the subject attribute " + attribute->name + " has "
                                      + std::to_string(attribute->values.size()) + " values instead of one"};
        if (attribute->values.front().empty())
            return {std::nullopt, "the subject attribute " + attribute->name + " is empty"};
        keys.subject = attribute->values.front();
        keys.subject_source = attribute->name;
        return {std::move(keys), {}};
    }
    if (id.subject.value.empty())
        return {std::nullopt, "the assertion's NameID is empty"};
    if (id.subject.format == nameid_format_transient)
        return {std::nullopt, "the NameID is transient (it changes at every sign-in) and connection "
                                  + policy.connection_id + " configures no persistent subject attribute"};
    keys.subject = id.subject.value;
    keys.subject_source = "NameID";
    return {std::move(keys), {}};
}

/// The assertion read through the policy: values that can be written, and what was
/// skipped on the way.
struct mapped_assertion {
    std::optional<std::string> email;
    std::optional<std::string> given_name;
    std::optional<std::string> family_name;
    std::optional<std::string> display_name;

    bool groups_present = false;
    std::string groups_attribute;

    /// Whether the assertion carries anything the role mapping reads.
    bool role_input_present = false;
    /// The highest mapped role, else the default role, else nullopt.
    std::optional<std::string> role;
    bool role_from_default = false;

    /// A team the mapping puts the user in, with where it came from.
    struct team_target {
        std::string team;
        skip_source source;
        std::string attribute;
        std::string value;
    };
    std::vector<team_target> teams;

    std::vector<skipped_item> skipped;
};

std::optional<std::string> resolve_email(identity const& id, connection_policy const& policy,
                                         std::vector<skipped_item>* skipped)
{
    std::optional<std::string> email;
    if (auto const attribute = find_attribute(id, policy.attributes.email)) {
        for (auto const& value : attribute->values) {
            if (!detail::is_email_shaped(value)) {
                if (skipped) {
                    auto const reason = check_value(value, max_profile_value_bytes);
                    skipped->push_back(make_skip(skip_source::profile_attribute, attribute->name, value,
                                                 reason.value_or(skip_reason::not_an_email)));
                }
                continue;
            }
            if (!email)
                email = value;
            else if (skipped && detail::to_lower_ascii(value) != detail::to_lower_ascii(*email))
                skipped->push_back(
                    make_skip(skip_source::profile_attribute, attribute->name, value, skip_reason::extra_value));
        }
    }
    if (email)
        return email;
    // NameID fallback: an email-format NameID, or an unformatted one that is email-shaped.
    // Persistent and transient NameIDs are opaque by definition (SAML 2.0 Core §8.3.7,
    // §8.3.8) even when they happen to contain an `@`.
    auto const& nameid = id.subject;
    bool const email_format = nameid.format == nameid_format_email;
    bool const unformatted = nameid.format.empty() || nameid.format == nameid_format_unspecified;
    if ((email_format || unformatted) && detail::is_email_shaped(nameid.value))
        return nameid.value;
    return std::nullopt;
}

/// The first usable value of a single-valued profile attribute.
std::optional<std::string> resolve_profile_value(identity const& id, std::vector<std::string> const& names,
                                                 std::vector<skipped_item>& skipped)
{
    auto const attribute = find_attribute(id, names);
    if (!attribute)
        return std::nullopt;
    std::optional<std::string> chosen;
    for (auto const& value : attribute->values) {
        if (auto const reason = check_value(value, max_profile_value_bytes)) {
            skipped.push_back(make_skip(skip_source::profile_attribute, attribute->name, value, *reason));
            continue;
        }
        if (!chosen)
            chosen = value;
        else if (value != *chosen)
            skipped.push_back(make_skip(skip_source::profile_attribute, attribute->name, value, skip_reason::extra_value));
    }
    return chosen;
}

std::ptrdiff_t role_rank(connection_policy const& policy, std::string_view role)
{
    auto const it = std::find(policy.roles.begin(), policy.roles.end(), role);
    return it == policy.roles.end() ? -1 : it - policy.roles.begin();
}

mapped_assertion map_assertion(identity const& id, connection_policy const& policy)
{
    mapped_assertion m;
    m.email = resolve_email(id, policy, &m.skipped);
    m.given_name = resolve_profile_value(id, policy.attributes.given_name, m.skipped);
    m.family_name = resolve_profile_value(id, policy.attributes.family_name, m.skipped);
    m.display_name = resolve_profile_value(id, policy.attributes.display_name, m.skipped);

    // Groups: every usable value, once; each unusable one skipped on its own.
    std::vector<std::string> groups;
    if (auto const attribute = find_attribute(id, policy.attributes.groups)) {
        m.groups_present = true;
        m.groups_attribute = attribute->name;
        for (auto const& value : attribute->values) {
            if (auto const reason = check_value(value, max_group_value_bytes)) {
                m.skipped.push_back(make_skip(skip_source::group, attribute->name, value, *reason));
                continue;
            }
            if (std::find(groups.begin(), groups.end(), value) == groups.end())
                groups.push_back(value);
        }
    }

    // Roles: every candidate from the role attribute and the group rules; highest wins.
    std::optional<std::string> best;
    auto const consider = [&](std::string const& role) {
        auto const rank = role_rank(policy, role);
        if (rank >= 0 && (!best || rank > role_rank(policy, *best)))
            best = role;
    };
    if (auto const attribute = find_attribute(id, policy.attributes.role)) {
        m.role_input_present = true;
        for (auto const& value : attribute->values) {
            if (auto const reason = check_value(value, max_group_value_bytes)) {
                m.skipped.push_back(make_skip(skip_source::role_value, attribute->name, value, *reason));
                continue;
            }
            bool mapped = false;
            for (auto const& rule : policy.role_values)
                if (rule.value == value) {
                    consider(rule.role);
                    mapped = true;
                }
            if (!mapped && role_rank(policy, value) >= 0) {
                consider(value);
                mapped = true;
            }
            if (!mapped)
                m.skipped.push_back(make_skip(skip_source::role_value, attribute->name, value, skip_reason::role_unknown));
        }
    }
    if (m.groups_present && !policy.group_roles.empty()) {
        m.role_input_present = true;
        for (auto const& group : groups)
            for (auto const& rule : policy.group_roles)
                if (rule.group == group)
                    consider(rule.role);
    }
    if (best) {
        m.role = best;
    }
    else if (policy.default_role) {
        m.role = policy.default_role;
        m.role_from_default = true;
    }

    // Teams: the explicit table, then the organization:team convention, then the default.
    auto const add_team = [&](std::string team, skip_source source, std::string const& attribute,
                              std::string const& value) {
        auto const same = [&](mapped_assertion::team_target const& t) { return t.team == team; };
        if (std::none_of(m.teams.begin(), m.teams.end(), same))
            m.teams.push_back({std::move(team), source, attribute, value});
    };
    if (policy.groups != group_mode::off && m.groups_present) {
        for (auto const& group : groups) {
            for (auto const& rule : policy.group_teams)
                if (rule.group == group)
                    add_team(rule.team, skip_source::group, m.groups_attribute, group);
            if (!policy.team_organization)
                continue;
            auto const colon = group.find(':');
            if (colon == std::string::npos)
                continue;
            std::string_view const organization(group.data(), colon);
            std::string_view const team(group.data() + colon + 1, group.size() - colon - 1);
            if (!organization.empty() && organization != *policy.team_organization)
                continue; // another organization's group: not ours to map
            if (organization.empty() || team.empty() || team.find(':') != std::string_view::npos
                || detail::has_surrounding_space(team)) {
                m.skipped.push_back(make_skip(skip_source::group, m.groups_attribute, group, skip_reason::bad_team_shape,
                                              "the value is not " + *policy.team_organization + ":<team>"));
                continue;
            }
            add_team(std::string(team), skip_source::group, m.groups_attribute, group);
        }
    }
    if (policy.default_team)
        add_team(*policy.default_team, skip_source::default_team, {}, *policy.default_team);
    return m;
}

/// Team names are unique ignoring ASCII case (the store's index is NOCASE): a mapped
/// "engineering" is the stored "Engineering". Rewrites each target to the spelling of the
/// user's membership or of the existing team, so the plan neither creates a second team
/// nor adds and removes the same membership, and drops targets that become duplicates.
void adopt_stored_team_spelling(mapped_assertion& assertion, current_state const& state)
{
    auto const stored_spelling = [&](std::string const& team) -> std::string const* {
        if (state.user)
            for (auto const& m : state.user->teams)
                if (detail::iequals_ascii(m.team, team))
                    return &m.team;
        for (auto const& existing : state.existing_teams)
            if (detail::iequals_ascii(existing, team))
                return &existing;
        return nullptr;
    };
    std::vector<mapped_assertion::team_target> teams;
    for (auto& target : assertion.teams) {
        if (auto const* spelling = stored_spelling(target.team))
            target.team = *spelling;
        bool const seen = std::any_of(teams.begin(), teams.end(), [&](mapped_assertion::team_target const& t) {
            return detail::iequals_ascii(t.team, target.team);
        });
        if (!seen)
            teams.push_back(std::move(target));
    }
    assertion.teams = std::move(teams);
}

// ---------------------------------------------------------------------------------
// Writing within ownership

struct planner {
    connection_policy const& policy;
    current_state const& state;
    mapped_assertion const& assertion;
    owner me;
    provisioning_plan& out;

    bool owned_by_me(std::optional<owner> const& o) const { return o && *o == me; }

    void plan_field(profile_field field, std::optional<stored_value> const& stored,
                    std::optional<std::string> const& wanted, update_mode mode, bool creating)
    {
        if (!wanted)
            return; // an absent attribute never clears a value
        if (!creating) {
            if (mode == update_mode::never)
                return;
            if (mode == update_mode::on_create && stored)
                return;
        }
        if (stored) {
            bool const same = field == profile_field::email
                ? detail::to_lower_ascii(stored->value) == detail::to_lower_ascii(*wanted)
                : stored->value == *wanted;
            if (same)
                return;
            if (stored->owned_by && !owned_by_me(stored->owned_by)) {
                out.conflicts.push_back({conflict_kind::profile, std::string(to_string(field)), *wanted,
                                         stored->value, stored->owned_by,
                                         std::string(to_string(field)) + " is owned by "
                                             + stored->owned_by->to_string() + "; the assertion's value was not written"});
                return;
            }
        }
        if (field == profile_field::email && !creating && holder_of_email()) {
            auto const& holder = holder_of_email()->user;
            out.conflicts.push_back({conflict_kind::profile, "email", *wanted, stored ? stored->value : std::string{},
                                     stored ? stored->owned_by : std::nullopt,
                                     "the email " + quoted(*wanted) + " belongs to another user (" + holder.id
                                         + "); the email was not changed"});
            return;
        }
        out.profile_changes.push_back({field, stored ? std::optional<std::string>(stored->value) : std::nullopt,
                                       *wanted, stored ? stored->owned_by : std::nullopt, me});
    }

    /// The other user holding the assertion's email, if the gateway found one.
    email_holder const* holder_of_email() const
    {
        // Without a bound user the holder is the link target itself, not a rival.
        if (!state.holder_of_email || !state.user)
            return nullptr;
        if (state.holder_of_email->user.id == state.user->id)
            return nullptr;
        return &*state.holder_of_email;
    }

    void plan_profile(user_state const& user, bool creating)
    {
        plan_field(profile_field::email, user.email, assertion.email, policy.email_update(), creating);
        auto const mode = policy.profile_update();
        plan_field(profile_field::given_name, user.given_name, assertion.given_name, mode, creating);
        plan_field(profile_field::family_name, user.family_name, assertion.family_name, mode, creating);
        plan_field(profile_field::display_name, user.display_name, assertion.display_name, mode, creating);
    }

    /// Whether this sign-in's role mapping writes for `user`.
    bool role_mapping_writes(user_state const& user, bool creating) const
    {
        if (creating)
            return true;
        auto const mode = policy.role_update();
        if (mode == update_mode::never)
            return false;
        bool const gap_only = mode == update_mode::on_create || !assertion.role_input_present;
        return !gap_only || user.roles.empty();
    }

    void plan_roles(user_state const& user, bool creating)
    {
        if (!role_mapping_writes(user, creating) || !assertion.role)
            return;
        auto const& wanted = *assertion.role;
        // Rows JIT does not own are never removed; one that differs blocks the write.
        bool blocked = false;
        for (auto const& grant : user.roles) {
            if (owned_by_me(grant.owned_by) || grant.role == wanted)
                continue;
            blocked = true;
            out.conflicts.push_back(
                {conflict_kind::role, "role", wanted, grant.role, grant.owned_by,
                 "role " + quoted(grant.role) + " is held from "
                     + (grant.owned_by ? grant.owned_by->to_string() : std::string("an unowned grant"))
                     + "; the assertion's role " + quoted(wanted) + " was not written"});
        }
        if (blocked)
            return;
        bool const held = std::any_of(user.roles.begin(), user.roles.end(),
                                      [&](role_grant const& g) { return g.role == wanted; });
        if (!held)
            out.roles_added.push_back({wanted, me});
        for (auto const& grant : user.roles)
            if (owned_by_me(grant.owned_by) && grant.role != wanted)
                out.roles_removed.push_back({grant.role, me});
    }

    void plan_teams(user_state const& user, bool creating)
    {
        auto const mode = policy.teams_update();
        if (!creating) {
            if (mode == update_mode::never)
                return;
            if (mode == update_mode::on_create && !user.teams.empty())
                return;
        }
        auto const member_of = [&](std::string_view team) {
            return std::any_of(user.teams.begin(), user.teams.end(),
                               [&](team_membership const& t) { return t.team == team; });
        };
        for (auto const& target : assertion.teams) {
            if (member_of(target.team))
                continue;
            bool const exists = state.existing_teams.contains(target.team);
            if (!exists && !policy.create_teams) {
                out.skipped.push_back(make_skip(target.source, target.attribute, target.value, skip_reason::team_unknown,
                                                "team " + quoted(target.team)
                                                    + " does not exist and jit.create_teams is off"));
                continue;
            }
            if (!exists && std::find(out.teams_created.begin(), out.teams_created.end(), target.team)
                               == out.teams_created.end())
                out.teams_created.push_back(target.team);
            out.memberships_added.push_back({target.team, me});
        }
        // Removal only in sync mode and only when the assertion said which groups it
        // grants: an absent groups attribute (Entra drops it above 150 groups) removes
        // nothing.
        if (policy.groups != group_mode::sync || !assertion.groups_present || creating)
            return;
        auto const wanted = [&](std::string_view team) {
            return std::any_of(assertion.teams.begin(), assertion.teams.end(),
                               [&](mapped_assertion::team_target const& t) { return t.team == team; });
        };
        for (auto const& membership : user.teams) {
            if (wanted(membership.team))
                continue;
            if (owned_by_me(membership.owned_by)) {
                out.memberships_removed.push_back({membership.team, me});
                continue;
            }
            out.conflicts.push_back(
                {conflict_kind::team, membership.team, {}, membership.team, membership.owned_by,
                 "the assertion does not grant team " + quoted(membership.team) + "; the membership is kept because "
                     + (membership.owned_by ? membership.owned_by->to_string() + " owns it"
                                            : std::string("JIT does not own it"))});
        }
    }

    void plan_values(user_state const& user, bool creating)
    {
        plan_profile(user, creating);
        plan_roles(user, creating);
        plan_teams(user, creating);
    }
};

provisioning_plan deny(provisioning_plan p, errc reason, std::string detail_text)
{
    p.decision = plan_decision::deny;
    p.denied = denial{reason, std::move(detail_text)};
    p.profile_changes.clear();
    p.roles_added.clear();
    p.roles_removed.clear();
    p.memberships_added.clear();
    p.memberships_removed.clear();
    p.teams_created.clear();
    p.conflicts.clear();
    p.skipped.clear();
    if (p.link && p.link->kind != link_kind::approval_requested)
        p.link.reset();
    return p;
}

std::string describe_identity(connection_policy const& policy, std::string_view subject)
{
    return policy.connection_id + " subject " + quoted(subject);
}

std::string describe_holder(email_holder const& holder)
{
    std::string text = "user " + holder.user.id;
    if (holder.identities.empty()) {
        text += " (no SSO identity";
    }
    else {
        text += " (signs in through ";
        for (std::size_t i = 0; i < holder.identities.size(); ++i) {
            if (i > 0)
                text += ", ";
            text += holder.identities[i].connection_id + " subject " + quoted(holder.identities[i].subject);
        }
    }
    if (holder.created_by)
        text += "; created by " + holder.created_by->to_string();
    return text + ")";
}

bool domain_is_verified(connection_policy const& policy, std::string_view email)
{
    auto const domain = detail::email_domain(email);
    return std::any_of(policy.verified_domains.begin(), policy.verified_domains.end(),
                       [&](std::string const& verified) { return detail::iequals_ascii(verified, domain); });
}

} // namespace

boost::system::result<lookup_keys> lookup_keys_for(identity const& id, connection_policy const& policy)
{
    auto outcome = resolve_subject(id, policy);
    if (!outcome.keys)
        return make_error_code(errc::subject_missing);
    outcome.keys->email = resolve_email(id, policy, nullptr);
    for (auto& target : map_assertion(id, policy).teams)
        outcome.keys->teams.push_back(std::move(target.team));
    return std::move(*outcome.keys);
}

provisioning_plan plan(identity const& id, current_state const& state, connection_policy const& policy, time_point now)
{
    provisioning_plan p;
    p.connection_id = policy.connection_id;
    p.at = now;

    auto subject = resolve_subject(id, policy);
    if (!subject.keys)
        return deny(std::move(p), errc::subject_missing, subject.problem);
    p.subject = subject.keys->subject;

    auto assertion = map_assertion(id, policy);
    adopt_stored_team_spelling(assertion, state);
    p.skipped = assertion.skipped;
    planner rules{policy, state, assertion, owner::jit(policy.connection_id), p};
    auto const who = describe_identity(policy, p.subject);

    auto const role_unmapped = [&] {
        return "no role maps for " + who + " and the connection has no jit.default_role";
    };

    // 1. A user bound to this identity (or matched by this connection's SCIM).
    if (state.user) {
        auto const& user = *state.user;
        p.user_id = user.id;
        p.email = user.email ? user.email->value : std::string{};
        if (!user.active)
            return deny(std::move(p), errc::user_inactive, "user " + user.id + " (" + who + ") is deactivated");
        if (state.matched_by != user_match::subject)
            p.link = link_action{link_kind::scim_match, user.id,
                                 "bind " + who + " to user " + user.id + ", provisioned by SCIM and matched by "
                                     + (state.matched_by == user_match::scim_external_id ? "externalId" : "userName")};
        if (policy.jit_enabled) {
            if (!assertion.role && user.roles.empty() && rules.role_mapping_writes(user, false))
                return deny(std::move(p), errc::role_unmapped, role_unmapped());
            rules.plan_values(user, false);
        }
        if (auto const* change = p.change_of(profile_field::email))
            p.email = change->after;
        p.decision = p.writes_rows() ? plan_decision::update : plan_decision::no_change;
        return p;
    }

    // 2. No user for this identity, but the email belongs to someone: the link policy.
    if (state.holder_of_email && assertion.email) {
        auto const& holder = *state.holder_of_email;
        auto const base = "email " + quoted(*assertion.email) + " asserted by " + who + " belongs to "
            + describe_holder(holder);
        p.user_id = holder.user.id;
        switch (policy.link) {
        case link_policy::deny:
            return deny(std::move(p), errc::link_denied, base + "; the connection's link policy is deny");
        case link_policy::admin_approval:
            p.link = link_action{link_kind::approval_requested, holder.user.id, base};
            return deny(std::move(p), errc::link_pending_approval,
                        base + "; the link waits for an administrator's approval");
        case link_policy::verified_domain: break;
        }
        bool const same_email = holder.user.email
            && detail::to_lower_ascii(holder.user.email->value) == detail::to_lower_ascii(*assertion.email);
        if (!domain_is_verified(policy, *assertion.email))
            return deny(std::move(p), errc::link_denied,
                        base + "; domain " + quoted(detail::email_domain(*assertion.email))
                            + " is not a verified domain of " + policy.connection_id);
        if (!same_email) // the gateway's lookup disagrees with the assertion: fail closed
            return deny(std::move(p), errc::link_denied, base + "; that user's stored email is not the asserted one");
        if (!holder.user.active)
            return deny(std::move(p), errc::user_inactive, base + "; that user is deactivated");
        p.email = holder.user.email->value;
        p.link = link_action{link_kind::verified_domain, holder.user.id, base};
        if (policy.jit_enabled) {
            if (!assertion.role && holder.user.roles.empty() && rules.role_mapping_writes(holder.user, false))
                return deny(std::move(p), errc::role_unmapped, role_unmapped());
            rules.plan_values(holder.user, false);
        }
        if (auto const* change = p.change_of(profile_field::email))
            p.email = change->after;
        p.decision = plan_decision::update;
        return p;
    }

    // 3. Nobody: create, if the connection provisions.
    if (!policy.jit_enabled)
        return deny(std::move(p), errc::jit_disabled,
                    "no user for " + who + " (email "
                        + (assertion.email ? quoted(*assertion.email) : std::string("unknown"))
                        + ") and JIT provisioning is off for " + policy.connection_id);
    if (!assertion.email)
        return deny(std::move(p), errc::email_missing,
                    "the assertion for " + who
                        + " carries no usable email attribute and its NameID is not an email address");
    if (!assertion.role)
        return deny(std::move(p), errc::role_unmapped, role_unmapped());
    rules.plan_values(user_state{}, true);
    p.email = *assertion.email;
    p.decision = plan_decision::create;
    return p;
}

} // namespace ssogate::jit
