// SCIM on a store-owned connection (created through the admin API, not the file): its
// JSON settings carry scim.enabled and scim.role_attribute, the SCIM routes find it
// through the registry, and a bad role_attribute is refused with the file's message and
// the field to blame.
#include <ssogate/gateway/scim.hpp>

#include <catch2/catch.hpp>

#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/connection_admin.hpp>
#include <ssogate/gateway/routes.hpp>

#include "support/sso_fixture.hpp"

#include <boost/json.hpp>

using namespace ssogate;
using namespace ssogate::test::sso;
namespace json = boost::json;

namespace {

gateway::http_response call(sso_app& app, gateway::http_method m, std::string target, std::string const& bearer,
                            std::string body = {})
{
    gateway::http_request req;
    req.method = m;
    req.target = std::move(target);
    req.body = std::move(body);
    req.remote_address = "192.0.2.20";
    req.headers.set("Authorization", "Bearer " + bearer);
    req.headers.set("Content-Type", "application/json");
    return gateway::handle_request(app.ctx, req);
}

} // namespace

TEST_CASE("a store-owned connection serves SCIM with its role_attribute; a bad one is refused naming the field",
          "[gateway][scim][role_attribute][connections]")
{
    sso_app app;
    app.connections.attach(*app.store, app.log.logger());
    app.connections.set_refresh_interval(std::chrono::milliseconds(0));
    auto admin = gateway::create_admin_token(*app.store, "test", {"cli", "tester", {}, {}}, app.ctx.random, *app.now);
    REQUIRE(admin.has_value());

    json::object acme{{"id", "acme"},
                      {"name", "Acme"},
                      {"domains", json::array{"acme.test"}},
                      {"idp_metadata", *app.cfg.connections[0].idp.xml},
                      {"scim",
                       json::object{{"enabled", true},
                                    {"role_attribute", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:division"}}}};
    auto created = call(app, gateway::http_method::post, "/admin/v1/connections", admin->secret, json::serialize(acme));
    INFO(created.body);
    REQUIRE(created.status == 201);

    // Not in the file: only the registry knows it.
    REQUIRE(app.cfg.find_connection("acme") == nullptr);
    auto token = gateway::create_scim_token(*app.store, "acme", "idp", gateway::admin_actor{"cli", "tester", "", ""},
                                            app.ctx.random, *app.now);
    REQUIRE(token.has_value());
    auto user = call(app, gateway::http_method::post, "/scim/v2/acme/Users", token->secret,
                     R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"wile@acme.test",
                        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"division":"owner"}})");
    INFO(user.body);
    REQUIRE(user.status == 201);
    auto const id = std::string(json::parse(user.body).at("id").as_string());
    {
        auto tx = app.store->begin(store::access::read);
        REQUIRE(tx.has_value());
        auto roles = (*tx)->users().roles(id);
        REQUIRE(roles->size() == 1);
        CHECK(roles->front().role == "owner");
        CHECK(roles->front().owner == "scim:acme");
    }

    // The first sign-in through acme links to the SCIM user by userName (the connection's
    // scim.match_on default), through the registry's settings: no second user.
    app.advance(std::chrono::seconds(60));
    browser b;
    auto relay = app.start_login(b, "acme");
    idp_response r;
    r.connection = "acme";
    r.in_response_to = relay;
    r.name_id = "wile@acme.test";
    r.email = "wile@acme.test";
    auto signed_in = app.post_acs(b, r, relay);
    INFO(signed_in.body);
    REQUIRE(signed_in.status == 303);
    {
        auto tx = app.store->begin(store::access::read);
        REQUIRE(tx.has_value());
        auto linked = (*tx)->users().find_by_identity("acme", "wile@acme.test");
        REQUIRE(linked.has_value());
        REQUIRE(linked->has_value());
        CHECK((*linked)->id == id);
    }
    CHECK(app.audit("jit.user.linked").size() == 1);

    // A merge patch with a role_attribute that cannot carry a role: 400, the field named.
    auto bad = call(app, gateway::http_method::patch, "/admin/v1/connections/acme", admin->secret,
                    R"({"scim":{"role_attribute":"roles.value"}})");
    INFO(bad.body);
    REQUIRE(bad.status == 400);
    auto const body = json::parse(bad.body).as_object();
    CHECK(body.at("field") == "scim.role_attribute");
    CHECK(std::string(body.at("error").as_string()).find("scim.role_attribute must be \"roles\" or an extension "
                                                         "attribute") != std::string::npos);

    // SCIM switched off on it: 404 from the SCIM routes.
    auto off = call(app, gateway::http_method::patch, "/admin/v1/connections/acme", admin->secret,
                    R"({"scim":{"enabled":false}})");
    REQUIRE(off.status == 200);
    CHECK(call(app, gateway::http_method::get, "/scim/v2/acme/Users", token->secret).status == 404);
}
