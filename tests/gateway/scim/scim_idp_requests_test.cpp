// Request sequences with bodies as Microsoft Entra ID and Okta document sending them,
// against the real HTTPS server and a real SQLite store. Sources:
//  [entra]  "Tutorial: Develop and plan provisioning for a SCIM endpoint in Microsoft Entra ID",
//           learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
//           (section "User operations" / "Group operations": Create User, Get User by query,
//           Update User [Multi-valued properties], [Single-valued properties], Disable User,
//           Create Group, Get Group by displayName, Update Group [Non-member attributes],
//           Add Members, Remove Members — the bodies below keep their shape, ids and `"$ref": null`).
//  [entra-issues] "Known issues and resolutions with SCIM 2.0 protocol compliance of the Microsoft
//           Entra user provisioning service", learn.microsoft.com/en-us/entra/identity/app-provisioning/
//           application-provisioning-config-problem-scim-compatibility: without the
//           `aadOptscim062020` flag Entra sends PATCH `active` as the string "False"/"True", `op`
//           capitalised ("Replace", "Add", "Remove"), and removes members with a value array.
//  [entra-filters] Entra looks users up with `userName eq "…"`, `externalId eq "…"` and
//           `emails[type eq "work"].value eq "…"` (docs.delinea.com/online-help/delinea-platform/
//           identity-providers/entra-id/entra-id-scim-provisioning-scim-endpoints.htm, "Supported SCIM Endpoints").
//  [okta]   "Okta and SCIM Version 2.0", developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20
//           (Create users with `password` and `groups: []`, Retrieve users with `userName eq`,
//           Update a specific user (PUT), Update a specific user (PATCH) `active: false`,
//           Retrieve a specific group with `excludedAttributes=members`, Update a group name / members).
#include <ssogate/gateway/scim.hpp>

#include "scim_test_fixture.hpp"

using namespace ssogate;
using namespace ssogate::test::scim;

namespace {

std::string const patch_op = R"("schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"])";

bool has_store_membership(scim_server& s, std::string const& user_id, std::string const& team_id)
{
    auto tx = s.app.store->begin(store::access::read);
    REQUIRE(tx.has_value());
    auto ms = (*tx)->teams().memberships_of(user_id);
    REQUIRE(ms.has_value());
    for (auto const& m : *ms)
        if (m.team_id == team_id)
            return true;
    return false;
}

bool signs_in(scim_server& s, std::string const& id)
{
    auto tx = s.app.store->begin(store::access::read);
    REQUIRE(tx.has_value());
    auto u = (*tx)->users().find(id);
    REQUIRE(u.has_value());
    REQUIRE(u->has_value());
    return (**u).active;
}

} // namespace

