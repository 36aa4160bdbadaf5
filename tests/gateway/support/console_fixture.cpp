#include "support/console_fixture.hpp"

#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/connection_admin.hpp>
#include <ssogate/gateway/routes.hpp>

#include <catch2/catch.hpp>

#include <boost/json.hpp>

namespace ssogate::test::console {

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

std::string html(std::string_view s)
{
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

void check_console_headers(gateway::http_response const& r)
{
    CHECK(header(r, "Content-Security-Policy") == "default-src 'self'; frame-ancestors 'none'");
    CHECK(header(r, "X-Content-Type-Options") == "nosniff");
    CHECK(header(r, "Referrer-Policy") == "same-origin");
}

gateway::http_response send(gateway::app_context const& ctx, browser& b, gateway::http_method m,
                            std::string const& target, std::string const& body, bool json)
{
    gateway::http_request req;
    req.method = m;
    req.target = target;
    req.body = body;
    req.remote_address = "192.0.2.20";
    if (m == gateway::http_method::post)
        req.headers.set("Content-Type", "application/x-www-form-urlencoded");
    if (json)
        req.headers.set("Accept", "application/json");
    if (!b.cookies.empty())
        req.headers.set("Cookie", b.cookie_header());
    auto res = gateway::handle_request(ctx, req);
    b.take_cookies(res);
    return res;
}

std::string admin_token(sso_app& app, std::string const& name)
{
    auto t = gateway::create_admin_token(*app.store, name, gateway::admin_actor{"cli", "root", "", ""},
                                         app.ctx.random, *app.now);
    REQUIRE(t.has_value());
    return t->secret;
}

gateway::http_response break_glass(sso_app& app, browser& b, std::string const& secret)
{
    auto form = app.get(b, "/admin/login");
    REQUIRE(form.status == 200);
    auto in = app.post(b, "/admin/login", "csrf=" + csrf_of(form.body) + "&token=" + sso::url_encode(secret));
    INFO(in.body);
    REQUIRE(in.status == 303);
    REQUIRE(header(in, "Location") == "/admin/");
    return app.get(b, "/admin/");
}

std::string open_console(gateway::app_context const& ctx, store::store& db, browser& b,
                         std::chrono::system_clock::time_point now)
{
    auto t = gateway::create_admin_token(db, "ops", gateway::admin_actor{"cli", "root", "", ""}, ctx.random, now);
    REQUIRE(t.has_value());
    auto form = send(ctx, b, gateway::http_method::get, "/admin/login");
    auto in = send(ctx, b, gateway::http_method::post, "/admin/login",
                   "csrf=" + csrf_of(form.body) + "&token=" + sso::url_encode(t->secret));
    REQUIRE(in.status == 303);
    auto home = send(ctx, b, gateway::http_method::get, "/admin/");
    REQUIRE(home.status == 200);
    return csrf_of(home.body);
}

void sign_in(sso_app& app, browser& b, std::string const& role, std::string const& email, std::string const& id)
{
    auto relay = app.start_login(b, "okta", "/admin/");
    sso::idp_response r;
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

std::vector<store::audit_event> events(store::store& db, std::string const& action)
{
    std::vector<store::audit_event> out;
    auto tx = db.begin(store::access::read);
    REQUIRE(tx.has_value());
    auto all = (*tx)->audit().after(0, 10000, store::audit_filter{action, ""});
    REQUIRE(all.has_value());
    for (auto const& e : *all)
        out.push_back(e.event);
    return out;
}

void create_store_connection(sso_app& app, std::string const& id, std::string const& name)
{
    auto j = gateway::connection_to_json(*app.cfg.find_connection("okta"));
    j["id"] = id;
    j["name"] = name;
    j["domains"] = boost::json::array{id + ".example"};
    gateway::connection_admin_context actx{*app.store, app.connections, gateway::admin_actor{"cli", "root", "", ""},
                                           app.ctx.random, *app.now};
    auto created = gateway::create_connection(actx, boost::json::value(j));
    if (auto* e = std::get_if<gateway::connection_admin_error>(&created))
        FAIL("create_connection: " << e->message << " (" << e->field << ")");
}

} // namespace ssogate::test::console
