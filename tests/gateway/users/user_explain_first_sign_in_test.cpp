// `user explain` for a user that a connection's SCIM provisioned and who never signed in
// through it (issue 7: "for each connection the user can sign in through, what JIT would
// do on the next sign-in"): one next_sign_in with status "first_sign_in" saying how the
// identity will link (scim.match_on and the value), which values JIT keeps because SCIM
// (or an admin) owns them, and what JIT may set.
#include <ssogate/gateway/users.hpp>

#include <catch2/catch.hpp>

#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/cli.hpp>
#include <ssogate/gateway/routes.hpp>
#include <ssogate/gateway/scim.hpp>

#include "support/sso_fixture.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

using namespace ssogate;
using namespace ssogate::test::sso;
namespace json = boost::json;

namespace {

/// POSTs a SCIM user to okta and returns its id.
std::string scim_post(sso_app& app, std::string const& secret, std::string const& body)
{
    gateway::http_request post;
    post.method = gateway::http_method::post;
    post.target = "/scim/v2/okta/Users";
    post.remote_address = "192.0.2.20";
    post.headers.set("Authorization", "Bearer " + secret);
    post.headers.set("Content-Type", "application/scim+json");
    post.body = body;
    auto created = gateway::handle_request(app.ctx, post);
    INFO(created.body);
    REQUIRE(created.status == 201);
    return std::string(json::parse(created.body).at("id").as_string());
}

gateway::scim_lookup scim_of(gateway::config const& cfg)
{
    return [cfg](std::string_view id) -> std::optional<gateway::scim_settings> {
        if (auto const* c = cfg.find_connection(std::string(id)))
            return c->scim;
        return std::nullopt;
    };
}

bool contains(std::vector<std::string> const& v, std::string const& s)
{
    return std::find(v.begin(), v.end(), s) != v.end();
}

bool contains_prefix(std::vector<std::string> const& v, std::string const& prefix)
{
    return std::any_of(v.begin(), v.end(), [&](auto const& s) { return s.rfind(prefix, 0) == 0; });
}

std::string const alice = R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"alice@example.com",)"
                          R"("externalId":"00u-alice","name":{"givenName":"Alice","familyName":"Liddell"},)"
                          R"("emails":[{"value":"alice@example.com","type":"work","primary":true}],)"
                          R"("roles":[{"value":"editor","primary":true}],"active":true})";

} // namespace

TEST_CASE("explain tells, for a SCIM user who never signed in, how the first sign-in links and what JIT keeps and may set",
          "[gateway][users][explain][scim]")
{
    sso_app app;
    app.cfg.connections.at(0).scim.enabled = true;
    app.connections = gateway::connection_registry::build(app.cfg);
    auto token = gateway::create_scim_token(*app.store, "okta", "idp", gateway::admin_actor{"cli", "tester", "", ""},
                                            app.ctx.random, *app.now);
    REQUIRE(token.has_value());
    auto const id = scim_post(app, token->secret, alice);

    auto began = app.store->begin(store::access::read);
    REQUIRE(began.has_value());
    auto user = gateway::find_user(**began, id);
    REQUIRE(user.has_value());
    REQUIRE(user->has_value());
    auto e = gateway::explain_user(**began, **user, gateway::registry_policies(app.connections), scim_of(app.cfg),
                                   *app.now);
    REQUIRE(e.has_value());
    REQUIRE(e->details.identities.empty());
    REQUIRE(e->next_sign_ins.size() == 1);
    auto const& n = e->next_sign_ins[0];
    CHECK(n.connection_id == "okta");
    CHECK(n.status == "first_sign_in");
    CHECK(n.jit_enabled == std::optional<bool>(true));
    CHECK_FALSE(n.plan.has_value());
    REQUIRE(n.first.has_value());
    CHECK(n.first->match_on == "userName");
    CHECK(n.first->match_value == "alice@example.com");
    CHECK(contains(n.first->kept, "email (scim:okta)"));
    CHECK(contains(n.first->kept, "given_name (scim:okta)"));
    CHECK(contains(n.first->kept, "family_name (scim:okta)"));
    CHECK(contains(n.first->kept, "role editor (scim:okta)"));
    // SCIM sent no display name: JIT may set it; no role (SCIM owns one); teams per mapping.
    CHECK(contains(n.first->may_set, "display_name: unowned, update = each_login"));
    CHECK_FALSE(contains_prefix(n.first->may_set, "role"));
    CHECK_FALSE(contains_prefix(n.first->may_set, "email"));
    CHECK(contains_prefix(n.first->may_set, "teams: memberships from the group mapping, owned by jit:okta"));
    CHECK(n.detail.find("links the identity to this user (userName = \"alice@example.com\")") != std::string::npos);

    // JSON form.
    auto j = gateway::user_explanation_to_json(*e);
    auto const& first = j.at("next_sign_in").as_array().at(0).at("first_sign_in");
    CHECK(first.at("match_on") == "userName");
    CHECK(first.at("kept").as_array().size() == 4);

    // The admin API's explain (GET /admin/v1/users/{id}/explain) reads the registry's SCIM settings.
    auto admin = gateway::create_admin_token(*app.store, "t", {"cli", "tester", {}, {}}, app.ctx.random, *app.now);
    REQUIRE(admin.has_value());
    gateway::http_request get;
    get.method = gateway::http_method::get;
    get.target = "/admin/v1/users/" + id + "/explain";
    get.remote_address = "192.0.2.20";
    get.headers.set("Authorization", "Bearer " + admin->secret);
    auto api = gateway::handle_request(app.ctx, get);
    INFO(api.body);
    REQUIRE(api.status == 200);
    auto const api_first = json::parse(api.body).at("next_sign_in").at(0).at("first_sign_in");
    CHECK(api_first.at("match_on") == "userName");
    CHECK(api_first.at("match_value") == "alice@example.com");

    // Without the SCIM lookup (the 3-argument form) match_on is unknown (null).
    auto plain = gateway::explain_user(**began, **user, gateway::registry_policies(app.connections), *app.now);
    REQUIRE(plain.has_value());
    REQUIRE(plain->next_sign_ins.size() == 1);
    CHECK(plain->next_sign_ins[0].first->match_on.empty());
    CHECK(gateway::user_explanation_to_json(*plain).at("next_sign_in").at(0).at("first_sign_in").at("match_on").is_null());
}

