#include <ssogate/jit/plan.hpp>

#include <catch2/catch.hpp>

namespace ssogate::jit {
namespace {

using actions = std::vector<std::string_view>;

TEST_CASE("a denied plan implies one sso.login.denied event and writes no rows", "[jit][plan]")
{
    provisioning_plan p;
    p.decision = plan_decision::deny;
    p.denied = denial{errc::link_pending_approval, "queued"};
    p.link = link_action{link_kind::approval_requested, "u-9", "queued"};
    CHECK(audit_actions(p) == actions{"sso.login.denied"});
    CHECK_FALSE(p.writes_rows());
}

TEST_CASE("a created user implies jit.user.created, then its conflicts and skips", "[jit][plan]")
{
    provisioning_plan p;
    p.decision = plan_decision::create;
    p.skipped.push_back({skip_source::group, "groups", "", skip_reason::empty, "the value is empty"});
    CHECK(audit_actions(p) == actions{"jit.user.created", "provision.skipped"});
    CHECK(p.writes_rows());
}

TEST_CASE("a linked user with changes implies jit.user.linked then jit.user.updated", "[jit][plan]")
{
    provisioning_plan p;
    p.decision = plan_decision::update;
    p.link = link_action{link_kind::verified_domain, "u-9", ""};
    p.roles_added.push_back({"member", owner::jit("okta")});
    p.conflicts.push_back({conflict_kind::role, "role", "member", "editor", owner::scim("okta"), ""});
    CHECK(audit_actions(p) == actions{"jit.user.linked", "jit.user.updated", "provision.conflict"});
    CHECK(p.writes_rows());
}

TEST_CASE("an unchanged sign-in implies only its conflict events", "[jit][plan]")
{
    provisioning_plan p;
    p.conflicts.push_back({conflict_kind::profile, "given_name", "Alice", "Ally", owner::scim("okta"), ""});
    CHECK(audit_actions(p) == actions{"provision.conflict"});
    CHECK_FALSE(p.writes_rows());
}

TEST_CASE("change_of finds the change of one profile field", "[jit][plan]")
{
    provisioning_plan p;
    p.profile_changes.push_back({profile_field::email, "a@acme.com", "b@acme.com", owner::jit("okta"), owner::jit("okta")});
    REQUIRE(p.change_of(profile_field::email));
    CHECK(p.change_of(profile_field::email)->after == "b@acme.com");
    CHECK_FALSE(p.change_of(profile_field::given_name));
}

TEST_CASE("plan enumerations print stable names", "[jit][plan]")
{
    CHECK(to_string(plan_decision::no_change) == "no_change");
    CHECK(to_string(profile_field::display_name) == "display_name");
    CHECK(to_string(link_kind::approval_requested) == "approval_requested");
    CHECK(to_string(conflict_kind::team) == "team");
    CHECK(to_string(skip_source::role_value) == "role_value");
    CHECK(to_string(skip_reason::bad_team_shape) == "bad_team_shape");
}

} // namespace
} // namespace ssogate::jit
