// Every refusal of the SCIM server, over the real server: status, SCIM error schema,
// scimType, and nothing written.
#include <ssogate/gateway/scim.hpp>

#include "scim_test_fixture.hpp"

using namespace ssogate;
using namespace ssogate::test::scim;

namespace {

std::string patch(std::string const& operations)
{
    return R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":)" + operations + "}";
}

std::string user_body(std::string const& user_name)
{
    return R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":")" + user_name + R"("})";
}

} // namespace

TEST_CASE("a SCIM request without a valid token of its connection is refused with 401", "[gateway][scim][reject]")
{
    scim_server s;
    auto none = s.send("GET", "/scim/v2/okta/Users", {}, "");
    check_error(none, 401, "");
    CHECK(none.raw.header("www-authenticate").find("Bearer") == 0);
    check_error(s.send("GET", "/scim/v2/okta/Users", {}, "sgscim_wrong"), 401, "");
    // Entra's token on Okta's endpoint.
    check_error(s.send("GET", "/scim/v2/okta/Users", {}, s.entra), 401, "");
    check_error(s.send("POST", "/scim/v2/okta/Users", user_body("x@example.com"), s.entra), 401, "");
    CHECK_FALSE(s.events("scim.auth.failed").empty());

    // A revoked token stops working.
    REQUIRE(*gateway::revoke_scim_token(*s.app.store, s.okta_token_id, {"cli", "tester", "", ""}, s.app.ctx.random,
                                        test::test_now()));
    check_error(s.okta_call("GET", "/Users"), 401, "");
    CHECK(s.events("scim.token.revoked").size() == 1);
}

TEST_CASE("a connection without SCIM, or no such connection, answers 404", "[gateway][scim][reject]")
{
    scim_server s;
    check_error(s.send("GET", "/scim/v2/plain/Users", {}, s.okta), 404, "");
    check_error(s.send("GET", "/scim/v2/nope/ServiceProviderConfig", {}, s.okta), 404, "");
    check_error(s.okta_call("GET", "/Users/does-not-exist"), 404, "");
    check_error(s.okta_call("PATCH", "/Users/does-not-exist", patch(R"([{"op":"replace","value":{"active":false}}])")),
                404, "");
    check_error(s.okta_call("DELETE", "/Groups/does-not-exist"), 404, "");
}

TEST_CASE("a duplicate userName or group displayName is 409 uniqueness", "[gateway][scim][reject]")
{
    scim_server s;
    REQUIRE(s.okta_call("POST", "/Users", user_body("alice@example.com")).status() == 201);
    check_error(s.okta_call("POST", "/Users", user_body("ALICE@example.com")), 409, "uniqueness");
    auto bob = s.okta_call("POST", "/Users", user_body("bob@example.com"));
    REQUIRE(bob.status() == 201);
    // Renaming onto a taken userName.
    check_error(s.okta_call("PATCH", "/Users/" + bob.str("id"),
                            patch(R"([{"op":"replace","path":"userName","value":"alice@example.com"}])")),
                409, "uniqueness");

    auto const group = R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Sales"})";
    auto g1 = s.okta_call("POST", "/Groups", group);
    REQUIRE(g1.status() == 201);
    check_error(s.okta_call("POST", "/Groups",
                            R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"sales"})"),
                409, "uniqueness");
    auto g2 = s.okta_call("POST", "/Groups",
                          R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Support"})");
    REQUIRE(g2.status() == 201);
    check_error(s.okta_call("PATCH", "/Groups/" + g2.str("id"),
                            patch(R"([{"op":"replace","path":"displayName","value":"SALES"}])")),
                409, "uniqueness");
    CHECK(s.events("scim.user.created").size() == 2);
}

TEST_CASE("malformed, unsupported or oversized filters are 400 invalidFilter", "[gateway][scim][reject]")
{
    scim_server s;
    check_error(s.okta_call("GET", "/Users?filter=userName%20eq"), 400, "invalidFilter");
    check_error(s.okta_call("GET", "/Users?filter=userName%20zz%20%22a%22"), 400, "invalidFilter");
    check_error(s.okta_call("GET", "/Users?filter=nosuchattr%20eq%20%22a%22"), 400, "invalidFilter");
    std::string deep;
    for (int i = 0; i < 20; ++i)
        deep += "(";
    deep += "userName%20pr";
    for (int i = 0; i < 20; ++i)
        deep += ")";
    check_error(s.okta_call("GET", "/Users?filter=" + deep), 400, "invalidFilter");
    std::string long_filter = "userName%20eq%20%22" + std::string(gateway::scim_max_filter_length + 10, 'a') + "%22";
    check_error(s.okta_call("GET", "/Users?filter=" + long_filter), 400, "invalidFilter");
    check_error(s.okta_call("GET", "/Groups?filter=displayName%20eq"), 400, "invalidFilter");
}