TEST_CASE("Entra's documented user requests work in sequence: query, create, query by userName, externalId and work "
          "email, multi- and single-valued update, disable as boolean and as \"False\", enable",
          "[gateway][scim][entra][idp]")
{
    scim_server s;
    // [entra] Get User by query (before the create: no match).
    auto none = s.entra_call("GET", "/Users?filter=userName+eq+%22Test_User_dfeef4c5-5681-4387-b016-bdf221e82081%22");
    REQUIRE(none.status() == 200);
    CHECK(none.object().at("totalResults") == 0);

    // [entra] Create User, verbatim ("roles": [] and a readOnly "meta" included).
    auto created = s.entra_call("POST", "/Users", R"({
    "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
    "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
    "userName": "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1",
    "active": true,
    "emails": [{
        "primary": true,
        "type": "work",
        "value": "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com"
    }],
    "meta": {
        "resourceType": "User"
    },
    "name": {
        "formatted": "givenName familyName",
        "familyName": "familyName",
        "givenName": "givenName"
    },
    "roles": []
})");
    INFO(created.raw.body);
    REQUIRE(created.status() == 201);
    auto const id = created.str("id");
    CHECK(created.str("userName") == "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1");

    // [entra-filters] the three lookups, values quoted, attribute names in any case.
    auto by_name = s.entra_call("GET", "/Users?filter=userName+eq+%22test_user_AB6490EE-1e48-479e-a20b-2d77186b5dd1%22");
    REQUIRE(by_name.object().at("totalResults") == 1);
    CHECK(by_name.object().at("Resources").as_array().at(0).at("id").as_string() == id);
    auto by_external = s.entra_call("GET", "/Users?filter=externalId+eq+%220a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef%22");
    REQUIRE(by_external.object().at("totalResults") == 1);
    auto by_email = s.entra_call(
        "GET", "/Users?filter=emails%5Btype+eq+%22work%22%5D.value+eq+%22Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e%40testuser.com%22");
    INFO(by_email.raw.body);
    REQUIRE(by_email.status() == 200);
    CHECK(by_email.object().at("totalResults") == 1);

    // [entra] Update User [Multi-valued properties], verbatim.
    auto multi = s.entra_call("PATCH", "/Users/" + id, R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [
            {
            "op": "Replace",
            "path": "emails[type eq \"work\"].value",
            "value": "updatedEmail@microsoft.com"
            },
            {
            "op": "Replace",
            "path": "name.familyName",
            "value": "updatedFamilyName"
            }
    ]
})");
    INFO(multi.raw.body);
    REQUIRE(multi.status() == 200);
    CHECK(multi.object().at("emails").as_array().at(0).at("value") == "updatedEmail@microsoft.com");
    CHECK(multi.object().at("name").at("familyName") == "updatedFamilyName");
    {
        auto tx = s.app.store->begin(store::access::read);
        CHECK((*(*tx)->users().find(id))->email == std::optional<std::string>("updatedEmail@microsoft.com"));
    }

    // [entra] Update User [Single-valued properties], verbatim.
    auto single = s.entra_call("PATCH", "/Users/" + id, R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{
        "op": "Replace",
        "path": "userName",
        "value": "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"
    }]
})");
    REQUIRE(single.status() == 200);
    CHECK(single.str("userName") == "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com");

    // [entra] Disable User, verbatim (boolean, Operations before schemas).
    auto disable = s.entra_call("PATCH", "/Users/" + id, R"({
    "Operations": [
        {
            "op": "Replace",
            "path": "active",
            "value": false
        }
    ],
    "schemas": [
        "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    ]
})");
    REQUIRE(disable.status() == 200);
    CHECK_FALSE(disable.object().at("active").as_bool());
    CHECK_FALSE(signs_in(s, id));
    // Still found by its filter (soft delete).
    CHECK(s.entra_call("GET", "/Users?filter=externalId+eq+%220a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef%22")
              .object().at("totalResults") == 1);

    // [entra-issues] enable and disable again with the string forms, with and without a path.
    auto enable = s.entra_call("PATCH", "/Users/" + id,
                               "{" + patch_op + R"(, "Operations": [{"op": "Replace", "path": "active", "value": "True"}]})");
    REQUIRE(enable.status() == 200);
    CHECK(signs_in(s, id));
    auto off = s.entra_call("PATCH", "/Users/" + id,
                            "{" + patch_op + R"(, "Operations": [{"op": "Replace", "value": {"active": "False"}}]})");
    REQUIRE(off.status() == 200);
    CHECK_FALSE(off.object().at("active").as_bool());
    CHECK_FALSE(signs_in(s, id));
    CHECK(s.events("scim.user.deactivated").size() == 2);
    // A string that is not a boolean is refused, nothing applied.
    check_error(s.entra_call("PATCH", "/Users/" + id,
                             "{" + patch_op + R"(, "Operations": [{"op": "Replace", "path": "active", "value": "Maybe"}]})"),
                400, "invalidValue");
}

TEST_CASE("Entra's documented group requests work in sequence: create, get by displayName without members, rename, "
          "add and remove members with \"$ref\": null",
          "[gateway][scim][entra][idp]")
{
    scim_server s;
    auto u1 = s.entra_call("POST", "/Users", R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
      "userName":"member1@contoso.com","active":true})").str("id");
    auto u2 = s.entra_call("POST", "/Users", R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
      "userName":"member2@contoso.com","active":true})").str("id");
    REQUIRE_FALSE(u1.empty());
    REQUIRE_FALSE(u2.empty());

    // [entra] Create Group, verbatim (a second, Microsoft schema URN listed; meta sent).
    auto created = s.entra_call("POST", "/Groups", R"({
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group", "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/Group"],
    "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
    "displayName": "displayName",
    "meta": {
        "resourceType": "Group"
    }
})");
    INFO(created.raw.body);
    REQUIRE(created.status() == 201);
    auto const gid = created.str("id");

    // [entra] Get Group by displayName.
    auto found = s.entra_call("GET", "/Groups?excludedAttributes=members&filter=displayName+eq+%22displayName%22");
    REQUIRE(found.object().at("totalResults") == 1);
    CHECK(found.object().at("Resources").as_array().at(0).at("id").as_string() == gid);

    // [entra] Add Members, verbatim apart from the ids.
    auto add = s.entra_call("PATCH", "/Groups/" + gid, R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{
        "op": "Add",
        "path": "members",
        "value": [{
            "$ref": null,
            "value": ")" + u1 + R"("
        }, {
            "$ref": null,
            "value": ")" + u2 + R"("
        }]
    }]
})");
    INFO(add.raw.body);
    REQUIRE(add.status() == 200);
    CHECK(has_store_membership(s, u1, gid));
    CHECK(has_store_membership(s, u2, gid));
    auto without = s.entra_call("GET", "/Groups?excludedAttributes=members&filter=displayName+eq+%22displayName%22");
    CHECK_FALSE(without.object().at("Resources").as_array().at(0).as_object().contains("members"));

    // [entra] Remove Members, verbatim apart from the id: only the listed member goes.
    auto remove = s.entra_call("PATCH", "/Groups/" + gid, R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{
        "op": "Remove",
        "path": "members",
        "value": [{
            "$ref": null,
            "value": ")" + u1 + R"("
        }]
    }]
})");
    INFO(remove.raw.body);
    REQUIRE(remove.status() == 200);
    CHECK_FALSE(has_store_membership(s, u1, gid));
    CHECK(has_store_membership(s, u2, gid));

    // [entra] Update Group [Non-member attributes], verbatim.
    auto renamed = s.entra_call("PATCH", "/Groups/" + gid, R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{
        "op": "Replace",
        "path": "displayName",
        "value": "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName"
    }]
})");
    REQUIRE(renamed.status() == 200);
    CHECK(renamed.str("displayName") == "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName");
    CHECK(has_store_membership(s, u2, gid));

    // [entra] Delete Group.
    CHECK(s.entra_call("DELETE", "/Groups/" + gid).status() == 204);
    CHECK(s.entra_call("GET", "/Groups/" + gid).status() == 404);
}

