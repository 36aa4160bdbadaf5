// The requests Okta's SCIM 2.0 provisioning sends (bodies as in Okta's "SCIM 2.0
// test" runner and its provisioning docs), against the real server and store.
#include <ssogate/gateway/scim.hpp>

#include "scim_test_fixture.hpp"

using namespace ssogate;
using namespace ssogate::test::scim;

namespace {

std::string const okta_create_user = R"({
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
})";

std::string patch(std::string const& operations)
{
    return R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":)" + operations + "}";
}

} // namespace

TEST_CASE("Okta's user lifecycle works: lookup, create, get, deactivate, reactivate, replace", "[gateway][scim][okta]")
{
    scim_server s;

    // 1. Okta looks the user up before creating it.
    auto lookup = s.okta_call("GET", "/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100");
    REQUIRE(lookup.status() == 200);
    CHECK(lookup.raw.header("content-type").find("application/scim+json") == 0);
    CHECK(lookup.object().at("totalResults").as_int64() == 0);
    CHECK(lookup.object().at("Resources").as_array().empty());

    // 2. Create: 201 with id, meta, Location; password and groups accepted and dropped.
    auto created = s.okta_call("POST", "/Users", okta_create_user);
    INFO(created.raw.body);
    REQUIRE(created.status() == 201);
    auto const id = created.str("id");
    REQUIRE_FALSE(id.empty());
    auto const& meta = created.object().at("meta").as_object();
    CHECK(meta.at("resourceType").as_string() == "User");
    CHECK(meta.at("location").as_string() == "https://127.0.0.1:8443/scim/v2/okta/Users/" + id);
    CHECK(meta.contains("created"));
    CHECK(meta.contains("lastModified"));
    CHECK(meta.contains("version"));
    CHECK(created.raw.header("location") == "https://127.0.0.1:8443/scim/v2/okta/Users/" + id);
    CHECK_FALSE(created.object().contains("password"));
    CHECK(created.raw.body.find("1mz050nq") == std::string::npos);
    CHECK(created.object().at("active").as_bool());

    // The provenance rows JIT reads are owned by scim:okta.
    {
        auto tx = s.app.store->begin(store::access::read);
        auto attrs = (*tx)->users().attributes(id);
        REQUIRE(attrs.has_value());
        REQUIRE(attrs->size() == 4);
        for (auto const& a : *attrs)
            CHECK(a.owner == "scim:okta");
        auto user = (*tx)->users().find(id);
        CHECK((*user)->created_by == "scim:okta");
        CHECK((*user)->email == std::optional<std::string>("test.user@okta.local"));
    }
    auto ev = s.events("scim.user.created");
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].event.actor_type == "scim");
    CHECK(ev[0].event.actor_id == s.okta_token_id);
    CHECK(ev[0].event.connection_id == "okta");
    CHECK(ev[0].event.target == id);

    // 3. Lookup finds it now, case-insensitively on userName.
    auto found = s.okta_call("GET", "/Users?filter=userName%20eq%20%22TEST.USER%40okta.local%22&startIndex=1&count=100");
    REQUIRE(found.status() == 200);
    REQUIRE(found.object().at("totalResults").as_int64() == 1);
    CHECK(found.object().at("Resources").as_array().at(0).at("id").as_string() == id);

    // 4. GET by id.
    auto got = s.okta_call("GET", "/Users/" + id);
    REQUIRE(got.status() == 200);
    CHECK(got.str("userName") == "test.user@okta.local");
    CHECK(got.object().at("name").at("givenName").as_string() == "Test");

    // 5. Deactivate as Okta does: replace without a path, boolean value.
    auto off = s.okta_call("PATCH", "/Users/" + id, patch(R"([{"op":"replace","value":{"active":false}}])"));
    INFO(off.raw.body);
    REQUIRE(off.status() == 200);
    CHECK_FALSE(off.object().at("active").as_bool());
    CHECK(s.events("scim.user.deactivated").size() == 1);
    // Still returned by GET and filters.
    auto still = s.okta_call("GET", "/Users?filter=userName%20eq%20%22test.user%40okta.local%22");
    REQUIRE(still.object().at("totalResults").as_int64() == 1);
    CHECK_FALSE(still.object().at("Resources").at(0).at("active").as_bool());
    {
        auto tx = s.app.store->begin(store::access::read);
        CHECK_FALSE((*(*tx)->users().find(id))->active);
    }

    // 6. Reactivate.
    auto on = s.okta_call("PATCH", "/Users/" + id, patch(R"([{"op":"replace","value":{"active":true}}])"));
    REQUIRE(on.status() == 200);
    CHECK(on.object().at("active").as_bool());

    // 7. PUT (Okta's profile update) replaces the resource.
    auto replaced_body = okta_create_user;
    replaced_body.replace(replaced_body.find("\"Test\""), 6, "\"Tess\"");
    auto put = s.okta_call("PUT", "/Users/" + id, replaced_body);
    INFO(put.raw.body);
    REQUIRE(put.status() == 200);
    CHECK(put.object().at("name").at("givenName").as_string() == "Tess");
    CHECK(put.object().at("meta").at("version").as_string() != created.object().at("meta").at("version").as_string());
}

