// A node whose store cannot be reached (issue 10): every sign-in route answers a 503
// page with a trace ID and no store detail, API routes a 503 JSON error, /readyz 503,
// nothing is half-written or audited that could not be written, and everything works
// again once the store is back. The outage is real: a SQLite store with one pooled
// connection and a short busy timeout whose only connection the test holds, so every
// begin() of the handlers fails with errc::busy exactly as an exhausted pool does.
// (tests/gateway/multinode/ stops a real PostgreSQL under two running nodes.)
#include "../../gateway/src/routes/store_outage.hpp"

#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/routes.hpp>
#include <ssogate/store/sqlite.hpp>

#include "support/sso_fixture.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace ssogate::test::sso;
using namespace ssogate::gateway;
using namespace std::chrono_literals;
namespace store = ssogate::store;

namespace {

/// An sso_app whose handlers run on a second handle of the same database: one pooled
/// connection, 100 ms busy timeout. hold() takes that connection away.
struct outage_app {
    outage_app()
        : db([&] {
              store::sqlite_options o;
              o.busy_timeout = 100ms;
              o.max_connections = 1;
              auto s = store::open_sqlite(app.dir / "ssogate.db", o);
              REQUIRE(s.has_value());
              return std::move(*s);
          }()),
          ctx{app.cfg, *db, app.ctx.clock, app.ctx.random, app.log.logger(), app.connections}
    {
        auto t = create_admin_token(*db, "test", admin_actor{"cli", "tester", "", ""}, ctx.random, ctx.clock());
        REQUIRE(t.has_value());
        bearer = "Bearer " + t->secret;
    }

    void hold()
    {
        auto tx = db->begin(store::access::read);
        REQUIRE(tx.has_value());
        held = std::move(*tx);
    }
    void release() { held.reset(); }

    http_response send(browser& b, http_method method, std::string const& target, std::string const& body = {},
                       std::string const& authorization = {})
    {
        http_request req;
        req.method = method;
        req.target = target;
        req.body = body;
        req.remote_address = "192.0.2.10";
        if (method == http_method::post)
            req.headers.set("Content-Type", "application/x-www-form-urlencoded");
        if (!b.cookies.empty())
            req.headers.set("Cookie", b.cookie_header());
        if (!authorization.empty())
            req.headers.set("Authorization", authorization);
        auto res = handle_request(ctx, req);
        b.take_cookies(res);
        return res;
    }

    std::string start_login(browser& b)
    {
        auto res = send(b, http_method::get, "/sso/login/okta");
        REQUIRE(res.status == 302);
        std::string location(res.headers.get("Location").value_or(""));
        auto relay = location.substr(location.find("RelayState=") + 11);
        return relay.substr(0, relay.find('&'));
    }

    http_response post_acs(browser& b, idp_response const& r, std::string const& relay)
    {
        return send(b, http_method::post, "/sso/acs/okta",
                    "SAMLResponse=" + url_encode(app.saml_response(r)) + "&RelayState=" + url_encode(relay));
    }

    std::size_t event_count()
    {
        auto tx = db->begin(store::access::read);
        REQUIRE(tx.has_value());
        auto last = (*tx)->audit().last_seq();
        REQUIRE(last.has_value());
        return static_cast<std::size_t>(*last);
    }

    sso_app app;
    std::unique_ptr<store::store> db;
    app_context ctx;
    std::string bearer;
    std::unique_ptr<store::transaction> held;
};

std::string header(http_response const& r, std::string_view name)
{
    return std::string(r.headers.get(name).value_or(""));
}

/// The 503 page: status, Retry-After, the trace ID in the header and the body, and no
/// word of the store's own error.
void check_outage_page(http_response const& r)
{
    INFO(r.body);
    CHECK(r.status == 503);
    CHECK(header(r, "Content-Type") == "text/html; charset=utf-8");
    CHECK(header(r, "Retry-After") == "5");
    auto const trace = header(r, "X-Ssogate-Trace-Id");
    CHECK(trace.size() == 32);
    CHECK(r.body.find(trace) != std::string::npos);
    CHECK(r.body.find("temporarily unavailable") != std::string::npos);
    for (auto const* leak : {"busy", "sqlite", "SQLITE", "database is locked", "errc", "ssogate.store"})
        CHECK(r.body.find(leak) == std::string::npos);
}

} // namespace

