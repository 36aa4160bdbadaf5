#include "plan_summary.hpp"

namespace ssogate::jit::test {
namespace {

std::string q(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string owner_text(std::optional<owner> const& o) { return o ? o->to_string() : std::string("unowned"); }

std::optional<owner> owner_from(std::string const& text)
{
    if (text.empty())
        return std::nullopt;
    return owner::parse(text).value();
}

} // namespace

std::vector<std::string> changes(provisioning_plan const& p)
{
    std::vector<std::string> lines;
    if (p.link)
        lines.push_back("link " + std::string(to_string(p.link->kind)) + " " + p.link->user_id);
    for (auto const& c : p.profile_changes) {
        auto line = "set " + std::string(to_string(c.field)) + " ";
        line += c.before ? q(*c.before) + " (" + owner_text(c.owner_before) + ")" : std::string("-");
        line += " -> " + q(c.after) + " (" + c.owner_after.to_string() + ")";
        lines.push_back(line);
    }
    for (auto const& t : p.teams_created)
        lines.push_back("create team " + t);
    for (auto const& r : p.roles_added)
        lines.push_back("+role " + r.role + " (" + r.owned_by.to_string() + ")");
    for (auto const& r : p.roles_removed)
        lines.push_back("-role " + r.role + " (" + r.owned_by.to_string() + ")");
    for (auto const& m : p.memberships_added)
        lines.push_back("+team " + m.team + " (" + m.owned_by.to_string() + ")");
    for (auto const& m : p.memberships_removed)
        lines.push_back("-team " + m.team + " (" + m.owned_by.to_string() + ")");
    return lines;
}

std::vector<std::string> records(provisioning_plan const& p)
{
    std::vector<std::string> lines;
    for (auto const& c : p.conflicts)
        lines.push_back("conflict " + std::string(to_string(c.kind)) + " " + c.item + ": assertion "
                        + q(c.assertion_value) + ", stored " + q(c.stored_value) + " ("
                        + owner_text(c.stored_owner) + ")");
    for (auto const& s : p.skipped)
        lines.push_back("skipped " + std::string(to_string(s.source)) + " " + q(s.value) + " "
                        + std::string(to_string(s.reason)));
    return lines;
}

std::string outcome(provisioning_plan const& p)
{
    auto text = std::string(to_string(p.decision));
    if (p.denied)
        text += " " + std::string(to_reason_code(p.denied->reason));
    return text;
}

assertion_attribute attr(std::string name, std::vector<std::string> values)
{
    return {std::move(name), std::move(values)};
}

identity alice(std::vector<assertion_attribute> attributes)
{
    return {"okta", {"00u1", std::string(nameid_format_persistent)}, std::move(attributes)};
}

std::vector<assertion_attribute> alice_profile()
{
    return {attr("email", {"alice@acme.com"}), attr("firstName", {"Alice"}), attr("lastName", {"Liddell"})};
}

std::vector<assertion_attribute> profile_and_role(std::string role)
{
    auto attributes = alice_profile();
    attributes.push_back(attr("role", {std::move(role)}));
    return attributes;
}

std::vector<assertion_attribute> profile_and_groups(std::vector<std::string> groups)
{
    auto attributes = alice_profile();
    attributes.push_back(attr("groups", std::move(groups)));
    return attributes;
}

identity alice_changed_name()
{
    return alice({attr("email", {"alice@acme.com"}), attr("firstName", {"Alicia"}), attr("lastName", {"Liddell"})});
}

stored_value stored(std::string value, std::string const& owner_text_)
{
    return {std::move(value), owner_from(owner_text_), earlier};
}

role_grant grant(std::string role, std::string const& owner_text_)
{
    return {std::move(role), owner_from(owner_text_), earlier};
}

team_membership member(std::string team, std::string const& owner_text_)
{
    return {std::move(team), owner_from(owner_text_), earlier};
}

user_state stored_alice()
{
    user_state u;
    u.id = "u-1";
    u.email = stored("alice@acme.com", "jit:okta");
    u.given_name = stored("Alice", "jit:okta");
    u.family_name = stored("Liddell", "jit:okta");
    u.roles = {grant("member", "jit:okta")};
    u.teams = {member("Engineering", "jit:okta")};
    return u;
}

connection_policy okta_policy()
{
    connection_policy p;
    p.connection_id = "okta";
    p.group_teams = {{"eng-all", "Engineering"}};
    p.team_organization = "acme";
    p.role_values = {{"Editor", "editor"}};
    p.group_roles = {{"acme:Admins", "owner"}};
    p.create_teams = true;
    p.verified_domains = {"ACME.com"};
    return p;
}

current_state with_teams(std::optional<user_state> user)
{
    current_state s;
    s.user = std::move(user);
    s.existing_teams = {"Engineering", "Payments", "Board"};
    return s;
}

} // namespace ssogate::jit::test
