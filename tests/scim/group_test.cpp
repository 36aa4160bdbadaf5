#include <ssogate/scim/group.hpp>

#include <catch2/catch.hpp>

#include <ssogate/scim/projection.hpp>

#include <boost/json/parse.hpp>

using namespace ssogate::scim;
namespace json = boost::json;

namespace {

resource_meta meta_for(std::string id)
{
    resource_meta m;
    m.id = std::move(id);
    return m;
}

} // namespace

TEST_CASE("parse_group reads the group Okta and Entra create", "[scim][group]")
{
    auto const g = parse_group(json::parse(R"({
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
      "displayName": "Engineering",
      "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
      "members": [{"value": "u-1", "display": "alice@example.com"}, {"value": "u-2", "type": "user"},
                  {"value": "u-1"}]
    })"));
    REQUIRE(g.has_value());
    CHECK(g->display_name == "Engineering");
    CHECK(g->external_id == "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159");
    std::vector<ssogate::scim::group_member> const expected{{"u-1", "alice@example.com", ""}, {"u-2", "", "User"}};
    CHECK(g->members == expected);
}

TEST_CASE("parse_group accepts a group with no members", "[scim][group]")
{
    auto const g = parse_group(json::parse(R"({"displayName":"Empty","members":[]})"));
    REQUIRE(g.has_value());
    CHECK(g->members.empty());
}

TEST_CASE("parse_group refuses a group without displayName", "[scim][group][reject]")
{
    CHECK(parse_group(json::parse(R"({"members":[]})")).error().scim_type == "invalidValue");
    CHECK(parse_group(json::parse(R"({"displayName":""})")).error().scim_type == "invalidValue");
}

TEST_CASE("parse_group refuses a member without value or with an unknown type", "[scim][group][reject]")
{
    CHECK(parse_group(json::parse(R"({"displayName":"g","members":[{"display":"x"}]})")).error().scim_type ==
          "invalidValue");
    CHECK(parse_group(json::parse(R"({"displayName":"g","members":[{"value":"x","type":"Robot"}]})"))
              .error()
              .scim_type == "invalidValue");
}

TEST_CASE("render_group writes members with $ref and meta, and excludedAttributes=members drops them",
          "[scim][group]")
{
    group g{"Engineering", "", {{"u-1", "alice", ""}, {"g-2", "", "Group"}}};
    auto const j = render_group(g, meta_for("g-1"), "https://h/scim/v2/entra");
    CHECK(j.at("members") == json::parse(R"([
      {"value":"u-1","$ref":"https://h/scim/v2/entra/Users/u-1","type":"User","display":"alice"},
      {"value":"g-2","$ref":"https://h/scim/v2/entra/Groups/g-2","type":"Group"}])"));
    CHECK(j.at("meta").at("location") == "https://h/scim/v2/entra/Groups/g-1");
    auto const p = parse_projection(std::nullopt, "members");
    REQUIRE(p.has_value());
    auto const slim = apply_projection(j, *p, group_resource_type());
    CHECK_FALSE(slim.contains("members"));
    CHECK(slim.at("displayName") == "Engineering");
    CHECK(slim.at("id") == "g-1");
}

TEST_CASE("a rendered group parses back to the same group", "[scim][group]")
{
    group g{"Engineering", "ext", {{"u-1", "alice", "User"}, {"g-2", "", "Group"}}};
    auto const again = parse_group(render_group(g, meta_for("g-1"), "https://h/scim/v2/c"));
    REQUIRE(again.has_value());
    CHECK(*again == g);
}
