// `user explain` (issue 7 "Troubleshooting tools") and seed scenario (1): JIT on, SCIM owns
// the role `editor`, the user signs in with an assertion saying `member` → the role stays
// `editor`, a provision.conflict event is written, and explain shows it — through the
// function, the admin API and the CLI, which render the same value.
#include <ssogate/gateway/users.hpp>

#include <catch2/catch.hpp>

#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/cli.hpp>
#include <ssogate/gateway/routes.hpp>
#include <ssogate/store/owner.hpp>

#include "support/sso_fixture.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <sstream>

using namespace ssogate;
using namespace ssogate::test::sso;
namespace json = boost::json;

namespace {

constexpr char user_id[] = "u-scim-alice";

/// What SCIM provisioning leaves behind (seeded through the store: the SCIM HTTP API
/// was not committed when this test was written): alice, created by scim:okta, email
/// and role `editor` owned by scim:okta, her okta identity bound, and the event.
void seed_scim_user(sso_app& app)
{
    auto began = app.store->begin(store::access::write);
    REQUIRE(began.has_value());
    auto& tx = **began;
    auto const now = *app.now;
    auto const owner = store::owner_scim("okta");
    REQUIRE(tx.users().create({user_id, owner, true, now}).has_value());
    REQUIRE(tx.users().set_attribute(user_id, {"email", "alice@example.com", owner, now, "ev-scim-1"}).has_value());
    REQUIRE(tx.users().grant_role(user_id, {"editor", owner, now, std::nullopt}).has_value());
    REQUIRE(tx.users().add_identity({"okta", "alice@example.com", user_id, now, std::nullopt, ""}).has_value());
    store::audit_event ev;
    ev.id = "ev-scim-1";
    ev.time = now;
    ev.action = "scim.user.created";
    ev.actor_type = "scim";
    ev.actor_id = "okta";
    ev.target = user_id;
    ev.connection_id = "okta";
    ev.result_status = "success";
    REQUIRE(tx.audit().append(ev).has_value());
    REQUIRE(tx.commit().has_value());
}

void sign_in_as_member(sso_app& app)
{
    browser b;
    auto relay = app.start_login(b, "okta");
    idp_response r;
    r.in_response_to = relay;
    r.role = "member";
    r.assertion_id = "_assertion-member";
    auto res = app.post_acs(b, r, relay);
    INFO(res.body);
    REQUIRE(res.status == 303);
}

gateway::user_explanation explain(sso_app& app)
{
    auto began = app.store->begin(store::access::read);
    REQUIRE(began.has_value());
    auto user = gateway::find_user(**began, "ALICE@example.com");
    REQUIRE(user.has_value());
    REQUIRE(user->has_value());
    auto e = gateway::explain_user(**began, **user, gateway::registry_policies(app.connections), *app.now);
    REQUIRE(e.has_value());
    return std::move(*e);
}

struct cli_run {
    int exit_code = -1;
    std::string out;
    std::string err;
};

cli_run run_cli(std::vector<std::string> args)
{
    args.insert(args.begin(), "ssogate");
    std::vector<char const*> argv;
    for (auto const& a : args)
        argv.push_back(a.c_str());
    static constexpr gateway::command_group groups[] = {gateway::add_user_commands};
    std::ostringstream out, err;
    int rc = gateway::run_cli(static_cast<int>(argv.size()), argv.data(), groups, out, err);
    return {rc, out.str(), err.str()};
}

/// ssogate.toml next to the fixture's store, declaring okta with the fixture's defaults.
std::string write_cli_config(sso_app& app)
{
    auto path = (app.dir / "ssogate.toml").string();
    std::ofstream(path) << "[store]\npath = \"ssogate.db\"\n\n[[connection]]\nid = \"okta\"\nname = \"Okta\"\n"
                           "domains = [\"example.com\", \"shared.test\"]\nidp_metadata_file = \""
                        << SSOGATE_TEST_DATA_DIR << "/saml/metadata/okta.xml\"\n";
    return path;
}

} // namespace