TEST_CASE("Okta's group push works: create, rename, add member, remove member by value filter", "[gateway][scim][okta]")
{
    scim_server s;
    auto user = s.okta_call("POST", "/Users", okta_create_user);
    REQUIRE(user.status() == 201);
    auto const uid = user.str("id");

    auto group = s.okta_call("POST", "/Groups",
                             R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Test SCIMv2","members":[]})");
    INFO(group.raw.body);
    REQUIRE(group.status() == 201);
    auto const gid = group.str("id");
    CHECK(group.object().at("meta").at("resourceType").as_string() == "Group");

    // Okta renames with a no-path replace that also carries the (readOnly) id.
    auto renamed = s.okta_call(
        "PATCH", "/Groups/" + gid,
        patch(R"([{"op":"replace","value":{"id":")" + gid + R"(","displayName":"Test SCIMv2 renamed"}}])"));
    INFO(renamed.raw.body);
    REQUIRE(renamed.status() == 200);
    CHECK(renamed.str("displayName") == "Test SCIMv2 renamed");

    auto added = s.okta_call(
        "PATCH", "/Groups/" + gid,
        patch(R"([{"op":"add","path":"members","value":[{"value":")" + uid + R"(","display":"test.user@okta.local"}]}])"));
    INFO(added.raw.body);
    REQUIRE(added.status() == 200);
    REQUIRE(added.object().at("members").as_array().size() == 1);
    {
        auto tx = s.app.store->begin(store::access::read);
        auto ms = (*tx)->teams().memberships_of(uid);
        REQUIRE(ms->size() == 1);
        CHECK((*ms)[0].owner == "scim:okta");
    }

    auto removed = s.okta_call("PATCH", "/Groups/" + gid,
                               patch(R"([{"op":"remove","path":"members[value eq \")" + uid + R"(\"]"}])"));
    INFO(removed.raw.body);
    REQUIRE(removed.status() == 200);
    CHECK((!removed.object().contains("members") || removed.object().at("members").as_array().empty()));
    {
        auto tx = s.app.store->begin(store::access::read);
        CHECK((*tx)->teams().memberships_of(uid)->empty());
    }
    CHECK(s.events("scim.group.updated").size() == 3);

    auto listed = s.okta_call("GET", "/Groups?filter=displayName%20eq%20%22test%20scimv2%20renamed%22");
    REQUIRE(listed.status() == 200);
    CHECK(listed.object().at("totalResults").as_int64() == 1);

    auto deleted = s.okta_call("DELETE", "/Groups/" + gid);
    CHECK(deleted.status() == 204);
    CHECK(s.okta_call("GET", "/Groups/" + gid).status() == 404);
    CHECK(s.events("scim.group.deleted").size() == 1);
}

