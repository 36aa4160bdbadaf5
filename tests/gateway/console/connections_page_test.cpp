// The console's connections pages through the handlers (no socket): the JIT switch
// (store-owned: at once, with a confirmation when SCIM is off; file-owned: read-only,
// naming the file), the API's validation messages, the empty list, escaping of a
// hostile connection name, SCIM tokens shown once and revoked.
#include <ssogate/gateway/console.hpp>

#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/connection_admin.hpp>
#include <ssogate/gateway/routes.hpp>

#include "support/app_fixture.hpp"
#include "support/sso_fixture.hpp"

#include <catch2/catch.hpp>

#include <boost/json.hpp>

using namespace ssogate;
using namespace ssogate::test::sso;

namespace {

std::string csrf_of(std::string const& page)
{
    auto pos = page.find("name=\"csrf\" value=\"");
    REQUIRE(pos != std::string::npos);
    pos += 19;
    return page.substr(pos, page.find('"', pos) - pos);
}

/// HTML text of `s` as the console writes it (& < > " ' as entities).
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

/// A request through handle_request with `b`'s cookies; `b` keeps the response's.
gateway::http_response send(gateway::app_context const& ctx, browser& b, gateway::http_method m,
                            std::string const& target, std::string const& body = {}, bool json = false)
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

/// Opens a break-glass console session in `b`; returns the CSRF token.
std::string open_console(gateway::app_context const& ctx, store::store& db, browser& b,
                         std::chrono::system_clock::time_point now)
{
    auto t = gateway::create_admin_token(db, "ops", gateway::admin_actor{"cli", "root", "", ""}, ctx.random, now);
    REQUIRE(t.has_value());
    auto form = send(ctx, b, gateway::http_method::get, "/admin/login");
    auto in = send(ctx, b, gateway::http_method::post, "/admin/login",
                   "csrf=" + csrf_of(form.body) + "&token=" + url_encode(t->secret));
    REQUIRE(in.status == 303);
    auto home = send(ctx, b, gateway::http_method::get, "/admin/");
    REQUIRE(home.status == 200);
    return csrf_of(home.body);
}

/// Creates the store-owned connection `id` from okta's settings (same IdP), SCIM off.
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

} // namespace

TEST_CASE("the console connections page without connections says how to add one", "[gateway][console]")
{
    test::app_fixture app;
    browser b;
    open_console(app.ctx, *app.store, b, test::test_now());
    auto page = send(app.ctx, b, gateway::http_method::get, "/admin/connections");
    REQUIRE(page.status == 200);
    CHECK_THAT(page.body, Catch::Contains("No connections yet."));
    CHECK(page.body.find("<table>") == std::string::npos);
}

TEST_CASE("a file-owned connection's JIT switch is disabled, names the file, and a forced change is refused",
          "[gateway][console]")
{
    sso_app app;
    browser b;
    auto csrf = open_console(app.ctx, *app.store, b, *app.now);
    auto page = send(app.ctx, b, gateway::http_method::get, "/admin/connections");
    REQUIRE(page.status == 200);
    auto at = page.body.rfind("<button", page.body.find("id=\"jit-okta\""));
    REQUIRE(at != std::string::npos);
    auto tag = page.body.substr(at, page.body.find('>', at) - at);
    CHECK_THAT(tag, Catch::Contains("role=\"switch\""));
    CHECK_THAT(tag, Catch::Contains("aria-checked=\"true\""));
    CHECK_THAT(tag, Catch::Contains(" disabled"));
    CHECK(tag.find("data-url") == std::string::npos);
    CHECK_THAT(page.body, Catch::Contains("is read-only through the admin API and CLI; edit the file"));

    // Posting anyway: the API's refusal, word for word, and nothing changes.
    auto forced = send(app.ctx, b, gateway::http_method::post, "/admin/connections/okta/jit",
                       "csrf=" + csrf + "&enabled=false&confirm=yes", true);
    CHECK(forced.status == 409);
    auto err = boost::json::parse(forced.body).as_object();
    CHECK_THAT(std::string(err.at("error").as_string()), Catch::StartsWith("connection \"okta\" is declared in"));
    auto tx = app.store->begin(store::access::read);
    REQUIRE(tx.has_value());
    CHECK((*(*tx)->connections().find("okta"))->jit_enabled);
}