TEST_CASE("a SCIM-owned role survives a sign-in whose assertion says member, and the conflict is recorded",
          "[gateway][users][explain][scenario]")
{
    sso_app app;
    seed_scim_user(app);
    app.advance(std::chrono::seconds(60));
    sign_in_as_member(app);

    auto began = app.store->begin(store::access::read);
    REQUIRE(began.has_value());
    auto roles = (**began).users().roles(user_id);
    REQUIRE(roles.has_value());
    REQUIRE(roles->size() == 1);
    CHECK(roles->front().role == "editor");
    CHECK(roles->front().owner == "scim:okta");

    auto conflicts = app.audit("provision.conflict");
    REQUIRE(conflicts.size() == 1);
    CHECK(conflicts[0].target == user_id);
    auto record = json::parse(conflicts[0].changes_json).as_object();
    CHECK(record.at("item") == "role");
    CHECK(record.at("assertion_value") == "member");
    CHECK(record.at("stored_value") == "editor");
    CHECK(record.at("stored_owner") == "scim:okta");
}

TEST_CASE("user explain shows the owner and event of each value, the conflict, the last assertion and the next sign-in",
          "[gateway][users][explain][scenario]")
{
    sso_app app;
    seed_scim_user(app);
    app.advance(std::chrono::seconds(60));
    sign_in_as_member(app);
    auto const e = explain(app);

    REQUIRE(e.details.roles.size() == 1);
    CHECK(e.details.roles[0].name == "editor");
    CHECK(e.details.roles[0].owner == "scim:okta");
    REQUIRE(e.details.roles[0].set_by.has_value());
    CHECK(e.details.roles[0].set_by->action == "scim.user.created");
    // The display name came from the sign-in: JIT owns it and jit.user.updated set it.
    auto display = std::find_if(e.details.profile.begin(), e.details.profile.end(),
                                [](auto const& v) { return v.name == "display_name"; });
    REQUIRE(display != e.details.profile.end());
    CHECK(display->owner == "jit:okta");
    REQUIRE(display->set_by.has_value());
    CHECK(display->set_by->action == "jit.user.updated");

    REQUIRE(e.conflicts.size() == 1);
    CHECK(e.conflicts[0].connection_id == "okta");
    CHECK(e.conflicts[0].event.action == "provision.conflict");
    CHECK(e.conflicts[0].record.at("stored_value") == "editor");

    REQUIRE(e.last_assertion.has_value());
    CHECK(e.last_assertion->connection_id == "okta");
    CHECK(e.last_assertion->assertion.at("attributes").at("role").as_array().at(0) == "member");

    // The next sign-in with the same assertion: the same conflict again, nothing written.
    REQUIRE(e.next_sign_ins.size() == 1);
    auto const& next = e.next_sign_ins[0];
    CHECK(next.status == "planned");
    CHECK(next.jit_enabled == true);
    REQUIRE(next.plan.has_value());
    CHECK(next.plan->decision == jit::plan_decision::no_change);
    CHECK(next.plan->roles_added.empty());
    REQUIRE(next.plan->conflicts.size() == 1);
    CHECK(next.plan->conflicts[0].stored_value == "editor");
    CHECK(next.plan->conflicts[0].assertion_value == "member");

    // Explaining wrote nothing.
    CHECK(app.audit("provision.conflict").size() == 1);
}

