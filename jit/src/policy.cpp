#include <ssogate/jit/policy.hpp>

#include <ssogate/jit/owner.hpp>

#include "text.hpp"

#include <algorithm>

namespace ssogate::jit {
namespace {

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string role_list(std::vector<std::string> const& roles)
{
    std::string out;
    for (auto const& r : roles) {
        if (!out.empty())
            out += ", ";
        out += r;
    }
    return out;
}

bool is_usable_name(std::string_view name)
{
    return !name.empty() && name.size() <= max_group_value_bytes && !detail::has_control_characters(name)
        && !detail::has_surrounding_space(name) && detail::is_valid_utf8(name);
}

bool is_role(connection_policy const& p, std::string_view role)
{
    return std::find(p.roles.begin(), p.roles.end(), role) != p.roles.end();
}

} // namespace

std::string_view to_string(update_mode m) noexcept
{
    switch (m) {
    case update_mode::each_login: return "each_login";
    case update_mode::on_create: return "on_create";
    case update_mode::never: return "never";
    }
    return "invalid";
}

std::string_view to_string(group_mode m) noexcept
{
    switch (m) {
    case group_mode::off: return "off";
    case group_mode::merge: return "merge";
    case group_mode::sync: return "sync";
    }
    return "invalid";
}

std::string_view to_string(link_policy p) noexcept
{
    switch (p) {
    case link_policy::deny: return "deny";
    case link_policy::verified_domain: return "verified_domain";
    case link_policy::admin_approval: return "admin_approval";
    }
    return "invalid";
}

std::optional<update_mode> parse_update_mode(std::string_view text) noexcept
{
    for (auto m : {update_mode::each_login, update_mode::on_create, update_mode::never})
        if (text == to_string(m))
            return m;
    return std::nullopt;
}

std::optional<group_mode> parse_group_mode(std::string_view text) noexcept
{
    for (auto m : {group_mode::off, group_mode::merge, group_mode::sync})
        if (text == to_string(m))
            return m;
    return std::nullopt;
}

std::optional<link_policy> parse_link_policy(std::string_view text) noexcept
{
    for (auto p : {link_policy::deny, link_policy::verified_domain, link_policy::admin_approval})
        if (text == to_string(p))
            return p;
    return std::nullopt;
}

std::optional<std::string> find_policy_problem(connection_policy const& p)
{
    if (!is_valid_connection_id(p.connection_id))
        return "the connection id must be 1 to 64 characters from A-Z a-z 0-9 . _ - (got " + quoted(p.connection_id)
            + ")";
    if (p.roles.empty())
        return std::string("jit.roles must name at least one role");
    for (std::size_t i = 0; i < p.roles.size(); ++i) {
        if (!is_usable_name(p.roles[i]))
            return "jit.roles has an unusable role name " + quoted(p.roles[i]);
        if (std::find(p.roles.begin(), p.roles.begin() + static_cast<std::ptrdiff_t>(i), p.roles[i])
            != p.roles.begin() + static_cast<std::ptrdiff_t>(i))
            return "jit.roles names " + quoted(p.roles[i]) + " twice";
    }
    auto const not_a_role = [&](std::string_view key, std::string_view role) {
        return std::string(key) + " must be one of " + role_list(p.roles) + " (got " + quoted(role) + ")";
    };
    if (p.default_role && !is_role(p, *p.default_role))
        return not_a_role("jit.default_role", *p.default_role);
    for (auto const& rule : p.role_values) {
        if (rule.value.empty())
            return std::string("jit.role_values has an empty attribute value");
        if (!is_role(p, rule.role))
            return not_a_role("jit.role_values." + rule.value, rule.role);
    }
    for (auto const& rule : p.group_roles) {
        if (rule.group.empty())
            return std::string("jit.group_roles has an empty group");
        if (!is_role(p, rule.role))
            return not_a_role("jit.group_roles." + rule.group, rule.role);
    }
    for (auto const& rule : p.group_teams) {
        if (rule.group.empty())
            return std::string("jit.group_teams has an empty group");
        if (!is_usable_name(rule.team))
            return "jit.group_teams." + rule.group + " is not a usable team name (got " + quoted(rule.team) + ")";
    }
    if (p.team_organization
        && (!is_usable_name(*p.team_organization) || p.team_organization->find(':') != std::string::npos))
        return "jit.team_organization must be a non-empty name without ':' (got " + quoted(*p.team_organization)
            + ")";
    if (p.default_team && !is_usable_name(*p.default_team))
        return "jit.default_team is not a usable team name (got " + quoted(*p.default_team) + ")";
    for (auto const& domain : p.verified_domains) {
        if (domain.empty() || domain.find('@') != std::string::npos || domain.find('.') == std::string::npos
            || !is_usable_name(domain) || domain.find(' ') != std::string::npos)
            return "verified_domains must hold bare domain names such as example.com (got " + quoted(domain) + ")";
    }
    return std::nullopt;
}

} // namespace ssogate::jit