TEST_CASE("bad PATCH operations are refused with their scimType and change nothing", "[gateway][scim][reject]")
{
    scim_server s;
    auto u = s.okta_call("POST", "/Users",
                         R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"carol@example.com","displayName":"Carol"})");
    REQUIRE(u.status() == 201);
    auto const id = u.str("id");
    auto const version = u.object().at("meta").at("version").as_string();

    check_error(s.okta_call("PATCH", "/Users/" + id, patch(R"([{"op":"replace","path":"nosuch","value":"x"}])")), 400,
                "invalidPath");
    check_error(s.okta_call("PATCH", "/Users/" + id, patch(R"([{"op":"remove"}])")), 400, "noTarget");
    check_error(s.okta_call("PATCH", "/Users/" + id, patch(R"([{"op":"replace","path":"active","value":"maybe"}])")),
                400, "invalidValue");
    check_error(s.okta_call("PATCH", "/Users/" + id, patch(R"([{"op":"replace","path":"id","value":"other"}])")), 400,
                "mutability");
    check_error(s.okta_call("PATCH", "/Users/" + id, R"({"Operations":"nope"})"), 400, "invalidSyntax");
    check_error(s.okta_call("PATCH", "/Users/" + id, "{not json"), 400, "invalidSyntax");
    // Atomic: the first operation is fine, the second is not → nothing applied.
    check_error(s.okta_call("PATCH", "/Users/" + id,
                            patch(R"([{"op":"replace","path":"displayName","value":"Changed"},
                                      {"op":"replace","path":"nosuch","value":"x"}])")),
                400, "invalidPath");
    auto after = s.okta_call("GET", "/Users/" + id);
    CHECK(after.str("displayName") == "Carol");
    CHECK(after.object().at("meta").at("version").as_string() == version);
    CHECK(s.events("scim.user.updated").empty());

    // A role that the server does not know.
    check_error(s.okta_call("PATCH", "/Users/" + id,
                            patch(R"([{"op":"add","path":"roles","value":[{"value":"superuser","primary":true}]}])")),
                400, "invalidValue");
    // A member that is not a user of this endpoint.
    check_error(s.okta_call("POST", "/Groups",
                            R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"X","members":[{"value":"nobody"}]})"),
                400, "invalidValue");
    // A create without userName.
    check_error(s.okta_call("POST", "/Users", R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]})"), 400,
                "invalidValue");
}

TEST_CASE("requests are bounded: body size and count", "[gateway][scim][reject]")
{
    scim_server s;
    std::string big = R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"big@example.com","title":")" +
                      std::string(gateway::scim_max_body_bytes, 'x') + R"("})";
    auto r = s.okta_call("POST", "/Users", big);
    check_error(r, 413, "");
    CHECK(s.events("scim.user.created").empty());
    auto listed = s.okta_call("GET", "/Users?count=5000");
    REQUIRE(listed.status() == 200);
    check_error(s.okta_call("GET", "/Users?count=abc"), 400, "invalidValue");
}

TEST_CASE("SCIM roles are granted owned by scim:<connection> and deactivation ends sessions", "[gateway][scim]")
{
    scim_server s;
    auto u = s.okta_call("POST", "/Users",
                         R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"dave@example.com",
                             "roles":[{"value":"editor","primary":true}]})");
    INFO(u.raw.body);
    REQUIRE(u.status() == 201);
    auto const id = u.str("id");
    {
        auto tx = s.app.store->begin(store::access::write);
        auto roles = (*tx)->users().roles(id);
        REQUIRE(roles->size() == 1);
        CHECK((*roles)[0].role == "editor");
        CHECK((*roles)[0].owner == "scim:okta");
        store::new_session ns;
        ns.user_id = id;
        ns.connection_id = "okta";
        ns.created_at = test::test_now();
        ns.expires_at = test::test_now() + std::chrono::hours(8);
        REQUIRE((*tx)->sessions().create("session-secret", ns).has_value());
        REQUIRE((*tx)->commit().has_value());
    }
    auto off = s.okta_call("PATCH", "/Users/" + id, patch(R"([{"op":"replace","path":"active","value":false}])"));
    REQUIRE(off.status() == 200);
    auto tx = s.app.store->begin(store::access::read);
    CHECK_FALSE((*tx)->sessions().find("session-secret")->has_value());
    auto ev = s.events("scim.user.deactivated");
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].event.changes_json.find("\"sessions_ended\":1") != std::string::npos);
}