TEST_CASE("explain's first sign-in follows match_on externalId and a JIT switch that is off", "[gateway][users][explain][scim]")
{
    sso_app app;
    app.cfg.connections.at(0).scim.enabled = true;
    app.cfg.connections.at(0).scim.match_on = gateway::scim_match::external_id;
    app.connections = gateway::connection_registry::build(app.cfg);
    auto token = gateway::create_scim_token(*app.store, "okta", "idp", gateway::admin_actor{"cli", "tester", "", ""},
                                            app.ctx.random, *app.now);
    REQUIRE(token.has_value());
    auto const id = scim_post(app, token->secret, alice);
    {
        auto w = app.store->begin(store::access::write);
        REQUIRE(w.has_value());
        REQUIRE((*w)->connections().set_jit_enabled("okta", false, *app.now).has_value());
        REQUIRE((*w)->commit().has_value());
    }
    auto began = app.store->begin(store::access::read);
    REQUIRE(began.has_value());
    auto user = gateway::find_user(**began, id);
    REQUIRE(user.has_value());
    auto e = gateway::explain_user(**began, **user, gateway::registry_policies(app.connections), scim_of(app.cfg),
                                   *app.now);
    REQUIRE(e.has_value());
    REQUIRE(e->next_sign_ins.size() == 1);
    auto const& n = e->next_sign_ins[0];
    CHECK(n.jit_enabled == std::optional<bool>(false));
    REQUIRE(n.first.has_value());
    CHECK(n.first->match_on == "externalId");
    CHECK(n.first->match_value == "00u-alice");
    CHECK(n.first->may_set.empty());
    CHECK(n.detail == "JIT is off on okta: the first sign-in links the identity and writes nothing else");

}

TEST_CASE("after the first sign-in explain plans from the assertion instead of the first-sign-in summary",
          "[gateway][users][explain][scim]")
{
    sso_app app;
    app.cfg.connections.at(0).scim.enabled = true;
    app.connections = gateway::connection_registry::build(app.cfg);
    auto token = gateway::create_scim_token(*app.store, "okta", "idp", gateway::admin_actor{"cli", "tester", "", ""},
                                            app.ctx.random, *app.now);
    REQUIRE(token.has_value());
    auto const id = scim_post(app, token->secret, alice);
    app.advance(std::chrono::seconds(60));
    browser b;
    auto relay = app.start_login(b, "okta");
    idp_response r;
    r.in_response_to = relay;
    REQUIRE(app.post_acs(b, r, relay).status == 303);
    auto began = app.store->begin(store::access::read);
    REQUIRE(began.has_value());
    auto user = gateway::find_user(**began, id);
    REQUIRE(user.has_value());
    auto e = gateway::explain_user(**began, **user, gateway::registry_policies(app.connections), scim_of(app.cfg),
                                   *app.now);
    REQUIRE(e.has_value());
    REQUIRE(e->next_sign_ins.size() == 1);
    CHECK(e->next_sign_ins[0].status == "planned");
    CHECK_FALSE(e->next_sign_ins[0].first.has_value());
}

TEST_CASE("ssogate user explain prints the first sign-in of a SCIM user: the link by match_on, what JIT keeps and may set",
          "[gateway][users][explain][scim][cli]")
{
    sso_app app;
    app.cfg.connections.at(0).scim.enabled = true;
    app.connections = gateway::connection_registry::build(app.cfg);
    auto token = gateway::create_scim_token(*app.store, "okta", "idp", gateway::admin_actor{"cli", "tester", "", ""},
                                            app.ctx.random, *app.now);
    REQUIRE(token.has_value());
    scim_post(app, token->secret, alice);
    auto const config = (app.dir / "ssogate.toml").string();
    std::ofstream(config) << "[store]\npath = \"ssogate.db\"\n\n[[connection]]\nid = \"okta\"\nname = \"Okta\"\n"
                             "domains = [\"example.com\"]\nidp_metadata_file = \""
                          << SSOGATE_TEST_DATA_DIR << "/saml/metadata/okta.xml\"\n[connection.scim]\nenabled = true\n"
                             "match_on = \"externalId\"\n";
    std::vector<std::string> args{"ssogate", "--config", config, "user", "explain", "alice@example.com"};
    std::vector<char const*> argv;
    for (auto const& a : args)
        argv.push_back(a.c_str());
    static constexpr gateway::command_group groups[] = {gateway::add_user_commands};
    std::ostringstream out, err;
    int rc = gateway::run_cli(static_cast<int>(argv.size()), argv.data(), groups, out, err);
    INFO(out.str() << err.str());
    REQUIRE(rc == 0);
    CHECK(out.str().find("  okta: JIT on, first_sign_in (never signed in through okta: the first sign-in links the "
                         "identity to this user (externalId = \"00u-alice\")") != std::string::npos);
    CHECK(out.str().find("    links by externalId = \"00u-alice\"\n") != std::string::npos);
    CHECK(out.str().find("    keeps role editor (scim:okta)\n") != std::string::npos);
    CHECK(out.str().find("    may set display_name: unowned, update = each_login\n") != std::string::npos);
}