TEST_CASE("store_unavailable_page and store_unavailable_json carry the trace ID, Retry-After and no detail",
          "[gateway][store_outage]")
{
    auto page = sso_detail::store_unavailable_page("Sign in", "0123456789abcdef0123456789abcdef");
    check_outage_page(page);
    CHECK(page.body.find("<title>Sign in · ssogate</title>") != std::string::npos);

    auto json = sso_detail::store_unavailable_json("0123456789abcdef0123456789abcdef");
    CHECK(json.status == 503);
    CHECK(header(json, "Content-Type") == "application/json");
    CHECK(header(json, "Retry-After") == "5");
    CHECK(boost::json::parse(json.body)
          == boost::json::parse(R"({"error":"store unavailable","trace_id":"0123456789abcdef0123456789abcdef"})"));
}

TEST_CASE("while the store cannot be reached every sign-in route answers 503 with a trace ID and nothing is "
          "written; once it is back the same browser signs in and out",
          "[gateway][store_outage][reject]")
{
    outage_app o;
    browser signed_in;
    {
        auto relay = o.start_login(signed_in);
        idp_response r;
        r.in_response_to = relay;
        REQUIRE(o.post_acs(signed_in, r, relay).status == 303);
    }
    REQUIRE(o.send(signed_in, http_method::get, "/me").status == 200);
    auto const session_cookie = signed_in.cookies.at("__Host-ssogate_session");
    auto const events_before = o.event_count();

    // A sign-in started while the store was up, to be completed during the outage.
    browser mid_flight;
    auto const pending = o.start_login(mid_flight);
    auto const events_with_pending = o.event_count();

    o.hold();
    browser b;
    CHECK(o.send(b, http_method::get, "/readyz").status == 503);
    CHECK(o.send(b, http_method::get, "/healthz").status == 200); // the process itself is fine

    SECTION("sign-in start, and a connection it cannot look up, are 503 pages, not 404")
    {
        check_outage_page(o.send(b, http_method::get, "/sso/login/okta"));
        CHECK(b.cookies.empty()); // no flow cookie for a request that was not stored
        check_outage_page(o.send(b, http_method::get, "/sso/login/no-such-connection"));
        check_outage_page(o.send(b, http_method::post, "/sso/acs/no-such-connection", "SAMLResponse=x"));
    }
    SECTION("the ACS answers 503 and consumes neither the request nor the assertion")
    {
        idp_response r;
        r.in_response_to = pending;
        r.assertion_id = "_assertion-during-outage";
        auto acs = o.post_acs(mid_flight, r, pending);
        check_outage_page(acs);
        CHECK_FALSE(mid_flight.cookies.contains("__Host-ssogate_session"));
        o.release();
        CHECK(o.event_count() == events_with_pending); // sso.login.denied could not be written: none
        // Back: the same response completes the sign-in (nothing was consumed).
        auto again = o.post_acs(mid_flight, r, pending);
        INFO(again.body);
        CHECK(again.status == 303);
        CHECK(mid_flight.cookies.contains("__Host-ssogate_session"));
    }
    SECTION("session routes say 503, never 'not signed in', and sign-out keeps the cookie")
    {
        auto me = o.send(signed_in, http_method::get, "/me");
        CHECK(me.status == 503);
        auto json = boost::json::parse(me.body).as_object();
        CHECK(json.at("error") == "store unavailable");
        CHECK(json.at("trace_id").as_string() == header(me, "X-Ssogate-Trace-Id"));

        auto check = o.send(signed_in, http_method::get, "/auth/check");
        CHECK(check.status == 503);
        CHECK(header(check, "Retry-After") == "5");
        CHECK(header(check, "X-Ssogate-User").empty());

        check_outage_page(o.send(signed_in, http_method::get, "/"));
        check_outage_page(o.send(signed_in, http_method::post, "/logout", "csrf=x"));
        CHECK(signed_in.cookies.at("__Host-ssogate_session") == session_cookie);

        o.release();
        CHECK(o.event_count() == events_with_pending);
        CHECK(o.send(signed_in, http_method::get, "/me").status == 200);
        CHECK(o.send(signed_in, http_method::get, "/auth/check").status == 200);
    }
    SECTION("the admin API answers a JSON 503")
    {
        auto res = o.send(b, http_method::get, "/admin/v1/audit?after=0", {}, o.bearer);
        CHECK(res.status == 503);
        CHECK(header(res, "Content-Type").find("application/json") == 0);
        CHECK(res.body.find("busy") == std::string::npos);
    }

    o.release();
    CHECK(o.send(b, http_method::get, "/readyz").status == 200);
    CHECK(events_before <= o.event_count());
    browser fresh;
    auto relay = o.start_login(fresh);
    idp_response r;
    r.in_response_to = relay;
    r.assertion_id = "_assertion-after-outage";
    auto acs = o.post_acs(fresh, r, relay);
    INFO(acs.body);
    CHECK(acs.status == 303);
    CHECK(o.send(fresh, http_method::get, "/me").status == 200);
}
