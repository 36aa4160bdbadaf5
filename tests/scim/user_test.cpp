#include <ssogate/scim/user.hpp>

#include <catch2/catch.hpp>

#include <ssogate/scim/patch.hpp>

#include <boost/json/parse.hpp>

#include <chrono>

using namespace ssogate::scim;
namespace json = boost::json;

namespace {

using namespace std::chrono_literals;

resource_meta meta_for(std::string id)
{
    resource_meta m;
    m.id = std::move(id);
    m.created = std::chrono::sys_days{std::chrono::year{2024} / 5 / 1} + 12h;
    m.last_modified = m.created + 90min + 250ms;
    m.version = std::string(1, '7'); // not a literal: GCC 12 -Wrestrict false positive (PR 105329)
    return m;
}

user parsed(std::string_view body)
{
    auto u = parse_user(json::parse(body));
    if (!u)
        FAIL(u.error().detail);
    return *u;
}

scim_error refused(std::string_view body)
{
    auto u = parse_user(json::parse(body));
    REQUIRE_FALSE(u.has_value());
    return u.error();
}

} // namespace

TEST_CASE("parse_user reads the user Okta creates, ignoring password and groups", "[scim][user][okta]")
{
    auto const u = parsed(R"({
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
      "userName": "test.user@okta.local",
      "name": {"givenName": "Test", "familyName": "User"},
      "emails": [{"primary": true, "value": "test.user@okta.local", "type": "work"}],
      "displayName": "Test User",
      "locale": "en-US",
      "externalId": "00ujl29u0le5T6Aj10h7",
      "groups": [],
      "password": "1mz050nq",
      "active": true
    })");
    CHECK(u.user_name == "test.user@okta.local");
    CHECK(u.name.given_name == "Test");
    CHECK(u.name.family_name == "User");
    CHECK(u.display_name == "Test User");
    CHECK(u.external_id == "00ujl29u0le5T6Aj10h7");
    CHECK(u.active);
    REQUIRE(u.emails.size() == 1);
    contact_value const work{"test.user@okta.local", "work", "", true};
    CHECK(u.emails[0] == work);
    CHECK(u.other == json::parse(R"({"locale":"en-US"})").as_object());
    CHECK(primary_email(u) == std::optional<std::string_view>("test.user@okta.local"));
}

TEST_CASE("parse_user reads the user Entra creates, with the enterprise extension and string booleans",
          "[scim][user][entra]")
{
    auto const u = parsed(R"({
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
      "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
      "userName": "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1",
      "active": "True",
      "emails": [{"primary": "True", "type": "work", "value": "Test_User_fd0ea19b@testuser.com"}],
      "meta": {"resourceType": "User"},
      "name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
      "phoneNumbers": [{"type": "mobile", "value": "+1 555 0100"}],
      "title": "Engineer",
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
        "employeeNumber": "701984", "department": "Tour Operations",
        "manager": {"value": "26118915"}
      },
      "roles": []
    })");
    CHECK(u.active);
    CHECK(u.emails[0].primary);
    CHECK(u.name.formatted == "givenName familyName");
    std::vector<contact_value> const phones{{"+1 555 0100", "mobile", "", false}};
    CHECK(u.phone_numbers == phones);
    CHECK(u.enterprise.employee_number == "701984");
    CHECK(u.enterprise.department == "Tour Operations");
    CHECK(u.enterprise.manager.value == "26118915");
    CHECK(u.other == json::parse(R"({"title":"Engineer"})").as_object());
}

TEST_CASE("parse_user accepts active as the string False", "[scim][user][entra]")
{
    CHECK_FALSE(parsed(R"({"userName":"a","active":"False"})").active);
    CHECK_FALSE(parsed(R"({"userName":"a","active":false})").active);
    CHECK(parsed(R"({"userName":"a"})").active);
}

TEST_CASE("parse_user ignores id, meta, unknown attributes and unknown extensions", "[scim][user]")
{
    auto const u = parsed(R"({"userName":"a","id":"forged","meta":{"created":"x"},"shoeSize":42,
        "urn:example:custom:2.0:User":{"x":1}})");
    CHECK(u.other.empty());
}

