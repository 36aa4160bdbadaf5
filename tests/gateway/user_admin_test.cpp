// Users for administrators (issue 6 "Users (admin)"): GET /admin/v1/users[?email=…],
// GET /admin/v1/users/{id}, `ssogate user list|show`, and the admin_approval link queue
// (`ssogate user link approve|deny`, issue 5).
#include <ssogate/gateway/users.hpp>

#include <catch2/catch.hpp>

#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/cli.hpp>
#include <ssogate/gateway/routes.hpp>

#include "support/sso_fixture.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <sstream>

using namespace ssogate;
using namespace ssogate::test::sso;
namespace json = boost::json;

namespace {

struct admin_users_app {
    admin_users_app()
    {
        auto t = gateway::create_admin_token(*app.store, "t", gateway::admin_actor{"cli", "tester", "", ""},
                                             app.ctx.random, *app.now);
        REQUIRE(t.has_value());
        bearer = "Bearer " + t->secret;
    }

    void sign_in(std::string const& email, std::string const& assertion_id)
    {
        browser b;
        auto relay = app.start_login(b, "okta");
        idp_response r;
        r.in_response_to = relay;
        r.name_id = email;
        r.email = email;
        r.assertion_id = assertion_id;
        auto res = app.post_acs(b, r, relay);
        INFO(res.body);
        REQUIRE(res.status == 303);
    }

    gateway::http_response get(std::string const& target, bool authorized = true)
    {
        gateway::http_request req;
        req.method = gateway::http_method::get;
        req.target = target;
        req.remote_address = "192.0.2.1";
        if (authorized)
            req.headers.set("Authorization", bearer);
        return gateway::handle_request(app.ctx, req);
    }

    sso_app app;
    std::string bearer;
};

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

std::string write_cli_config(sso_app& app)
{
    auto path = (app.dir / "ssogate.toml").string();
    std::ofstream(path) << "[store]\npath = \"ssogate.db\"\n";
    return path;
}

} // namespace

TEST_CASE("GET /admin/v1/users lists users with roles, teams and their owners, paged by id",
          "[gateway][users][api]")
{
    admin_users_app a;
    a.sign_in("alice@example.com", "_assertion-a");
    a.sign_in("bob@example.com", "_assertion-b");

    auto all = a.get("/admin/v1/users");
    REQUIRE(all.status == 200);
    CHECK(all.headers.get("Content-Type") == "application/json");
    auto body = json::parse(all.body).as_object();
    auto const& users = body.at("users").as_array();
    REQUIRE(users.size() == 2);
    CHECK(body.at("next_after").is_null());
    for (auto const& u : users) {
        CHECK(u.at("created_by") == "jit:okta");
        CHECK(u.at("active") == true);
        auto const& role = u.at("roles").as_array().at(0);
        CHECK(role.at("role") == "editor");
        CHECK(role.at("owner") == "jit:okta");
        CHECK(role.at("event").is_null());   // list pages do not read the audit log
        CHECK(u.at("identities").as_array().at(0).at("connection") == "okta");
    }

    auto first = json::parse(a.get("/admin/v1/users?limit=1").body).as_object();
    REQUIRE(first.at("users").as_array().size() == 1);
    auto const cursor = std::string(first.at("next_after").as_string());
    CHECK(cursor == first.at("users").at(0).at("id").as_string());
    auto second = json::parse(a.get("/admin/v1/users?limit=1&after=" + cursor).body).as_object();
    REQUIRE(second.at("users").as_array().size() == 1);
    CHECK(second.at("users").at(0).at("id") != first.at("users").at(0).at("id"));

    auto by_email = json::parse(a.get("/admin/v1/users?email=BOB%40example.com").body).as_object();
    REQUIRE(by_email.at("users").as_array().size() == 1);
    CHECK(by_email.at("users").at(0).at("email") == "bob@example.com");
    auto nobody = json::parse(a.get("/admin/v1/users?email=nobody%40example.com").body).as_object();
    CHECK(nobody.at("users").as_array().empty());
}