TEST_CASE("users list in a stable order with 1-based startIndex and count", "[gateway][scim][okta]")
{
    scim_server s;
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) {
        auto r = s.okta_call("POST", "/Users",
                             R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u)" +
                                 std::to_string(i) + R"(@example.com"})");
        REQUIRE(r.status() == 201);
        ids.push_back(r.str("id"));
    }
    // Stable order (creation time, then id; the test clock is fixed, so by id): a page is
    // a slice of the full list.
    auto full = s.okta_call("GET", "/Users");
    REQUIRE(full.object().at("Resources").as_array().size() == 5);
    auto const& all = full.object().at("Resources").as_array();
    auto page = s.okta_call("GET", "/Users?startIndex=2&count=2");
    REQUIRE(page.status() == 200);
    CHECK(page.object().at("totalResults").as_int64() == 5);
    CHECK(page.object().at("startIndex").as_int64() == 2);
    CHECK(page.object().at("itemsPerPage").as_int64() == 2);
    auto const& res = page.object().at("Resources").as_array();
    REQUIRE(res.size() == 2);
    CHECK(res[0].at("id") == all[1].at("id"));
    CHECK(res[1].at("id") == all[2].at("id"));

    auto zero = s.okta_call("GET", "/Users?startIndex=0&count=0");
    CHECK(zero.object().at("totalResults").as_int64() == 5);
    CHECK(zero.object().at("Resources").as_array().empty());
    auto negative = s.okta_call("GET", "/Users?startIndex=-4&count=-1");
    CHECK(negative.object().at("startIndex").as_int64() == 1);
    CHECK(negative.object().at("Resources").as_array().empty());
    auto big = s.okta_call("GET", "/Users?count=100000");
    CHECK(big.object().at("Resources").as_array().size() == 5);

    auto co = s.okta_call("GET", "/Users?filter=userName%20co%20%22u3%22%20or%20userName%20sw%20%22U4%22");
    REQUIRE(co.status() == 200);
    CHECK(co.object().at("totalResults").as_int64() == 2);
    auto projected = s.okta_call("GET", "/Users/" + ids[0] + "?attributes=userName");
    CHECK(projected.object().contains("userName"));
    CHECK_FALSE(projected.object().contains("meta"));

    // Another connection's SCIM sees none of them.
    auto other = s.entra_call("GET", "/Users");
    CHECK(other.object().at("totalResults").as_int64() == 0);
    CHECK(s.entra_call("GET", "/Users/" + ids[0]).status() == 404);

    auto del = s.okta_call("DELETE", "/Users/" + ids[0]);
    CHECK(del.status() == 204);
    CHECK(s.okta_call("GET", "/Users/" + ids[0]).status() == 404);
    CHECK(s.events("scim.user.deleted").size() == 1);
}

TEST_CASE("discovery endpoints state what the server does", "[gateway][scim]")
{
    scim_server s;
    auto spc = s.okta_call("GET", "/ServiceProviderConfig");
    INFO(spc.raw.body);
    REQUIRE(spc.status() == 200);
    CHECK(spc.object().at("patch").at("supported").as_bool());
    CHECK(spc.object().at("filter").at("supported").as_bool());
    CHECK(spc.object().at("filter").at("maxResults").as_int64() == static_cast<std::int64_t>(gateway::scim_max_results));
    CHECK_FALSE(spc.object().at("bulk").at("supported").as_bool());
    CHECK(spc.object().at("etag").at("supported").as_bool()); // ETag and If-Match/If-None-Match (scim/etag_test)

    auto types = s.okta_call("GET", "/ResourceTypes");
    REQUIRE(types.status() == 200);
    CHECK(types.object().at("totalResults").as_int64() == 2);
    CHECK(s.okta_call("GET", "/ResourceTypes/User").status() == 200);
    auto schemas = s.okta_call("GET", "/Schemas");
    REQUIRE(schemas.status() == 200);
    CHECK(schemas.object().at("schemas").at(0).as_string() == "urn:ietf:params:scim:api:messages:2.0:ListResponse");
    CHECK(s.okta_call("GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User").status() == 200);
    check_error(s.okta_call("GET", "/Schemas/urn:nope"), 404, "");
}
