// Issue 7's seed scenarios end to end through the real routes: sign-ins through the ACS
// with signed assertions (sso_fixture), SCIM requests through the router with a real
// SCIM token, a real SQLite store, `user explain` and `ssogate doctor`.
//  (1) JIT on, SCIM sets role editor (here through a custom extension role attribute),
//      the user signs in with an assertion saying member → the role stays editor, a
//      provision.conflict is written, explain shows it and doctor reports the disagreement;
//  (2) a user JIT created, SCIM enabled later, SCIM POST with adopt_existing → same user
//      id, memberships kept, SCIM owns the fields it sent;
//  (3) the same without adopt_existing → 409 uniqueness with the adoption hint, and
//      doctor lists the user with the adopt command.
#include <ssogate/gateway/users.hpp>

#include <catch2/catch.hpp>

#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/cli.hpp>
#include <ssogate/gateway/connections.hpp>
#include <ssogate/gateway/routes.hpp>
#include <ssogate/gateway/scim.hpp>
#include <ssogate/scim/role_attribute.hpp>

#include "support/sso_fixture.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <sstream>

using namespace ssogate;
using namespace ssogate::test::sso;
namespace json = boost::json;

namespace {

constexpr char const* app_urn = "urn:example:scim:schemas:extension:app:2.0:User";

/// Turns SCIM on for okta (and whatever `change` adds), rebuilds the registry and issues a token.
std::string enable_scim(sso_app& app, std::function<void(gateway::connection_config&)> const& change = {})
{
    auto& okta = app.cfg.connections.at(0);
    okta.scim.enabled = true;
    if (change)
        change(okta);
    app.connections = gateway::connection_registry::build(app.cfg);
    auto token = gateway::create_scim_token(*app.store, "okta", "idp", gateway::admin_actor{"cli", "tester", "", ""},
                                            app.ctx.random, *app.now);
    REQUIRE(token.has_value());
    return token->secret;
}

gateway::http_response scim_request(sso_app& app, std::string const& secret, gateway::http_method method,
                                    std::string const& target, std::string const& body)
{
    gateway::http_request req;
    req.method = method;
    req.target = "/scim/v2/okta" + target;
    req.remote_address = "192.0.2.20";
    req.headers.set("Authorization", "Bearer " + secret);
    req.headers.set("Content-Type", "application/scim+json");
    req.body = body;
    return gateway::handle_request(app.ctx, req);
}

/// A JIT sign-in through okta with `role` and the group "engineering" (mapped to team Engineering).
void jit_sign_in(sso_app& app, std::string const& role)
{
    browser b;
    auto relay = app.start_login(b, "okta");
    idp_response r;
    r.in_response_to = relay;
    r.assertion_id = "_assertion-" + std::to_string(app.audit("sso.login.succeeded").size() + 1);
    r.role = role;
    auto res = app.post_acs(b, r, relay);
    INFO(res.body);
    REQUIRE(res.status == 303);
}

/// Team mapping so that JIT grants a membership: group engineering → team Engineering.
void map_engineering(sso_app& app)
{
    auto& okta = app.cfg.connections.at(0);
    okta.teams.groups["engineering"] = {"Engineering"};
    okta.jit.create_teams = true;
    app.connections = gateway::connection_registry::build(app.cfg);
}

/// `ssogate doctor --json` over the app's store, the app's connections written to a file.
json::object doctor(sso_app& app, std::string const& scim_lines)
{
    auto const meta = app.dir / "okta.xml";
    std::ofstream(meta) << *app.cfg.connections.at(0).idp.xml;
    std::ofstream(app.dir / "ssogate.toml") << "[store]\npath = \"ssogate.db\"\n\n[[connection]]\nid = \"okta\"\n"
                                               "domains = [\"example.com\"]\nidp_metadata_file = \"okta.xml\"\n"
                                            << scim_lines;
    std::vector<std::string> args{"ssogate", "--config", (app.dir / "ssogate.toml").string(), "doctor", "--json",
                                  "--now", "2026-01-01T00:00:00Z"};
    std::vector<char const*> argv;
    for (auto const& a : args)
        argv.push_back(a.c_str());
    static constexpr gateway::command_group groups[] = {gateway::add_doctor_command};
    std::ostringstream out, err;
    int rc = gateway::run_cli(static_cast<int>(argv.size()), argv.data(), groups, out, err);
    INFO(out.str() << err.str());
    CHECK(rc == 1);
    return json::parse(out.str()).as_object();
}

std::vector<json::object> findings(json::object const& report, std::string const& check)
{
    std::vector<json::object> out;
    for (auto const& f : report.at("findings").as_array())
        if (f.at("check").as_string() == check)
            out.push_back(f.as_object());
    return out;
}

std::string const alice_scim = R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
  "userName":"alice@example.com","name":{"givenName":"Alice","familyName":"Liddell"},
  "emails":[{"value":"alice@example.com","type":"work","primary":true}],"externalId":"00u-alice",
  "groups":[],"password":"x","active":true})";

} // namespace

