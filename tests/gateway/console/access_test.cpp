// The admin console's access model through the handlers (no socket): SSO entry for
// admin roles, 403 for others, break-glass with an admin token, the admin cookie,
// CSRF on every change, the idle timeout, and the headers of every console response.
#include <ssogate/gateway/console.hpp>

#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/routes.hpp>

#include "support/console_fixture.hpp"
#include "support/sso_fixture.hpp"

#include <catch2/catch.hpp>

#include <boost/json.hpp>

using namespace ssogate;
using namespace ssogate::test::sso;
using namespace ssogate::test::console;

TEST_CASE("the console sends a visitor who is not signed in to sign-in with return_to=/admin/",
          "[gateway][console]")
{
    sso_app app;
    browser b;
    auto res = app.get(b, "/admin/");
    CHECK(res.status == 303);
    CHECK(header(res, "Location") == "/?return_to=/admin/");
    check_console_headers(res);
    auto deep = app.get(b, "/admin/audit?action=x");
    CHECK(header(deep, "Location") == "/?return_to=/admin/audit");
    CHECK(app.get(b, "/admin").status == 308);
}

TEST_CASE("an owner signed in through SSO enters the console with a Strict admin cookie, audited as the actor",
          "[gateway][console]")
{
    sso_app app;
    browser b;
    sign_in(app, b, "owner", "olivia@example.com", "1");

    auto home = app.get(b, "/admin/");
    INFO(home.body);
    REQUIRE(home.status == 200);
    check_console_headers(home);
    auto cookie = set_cookie_for(home, "__Host-ssogate_admin");
    CHECK_THAT(cookie, Catch::Contains("; Secure; HttpOnly; SameSite=Strict; Path=/"));
    CHECK(b.cookies.at("__Host-ssogate_admin") != b.cookies.at("__Host-ssogate_session"));
    CHECK_THAT(home.body, Catch::Contains("olivia@example.com"));
    // No inline script or style: only the static files.
    CHECK(home.body.find("<script>") == std::string::npos);
    CHECK(home.body.find("<style") == std::string::npos);
    CHECK(home.body.find(" style=") == std::string::npos);
    CHECK_THAT(home.body, Catch::Contains("<script src=\"/admin/assets/console.js\" defer></script>"));

    auto entered = app.audit("admin.console.entered");
    REQUIRE(entered.size() == 1);
    CHECK(entered[0].actor_type == "user");
    CHECK(!entered[0].actor_id.empty());
    CHECK(entered[0].changes_json == R"({"method":"sso"})");

    // The next page reuses the admin session: no second entry.
    auto again = app.get(b, "/admin/audit");
    CHECK(again.status == 200);
    CHECK(set_cookie_for(again, "__Host-ssogate_admin").empty());
    CHECK(app.audit("admin.console.entered").size() == 1);

    // The admin cookie is no sign-in session and the sign-in cookie no admin session.
    browser only_admin;
    only_admin.cookies["__Host-ssogate_admin"] = b.cookies.at("__Host-ssogate_admin");
    CHECK(app.get(only_admin, "/me").status == 401);
    CHECK(app.get(only_admin, "/admin/audit").status == 200);
    browser forged;
    forged.cookies["__Host-ssogate_admin"] = b.cookies.at("__Host-ssogate_session");
    CHECK(app.get(forged, "/admin/audit").status == 303);
}

TEST_CASE("a signed-in member who opens /admin/ gets a 403 page that says so", "[gateway][console]")
{
    sso_app app;
    browser b;
    sign_in(app, b, "member", "mallory@example.com", "2");
    auto res = app.get(b, "/admin/");
    CHECK(res.status == 403);
    check_console_headers(res);
    CHECK_THAT(res.body, Catch::Contains("only for users with the role owner"));
    CHECK_THAT(res.body, Catch::Contains("your roles: member"));
    CHECK(set_cookie_for(res, "__Host-ssogate_admin").empty());
    auto denied = app.audit("admin.console.denied");
    REQUIRE(denied.size() == 1);
    CHECK(denied[0].result_reason == "role_not_admin");
    CHECK(app.audit("admin.console.entered").empty());
}

TEST_CASE("[admin] roles decides who enters: an editor enters when editor is listed", "[gateway][console]")
{
    sso_app app;
    app.cfg.admin.roles = {"editor", "owner"};
    browser b;
    sign_in(app, b, "editor", "eddie@example.com", "3");
    CHECK(app.get(b, "/admin/").status == 200);
}

