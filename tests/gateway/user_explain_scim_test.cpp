// Seed scenario (1) through the SCIM HTTP API (issue 7): SCIM (POST /scim/v2/okta/Users)
// sets the role `editor`; the user signs in through okta with an assertion saying
// `member` → the SSO identity links to the SCIM user by userName, the role stays `editor`,
// a provision.conflict event is written, and `user explain` shows it.
#include <ssogate/gateway/users.hpp>

#include <catch2/catch.hpp>

#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/routes.hpp>
#include <ssogate/gateway/scim.hpp>

#include "support/sso_fixture.hpp"

#include <boost/json.hpp>

using namespace ssogate;
using namespace ssogate::test::sso;
namespace json = boost::json;

TEST_CASE("scenario 1 through SCIM: SCIM's editor role survives a member assertion and explain shows the conflict",
          "[gateway][users][explain][scenario][scim]")
{
    sso_app app;
    app.cfg.connections.at(0).scim.enabled = true;   // okta: JIT and SCIM both on
    app.connections = gateway::connection_registry::build(app.cfg);
    auto token = gateway::create_scim_token(*app.store, "okta", "idp", gateway::admin_actor{"cli", "tester", "", ""},
                                            app.ctx.random, *app.now);
    REQUIRE(token.has_value());

    gateway::http_request post;
    post.method = gateway::http_method::post;
    post.target = "/scim/v2/okta/Users";
    post.remote_address = "192.0.2.20";
    post.headers.set("Authorization", "Bearer " + token->secret);
    post.headers.set("Content-Type", "application/scim+json");
    post.body = R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"alice@example.com",)"
                R"("name":{"givenName":"Alice","familyName":"Liddell"},)"
                R"("emails":[{"value":"alice@example.com","type":"work","primary":true}],)"
                R"("roles":[{"value":"editor","primary":true}],"active":true})";
    auto created = gateway::handle_request(app.ctx, post);
    INFO(created.body);
    REQUIRE(created.status == 201);
    auto const user_id = std::string(json::parse(created.body).at("id").as_string());

    app.advance(std::chrono::seconds(60));
    browser b;
    auto relay = app.start_login(b, "okta");
    idp_response r;
    r.in_response_to = relay;
    r.role = "member";
    auto signed_in = app.post_acs(b, r, relay);
    INFO(signed_in.body);
    REQUIRE(signed_in.status == 303);

    auto began = app.store->begin(store::access::read);
    REQUIRE(began.has_value());
    auto& tx = **began;
    auto roles = tx.users().roles(user_id);
    REQUIRE(roles.has_value());
    REQUIRE(roles->size() == 1);
    CHECK(roles->front().role == "editor");
    CHECK(roles->front().owner == "scim:okta");
    auto conflicts = app.audit("provision.conflict");
    REQUIRE(conflicts.size() == 1);
    CHECK(conflicts[0].target == user_id);

    auto user = gateway::find_user(tx, user_id);
    REQUIRE(user.has_value());
    REQUIRE(user->has_value());
    auto e = gateway::explain_user(tx, **user, gateway::registry_policies(app.connections), *app.now);
    REQUIRE(e.has_value());
    REQUIRE(e->details.roles.size() == 1);
    REQUIRE(e->details.roles[0].set_by.has_value());
    CHECK(e->details.roles[0].set_by->action.rfind("scim.user.", 0) == 0);
    REQUIRE(e->conflicts.size() == 1);
    CHECK(e->conflicts[0].record.at("assertion_value") == "member");
    CHECK(e->conflicts[0].record.at("stored_value") == "editor");
    CHECK(e->conflicts[0].record.at("stored_owner") == "scim:okta");
    REQUIRE(e->next_sign_ins.size() == 1);
    REQUIRE(e->next_sign_ins[0].plan.has_value());
    CHECK(e->next_sign_ins[0].plan->conflicts.size() == 1);
}
