#include <ssogate/scim/patch.hpp>

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <string>

using namespace ssogate::scim;
namespace json = boost::json;

namespace {

json::object user()
{
    return json::parse(R"({
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
      "id": "u-1",
      "externalId": "00u1",
      "userName": "alice@example.com",
      "name": {"givenName": "Alice", "familyName": "Smith"},
      "displayName": "Alice Smith",
      "active": true,
      "emails": [{"value": "alice@example.com", "type": "work", "primary": true}],
      "meta": {"resourceType": "User", "created": "2024-01-01T00:00:00Z"}
    })").as_object();
}

json::object group()
{
    return json::parse(R"({
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
      "id": "g-1",
      "displayName": "Engineering",
      "members": [{"value": "u-1", "display": "alice"}, {"value": "u-2"}, {"value": "u-3"}]
    })").as_object();
}

json::object patched(json::object const& resource, std::string_view body,
                     resource_type_def const& type = user_resource_type())
{
    auto r = apply_patch(resource, json::parse(body), type);
    if (!r)
        FAIL(r.error().detail);
    return *r;
}

scim_error refused(json::object const& resource, std::string_view body,
                   resource_type_def const& type = user_resource_type())
{
    auto r = apply_patch(resource, json::parse(body), type);
    REQUIRE_FALSE(r.has_value());
    return r.error();
}

std::string op(std::string_view ops)
{
    return R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[)" + std::string(ops) + "]}";
}

json::array member_ids(json::object const& g)
{
    json::array ids;
    if (auto const* m = g.if_contains("members"))
        for (auto const& e : m->as_array())
            ids.push_back(e.at("value"));
    return ids;
}

} // namespace

// --- paths -------------------------------------------------------------------------------

TEST_CASE("parse_patch_path reads attribute, value filter and sub-attribute", "[scim][patch]")
{
    auto p = parse_patch_path(R"(emails[type eq "work"].value)");
    REQUIRE(p.has_value());
    CHECK(p->attribute.attribute == "emails");
    REQUIRE(p->value_filter);
    CHECK(to_string(*p->value_filter) == R"(type eq "work")");
    CHECK(p->sub_attribute == "value");
    auto q = parse_patch_path("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value");
    REQUIRE(q.has_value());
    CHECK(q->attribute.schema == "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");
    CHECK(q->attribute.attribute == "manager");
    CHECK(q->attribute.sub_attribute == "value");
}

TEST_CASE("a malformed PATCH path is invalidPath naming the position", "[scim][patch][reject]")
{
    for (auto const* text : {"emails[type eq \"work\"", "emails[type eq]", "name..givenName", "emails]",
                             "emails[type eq \"work\"]value", "1abc", "name.givenName[type eq \"x\"]"}) {
        INFO(text);
        auto p = parse_patch_path(text);
        REQUIRE_FALSE(p.has_value());
        CHECK(p.error().scim_type == "invalidPath");
    }
    CHECK(parse_patch_path("emails[type eq]").error().detail.find("position") != std::string::npos);
}

// --- Okta --------------------------------------------------------------------------------

TEST_CASE("Okta deactivates a user with replace and no path", "[scim][patch][okta]")
{
    auto const out = patched(user(),
        R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]})");
    CHECK(out.at("active") == false);
    CHECK(out.at("userName") == "alice@example.com");
}

TEST_CASE("Okta reactivates a user with replace and no path", "[scim][patch][okta]")
{
    auto u = user();
    u["active"] = false;
    CHECK(patched(u, op(R"({"op":"replace","value":{"active":true}})")).at("active") == true);
}

TEST_CASE("Okta's password in a no-path replace is accepted and never stored", "[scim][patch][okta]")
{
    auto const out = patched(user(), op(R"({"op":"replace","value":{"password":"Hunter2!","active":true}})"));
    CHECK_FALSE(out.contains("password"));
    auto const with_path = patched(user(), op(R"({"op":"replace","path":"password","value":"Hunter2!"})"));
    CHECK_FALSE(with_path.contains("password"));
}

