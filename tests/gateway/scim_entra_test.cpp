// The requests Microsoft Entra ID's provisioning service sends (bodies as its SCIM
// validator and "Develop a SCIM endpoint" tutorial show them), against the real
// server and store.
#include <ssogate/gateway/scim.hpp>

#include "scim_test_fixture.hpp"

using namespace ssogate;
using namespace ssogate::test::scim;

namespace {

std::string const entra_create_user = R"({
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
  "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
  "userName": "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@contoso.com",
  "active": true,
  "emails": [{"primary": true, "type": "work", "value": "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2b@testuser.com"}],
  "meta": {"resourceType": "User"},
  "name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
  "roles": []
})";

std::string patch(std::string const& operations)
{
    return R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":)" + operations + "}";
}

std::string create_entra_user(scim_server& s)
{
    auto r = s.entra_call("POST", "/Users", entra_create_user);
    INFO(r.raw.body);
    REQUIRE(r.status() == 201);
    return r.str("id");
}

} // namespace

TEST_CASE("Entra's user lifecycle works: lookup, create, disable with \"False\", enable, update", "[gateway][scim][entra]")
{
    scim_server s;
    auto none = s.entra_call(
        "GET", "/Users?filter=userName+eq+%22Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1%40contoso.com%22");
    REQUIRE(none.status() == 200);
    CHECK(none.object().at("totalResults").as_int64() == 0);

    auto const id = create_entra_user(s);
    auto by_external = s.entra_call("GET", "/Users?filter=externalId+eq+%220a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef%22");
    REQUIRE(by_external.status() == 200);
    CHECK(by_external.object().at("totalResults").as_int64() == 1);

    // Disable: path "active", value the string "False".
    auto off = s.entra_call("PATCH", "/Users/" + id, patch(R"([{"op":"Replace","path":"active","value":"False"}])"));
    INFO(off.raw.body);
    REQUIRE(off.status() == 200);
    CHECK_FALSE(off.object().at("active").as_bool());
    auto on = s.entra_call("PATCH", "/Users/" + id, patch(R"([{"op":"Replace","path":"active","value":"True"}])"));
    REQUIRE(on.status() == 200);
    CHECK(on.object().at("active").as_bool());

    // Several operations with value-filter paths, applied together.
    auto updated = s.entra_call("PATCH", "/Users/" + id, patch(R"([
        {"op":"Replace","path":"emails[type eq \"work\"].value","value":"updatedEmail@microsoft.com"},
        {"op":"Replace","path":"name.familyName","value":"updatedFamilyName"}])"));
    INFO(updated.raw.body);
    REQUIRE(updated.status() == 200);
    CHECK(updated.object().at("emails").at(0).at("value").as_string() == "updatedEmail@microsoft.com");
    CHECK(updated.object().at("name").at("familyName").as_string() == "updatedFamilyName");
    {
        auto tx = s.app.store->begin(store::access::read);
        CHECK((*(*tx)->users().find(id))->email == std::optional<std::string>("updatedEmail@microsoft.com"));
    }

    // A value filter that matches nothing creates the element.
    auto home = s.entra_call("PATCH", "/Users/" + id,
                             patch(R"([{"op":"Add","path":"phoneNumbers[type eq \"mobile\"].value","value":"+1 555 0100"}])"));
    INFO(home.raw.body);
    REQUIRE(home.status() == 200);
    CHECK(home.object().at("phoneNumbers").at(0).at("type").as_string() == "mobile");
}

TEST_CASE("Entra's PATCH without a path sets dotted, extension-URN and boolean-string keys", "[gateway][scim][entra]")
{
    scim_server s;
    auto const id = create_entra_user(s);
    auto r = s.entra_call("PATCH", "/Users/" + id, patch(R"([{"op":"Add","value":{
        "name.givenName":"Jane",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"1234",
        "displayName":"Jane Doe",
        "active":"False"}}])"));
    INFO(r.raw.body);
    REQUIRE(r.status() == 200);
    CHECK(r.object().at("name").at("givenName").as_string() == "Jane");
    CHECK(r.object()
              .at("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
              .at("employeeNumber")
              .as_string() == "1234");
    CHECK_FALSE(r.object().at("active").as_bool());
    auto tx = s.app.store->begin(store::access::read);
    auto attrs = (*tx)->users().attributes(id);
    bool found = false;
    for (auto const& a : *attrs)
        if (a.name == "given_name") {
            found = true;
            CHECK(a.value == "Jane");
            CHECK(a.owner == "scim:entra");
        }
    CHECK(found);
}

TEST_CASE("Entra's groups work: lookup without members, add, remove by value list, rename", "[gateway][scim][entra]")
{
    scim_server s;
    auto const u1 = create_entra_user(s);
    auto second = s.entra_call("POST", "/Users",
                               R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"second@contoso.com","active":true})");
    REQUIRE(second.status() == 201);
    auto const u2 = second.str("id");

    auto lookup = s.entra_call("GET", "/Groups?excludedAttributes=members&filter=displayName+eq+%22Group1DisplayName%22");
    REQUIRE(lookup.status() == 200);
    CHECK(lookup.object().at("totalResults").as_int64() == 0);

    auto created = s.entra_call("POST", "/Groups", R"({
        "externalId":"8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
        "displayName":"Group1DisplayName",
        "meta":{"resourceType":"Group"},
        "schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]})");
    INFO(created.raw.body);
    REQUIRE(created.status() == 201);
    auto const gid = created.str("id");

    auto add = s.entra_call("PATCH", "/Groups/" + gid,
                            patch(R"([{"op":"Add","path":"members","value":[{"value":")" + u1 + R"("},{"value":")" + u2 +
                                  R"("}]}])"));
    INFO(add.raw.body);
    REQUIRE(add.status() == 200);
    CHECK(add.object().at("members").as_array().size() == 2);

    auto without = s.entra_call("GET", "/Groups?excludedAttributes=members&filter=displayName+eq+%22Group1DisplayName%22");
    REQUIRE(without.object().at("totalResults").as_int64() == 1);
    CHECK_FALSE(without.object().at("Resources").at(0).as_object().contains("members"));

    // Entra's default removal: path members with a value list removes only those listed.
    auto remove = s.entra_call("PATCH", "/Groups/" + gid,
                               patch(R"([{"op":"Remove","path":"members","value":[{"value":")" + u1 + R"("}]}])"));
    INFO(remove.raw.body);
    REQUIRE(remove.status() == 200);
    REQUIRE(remove.object().at("members").as_array().size() == 1);
    CHECK(remove.object().at("members").at(0).at("value").as_string() == u2);

    auto rename = s.entra_call("PATCH", "/Groups/" + gid,
                               patch(R"([{"op":"Replace","path":"displayName","value":"Group1DisplayName updated"}])"));
    REQUIRE(rename.status() == 200);
    CHECK(rename.str("displayName") == "Group1DisplayName updated");
    auto tx = s.app.store->begin(store::access::read);
    CHECK((*(*tx)->teams().find(gid))->name == "Group1DisplayName updated");
}
