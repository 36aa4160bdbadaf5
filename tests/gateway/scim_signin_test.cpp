// Precedence at sign-in (issue 7): the first sign-in of a SCIM-provisioned user links
// the SSO identity to it (scim.match_on = externalId or userName); a user SCIM
// deactivated cannot sign in.
#include <ssogate/gateway/scim.hpp>

#include <catch2/catch.hpp>

#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/routes.hpp>

#include "support/sso_fixture.hpp"

#include <boost/json.hpp>

using namespace ssogate;
using namespace ssogate::test;
using namespace ssogate::test::sso;
namespace json = boost::json;

namespace {

/// Sends a SCIM request for connection okta with a fresh token.
gateway::http_response scim_request(sso_app& app, std::string const& secret, gateway::http_method method,
                                    std::string const& target, std::string body)
{
    gateway::http_request req;
    req.method = method;
    req.target = "/scim/v2/okta" + target;
    req.headers.set("Authorization", "Bearer " + secret);
    req.headers.set("Content-Type", "application/scim+json");
    req.body = std::move(body);
    return gateway::handle_request(app.ctx, req);
}

std::string okta_token(sso_app& app)
{
    auto token = gateway::create_scim_token(*app.store, "okta", "idp", gateway::admin_actor{"cli", "tester", "", ""},
                                            app.ctx.random, *app.now);
    REQUIRE(token.has_value());
    return token->secret;
}

} // namespace

TEST_CASE("a SCIM user matched by externalId = NameID is linked on first sign-in, not duplicated",
          "[gateway][scim][signin]")
{
    sso_app app;
    app.cfg.connections.at(0).scim.enabled = true;
    app.cfg.connections.at(0).scim.match_on = gateway::scim_match::external_id;
    app.connections = gateway::connection_registry::build(app.cfg); // the SCIM routes read the registry
    auto const secret = okta_token(app);
    auto created = scim_request(app, secret, gateway::http_method::post, "/Users",
                                R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
                                    "userName":"asmith","externalId":"00u-alice-nameid",
                                    "emails":[{"value":"alice@example.com","primary":true}]})");
    INFO(created.body);
    REQUIRE(created.status == 201);
    auto const user_id = std::string(json::parse(created.body).at("id").as_string());

    browser b;
    auto relay = app.start_login(b, "okta");
    idp_response r;
    r.in_response_to = relay;
    r.name_id = "00u-alice-nameid";
    auto signed_in = app.post_acs(b, r, relay);
    INFO(signed_in.body);
    REQUIRE(signed_in.status == 303);

    auto tx = app.store->begin(store::access::read);
    auto ids = (*tx)->users().identities(user_id);
    REQUIRE(ids->size() == 1);
    CHECK((*ids)[0].subject == "00u-alice-nameid");
    CHECK((*tx)->users().list("", 100)->size() == 1); // no second user
    CHECK_FALSE(app.audit("jit.user.linked").empty());
    // The email SCIM set stays SCIM's.
    for (auto const& a : *(*tx)->users().attributes(user_id))
        if (a.name == "email")
            CHECK(a.owner == "scim:okta");
}

TEST_CASE("a user SCIM deactivated cannot sign in; reactivated, it can", "[gateway][scim][signin]")
{
    sso_app app;
    app.cfg.connections.at(0).scim.enabled = true; // match_on userName (default)
    app.connections = gateway::connection_registry::build(app.cfg); // the SCIM routes read the registry
    auto const secret = okta_token(app);
    auto created = scim_request(app, secret, gateway::http_method::post, "/Users",
                                R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"alice@example.com"})");
    REQUIRE(created.status == 201);
    auto const user_id = std::string(json::parse(created.body).at("id").as_string());
    auto off = scim_request(app, secret, gateway::http_method::patch, "/Users/" + user_id,
                            R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                                "Operations":[{"op":"Replace","path":"active","value":"False"}]})");
    REQUIRE(off.status == 200);

    browser b;
    auto relay = app.start_login(b, "okta");
    idp_response r;
    r.in_response_to = relay;
    auto denied = app.post_acs(b, r, relay);
    CHECK(denied.status == 403);

    auto on = scim_request(app, secret, gateway::http_method::patch, "/Users/" + user_id,
                           R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                               "Operations":[{"op":"Replace","path":"active","value":"True"}]})");
    REQUIRE(on.status == 200);
    app.advance(std::chrono::seconds(5));
    browser b2;
    auto relay2 = app.start_login(b2, "okta");
    idp_response r2;
    r2.in_response_to = relay2;
    r2.assertion_id = "_assertion-2";
    auto ok = app.post_acs(b2, r2, relay2);
    INFO(ok.body);
    CHECK(ok.status == 303);
    auto tx = app.store->begin(store::access::read);
    CHECK((*tx)->users().identities(user_id)->size() == 1);
}