TEST_CASE("parse_user refuses a user without userName", "[scim][user][reject]")
{
    CHECK(refused(R"({"displayName":"x"})").scim_type == "invalidValue");
    CHECK(refused(R"({"userName":""})").scim_type == "invalidValue");
    CHECK(refused(R"({"userName":null})").scim_type == "invalidValue");
}

TEST_CASE("parse_user refuses values of the wrong type", "[scim][user][reject]")
{
    CHECK(refused(R"({"userName":42})").scim_type == "invalidValue");
    CHECK(refused(R"({"userName":"a","active":"yes"})").scim_type == "invalidValue");
    CHECK(refused(R"({"userName":"a","emails":[{"type":"work"}]})").scim_type == "invalidValue");
    CHECK(refused(R"({"userName":"a","name":"Alice"})").scim_type == "invalidValue");
}

TEST_CASE("parse_user refuses a body that is not a User", "[scim][user][reject]")
{
    CHECK(parse_user(json::parse("[]")).error().scim_type == "invalidSyntax");
    CHECK(refused(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"userName":"a"})").scim_type ==
          "invalidSyntax");
}

TEST_CASE("render_user writes id, meta with location and weak version, and no password", "[scim][user]")
{
    auto const u = parsed(R"({"userName":"alice","password":"x","emails":[{"value":"a@x.io","type":"work"}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Ops","manager":{"value":"m-1"}}})");
    auto const j = render_user(u, meta_for("u-1"), "https://sso.example.com/scim/v2/okta/");
    CHECK(j.at("id") == "u-1");
    CHECK_FALSE(j.contains("password"));
    CHECK(j.at("schemas") == json::parse(R"(["urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"])"));
    CHECK(j.at("meta") == json::parse(R"({"resourceType":"User","created":"2024-05-01T12:00:00Z",
        "lastModified":"2024-05-01T13:30:00.250Z",
        "location":"https://sso.example.com/scim/v2/okta/Users/u-1","version":"W/\"7\""})"));
    CHECK(j.at("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User").at("manager").at("$ref") ==
          "https://sso.example.com/scim/v2/okta/Users/m-1");
    CHECK(j.at("active") == true);
}

TEST_CASE("render_user omits version when the store gives none", "[scim][user]")
{
    auto m = meta_for("u-1");
    m.version.clear();
    CHECK_FALSE(render_user(parsed(R"({"userName":"a"})"), m, "https://h/scim/v2/c").at("meta").as_object().contains(
        "version"));
}

TEST_CASE("a rendered user parses back to the same user", "[scim][user]")
{
    auto const u = parsed(R"({"userName":"alice","externalId":"e","displayName":"Alice","active":false,
        "name":{"givenName":"Alice","honorificPrefix":"Dr."},
        "emails":[{"value":"a@x.io","type":"work","primary":true},{"value":"b@y.io","display":"B"}],
        "phoneNumbers":[{"value":"1","type":"fax"}],"title":"CTO","addresses":[{"locality":"Oslo","type":"work"}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"1","costCenter":"2",
          "organization":"3","division":"4","department":"5"}})");
    auto const again = parse_user(render_user(u, meta_for("u-1"), "https://h/scim/v2/c"));
    REQUIRE(again.has_value());
    CHECK(*again == u);
}

TEST_CASE("render, patch, parse: the flow the gateway runs for an Entra deactivation", "[scim][user][entra]")
{
    auto const u = parsed(R"({"userName":"alice","active":true})");
    auto const patched = apply_patch(render_user(u, meta_for("u-1"), "https://h/scim/v2/c"),
        json::parse(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                        "Operations":[{"op":"Replace","path":"active","value":"False"}]})"),
        user_resource_type());
    REQUIRE(patched.has_value());
    auto const after = parse_user(*patched);
    REQUIRE(after.has_value());
    CHECK_FALSE(after->active);
    CHECK(after->user_name == "alice");
}

TEST_CASE("format_timestamp writes RFC 3339 UTC", "[scim][user]")
{
    CHECK(format_timestamp(std::chrono::system_clock::time_point{}) == "1970-01-01T00:00:00Z");
    CHECK(format_timestamp(std::chrono::sys_days{std::chrono::year{2038} / 1 / 19} + 3h + 14min + 8s) ==
          "2038-01-19T03:14:08Z");
}
