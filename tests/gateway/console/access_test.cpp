// The admin console's access model through the handlers (no socket): SSO entry for
// admin roles, 403 for others, break-glass with an admin token, the admin cookie,
// CSRF on every change, the idle timeout, and the headers of every console response.
#include <ssogate/gateway/console.hpp>

#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/routes.hpp>

#include "support/sso_fixture.hpp"

#include <catch2/catch.hpp>

#include <boost/json.hpp>

using namespace ssogate;
using namespace ssogate::test::sso;

namespace {

std::string header(gateway::http_response const& r, std::string_view name)
{
    return std::string(r.headers.get(name).value_or(""));
}

std::string set_cookie_for(gateway::http_response const& r, std::string_view cookie)
{
    for (auto const& [n, v] : r.headers)
        if (n == "Set-Cookie" && v.rfind(std::string(cookie) + "=", 0) == 0)
            return v;
    return {};
}

std::string csrf_of(std::string const& page)
{
    auto pos = page.find("name=\"csrf\" value=\"");
    REQUIRE(pos != std::string::npos);
    pos += 19;
    return page.substr(pos, page.find('"', pos) - pos);
}

/// Signs `b` in through the okta connection with this role (and email).
void sign_in(sso_app& app, browser& b, std::string const& role, std::string const& email, std::string const& id)
{
    auto relay = app.start_login(b, "okta", "/admin/");
    idp_response r;
    r.in_response_to = relay;
    r.assertion_id = "_assertion-" + id;
    r.name_id = email;
    r.email = email;
    r.role = role;
    auto acs = app.post_acs(b, r, relay);
    INFO(acs.body);
    REQUIRE(acs.status == 303);
    REQUIRE(header(acs, "Location") == "/admin/");
}

void check_console_headers(gateway::http_response const& r)
{
    CHECK(header(r, "Content-Security-Policy") == "default-src 'self'; frame-ancestors 'none'");
    CHECK(header(r, "X-Content-Type-Options") == "nosniff");
    CHECK(header(r, "Referrer-Policy") == "same-origin");
}

/// An admin token's secret.
std::string admin_token(sso_app& app)
{
    auto t = gateway::create_admin_token(*app.store, "break-glass", gateway::admin_actor{"cli", "root", "", ""},
                                         app.ctx.random, *app.now);
    REQUIRE(t.has_value());
    return t->secret;
}

/// Opens a break-glass session in `b`; returns the console home page.
gateway::http_response break_glass(sso_app& app, browser& b, std::string const& secret)
{
    auto form = app.get(b, "/admin/login");
    REQUIRE(form.status == 200);
    auto in = app.post(b, "/admin/login", "csrf=" + csrf_of(form.body) + "&token=" + url_encode(secret));
    INFO(in.body);
    REQUIRE(in.status == 303);
    REQUIRE(header(in, "Location") == "/admin/");
    return app.get(b, "/admin/");
}

} // namespace

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
