// GET /metrics and the counters behind it: the text format, sign-ins by outcome and
// reason, the ACS histogram, the live session gauge, HTTP statuses counted by the real
// server, who may scrape, and counting from many threads.
#include <ssogate/gateway/metrics.hpp>

#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/routes.hpp>
#include <ssogate/gateway/server.hpp>
#include <ssogate/gateway/tls.hpp>

#include "support/app_fixture.hpp"
#include "support/sso_fixture.hpp"
#include "support/tls_client.hpp"

#include <catch2/catch.hpp>

#include <thread>
#include <vector>

using namespace ssogate;
using namespace ssogate::gateway;
using namespace std::chrono_literals;

namespace {

http_response scrape(app_context const& ctx, std::string remote, std::string authorization = {})
{
    http_request req;
    req.method = http_method::get;
    req.target = "/metrics";
    req.remote_address = std::move(remote);
    if (!authorization.empty())
        req.headers.set("Authorization", std::move(authorization));
    return handle_request(ctx, req);
}

bool has_line(std::string const& text, std::string const& line)
{
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

} // namespace

TEST_CASE("escape_label_value escapes backslash, double quote and line feed only", "[gateway][metrics]")
{
    CHECK(escape_label_value("okta") == "okta");
    CHECK(escape_label_value("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
    CHECK(escape_label_value("tab\there") == "tab\there");
}

TEST_CASE("the exposition has HELP and TYPE for every family, sorted series and escaped labels",
          "[gateway][metrics]")
{
    metrics_registry m;
    m.count_signin("zeta", signin_outcome::succeeded, "ok");
    m.count_signin("alpha", signin_outcome::denied, "replayed");
    m.count_signin("alpha", signin_outcome::denied, "replayed");
    m.count_signin("we\"ird\\id\n", signin_outcome::denied, "signature_invalid");
    m.count_http_status(200);
    m.count_http_status(200);
    m.count_http_status(404);
    m.count_http_status(42);
    auto const text = m.exposition(7);

    for (auto const* family : {"ssogate_signins_total counter", "ssogate_acs_duration_seconds histogram",
                               "ssogate_active_sessions gauge", "ssogate_http_requests_total counter",
                               "process_start_time_seconds gauge", "ssogate_build_info gauge",
                               "ssogate_metrics_series_dropped_total counter"}) {
        std::string const name = std::string(family).substr(0, std::string(family).find(' '));
        CHECK(has_line(text, "# TYPE " + std::string(family)));
        CHECK(text.find("# HELP " + name + " ") != std::string::npos);
    }
    CHECK(has_line(text, R"(ssogate_signins_total{connection="alpha",outcome="denied",reason="replayed"} 2)"));
    CHECK(has_line(text, R"(ssogate_signins_total{connection="zeta",outcome="succeeded",reason="ok"} 1)"));
    CHECK(has_line(text,
                   R"(ssogate_signins_total{connection="we\"ird\\id\n",outcome="denied",reason="signature_invalid"} 1)"));
    CHECK(text.find("connection=\"alpha\"") < text.find("connection=\"zeta\""));
    CHECK(has_line(text, "ssogate_active_sessions 7"));
    CHECK(has_line(text, R"(ssogate_http_requests_total{status="200"} 2)"));
    CHECK(has_line(text, R"(ssogate_http_requests_total{status="404"} 1)"));
    CHECK(has_line(text, R"(ssogate_http_requests_total{status="other"} 1)"));
    CHECK(text.find("process_start_time_seconds 1") != std::string::npos);
    CHECK(text.back() == '\n');

    // No store answer: the gauge is left out rather than reported as 0.
    CHECK(m.exposition(std::nullopt).find("ssogate_active_sessions") == std::string::npos);
}

TEST_CASE("the ACS histogram exposes cumulative buckets, +Inf, sum and count", "[gateway][metrics]")
{
    metrics_registry m;
    m.observe_acs(300us);  // le 0.0005
    m.observe_acs(500us);  // le 0.0005 (bounds are inclusive)
    m.observe_acs(3ms);    // le 0.005
    m.observe_acs(20s);    // +Inf only
    auto const text = m.exposition(0);
    CHECK(has_line(text, R"(ssogate_acs_duration_seconds_bucket{le="0.0005"} 2)"));
    CHECK(has_line(text, R"(ssogate_acs_duration_seconds_bucket{le="0.0025"} 2)"));
    CHECK(has_line(text, R"(ssogate_acs_duration_seconds_bucket{le="0.005"} 3)"));
    CHECK(has_line(text, R"(ssogate_acs_duration_seconds_bucket{le="10"} 3)"));
    CHECK(has_line(text, R"(ssogate_acs_duration_seconds_bucket{le="+Inf"} 4)"));
    CHECK(has_line(text, "ssogate_acs_duration_seconds_count 4"));
    CHECK(has_line(text, "ssogate_acs_duration_seconds_sum 20.0038"));
    CHECK(m.acs_observations() == 4);
}

TEST_CASE("counters lose no increment when many threads count at once", "[gateway][metrics]")
{
    metrics_registry m;
    constexpr int threads = 8;
    constexpr int per_thread = 20000;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&m, t] {
            for (int i = 0; i < per_thread; ++i) {
                m.count_signin(i % 2 ? "okta" : "entra", signin_outcome::denied, "reason_" + std::to_string(i % 5));
                m.count_http_status(t % 2 ? 200 : 303);
                m.observe_acs(1ms);
            }
        });
    for (auto& th : pool)
        th.join();
    std::uint64_t total = 0;
    for (auto const* c : {"okta", "entra"})
        for (int r = 0; r < 5; ++r)
            total += m.signins(c, signin_outcome::denied, "reason_" + std::to_string(r));
    CHECK(total == std::uint64_t{threads} * per_thread);
    CHECK(m.http_responses(200) + m.http_responses(303) == std::uint64_t{threads} * per_thread);
    CHECK(m.acs_observations() == std::uint64_t{threads} * per_thread);
}

TEST_CASE("sign-in series beyond the limit are counted as dropped, not stored", "[gateway][metrics]")
{
    metrics_registry m;
    for (std::size_t i = 0; i < max_signin_series + 10; ++i)
        m.count_signin("c" + std::to_string(i), signin_outcome::denied, "x");
    m.count_signin("c0", signin_outcome::denied, "x"); // an existing series still counts
    CHECK(m.signins("c0", signin_outcome::denied, "x") == 2);
    CHECK(m.signins("c" + std::to_string(max_signin_series + 5), signin_outcome::denied, "x") == 0);
    CHECK(has_line(m.exposition(0), "ssogate_metrics_series_dropped_total 10"));
}

TEST_CASE("is_loopback_peer accepts 127/8, ::1 and mapped 127/8 and nothing else", "[gateway][metrics]")
{
    CHECK(is_loopback_peer("127.0.0.1"));
    CHECK(is_loopback_peer("127.10.0.3"));
    CHECK(is_loopback_peer("::1"));
    CHECK(is_loopback_peer("::ffff:127.0.0.1"));
    CHECK_FALSE(is_loopback_peer(""));
    CHECK_FALSE(is_loopback_peer("192.0.2.10"));
    CHECK_FALSE(is_loopback_peer("::ffff:192.0.2.10"));
    CHECK_FALSE(is_loopback_peer("128.0.0.1"));
    CHECK_FALSE(is_loopback_peer("::2"));
    CHECK_FALSE(is_loopback_peer("localhost"));
}

TEST_CASE("GET /metrics counts sign-ins by outcome and reason, ACS latency and live sessions",
          "[gateway][metrics][sso]")
{
    test::sso::sso_app app;
    metrics_registry m;
    app.ctx.metrics = &m;

    test::sso::browser alice;
    auto relay = app.start_login(alice, "okta");
    test::sso::idp_response ok;
    ok.in_response_to = relay;
    REQUIRE(app.post_acs(alice, ok, relay).status == 303);

    // The same assertion again: replayed. Unsolicited on okta: refused. Bad signature.
    test::sso::browser other;
    auto relay2 = app.start_login(other, "okta");
    ok.in_response_to = relay2;
    CHECK(app.post_acs(other, ok, relay2).status == 403);
    test::sso::idp_response unsolicited;
    unsolicited.assertion_id = "_assertion-2";
    CHECK(app.post_acs(other, unsolicited, "").status == 403);
    // An unknown connection is not a series (its id comes from the URL).
    CHECK(app.post(other, "/sso/acs/nope", "SAMLResponse=x").status == 404);

    CHECK(m.signins("okta", signin_outcome::succeeded, "ok") == 1);
    CHECK(m.signins("okta", signin_outcome::denied, "replayed") == 1);
    CHECK(m.signins("okta", signin_outcome::denied, "unsolicited_refused") == 1);
    CHECK(m.acs_observations() == 3);

    auto res = scrape(app.ctx, "127.0.0.1");
    REQUIRE(res.status == 200);
    CHECK(res.headers.get("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
    CHECK(has_line(res.body, R"(ssogate_signins_total{connection="okta",outcome="succeeded",reason="ok"} 1)"));
    CHECK(has_line(res.body, R"(ssogate_signins_total{connection="okta",outcome="denied",reason="replayed"} 1)"));
    CHECK(res.body.find("connection=\"nope\"") == std::string::npos);
    CHECK(has_line(res.body, "ssogate_acs_duration_seconds_count 3"));
    CHECK(has_line(res.body, "ssogate_active_sessions 1"));

    // The gauge follows time: past the idle timeout the session no longer counts.
    app.advance(app.cfg.session.idle_timeout + 1s);
    CHECK(has_line(scrape(app.ctx, "::1").body, "ssogate_active_sessions 0"));
}

TEST_CASE("GET /metrics refuses other peers without an admin token and accepts them with one",
          "[gateway][metrics][reject]")
{
    test::sso::sso_app app;
    CHECK(scrape(app.ctx, "192.0.2.10").status == 401);
    CHECK(scrape(app.ctx, "").status == 401); // no socket address: fail closed
    CHECK(scrape(app.ctx, "192.0.2.10", "Bearer sgadm_wrong").status == 401);

    auto token = create_admin_token(*app.store, "prometheus", admin_actor{"cli", "test", "", ""}, app.ctx.random,
                                    *app.now);
    REQUIRE(token.has_value());
    auto res = scrape(app.ctx, "192.0.2.10", "Bearer " + token->secret);
    CHECK(res.status == 200);
    CHECK(res.body.find("# TYPE ssogate_signins_total counter") != std::string::npos);
}

TEST_CASE("the server counts the status of every response it writes, its own 400s included",
          "[gateway][metrics][server]")
{
    test::app_fixture app;
    server_options o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = 1;
    auto const tls = ensure_self_signed(app.dir / "tls", "127.0.0.1", test::test_now());
    server srv(o, tls, [&app](http_request const& r) { return handle_request(app.ctx, r); }, app.log.logger());
    srv.start();

    auto& m = process_metrics(); // the server counts into the process registry
    auto const ok_before = m.http_responses(200);
    auto const missing_before = m.http_responses(404);
    auto const bad_before = m.http_responses(400);
    {
        test::tls_client c(srv.port());
        CHECK(c.request("GET", "/healthz").status == 200);
        CHECK(c.request("GET", "/healthz").status == 200);
        CHECK(c.request("GET", "/no-such-page").status == 404);
        c.write_raw("GET http://absolute.example/ HTTP/1.1\r\nHost: x\r\n\r\n");
        CHECK(c.read_response().status == 400);
    }
    // The count is taken after the write completes: wait for the last one.
    for (int i = 0; i < 200 && m.http_responses(400) == bad_before; ++i)
        std::this_thread::sleep_for(5ms);
    CHECK(m.http_responses(200) - ok_before == 2);
    CHECK(m.http_responses(404) - missing_before == 1);
    CHECK(m.http_responses(400) - bad_before == 1);

    // And GET /metrics over the socket (a loopback peer) shows them.
    test::tls_client c(srv.port());
    auto scraped = c.request("GET", "/metrics");
    CHECK(scraped.status == 200);
    CHECK(scraped.body.find("ssogate_http_requests_total{status=\"200\"}") != std::string::npos);
    srv.stop();
    srv.wait();
}