TEST_CASE("Okta's documented requests work in sequence: create with password and groups, lookup, PUT update, PATCH "
          "deactivate, group read without members, group PUT",
          "[gateway][scim][okta][idp]")
{
    scim_server s;
    // [okta] Retrieve users: the lookup before the create.
    auto none = s.okta_call("GET", "/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100");
    CHECK(none.object().at("totalResults") == 0);
    // [okta] Create users, verbatim: password and an empty groups list are accepted and ignored.
    auto created = s.okta_call("POST", "/Users", R"({
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
    "userName": "test.user@okta.local",
    "name": {
        "givenName": "Test",
        "familyName": "User"
    },
    "emails": [{
        "primary": true,
        "value": "test.user@okta.local",
        "type": "work"
    }],
    "displayName": "Test User",
    "locale": "en-US",
    "externalId": "00ujl29u0le5T6Aj10h7",
    "groups": [],
    "password": "1mz050nq",
    "active": true
})");
    INFO(created.raw.body);
    REQUIRE(created.status() == 201);
    auto const id = created.str("id");
    CHECK(created.raw.body.find("1mz050nq") == std::string::npos);

    // [okta] Update a specific user (PUT): the whole user, with its id and meta.
    auto put = s.okta_call("PUT", "/Users/" + id, R"({
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
    "id": ")" + id + R"(",
    "userName": "test.user@okta.local",
    "name": {
        "givenName": "Another",
        "middleName": "Middle",
        "familyName": "User"
    },
    "emails": [{
        "primary": true,
        "value": "test.user@okta.local",
        "type": "work"
    }],
    "displayName": "Another User",
    "locale": "en-US",
    "externalId": "00ujl29u0le5T6Aj10h7",
    "groups": [],
    "active": true,
    "meta": {
        "resourceType": "User",
        "created": "2019-05-10T23:46:48.593Z",
        "lastModified": "2019-05-10T23:46:48.593Z",
        "location": "https://127.0.0.1:8443/scim/v2/okta/Users/)" + id + R"("
    }
})");
    INFO(put.raw.body);
    REQUIRE(put.status() == 200);
    CHECK(put.object().at("name").at("givenName") == "Another");
    CHECK(put.str("displayName") == "Another User");

    // [okta] Update a specific user (PATCH): deactivation, verbatim.
    auto off = s.okta_call("PATCH", "/Users/" + id, R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{
        "op": "replace",
        "value": {
            "active": false
        }
    }]
})");
    REQUIRE(off.status() == 200);
    CHECK_FALSE(signs_in(s, id));
    auto on = s.okta_call("PATCH", "/Users/" + id,
                          "{" + patch_op + R"(, "Operations": [{"op": "replace", "value": {"active": true}}]})");
    REQUIRE(on.status() == 200);
    CHECK(signs_in(s, id));

    // [okta] Create groups, with an empty members list; then add the user by PATCH.
    auto group = s.okta_call("POST", "/Groups", R"({
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
    "displayName": "Test SCIMv2",
    "members": []
})");
    REQUIRE(group.status() == 201);
    auto const gid = group.str("id");
    auto add = s.okta_call("PATCH", "/Groups/" + gid, "{" + patch_op + R"(, "Operations": [{
        "op": "add", "path": "members", "value": [{"value": ")" + id + R"(", "display": "test.user@okta.local"}]}]})");
    REQUIRE(add.status() == 200);

    // [okta] Retrieve a specific group without its members; and the group list paged.
    auto one = s.okta_call("GET", "/Groups/" + gid + "?excludedAttributes=members");
    REQUIRE(one.status() == 200);
    CHECK(one.str("displayName") == "Test SCIMv2");
    CHECK_FALSE(one.object().contains("members"));
    auto listed = s.okta_call("GET", "/Groups?excludedAttributes=members&startIndex=1&count=100");
    REQUIRE(listed.object().at("totalResults") == 1);
    CHECK_FALSE(listed.object().at("Resources").as_array().at(0).as_object().contains("members"));

    // [okta] Update a group (PUT): name and members in full; an empty list removes them.
    auto put_group = s.okta_call("PUT", "/Groups/" + gid, R"({
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
    "id": ")" + gid + R"(",
    "displayName": "Test SCIMv2 renamed",
    "members": []
})");
    INFO(put_group.raw.body);
    REQUIRE(put_group.status() == 200);
    CHECK(put_group.str("displayName") == "Test SCIMv2 renamed");
    CHECK_FALSE(has_store_membership(s, id, gid));
}
