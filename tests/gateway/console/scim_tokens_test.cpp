// SCIM tokens in the console through the handlers (no socket): created on the
// connection page, the secret shown once (never listed), revoked with the CSRF token.
#include <ssogate/gateway/console.hpp>

#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/routes.hpp>

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

TEST_CASE("a SCIM token created in the console is shown once and can be revoked there", "[gateway][console]")
{
    sso_app app;
    browser b;
    auto csrf = open_console(app.ctx, *app.store, b, *app.now);
    auto created = send(app.ctx, b, gateway::http_method::post, "/admin/connections/okta/scim-tokens",
                        "csrf=" + csrf + "&name=okta-scim");
    INFO(created.body);
    REQUIRE(created.status == 201);
    auto at = created.body.find("sgscim_");
    REQUIRE(at != std::string::npos);
    auto secret = created.body.substr(at, created.body.find('<', at) - at);

    // The connection page lists the token by id, never the secret.
    auto page = send(app.ctx, b, gateway::http_method::get, "/admin/connections/okta");
    REQUIRE(page.status == 200);
    CHECK_THAT(page.body, Catch::Contains("okta-scim"));
    CHECK(page.body.find(secret) == std::string::npos);
    auto form = page.body.find("/scim-tokens/");
    REQUIRE(form != std::string::npos);
    auto action = page.body.substr(page.body.rfind('"', form) + 1,
                                   page.body.find('"', form) - page.body.rfind('"', form) - 1);
    CHECK(send(app.ctx, b, gateway::http_method::post, action, "").status == 403);
    auto revoked = send(app.ctx, b, gateway::http_method::post, action, "csrf=" + csrf);
    CHECK(revoked.status == 303);
    CHECK(events(*app.store, "scim.token.created").size() == 1);
    auto r = events(*app.store, "scim.token.revoked");
    REQUIRE(r.size() == 1);
    CHECK(r[0].actor_type == "admin");
}