TEST_CASE("user explain JSON has the documented shape, and GET /admin/v1/users/{id}/explain returns the same",
          "[gateway][users][explain][api]")
{
    sso_app app;
    seed_scim_user(app);
    app.advance(std::chrono::seconds(60));
    sign_in_as_member(app);
    auto const body = gateway::user_explanation_to_json(explain(app));

    for (auto const* key : {"id", "email", "active", "created_by", "profile", "roles", "teams", "identities",
                            "conflicts", "assertions", "last_assertion", "link_approvals", "next_sign_in"})
        CHECK(body.contains(key));
    auto const& role = body.at("roles").as_array().at(0).as_object();
    CHECK(role.at("role") == "editor");
    CHECK(role.at("owner") == "scim:okta");
    CHECK(role.at("event").at("action") == "scim.user.created");
    auto const& conflict = body.at("conflicts").as_array().at(0).as_object();
    CHECK(conflict.at("item") == "role");
    CHECK(conflict.at("event").at("action") == "provision.conflict");
    auto const& next = body.at("next_sign_in").as_array().at(0).as_object();
    CHECK(next.at("status") == "planned");
    CHECK(next.at("plan").at("decision") == "no_change");
    CHECK(next.at("plan").at("conflicts").as_array().size() == 1);

    auto token = gateway::create_admin_token(*app.store, "t", gateway::admin_actor{"cli", "tester", "", ""},
                                             app.ctx.random, *app.now);
    REQUIRE(token.has_value());
    gateway::http_request req;
    req.method = gateway::http_method::get;
    req.target = std::string("/admin/v1/users/") + user_id + "/explain";
    req.remote_address = "192.0.2.1";
    req.headers.set("Authorization", "Bearer " + token->secret);
    auto res = gateway::handle_request(app.ctx, req);
    REQUIRE(res.status == 200);
    CHECK(json::parse(res.body) == json::value(body));

    req.target = "/admin/v1/users/nobody/explain";
    CHECK(gateway::handle_request(app.ctx, req).status == 404);
    req.headers.set("Authorization", "Bearer wrong");
    req.target = std::string("/admin/v1/users/") + user_id + "/explain";
    CHECK(gateway::handle_request(app.ctx, req).status == 401);
}

TEST_CASE("ssogate user explain prints the conflict and the next sign-in; --json is the API's shape",
          "[gateway][users][explain][cli]")
{
    sso_app app;
    seed_scim_user(app);
    app.advance(std::chrono::seconds(60));
    sign_in_as_member(app);
    auto const config = write_cli_config(app);

    auto human = run_cli({"user", "explain", "alice@example.com", "--config", config});
    INFO(human.err);
    REQUIRE(human.exit_code == 0);
    CHECK(human.out.find("editor") != std::string::npos);
    CHECK(human.out.find("scim:okta") != std::string::npos);
    CHECK(human.out.find(" scim.user.created") != std::string::npos);
    CHECK(human.out.find("conflicts recorded (provision.conflict):\n  #") != std::string::npos);
    CHECK(human.out.find("assertion \"member\", stored \"editor\" owned by scim:okta") != std::string::npos);
    CHECK(human.out.find("okta: JIT on, planned") != std::string::npos);
    CHECK(human.out.find("decision: no_change") != std::string::npos);

    auto as_json = run_cli({"--config", config, "user", "explain", user_id, "--json"});
    REQUIRE(as_json.exit_code == 0);
    auto body = json::parse(as_json.out).as_object();
    CHECK(body.at("id") == user_id);
    CHECK(body.at("conflicts").as_array().size() == 1);
    CHECK(body.at("next_sign_in").at(0).at("status") == "planned");

    auto unknown = run_cli({"--config", config, "user", "explain", "nobody@example.com"});
    CHECK(unknown.exit_code == 1);
    CHECK(unknown.err.find("no user with id or email nobody@example.com") != std::string::npos);
}

TEST_CASE("user explain says so when no assertion was stored or the connection is gone",
          "[gateway][users][explain]")
{
    sso_app app;
    seed_scim_user(app);   // bound identity, never signed in: no assertion stored
    {
        auto began = app.store->begin(store::access::write);
        REQUIRE(began.has_value());
        REQUIRE((**began).connections().create({"gone", "Gone", store::connection_owner::store, "", true, "{}",
                                                *app.now, *app.now})
                    .has_value());
        REQUIRE((**began).users().add_identity({"gone", "alice-gone", user_id, *app.now, std::nullopt, ""})
                    .has_value());
        REQUIRE((**began).commit().has_value());
    }
    auto const e = explain(app);
    REQUIRE(e.next_sign_ins.size() == 2);
    for (auto const& n : e.next_sign_ins) {
        if (n.connection_id == "okta")
            CHECK(n.status == "no_assertion");
        else
            CHECK(n.status == "connection_unknown");
        CHECK_FALSE(n.plan.has_value());
    }
    CHECK_FALSE(e.last_assertion.has_value());
    CHECK(e.conflicts.empty());
}