TEST_CASE("break-glass: an admin token opens a console session; a wrong token is refused and audited",
          "[gateway][console]")
{
    sso_app app;
    auto const secret = admin_token(app);

    browser b;
    auto home = break_glass(app, b, secret);
    REQUIRE(home.status == 200);
    CHECK_THAT(home.body, Catch::Contains("admin token break-glass"));
    auto entered = app.audit("admin.console.entered");
    REQUIRE(entered.size() == 1);
    CHECK(entered[0].actor_type == "admin");
    CHECK(entered[0].actor_id.rfind("adm_", 0) == 0);
    CHECK(entered[0].changes_json == R"({"method":"token"})");

    browser intruder;
    auto form = app.get(intruder, "/admin/login");
    check_console_headers(form);
    CHECK_THAT(set_cookie_for(form, "__Host-ssogate_admin_login"), Catch::Contains("SameSite=Strict"));
    auto wrong = app.post(intruder, "/admin/login", "csrf=" + csrf_of(form.body) + "&token=sgadm_wrong");
    CHECK(wrong.status == 401);
    CHECK_THAT(wrong.body, Catch::Contains("not a valid admin token"));
    CHECK(intruder.cookies.count("__Host-ssogate_admin") == 0);
    CHECK(app.audit("admin.auth.failed").size() == 1);

    // The login form without its CSRF cookie: 403, audited.
    browser other;
    auto forged = app.post(other, "/admin/login", "csrf=" + csrf_of(form.body) + "&token=" + url_encode(secret));
    CHECK(forged.status == 403);
    CHECK(app.audit("admin.console.csrf_failed").size() == 1);
}

TEST_CASE("a console change without a CSRF token, with a wrong one or from another origin is 403 and audited",
          "[gateway][console]")
{
    sso_app app;
    browser b;
    auto home = break_glass(app, b, admin_token(app));
    auto const token = csrf_of(home.body);

    auto none = app.post(b, "/admin/audit/verify", "");
    CHECK(none.status == 403);
    check_console_headers(none);
    auto wrong = app.post(b, "/admin/audit/verify", "csrf=" + std::string(64, '0'));
    CHECK(wrong.status == 403);
    auto cross = app.post(b, "/admin/audit/verify", "csrf=" + token, "https://evil.example");
    CHECK(cross.status == 403);
    auto failed = app.audit("admin.console.csrf_failed");
    REQUIRE(failed.size() == 3);
    CHECK(failed[0].result_reason == "csrf_missing");
    CHECK(failed[1].result_reason == "csrf_mismatch");
    CHECK(failed[2].result_reason == "origin_mismatch");
    CHECK(failed[0].actor_type == "admin");
    CHECK(failed[0].target == "/admin/audit/verify");

    auto ok = app.post(b, "/admin/audit/verify", "csrf=" + token, std::string(public_url));
    CHECK(ok.status == 200);
    // The header works as well as the form field (fetch from console.js).
    gateway::http_request req;
    req.method = gateway::http_method::post;
    req.target = "/admin/audit/verify";
    req.headers.set("Cookie", b.cookie_header());
    req.headers.set("X-CSRF-Token", token);
    CHECK(gateway::handle_request(app.ctx, req).status == 200);
}

TEST_CASE("the admin session ends after [admin] session_idle_timeout and at sign-out", "[gateway][console]")
{
    sso_app app;
    browser b;
    auto home = break_glass(app, b, admin_token(app));
    app.advance(app.cfg.admin.session_idle_timeout - std::chrono::seconds(1));
    CHECK(app.get(b, "/admin/audit").status == 200); // used: the idle clock restarts
    app.advance(app.cfg.admin.session_idle_timeout - std::chrono::seconds(1));
    CHECK(app.get(b, "/admin/audit").status == 200);
    app.advance(app.cfg.admin.session_idle_timeout);
    CHECK(app.get(b, "/admin/audit").status == 303);

    browser c;
    auto h = break_glass(app, c, admin_token(app));
    auto secret = c.cookies.at("__Host-ssogate_admin");
    auto out = app.post(c, "/admin/logout", "csrf=" + csrf_of(h.body));
    CHECK(out.status == 200);
    CHECK_THAT(set_cookie_for(out, "__Host-ssogate_admin"), Catch::Contains("Max-Age=0"));
    browser replay;
    replay.cookies["__Host-ssogate_admin"] = secret;
    CHECK(app.get(replay, "/admin/audit").status == 303);
    CHECK(app.audit("admin.console.left").size() == 1);
}

TEST_CASE("an SSO admin whose admin role is taken away loses the console at the next request", "[gateway][console]")
{
    sso_app app;
    browser b;
    sign_in(app, b, "owner", "olivia@example.com", "4");
    REQUIRE(app.get(b, "/admin/").status == 200);
    {
        auto tx = app.store->begin(store::access::write);
        REQUIRE(tx.has_value());
        auto u = (*tx)->users().find_by_email("olivia@example.com");
        REQUIRE(u.has_value());
        REQUIRE(u->has_value());
        REQUIRE((*tx)->users().revoke_role((*u)->id, "owner", *app.now).has_value());
        REQUIRE((*tx)->commit().has_value());
    }
    CHECK(app.get(b, "/admin/audit").status == 403);
}