TEST_CASE("Okta renames a group with a no-path replace that carries the group's id", "[scim][patch][okta]")
{
    auto const out = patched(group(),
        op(R"({"op":"replace","value":{"id":"g-1","displayName":"Platform"}})"), group_resource_type());
    CHECK(out.at("displayName") == "Platform");
    CHECK(out.at("id") == "g-1");
}

TEST_CASE("Okta adds a member with its display name", "[scim][patch][okta]")
{
    auto const out = patched(group(),
        op(R"({"op":"add","path":"members","value":[{"value":"u-9","display":"zoe@example.com"}]})"),
        group_resource_type());
    CHECK(member_ids(out) == json::array{"u-1", "u-2", "u-3", "u-9"});
    CHECK(out.at("members").as_array().back().at("display") == "zoe@example.com");
}

TEST_CASE("Okta removes a member with a value filter path", "[scim][patch][okta]")
{
    auto const out =
        patched(group(), op(R"({"op":"remove","path":"members[value eq \"u-2\"]"})"), group_resource_type());
    CHECK(member_ids(out) == json::array{"u-1", "u-3"});
}

// --- Microsoft Entra ---------------------------------------------------------------------

TEST_CASE("Entra deactivates with op Replace and the boolean as the string False", "[scim][patch][entra]")
{
    auto const out = patched(user(), op(R"({"op":"Replace","path":"active","value":"False"})"));
    CHECK(out.at("active") == false);
    CHECK(patched(out, op(R"({"op":"Replace","path":"active","value":"True"})")).at("active") == true);
}

TEST_CASE("Entra adds members with op Add and a value list", "[scim][patch][entra]")
{
    auto const out = patched(group(),
        op(R"({"op":"Add","path":"members","value":[{"value":"u-4"},{"value":"u-5"},{"value":"u-1"}]})"),
        group_resource_type());
    CHECK(member_ids(out) == json::array{"u-1", "u-2", "u-3", "u-4", "u-5"});
}

TEST_CASE("Entra's Remove members with a value list removes only the listed members", "[scim][patch][entra]")
{
    auto const out = patched(group(),
        op(R"({"op":"Remove","path":"members","value":[{"value":"u-1"},{"value":"u-3"}]})"), group_resource_type());
    CHECK(member_ids(out) == json::array{"u-2"});
}

TEST_CASE("Entra removes a member with members[value eq id]", "[scim][patch][entra]")
{
    auto const out =
        patched(group(), op(R"({"op":"Remove","path":"members[value eq \"u-1\"]"})"), group_resource_type());
    CHECK(member_ids(out) == json::array{"u-2", "u-3"});
}

TEST_CASE("removing a member that is not in the group succeeds and changes nothing", "[scim][patch][entra]")
{
    auto const g = group();
    CHECK(patched(g, op(R"({"op":"Remove","path":"members","value":[{"value":"nobody"}]})"), group_resource_type()) ==
          g);
    CHECK(patched(g, op(R"({"op":"Remove","path":"members[value eq \"nobody\"]"})"), group_resource_type()) == g);
}

TEST_CASE("removing the last member drops the members attribute", "[scim][patch]")
{
    auto const out = patched(group(), op(R"({"op":"Remove","path":"members","value":[{"value":"u-1"},{"value":"u-2"},{"value":"u-3"}]})"),
                             group_resource_type());
    CHECK_FALSE(out.contains("members"));
}

TEST_CASE("Entra renames a group with Replace displayName", "[scim][patch][entra]")
{
    auto const out =
        patched(group(), op(R"({"op":"Replace","path":"displayName","value":"Platform"})"), group_resource_type());
    CHECK(out.at("displayName") == "Platform");
}

TEST_CASE("Entra replaces the work email through emails[type eq \"work\"].value", "[scim][patch][entra]")
{
    auto const out =
        patched(user(), op(R"({"op":"Replace","path":"emails[type eq \"work\"].value","value":"alice@new.example"})"));
    auto const& emails = out.at("emails").as_array();
    REQUIRE(emails.size() == 1);
    CHECK(emails[0].at("value") == "alice@new.example");
    CHECK(emails[0].at("type") == "work");
    CHECK(emails[0].at("primary") == true);
}

TEST_CASE("a value-filter add or replace that matches nothing creates the element", "[scim][patch][entra]")
{
    auto const out =
        patched(user(), op(R"({"op":"Add","path":"emails[type eq \"home\"].value","value":"alice@home.example"})"));
    auto const& emails = out.at("emails").as_array();
    REQUIRE(emails.size() == 2);
    CHECK(emails[1] == json::parse(R"({"type":"home","value":"alice@home.example"})"));

    auto u = user();
    u.erase("emails");
    auto const created = patched(u, op(R"({"op":"Replace","path":"phoneNumbers[type eq \"mobile\" and primary eq true].value","value":"+1 555 0100"})"));
    CHECK(created.at("phoneNumbers") ==
          json::parse(R"([{"type":"mobile","primary":true,"value":"+1 555 0100"}])"));
}

TEST_CASE("a value filter that matches nothing and names no eq terms is noTarget", "[scim][patch][reject]")
{
    auto const e = refused(user(), op(R"({"op":"Replace","path":"emails[value co \"nowhere\"].value","value":"x@y"})"));
    CHECK(e.scim_type == "noTarget");
}

TEST_CASE("Entra sets name.givenName in a no-path value", "[scim][patch][entra]")
{
    auto const out = patched(user(),
        op(R"({"op":"Replace","value":{"name.givenName":"Alicia","name.familyName":"Jones","displayName":"Alicia Jones"}})"));
    CHECK(out.at("name") == json::parse(R"({"givenName":"Alicia","familyName":"Jones"})"));
    CHECK(out.at("displayName") == "Alicia Jones");
}

TEST_CASE("Entra sets value-filter paths and extension keys in one no-path value", "[scim][patch][entra]")
{
    auto const out = patched(user(), op(R"({"op":"replace","value":{
        "emails[type eq \"work\"].value":"a@b.example",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department":"R&D",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"42"}})"));
    CHECK(out.at("emails").as_array()[0].at("value") == "a@b.example");
    auto const& ext = out.at("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User").as_object();
    CHECK(ext.at("department") == "R&D");
    CHECK(ext.at("employeeNumber") == "42");
    CHECK(out.at("schemas") == json::parse(R"(["urn:ietf:params:scim:schemas:core:2.0:User",
                                             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"])"));
}

TEST_CASE("Entra adds an enterprise attribute with the extension URN as the path prefix", "[scim][patch][entra]")
{
    auto const out = patched(user(),
        op(R"({"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber","value":"701984"})"));
    CHECK(out.at("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User").at("employeeNumber") == "701984");
}

TEST_CASE("Entra sets the manager by its id string and removes it again", "[scim][patch][entra]")
{
    auto const out = patched(user(),
        op(R"({"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"u-42"})"));
    auto const ext = std::string("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");
    CHECK(out.at(ext).at("manager") == json::parse(R"({"value":"u-42"})"));
    auto const removed =
        patched(out, op(R"({"op":"Remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"})"));
    CHECK_FALSE(removed.contains(ext));
    CHECK(removed.at("schemas") == json::parse(R"(["urn:ietf:params:scim:schemas:core:2.0:User"])"));
}

TEST_CASE("a no-path value may nest extension attributes under the extension URN", "[scim][patch]")
{
    auto const out = patched(user(), op(R"({"op":"add","value":{
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Ops","costCenter":"4130"}}})"));
    auto const& ext = out.at("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");
    CHECK(ext.at("department") == "Ops");
    CHECK(ext.at("costCenter") == "4130");
}

TEST_CASE("Entra's boolean strings are coerced inside complex values", "[scim][patch][entra]")
{
    auto const out = patched(user(),
        op(R"({"op":"Add","path":"roles","value":[{"primary":"True","type":"WindowsAzureActiveDirectoryRole","value":"Admin"}]})"));
    CHECK(out.at("roles").as_array()[0].at("primary") == true);
}

// --- semantics ---------------------------------------------------------------------------

TEST_CASE("op, path and attribute names are case-insensitive", "[scim][patch]")
{
    auto const out = patched(user(), R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "operations":[{"OP":"REPLACE","Path":"DisplayName","Value":"A. Smith"},
                      {"op":"Replace","path":"NAME.GIVENNAME","value":"Al"}]})");
    CHECK(out.at("displayName") == "A. Smith");
    CHECK(out.at("name").at("givenName") == "Al");
    CHECK(out.size() == user().size());
}

TEST_CASE("replace of a multi-valued attribute replaces all of its values", "[scim][patch]")
{
    auto const out = patched(user(), op(R"({"op":"replace","path":"emails","value":[{"value":"x@y.example","type":"home"}]})"));
    CHECK(out.at("emails") == json::parse(R"([{"value":"x@y.example","type":"home"}])"));
    auto const members = patched(group(), op(R"({"op":"replace","path":"members","value":[{"value":"u-7"}]})"),
                                 group_resource_type());
    CHECK(member_ids(members) == json::array{"u-7"});
}

TEST_CASE("add to a multi-valued attribute appends and does not duplicate", "[scim][patch]")
{
    auto const out =
        patched(user(), op(R"({"op":"add","path":"emails","value":[{"value":"alice@example.com","type":"work"},{"value":"b@c.example"}]})"));
    CHECK(out.at("emails").as_array().size() == 2);
}

TEST_CASE("replace of a complex attribute keeps the sub-attributes it does not name", "[scim][patch]")
{
    auto const out = patched(user(), op(R"({"op":"replace","path":"name","value":{"givenName":"Ally"}})"));
    CHECK(out.at("name") == json::parse(R"({"givenName":"Ally","familyName":"Smith"})"));
}

TEST_CASE("remove of a single attribute unassigns it", "[scim][patch]")
{
    auto const out = patched(user(), op(R"({"op":"remove","path":"displayName"},{"op":"remove","path":"name.familyName"})"));
    CHECK_FALSE(out.contains("displayName"));
    CHECK(out.at("name") == json::parse(R"({"givenName":"Alice"})"));
}

TEST_CASE("remove with a value filter drops the matching elements", "[scim][patch]")
{
    auto u = user();
    u["emails"].as_array().push_back(json::parse(R"({"value":"a@home.example","type":"home"})"));
    auto const out = patched(u, op(R"({"op":"remove","path":"emails[type eq \"work\"]"})"));
    CHECK(out.at("emails") == json::parse(R"([{"value":"a@home.example","type":"home"}])"));
}

TEST_CASE("replace with a null value unassigns the attribute", "[scim][patch]")
{
    CHECK_FALSE(patched(user(), op(R"({"op":"replace","path":"displayName","value":null})")).contains("displayName"));
}

TEST_CASE("a PATCH body without schemas is accepted, as some clients omit it", "[scim][patch]")
{
    CHECK(patched(user(), R"({"Operations":[{"op":"replace","path":"title","value":"CTO"}]})").at("title") == "CTO");
}

// --- refusals ----------------------------------------------------------------------------

TEST_CASE("one bad operation leaves the resource untouched and returns the error", "[scim][patch][reject][atomic]")
{
    auto const before = user();
    auto const e = refused(before, op(R"({"op":"replace","path":"displayName","value":"Changed"},
                                          {"op":"add","path":"emails","value":[{"value":"new@x.example"}]},
                                          {"op":"replace","path":"shoeSize","value":"42"})"));
    CHECK(e.scim_type == "invalidPath");
    CHECK(e.detail.find("operation 3") != std::string::npos);
    CHECK(before == user());
    CHECK(before.at("displayName") == "Alice Smith");
}

TEST_CASE("an unknown attribute path is invalidPath", "[scim][patch][reject]")
{
    CHECK(refused(user(), op(R"({"op":"add","path":"shoeSize","value":"42"})")).scim_type == "invalidPath");
    CHECK(refused(user(), op(R"({"op":"add","path":"name.nick","value":"x"})")).scim_type == "invalidPath");
    CHECK(refused(user(), op(R"({"op":"add","value":{"shoeSize":"42"}})")).scim_type == "invalidPath");
    CHECK(refused(user(), op(R"({"op":"replace","path":"userName[value eq \"x\"]","value":"y"})")).scim_type ==
          "invalidPath");
    CHECK(refused(user(), op(R"({"op":"replace","path":"emails[shoe eq \"x\"].value","value":"y"})")).scim_type ==
          "invalidPath");
    CHECK(refused(group(), op(R"({"op":"add","path":"userName","value":"x"})"), group_resource_type()).scim_type ==
          "invalidPath");
}

TEST_CASE("remove without a path is noTarget", "[scim][patch][reject]")
{
    CHECK(refused(user(), op(R"({"op":"remove"})")).scim_type == "noTarget");
}

TEST_CASE("removing a required attribute is mutability", "[scim][patch][reject]")
{
    CHECK(refused(user(), op(R"({"op":"remove","path":"userName"})")).scim_type == "mutability");
    CHECK(refused(group(), op(R"({"op":"Remove","path":"displayName"})"), group_resource_type()).scim_type ==
          "mutability");
}

TEST_CASE("changing a readOnly attribute through a path is mutability", "[scim][patch][reject]")
{
    CHECK(refused(user(), op(R"({"op":"replace","path":"id","value":"other"})")).scim_type == "mutability");
    CHECK(refused(user(), op(R"({"op":"remove","path":"id"})")).scim_type == "mutability");
    CHECK(refused(user(), op(R"({"op":"replace","path":"meta.created","value":"2020-01-01T00:00:00Z"})")).scim_type ==
          "mutability");
    CHECK(refused(user(), op(R"({"op":"add","path":"groups","value":[{"value":"g-1"}]})")).scim_type == "mutability");
}

TEST_CASE("changing an immutable member value is mutability", "[scim][patch][reject]")
{
    auto const e = refused(group(), op(R"({"op":"replace","path":"members[value eq \"u-1\"].value","value":"u-9"})"),
                           group_resource_type());
    CHECK(e.scim_type == "mutability");
}

TEST_CASE("a value of the wrong type is invalidValue", "[scim][patch][reject]")
{
    CHECK(refused(user(), op(R"({"op":"replace","path":"active","value":"maybe"})")).scim_type == "invalidValue");
    CHECK(refused(user(), op(R"({"op":"replace","path":"displayName","value":42})")).scim_type == "invalidValue");
    CHECK(refused(user(), op(R"({"op":"replace","path":"name","value":"Alice"})")).scim_type == "invalidValue");
    CHECK(refused(user(), op(R"({"op":"add","path":"title"})")).scim_type == "invalidValue");
}

TEST_CASE("a body that is not a PatchOp is invalidSyntax", "[scim][patch][reject]")
{
    CHECK(refused(user(), "[]").scim_type == "invalidSyntax");
    CHECK(refused(user(), R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"Operations":[{"op":"add","path":"title","value":"x"}]})").scim_type == "invalidSyntax");
    CHECK(refused(user(), R"({"Operations":[]})").scim_type == "invalidSyntax");
    CHECK(refused(user(), op(R"({"op":"move","path":"title"})")).scim_type == "invalidSyntax");
    CHECK(refused(user(), op(R"({"path":"title","value":"x"})")).scim_type == "invalidSyntax");
    CHECK(refused(user(), op(R"({"op":"replace","value":"x"})")).scim_type == "invalidSyntax");
    CHECK(refused(user(), op(R"(42)")).scim_type == "invalidSyntax");
}

TEST_CASE("more operations than max_operations is tooMany", "[scim][patch][reject][bounds]")
{
    patch_limits limits;
    limits.max_operations = 2;
    auto r = apply_patch(user(), json::parse(op(R"({"op":"add","path":"title","value":"a"},{"op":"add","path":"title","value":"b"},{"op":"add","path":"title","value":"c"})")),
                         user_resource_type(), limits);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().scim_type == "tooMany");
}
