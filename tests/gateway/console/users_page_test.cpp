// The console's users pages through the handlers (no socket): search by email and by
// name, the user page's rendering of `explain` (provenance with owners and events,
// conflicts, the last assertion, the next sign-in) and escaping of a hostile display
// name and attribute value.
#include <ssogate/gateway/console.hpp>

#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/routes.hpp>
#include <ssogate/gateway/scim.hpp>

#include "support/console_fixture.hpp"
#include "support/sso_fixture.hpp"

#include <catch2/catch.hpp>

#include <boost/json.hpp>

using namespace ssogate;
using namespace ssogate::test::sso;
using namespace ssogate::test::console;

TEST_CASE("the user page renders explain with owners and events, and escapes a hostile name and attribute",
          "[gateway][console]")
{
    sso_app app;
    browser user;
    auto relay = app.start_login(user, "okta");
    idp_response r;
    r.in_response_to = relay;
    r.display_name = "<script>alert('name')</script>";
    r.groups = {"<script>alert('group')</script>"};
    REQUIRE(app.post_acs(user, r, relay).status == 303);

    browser b;
    open_console(app.ctx, *app.store, b, *app.now);
    auto list = send(app.ctx, b, gateway::http_method::get, "/admin/users?q=alice%40example.com");
    REQUIRE(list.status == 200);
    auto at = list.body.find("href=\"/admin/users/");
    REQUIRE(at != std::string::npos);
    auto href = list.body.substr(at + 6, list.body.find('"', at + 6) - at - 6);
    // Search by (part of) the name finds the same user.
    CHECK_THAT(send(app.ctx, b, gateway::http_method::get, "/admin/users?q=ALERT").body, Catch::Contains(href));

    auto page = send(app.ctx, b, gateway::http_method::get, href);
    INFO(page.body);
    REQUIRE(page.status == 200);
    CHECK(page.body.find("<script>alert") == std::string::npos);
    CHECK_THAT(page.body, Catch::Contains("&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;"));
    CHECK_THAT(page.body, Catch::Contains("&lt;script&gt;alert(&#39;group&#39;)&lt;/script&gt;"));
    CHECK_THAT(page.body, Catch::Contains("<code>jit:okta</code>"));
    CHECK_THAT(page.body, Catch::Contains("<h2>Last assertion</h2>"));
    CHECK_THAT(page.body, Catch::Contains("<h2>Next sign-in</h2>"));
    CHECK_THAT(page.body, Catch::Contains("No conflict recorded."));
}

TEST_CASE("the user page lists a recorded conflict with both values and the owner", "[gateway][console]")
{
    sso_app app;
    browser user;
    auto relay = app.start_login(user, "okta");
    idp_response r;
    r.in_response_to = relay;
    REQUIRE(app.post_acs(user, r, relay).status == 303);
    std::string user_id;
    {
        auto tx = app.store->begin(store::access::write);
        REQUIRE(tx.has_value());
        auto u = (*tx)->users().find_by_email("alice@example.com");
        REQUIRE(u.has_value());
        REQUIRE(u->has_value());
        user_id = (*u)->id;
        store::attribute_record a{"display_name", "Alice from SCIM", "scim:okta", *app.now, std::nullopt};
        REQUIRE((*tx)->users().set_attribute(user_id, a).has_value());
        REQUIRE((*tx)->commit().has_value());
    }
    app.advance(std::chrono::seconds(60));
    relay = app.start_login(user, "okta");
    idp_response again;
    again.in_response_to = relay;
    again.assertion_id = "_assertion-2";
    again.display_name = "Alice from the IdP";
    REQUIRE(app.post_acs(user, again, relay).status == 303);
    REQUIRE(!app.audit("provision.conflict").empty());

    browser b;
    open_console(app.ctx, *app.store, b, *app.now);
    auto page = send(app.ctx, b, gateway::http_method::get, "/admin/users/" + user_id);
    REQUIRE(page.status == 200);
    CHECK(page.body.find("No conflict recorded.") == std::string::npos);
    CHECK_THAT(page.body, Catch::Contains("Alice from SCIM"));
    CHECK_THAT(page.body, Catch::Contains("Alice from the IdP"));
    CHECK_THAT(page.body, Catch::Contains("<code>scim:okta</code>"));
}

TEST_CASE("the user page of a SCIM user who never signed in says how the first sign-in will link",
          "[gateway][console][scim]")
{
    sso_app app;
    app.cfg.connections.at(0).scim.enabled = true;
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
    post.body = R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"carol@example.com",)"
                R"("externalId":"00u-<b>carol</b>","name":{"givenName":"Carol","familyName":"Danvers"},)"
                R"("roles":[{"value":"editor","primary":true}],"active":true})";
    auto created = gateway::handle_request(app.ctx, post);
    INFO(created.body);
    REQUIRE(created.status == 201);
    auto const id = std::string(boost::json::parse(created.body).at("id").as_string());

    browser b;
    open_console(app.ctx, *app.store, b, *app.now);
    auto page = send(app.ctx, b, gateway::http_method::get, "/admin/users/" + id);
    INFO(page.body);
    REQUIRE(page.status == 200);
    CHECK_THAT(page.body, Catch::Contains("First sign-in: the identity links to this user when the assertion"));
    CHECK_THAT(page.body, Catch::Contains("<strong>carol@example.com</strong>"));
    CHECK_THAT(page.body, Catch::Contains("JIT keeps (another source owns them):"));
    CHECK_THAT(page.body, Catch::Contains("role editor"));
}