TEST_CASE("the console's static CSS and JS are served from the binary with the console headers",
          "[gateway][console]")
{
    sso_app app;
    browser b;
    auto css = app.get(b, "/admin/assets/console.css");
    CHECK(css.status == 200);
    CHECK(header(css, "Content-Type") == "text/css; charset=utf-8");
    check_console_headers(css);
    auto js = app.get(b, "/admin/assets/console.js");
    CHECK(js.status == 200);
    CHECK(header(js, "Content-Type") == "text/javascript; charset=utf-8");
    CHECK_THAT(js.body, Catch::Contains("EventSource"));
    CHECK(js.body.find("innerHTML") == std::string::npos);
}

TEST_CASE("an admin session opened on one node is recognised on another node sharing the store, CSRF included",
          "[gateway][console]")
{
    sso_app app;
    browser b;
    auto home = break_glass(app, b, admin_token(app));
    REQUIRE(home.status == 200);
    auto const secret = b.cookies.at("__Host-ssogate_admin");

    // Node B: its own handle on the same database, its own registry and context.
    auto opened = store::open_sqlite(app.dir / "ssogate.db");
    REQUIRE(opened.has_value());
    auto node_b_store = std::move(*opened);
    auto registry = gateway::connection_registry::build(app.cfg);
    gateway::app_context node_b{app.cfg, *node_b_store, app.ctx.clock, app.ctx.random, app.log.logger(), registry};

    auto page = send(node_b, b, gateway::http_method::get, "/admin/audit");
    CHECK(page.status == 200);
    CHECK(set_cookie_for(page, "__Host-ssogate_admin").empty()); // no new entry on node B
    CHECK(app.audit("admin.console.entered").size() == 1);
    auto verify = send(node_b, b, gateway::http_method::post, "/admin/audit/verify", "csrf=" + csrf_of(home.body));
    CHECK(verify.status == 200);

    // The store holds the hash of the secret, never the secret.
    {
        auto tx = node_b_store->begin(store::access::read);
        REQUIRE(tx.has_value());
        auto row = (*tx)->admin_sessions().find(secret);
        REQUIRE(row.has_value());
        REQUIRE(row->has_value());
        CHECK((*row)->id_hash.size() == 64);
        CHECK((*row)->id_hash != secret);
        CHECK((*row)->method == "token");
        CHECK((*row)->label == "admin token break-glass");
    }

    // Using the console on node B keeps the session alive on node A (one last-seen time).
    app.advance(app.cfg.admin.session_idle_timeout - std::chrono::seconds(1));
    CHECK(send(node_b, b, gateway::http_method::get, "/admin/").status == 200);
    app.advance(app.cfg.admin.session_idle_timeout - std::chrono::seconds(1));
    CHECK(app.get(b, "/admin/audit").status == 200);

    // Signing out on node B ends the session on node A.
    auto out = send(node_b, b, gateway::http_method::post, "/admin/logout", "csrf=" + csrf_of(home.body));
    CHECK(out.status == 200);
    browser replay;
    replay.cookies["__Host-ssogate_admin"] = secret;
    CHECK(app.get(replay, "/admin/audit").status == 303);
}

TEST_CASE("a break-glass admin session ends at the next request once its admin token is revoked",
          "[gateway][console]")
{
    sso_app app;
    browser b;
    REQUIRE(break_glass(app, b, admin_token(app)).status == 200);
    auto entered = app.audit("admin.console.entered");
    REQUIRE(entered.size() == 1);
    auto revoked = gateway::revoke_admin_token(*app.store, entered[0].actor_id,
                                               gateway::admin_actor{"cli", "root", "", ""}, app.ctx.random, *app.now);
    REQUIRE(revoked.has_value());
    REQUIRE(*revoked);
    CHECK(app.get(b, "/admin/audit").status == 303);
    // The dead session is gone from the store, not only refused.
    auto tx = app.store->begin(store::access::read);
    REQUIRE(tx.has_value());
    CHECK_FALSE((*tx)->admin_sessions().find(b.cookies.at("__Host-ssogate_admin"))->has_value());
}

TEST_CASE("a console session whose store row expired is refused and a forged cookie never opens one",
          "[gateway][console][reject]")
{
    sso_app app;
    browser b;
    REQUIRE(break_glass(app, b, admin_token(app)).status == 200);
    // [session] lifetime is the absolute end, even for a session in constant use.
    auto const step = app.cfg.admin.session_idle_timeout - std::chrono::seconds(1);
    auto used = std::chrono::seconds(0);
    while (used + step < app.cfg.session.lifetime) {
        app.advance(step);
        used += step;
        REQUIRE(app.get(b, "/admin/audit").status == 200);
    }
    app.advance(app.cfg.session.lifetime - used);
    CHECK(app.get(b, "/admin/audit").status == 303);

    browser forged;
    forged.cookies["__Host-ssogate_admin"] = std::string(64, 'f');
    CHECK(app.get(forged, "/admin/audit").status == 303);
    browser malformed;
    malformed.cookies["__Host-ssogate_admin"] = "not-hex";
    CHECK(app.get(malformed, "/admin/audit").status == 303);
}
