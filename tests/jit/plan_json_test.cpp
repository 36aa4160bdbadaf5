#include <ssogate/jit/plan_json.hpp>

#include <ssogate/jit/planner.hpp>

#include "support/plan_summary.hpp"

#include <catch2/catch.hpp>

#include <boost/json/serialize.hpp>

namespace ssogate::jit {
namespace {

using namespace ssogate::jit::test;

TEST_CASE("to_iso8601 writes UTC seconds with a Z", "[jit][json]")
{
    CHECK(to_iso8601(now) == "2024-03-01T00:00:00Z");
    CHECK(to_iso8601(now + std::chrono::hours(13) + std::chrono::minutes(5) + std::chrono::milliseconds(7250))
          == "2024-03-01T13:05:07Z");
}

TEST_CASE("a conflict renders as the body of its provision.conflict event", "[jit][json]")
{
    conflict const c{conflict_kind::role, "role", "member", "editor", owner::scim("okta"), "kept"};
    CHECK(boost::json::serialize(boost::json::value_from(c))
          == R"({"kind":"role","item":"role","assertion_value":"member","stored_value":"editor",)"
             R"("stored_owner":"scim:okta","detail":"kept"})");
}

TEST_CASE("a field change renders null for an unset before value and owner", "[jit][json]")
{
    field_change const c{profile_field::email, std::nullopt, "alice@acme.com", std::nullopt, owner::jit("okta")};
    CHECK(boost::json::serialize(boost::json::value_from(c))
          == R"({"field":"email","before":null,"after":"alice@acme.com","owner_before":null,"owner_after":"jit:okta"})");
}

TEST_CASE("a denied plan renders its reason code, message and detail", "[jit][json]")
{
    auto policy = okta_policy();
    policy.jit_enabled = false;
    auto const p = plan(alice(alice_profile()), with_teams(), policy, now);
    auto const json = boost::json::value_from(p).as_object();
    CHECK(json.at("decision") == "deny");
    CHECK(json.at("denied").at("reason") == "jit_disabled");
    CHECK(json.at("denied").at("message").as_string() == make_error_code(errc::jit_disabled).message().c_str());
    CHECK(json.at("user_id").is_null());
    CHECK(json.at("at") == "2024-03-01T00:00:00Z");
}

TEST_CASE("a created user's plan lists every row change", "[jit][json]")
{
    auto const p = plan(alice(profile_and_groups({"acme:Research"})), with_teams(), okta_policy(), now);
    auto const json = boost::json::value_from(p).as_object();
    CHECK(json.at("decision") == "create");
    CHECK(json.at("profile_changes").as_array().size() == 3);
    CHECK(json.at("teams_created") == boost::json::array{"Research"});
    CHECK(json.at("roles_added").at(0).at("owner") == "jit:okta");
    CHECK(json.at("memberships_added").at(0).at("team") == "Research");
}

} // namespace
} // namespace ssogate::jit