TEST_CASE("turning JIT off for a store-owned connection asks first when SCIM is off, then switches at once",
          "[gateway][console]")
{
    sso_app app;
    app.connections.attach(*app.store, app.log.logger());
    create_store_connection(app, "shop", "Shop");
    browser b;
    auto csrf = open_console(app.ctx, *app.store, b, *app.now);

    auto page = send(app.ctx, b, gateway::http_method::get, "/admin/connections");
    auto at = page.body.rfind("<button", page.body.find("id=\"jit-shop\""));
    REQUIRE(at != std::string::npos);
    auto tag = page.body.substr(at, page.body.find('>', at) - at);
    CHECK_THAT(tag, Catch::Contains("data-url=\"/admin/connections/shop/jit\""));
    CHECK_THAT(tag, Catch::Contains("data-confirm-off="));
    CHECK(tag.find("disabled") == std::string::npos);

    // Without the confirmation: nothing changes.
    auto asked = send(app.ctx, b, gateway::http_method::post, "/admin/connections/shop/jit",
                      "csrf=" + csrf + "&enabled=false", true);
    CHECK(asked.status == 409);
    CHECK(boost::json::parse(asked.body).at("confirm_required").as_bool());
    CHECK(events(*app.store, "connection.jit.disabled").empty());
    // The form (no JavaScript) gets a confirmation page instead.
    auto form_page = send(app.ctx, b, gateway::http_method::post, "/admin/connections/shop/jit",
                          "csrf=" + csrf + "&enabled=false");
    CHECK(form_page.status == 200);
    CHECK_THAT(form_page.body, Catch::Contains("nobody new can sign in"));

    auto off = send(app.ctx, b, gateway::http_method::post, "/admin/connections/shop/jit",
                    "csrf=" + csrf + "&enabled=false&confirm=yes", true);
    INFO(off.body);
    REQUIRE(off.status == 200);
    CHECK_FALSE(boost::json::parse(off.body).at("jit").at("enabled").as_bool());
    {
        auto tx = app.store->begin(store::access::read);
        REQUIRE(tx.has_value());
        CHECK_FALSE((*(*tx)->connections().find("shop"))->jit_enabled);
    }
    auto disabled = events(*app.store, "connection.jit.disabled");
    REQUIRE(disabled.size() == 1);
    CHECK(disabled[0].actor_type == "admin");
    CHECK(disabled[0].actor_id.rfind("adm_", 0) == 0);

    // Turning it on needs no confirmation.
    auto on = send(app.ctx, b, gateway::http_method::post, "/admin/connections/shop/jit",
                   "csrf=" + csrf + "&enabled=true", true);
    CHECK(on.status == 200);
    CHECK(events(*app.store, "connection.jit.enabled").size() == 1);

    // Without the CSRF token: refused.
    CHECK(send(app.ctx, b, gateway::http_method::post, "/admin/connections/shop/jit", "enabled=false&confirm=yes", true)
              .status
          == 403);
}

TEST_CASE("a settings change in the console is refused with the API's own validation message", "[gateway][console]")
{
    sso_app app;
    app.connections.attach(*app.store, app.log.logger());
    create_store_connection(app, "shop", "Shop <script>alert(1)</script>");
    browser b;
    auto csrf = open_console(app.ctx, *app.store, b, *app.now);

    std::string const patch = R"({"jit":{"update":"always"}})";
    gateway::connection_admin_context actx{*app.store, app.connections, gateway::admin_actor{"cli", "root", "", ""},
                                           app.ctx.random, *app.now};
    auto direct = gateway::change_connection(actx, "shop", boost::json::parse(patch));
    auto* expected = std::get_if<gateway::connection_admin_error>(&direct);
    REQUIRE(expected != nullptr);

    auto res = send(app.ctx, b, gateway::http_method::post, "/admin/connections/shop",
                    "csrf=" + csrf + "&patch=" + url_encode(patch));
    CHECK(res.status == 400);
    CHECK_THAT(res.body, Catch::Contains(html(expected->message)));

    auto page = send(app.ctx, b, gateway::http_method::get, "/admin/connections/shop");
    REQUIRE(page.status == 200);
    CHECK(page.body.find("<script>alert") == std::string::npos);
    CHECK_THAT(page.body, Catch::Contains("Shop &lt;script&gt;alert(1)&lt;/script&gt;"));
    CHECK_THAT(page.body, Catch::Contains("https://sso.example.test/sso/acs/shop"));
    CHECK_THAT(page.body, Catch::Contains("href=\"/sso/metadata\""));

    auto ok = send(app.ctx, b, gateway::http_method::post, "/admin/connections/shop",
                   "csrf=" + csrf + "&patch=" + url_encode(R"({"jit":{"update":"on_create"}})"));
    CHECK(ok.status == 303);
    CHECK(events(*app.store, "connection.changed").size() == 1);
}