TEST_CASE("GET /admin/v1/users refuses bad parameters with 400 naming the field, and no token with 401",
          "[gateway][users][api][reject]")
{
    admin_users_app a;
    for (auto const* bad : {"/admin/v1/users?limit=0", "/admin/v1/users?limit=1001", "/admin/v1/users?limit=x",
                            "/admin/v1/users?email=", "/admin/v1/users?email=not-an-email",
                            "/admin/v1/users?colour=red", "/admin/v1/users?email=a%40b.c&limit=5",
                            "/admin/v1/users?limit=1&limit=2"}) {
        INFO(bad);
        auto res = a.get(bad);
        CHECK(res.status == 400);
        CHECK(json::parse(res.body).as_object().contains("error"));
    }
    CHECK(json::parse(a.get("/admin/v1/users?limit=0").body).at("field") == "limit");
    CHECK(a.get("/admin/v1/users", false).status == 401);
    CHECK(a.get("/admin/v1/users/whoever", false).status == 401);
}

TEST_CASE("GET /admin/v1/users/{id} shows each value with owner, set_at and the event that set it; 404 unknown",
          "[gateway][users][api]")
{
    admin_users_app a;
    a.sign_in("alice@example.com", "_assertion-a");
    auto list = json::parse(a.get("/admin/v1/users").body).as_object();
    auto const id = std::string(list.at("users").at(0).at("id").as_string());

    auto res = a.get("/admin/v1/users/" + id);
    REQUIRE(res.status == 200);
    auto u = json::parse(res.body).as_object();
    CHECK(u.at("email") == "alice@example.com");
    auto const& role = u.at("roles").as_array().at(0).as_object();
    CHECK(role.at("owner") == "jit:okta");
    CHECK(role.at("set_at") == "2026-01-01T00:00:00.000000Z");
    CHECK(role.at("event").at("action") == "jit.user.created");
    bool saw_email = false;
    for (auto const& f : u.at("profile").as_array())
        if (f.at("field") == "email") {
            saw_email = true;
            CHECK(f.at("value") == "alice@example.com");
            CHECK(f.at("event").at("action") == "jit.user.created");
        }
    CHECK(saw_email);
    CHECK(u.at("identities").at(0).at("subject") == "alice@example.com");
    CHECK(u.at("identities").at(0).at("last_login_at") == "2026-01-01T00:00:00.000000Z");

    CHECK(a.get("/admin/v1/users/alice%40example.com").status == 404);   // not decoded: an id
    CHECK(a.get("/admin/v1/users/alice@example.com").status == 200);     // email works too
    CHECK(a.get("/admin/v1/users/no-such-user").status == 404);
    CHECK(a.get("/admin/v1/users/" + id + "?x=1").status == 400);
}

TEST_CASE("ssogate user list and show print roles and teams with owners; --json; exit 1 for an unknown user",
          "[gateway][users][cli]")
{
    admin_users_app a;
    a.sign_in("alice@example.com", "_assertion-a");
    auto const config = write_cli_config(a.app);

    auto list = run_cli({"--config", config, "user", "list"});
    INFO(list.err);
    REQUIRE(list.exit_code == 0);
    CHECK(list.out.find("alice@example.com") != std::string::npos);
    CHECK(list.out.find("editor (jit:okta)") != std::string::npos);

    auto show = run_cli({"user", "show", "alice@example.com", "--config", config});
    REQUIRE(show.exit_code == 0);
    CHECK(show.out.find("roles:") != std::string::npos);
    CHECK(show.out.find("jit.user.created") != std::string::npos);
    CHECK(show.out.find("okta") != std::string::npos);

    auto js = run_cli({"user", "show", "alice@example.com", "--json", "--config", config});
    REQUIRE(js.exit_code == 0);
    CHECK(json::parse(js.out).at("roles").at(0).at("owner") == "jit:okta");

    auto missing = run_cli({"user", "show", "nobody@example.com", "--config", config});
    CHECK(missing.exit_code == 1);
    CHECK(run_cli({"user", "list", "--limit", "0", "--config", config}).exit_code == 2);
}