TEST_CASE("seed scenario 1 end to end: SCIM's editor (custom role attribute) survives a member sign-in; the "
          "conflict is written, explain shows it and doctor reports the disagreement",
          "[gateway][scim][scenario]")
{
    sso_app app;
    auto const secret = enable_scim(app, [](gateway::connection_config& c) {
        c.scim.role_attribute = scim::parse_role_attribute(std::string(app_urn) + ":role").value();
    });
    auto created = scim_request(app, secret, gateway::http_method::post, "/Users",
                                std::string(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User",")") + app_urn +
                                    R"("],"userName":"alice@example.com",")" + app_urn + R"(":{"role":"editor"}})");
    INFO(created.body);
    REQUIRE(created.status == 201);
    auto const id = std::string(json::parse(created.body).at("id").as_string());

    app.advance(std::chrono::seconds(60));
    jit_sign_in(app, "member");

    auto began = app.store->begin(store::access::read);
    REQUIRE(began.has_value());
    auto& tx = **began;
    auto roles = tx.users().roles(id);
    REQUIRE(roles->size() == 1);
    CHECK(roles->front().role == "editor");
    CHECK(roles->front().owner == "scim:okta");
    auto conflicts = app.audit("provision.conflict");
    REQUIRE(conflicts.size() == 1);
    CHECK(conflicts[0].target == id);
    auto user = gateway::find_user(tx, "alice@example.com");
    REQUIRE(user->has_value());
    CHECK((*user)->id == id); // linked, not duplicated
    auto e = gateway::explain_user(tx, **user, gateway::registry_policies(app.connections), *app.now);
    REQUIRE(e.has_value());
    REQUIRE(e->conflicts.size() == 1);
    CHECK(e->conflicts[0].record.at("stored_value") == "editor");
    CHECK(e->conflicts[0].record.at("assertion_value") == "member");
    began->reset();

    auto report = doctor(app, "[connection.scim]\nenabled = true\nrole_attribute = \"" + std::string(app_urn) + ":role\"\n");
    auto f = findings(report, "jit_scim_disagree");
    REQUIRE(f.size() == 1);
    CHECK(f[0].at("user") == "alice@example.com");
    CHECK(std::string(f[0].at("message").as_string()).find("(1 recorded so far)") != std::string::npos);
}

TEST_CASE("seed scenario 2 end to end: a JIT user, SCIM enabled later, SCIM POST with adopt_existing keeps the id and "
          "memberships and SCIM owns what it sent",
          "[gateway][scim][scenario][adopt]")
{
    sso_app app;
    map_engineering(app);
    jit_sign_in(app, "member");
    std::string jit_id;
    {
        auto began = app.store->begin(store::access::read);
        auto u = gateway::find_user(**began, "alice@example.com");
        REQUIRE(u->has_value());
        jit_id = (*u)->id;
        REQUIRE((*began)->teams().memberships_of(jit_id)->size() == 1);
    }
    auto const secret = enable_scim(app, [](gateway::connection_config& c) { c.scim.adopt_existing = true; });
    auto adopted = scim_request(app, secret, gateway::http_method::post, "/Users", alice_scim);
    INFO(adopted.body);
    REQUIRE(adopted.status == 201);
    CHECK(json::parse(adopted.body).at("id").as_string() == jit_id);

    auto began = app.store->begin(store::access::read);
    auto& tx = **began;
    auto ms = tx.teams().memberships_of(jit_id);
    REQUIRE(ms->size() == 1);
    CHECK((*ms)[0].owner == "jit:okta"); // kept; SCIM did not send groups
    for (auto const& a : *tx.users().attributes(jit_id)) {
        INFO(a.name);
        if (a.name == "email" || a.name == "given_name" || a.name == "family_name")
            CHECK(a.owner == "scim:okta");
    }
    CHECK(tx.users().identities(jit_id)->size() == 1);
    CHECK(app.audit("scim.user.adopted").size() == 1);
    // The next sign-in goes to the same user and leaves SCIM's values alone.
    began->reset();
    app.advance(std::chrono::seconds(60));
    jit_sign_in(app, "member");
    auto again = app.store->begin(store::access::read);
    auto u = gateway::find_user(**again, "alice@example.com");
    CHECK((*u)->id == jit_id);
    for (auto const& a : *(*again)->users().attributes(jit_id))
        if (a.name == "given_name")
            CHECK(a.owner == "scim:okta");
}

TEST_CASE("seed scenario 3 end to end: without adopt_existing the SCIM POST is 409 with the adoption hint and doctor "
          "lists the user with the adopt command",
          "[gateway][scim][scenario][adopt][reject]")
{
    sso_app app;
    jit_sign_in(app, "member");
    auto const secret = enable_scim(app);
    auto refused = scim_request(app, secret, gateway::http_method::post, "/Users", alice_scim);
    INFO(refused.body);
    REQUIRE(refused.status == 409);
    auto const body = json::parse(refused.body).as_object();
    CHECK(body.at("scimType") == "uniqueness");
    auto const detail = std::string(body.at("detail").as_string());
    CHECK(detail.find("scim.adopt_existing = true") != std::string::npos);
    CHECK(detail.find("ssogate user adopt alice@example.com --connection okta") != std::string::npos);
    CHECK(app.audit("scim.user.adopted").empty());

    auto report = doctor(app, "[connection.scim]\nenabled = true\n");
    auto f = findings(report, "scim_not_owner");
    REQUIRE(f.size() == 1);
    CHECK(f[0].at("user") == "alice@example.com");
    CHECK(f[0].at("commands").at(1) == "ssogate user adopt alice@example.com --connection okta");
}
