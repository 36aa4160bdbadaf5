#include <ssogate/jit/policy.hpp>

#include <catch2/catch.hpp>

#include <algorithm>

namespace ssogate::jit {
namespace {

connection_policy valid_policy()
{
    connection_policy p;
    p.connection_id = "okta";
    return p;
}

TEST_CASE("policy modes parse their exact config spellings and print them back", "[jit][policy]")
{
    for (auto m : {update_mode::each_login, update_mode::on_create, update_mode::never})
        CHECK(parse_update_mode(to_string(m)) == m);
    for (auto m : {group_mode::off, group_mode::merge, group_mode::sync})
        CHECK(parse_group_mode(to_string(m)) == m);
    for (auto l : {link_policy::deny, link_policy::verified_domain, link_policy::admin_approval})
        CHECK(parse_link_policy(to_string(l)) == l);
    CHECK_FALSE(parse_update_mode("always"));
    CHECK_FALSE(parse_update_mode("Each_Login"));
    CHECK_FALSE(parse_group_mode(""));
    CHECK_FALSE(parse_link_policy("email"));
}

TEST_CASE("policy defaults follow DESIGN.md", "[jit][policy]")
{
    connection_policy const p;
    CHECK(p.jit_enabled);
    CHECK(p.update == update_mode::each_login);
    CHECK(p.link == link_policy::deny);
    CHECK_FALSE(p.create_teams);
    CHECK(p.roles == std::vector<std::string>{"member", "editor", "owner"});
    CHECK(p.default_role == "member");
    CHECK(p.attributes.subject.empty());
    auto const has = [](std::vector<std::string> const& names, std::string const& name) {
        return std::find(names.begin(), names.end(), name) != names.end();
    };
    CHECK(has(p.attributes.email, "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"));
    CHECK(has(p.attributes.email, "urn:oid:0.9.2342.19200300.100.1.3"));
    CHECK(has(p.attributes.groups, "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"));
    CHECK(has(p.attributes.groups, "http://schemas.xmlsoap.org/claims/Group"));
    CHECK(has(p.attributes.role, "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"));
}

TEST_CASE("a mapping override replaces the connection's update mode for that mapping only", "[jit][policy]")
{
    auto p = valid_policy();
    p.overrides.role = update_mode::on_create;
    CHECK(p.role_update() == update_mode::on_create);
    CHECK(p.profile_update() == update_mode::each_login);
    CHECK(p.email_update() == update_mode::each_login);
    CHECK(p.teams_update() == update_mode::each_login);
}

TEST_CASE("find_policy_problem accepts the defaults", "[jit][policy]")
{
    CHECK_FALSE(find_policy_problem(valid_policy()));
}

TEST_CASE("find_policy_problem names the key of an inconsistent policy", "[jit][policy]")
{
    auto p = valid_policy();
    SECTION("a default role outside the role set")
    {
        p.default_role = "admin";
        CHECK(find_policy_problem(p) == "jit.default_role must be one of member, editor, owner (got \"admin\")");
    }
    SECTION("a role rule naming an unknown role")
    {
        p.group_roles = {{"eng", "superuser"}};
        CHECK(find_policy_problem(p)->starts_with("jit.group_roles.eng must be one of"));
    }
    SECTION("a role listed twice")
    {
        p.roles = {"member", "owner", "member"};
        CHECK(find_policy_problem(p) == "jit.roles names \"member\" twice");
    }
    SECTION("an organization with a colon")
    {
        p.team_organization = "acme:eu";
        CHECK(find_policy_problem(p)->starts_with("jit.team_organization"));
    }
    SECTION("a verified domain that is an email")
    {
        p.verified_domains = {"alice@acme.com"};
        CHECK(find_policy_problem(p)->starts_with("verified_domains"));
    }
    SECTION("a connection id that cannot appear in an owner")
    {
        p.connection_id = "okta main";
        CHECK(find_policy_problem(p)->starts_with("the connection id"));
    }
}

} // namespace
} // namespace ssogate::jit
