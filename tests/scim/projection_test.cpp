#include <ssogate/scim/projection.hpp>

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

using namespace ssogate::scim;
namespace json = boost::json;

namespace {

json::object alice()
{
    return json::parse(R"({
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
      "id": "u-1", "userName": "alice", "displayName": "Alice",
      "name": {"givenName": "Alice", "familyName": "Smith"},
      "emails": [{"value": "a@x.io", "type": "work"}, {"value": "b@y.io", "type": "home"}],
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Ops", "employeeNumber": "7"},
      "meta": {"resourceType": "User"}
    })").as_object();
}

json::object project(std::optional<std::string_view> attributes, std::optional<std::string_view> excluded)
{
    auto p = parse_projection(attributes, excluded);
    REQUIRE(p.has_value());
    return apply_projection(alice(), *p, user_resource_type());
}

} // namespace

TEST_CASE("attributes returns only the named attributes plus schemas and id", "[scim][projection]")
{
    CHECK(project("userName, NAME.givenName,emails.value", std::nullopt) == json::parse(R"({
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
      "id": "u-1", "userName": "alice", "name": {"givenName": "Alice"},
      "emails": [{"value": "a@x.io"}, {"value": "b@y.io"}]})"));
}

TEST_CASE("attributes reaches extension attributes by URN and the whole extension by its URN", "[scim][projection]")
{
    auto const one = project("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", std::nullopt);
    CHECK(one.at("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User") ==
          json::parse(R"({"department":"Ops"})"));
    auto const all = project("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", std::nullopt);
    CHECK(all.at("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User").as_object().size() == 2);
}

TEST_CASE("excludedAttributes drops the named attributes but never id or schemas", "[scim][projection]")
{
    auto const j = project(std::nullopt, "emails,name.familyName,id,schemas,meta");
    CHECK_FALSE(j.contains("emails"));
    CHECK_FALSE(j.contains("meta"));
    CHECK(j.at("name") == json::parse(R"({"givenName":"Alice"})"));
    CHECK(j.at("id") == "u-1");
    CHECK(j.contains("schemas"));
}

TEST_CASE("no projection returns the resource unchanged", "[scim][projection]")
{
    CHECK(project(std::nullopt, std::nullopt) == alice());
    CHECK(project("", "") == alice());
}

TEST_CASE("a malformed attribute name in a projection is invalidPath", "[scim][projection][reject]")
{
    auto p = parse_projection("userName,1bad", std::nullopt);
    REQUIRE_FALSE(p.has_value());
    CHECK(p.error().scim_type == "invalidPath");
}
