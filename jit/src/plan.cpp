#include <ssogate/jit/plan.hpp>

namespace ssogate::jit {

bool provisioning_plan::writes_rows() const noexcept
{
    if (decision == plan_decision::deny)
        return false;
    if (decision == plan_decision::create)
        return true;
    bool const binds = link && link->kind != link_kind::approval_requested;
    return binds || !profile_changes.empty() || !roles_added.empty() || !roles_removed.empty()
        || !memberships_added.empty() || !memberships_removed.empty() || !teams_created.empty();
}

field_change const* provisioning_plan::change_of(profile_field field) const noexcept
{
    for (auto const& change : profile_changes)
        if (change.field == field)
            return &change;
    return nullptr;
}

std::vector<std::string_view> audit_actions(provisioning_plan const& p)
{
    std::vector<std::string_view> actions;
    switch (p.decision) {
    case plan_decision::deny: actions.emplace_back("sso.login.denied"); break;
    case plan_decision::create: actions.emplace_back("jit.user.created"); break;
    case plan_decision::update:
    case plan_decision::no_change: {
        bool const binds = p.link && p.link->kind != link_kind::approval_requested;
        if (binds)
            actions.emplace_back("jit.user.linked");
        bool const changes = !p.profile_changes.empty() || !p.roles_added.empty() || !p.roles_removed.empty()
            || !p.memberships_added.empty() || !p.memberships_removed.empty() || !p.teams_created.empty();
        if (changes)
            actions.emplace_back("jit.user.updated");
        break;
    }
    }
    actions.insert(actions.end(), p.conflicts.size(), "provision.conflict");
    actions.insert(actions.end(), p.skipped.size(), "provision.skipped");
    return actions;
}

std::string_view to_string(plan_decision d) noexcept
{
    switch (d) {
    case plan_decision::create: return "create";
    case plan_decision::update: return "update";
    case plan_decision::no_change: return "no_change";
    case plan_decision::deny: return "deny";
    }
    return "invalid";
}

std::string_view to_string(profile_field f) noexcept
{
    switch (f) {
    case profile_field::email: return "email";
    case profile_field::given_name: return "given_name";
    case profile_field::family_name: return "family_name";
    case profile_field::display_name: return "display_name";
    }
    return "invalid";
}

std::string_view to_string(link_kind k) noexcept
{
    switch (k) {
    case link_kind::verified_domain: return "verified_domain";
    case link_kind::scim_match: return "scim_match";
    case link_kind::approval_requested: return "approval_requested";
    }
    return "invalid";
}

std::string_view to_string(conflict_kind k) noexcept
{
    switch (k) {
    case conflict_kind::profile: return "profile";
    case conflict_kind::role: return "role";
    case conflict_kind::team: return "team";
    }
    return "invalid";
}

std::string_view to_string(skip_source s) noexcept
{
    switch (s) {
    case skip_source::profile_attribute: return "profile_attribute";
    case skip_source::group: return "group";
    case skip_source::role_value: return "role_value";
    case skip_source::default_team: return "default_team";
    }
    return "invalid";
}

std::string_view to_string(skip_reason r) noexcept
{
    switch (r) {
    case skip_reason::empty: return "empty";
    case skip_reason::control_characters: return "control_characters";
    case skip_reason::invalid_utf8: return "invalid_utf8";
    case skip_reason::surrounding_space: return "surrounding_space";
    case skip_reason::too_long: return "too_long";
    case skip_reason::not_an_email: return "not_an_email";
    case skip_reason::extra_value: return "extra_value";
    case skip_reason::bad_team_shape: return "bad_team_shape";
    case skip_reason::team_unknown: return "team_unknown";
    case skip_reason::role_unknown: return "role_unknown";
    }
    return "invalid";
}

} // namespace ssogate::jit