TEST_CASE("approving a queued link binds the identity to the existing user and audits it; denying links nothing",
          "[gateway][users][link]")
{
    admin_users_app a;
    a.sign_in("alice@example.com", "_assertion-a");
    auto const config = write_cli_config(a.app);
    std::string user_id;
    {
        auto began = a.app.store->begin(store::access::write);
        REQUIRE(began.has_value());
        auto& tx = **began;
        auto u = tx.users().find_by_email("alice@example.com");
        REQUIRE(u.has_value());
        REQUIRE(u->has_value());
        user_id = (*u)->id;
        for (auto const* id : {"la-1", "la-2"}) {
            store::link_approval la;
            la.id = id;
            la.connection_id = "partner";
            la.subject = std::string("alice-at-partner-") + id;
            la.user_id = user_id;
            la.email = "alice@example.com";
            la.assertion_json = "{}";
            la.requested_at = *a.app.now;
            REQUIRE(tx.link_approvals().request(la).has_value());
        }
        REQUIRE(tx.commit().has_value());
    }

    auto pending = run_cli({"--config", config, "user", "link", "list"});
    REQUIRE(pending.exit_code == 0);
    CHECK(pending.out.find("la-1") != std::string::npos);
    CHECK(pending.out.find("la-2") != std::string::npos);

    auto approved = run_cli({"--config", config, "user", "link", "approve", "la-1"});
    INFO(approved.err);
    REQUIRE(approved.exit_code == 0);
    CHECK(approved.out.find("approved") != std::string::npos);
    auto denied = run_cli({"--config", config, "user", "link", "deny", "la-2"});
    REQUIRE(denied.exit_code == 0);
    CHECK(run_cli({"--config", config, "user", "link", "approve", "la-1"}).exit_code == 1);   // already decided
    CHECK(run_cli({"--config", config, "user", "link", "approve", "no-such"}).exit_code == 1);

    auto began = a.app.store->begin(store::access::read);
    REQUIRE(began.has_value());
    auto& tx = **began;
    auto bound = tx.users().find_by_identity("partner", "alice-at-partner-la-1");
    REQUIRE(bound.has_value());
    REQUIRE(bound->has_value());
    CHECK((*bound)->id == user_id);
    auto not_bound = tx.users().find_by_identity("partner", "alice-at-partner-la-2");
    REQUIRE(not_bound.has_value());
    CHECK_FALSE(not_bound->has_value());
    auto still = tx.link_approvals().pending();
    REQUIRE(still.has_value());
    CHECK(still->empty());

    auto ok = a.app.audit("user.link.approved");
    REQUIRE(ok.size() == 1);
    CHECK(ok[0].actor_type == "cli");
    CHECK(ok[0].target == user_id);
    CHECK(ok[0].connection_id == "partner");
    CHECK(json::parse(ok[0].changes_json).at("subject") == "alice-at-partner-la-1");
    auto no = a.app.audit("user.link.denied");
    REQUIRE(no.size() == 1);
    CHECK(json::parse(no[0].changes_json).at("linked") == false);
}

TEST_CASE("admin_approval end to end: the sign-in is queued, approve links it, the next sign-in goes through",
          "[gateway][users][link][scenario]")
{
    admin_users_app a;
    // partner links same-email accounts only with an administrator's approval.
    a.app.cfg.connections.at(1).jit.link = gateway::link_policy::admin_approval;
    a.app.connections = gateway::connection_registry::build(a.app.cfg);
    a.sign_in("alice@example.com", "_assertion-a");   // okta: JIT creates alice

    auto through_partner = [&](std::string const& assertion_id) {
        browser b;
        auto relay = a.app.start_login(b, "partner");
        idp_response r;
        r.connection = "partner";
        r.in_response_to = relay;
        r.assertion_id = assertion_id;
        return a.app.post_acs(b, r, relay);
    };
    CHECK(through_partner("_assertion-p1").status == 403);
    auto denied = a.app.audit("sso.login.denied");
    REQUIRE(denied.size() == 1);
    CHECK(denied[0].result_reason == "link_pending_approval");

    std::string approval_id;
    {
        auto began = a.app.store->begin(store::access::read);
        REQUIRE(began.has_value());
        auto pending = (**began).link_approvals().pending();
        REQUIRE(pending.has_value());
        REQUIRE(pending->size() == 1);
        approval_id = pending->front().id;
    }
    auto decided = gateway::decide_link(*a.app.store, approval_id, true, gateway::admin_actor{"cli", "tester", "", ""},
                                        a.app.ctx.random, *a.app.now);
    REQUIRE(decided.has_value());
    REQUIRE(decided->approval.has_value());

    auto res = through_partner("_assertion-p2");
    INFO(res.body);
    CHECK(res.status == 303);
    auto began = a.app.store->begin(store::access::read);
    REQUIRE(began.has_value());
    auto user = (**began).users().find_by_email("alice@example.com");
    REQUIRE(user.has_value());
    REQUIRE(user->has_value());
    auto ids = (**began).users().identities((*user)->id);
    REQUIRE(ids.has_value());
    CHECK(ids->size() == 2);   // okta and partner: one user, two identities
}
