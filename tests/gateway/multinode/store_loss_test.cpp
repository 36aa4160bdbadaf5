// Issue 10, "Correct with several nodes": a node that loses the database answers
// /readyz with 503 and sign-ins with a clear error page (503, trace ID, no detail),
// API routes with a JSON 503, never crashes, reconnects when the database is back, and
// loses no acknowledged write. The database really goes away: the PostgreSQL server is
// stopped (fast shutdown: every connection is cut) and started again.
#include "support/multinode_fixture.hpp"

#include "postgres_server.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <mutex>
#include <set>
#include <thread>

using namespace ssogate::test;
using namespace ssogate::test::multinode;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

/// Waits until GET /readyz on the node answers `status`; false after `within`.
bool readyz_becomes(std::uint16_t port, int status, std::chrono::seconds within)
{
    auto const deadline = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < deadline) {
        if (http_call(port, "GET", "/readyz").status == status)
            return true;
        std::this_thread::sleep_for(100ms);
    }
    return false;
}

void check_error_page(http_reply const& r)
{
    INFO(r.status << " " << r.body);
    CHECK(r.status == 503);
    CHECK(r.header("content-type") == "text/html; charset=utf-8");
    CHECK(r.header("retry-after") == "5");
    auto const trace = r.header("x-ssogate-trace-id");
    CHECK(trace.size() == 32);
    CHECK(r.body.find(trace) != std::string::npos);
    CHECK(r.body.find("temporarily unavailable") != std::string::npos);
    for (auto const* leak : {"postgres", "PostgreSQL", "libpq", "connection to server", "socket", "ssogate.store"})
        CHECK(r.body.find(leak) == std::string::npos);
}

} // namespace

TEST_CASE("nodes whose database goes away answer 503 with the error page, recover when it is back, and lose no "
          "acknowledged write",
          "[gateway][multinode][store_loss][reject]")
{
    auto& pg = postgres_server::shared();
    cluster c;

    // Sign-ins on both nodes while the database is stopped and started underneath them.
    struct acknowledged {
        std::string email;
        web_browser browser;
    };
    std::mutex mutex;
    std::vector<acknowledged> acked;
    std::atomic<bool> stop_load{false};
    std::atomic<int> refused{0};
    auto load = [&](std::size_t node) {
        for (int i = 0; !stop_load; ++i) {
            web_browser b;
            auto email = "during" + std::to_string(node) + "-" + std::to_string(i) + "@example.com";
            try {
                auto r = c.sign_in(b, node, node, email);
                if (r.status == 303) {
                    std::lock_guard l(mutex);
                    acked.push_back({email, b});
                } else {
                    ++refused;
                }
            } catch (std::exception const&) {
                ++refused; // the sign-in start was refused (503): start_login throws
            }
        }
    };
    web_browser before;
    REQUIRE(c.sign_in(before, 0, 1, "before@example.com").status == 303);

    auto la = std::async(std::launch::async, load, 0);
    auto lb = std::async(std::launch::async, load, 1);
    std::this_thread::sleep_for(500ms);
    pg.stop();

    for (std::size_t n : {0u, 1u}) {
        CHECK(readyz_becomes(c.port(n), 503, 15s));
        CHECK(http_call(c.port(n), "GET", "/healthz").status == 200);
        web_browser b;
        check_error_page(b.get(c.port(n), "/sso/login/okta"));
        CHECK_FALSE(b.cookies.contains("__Host-ssogate_flow"));
        auto me = before.get(c.port(n), "/me");
        CHECK(me.status == 503);
        CHECK(json::parse(me.body).at("error") == "store unavailable");
        CHECK(http_call(c.port(n), "GET", "/admin/v1/audit?after=0", c.admin_header()).status == 503);
    }
    std::this_thread::sleep_for(500ms);
    pg.start();

    for (std::size_t n : {0u, 1u})
        CHECK(readyz_becomes(c.port(n), 200, 30s));
    std::this_thread::sleep_for(500ms);
    stop_load = true;
    la.get();
    lb.get();
    INFO("acknowledged sign-ins: " << acked.size() << ", refused: " << refused.load() << "\nnode a: "
                                   << c.at(0).err() << "\nnode b: " << c.at(1).err());
    CHECK(refused.load() > 0); // the outage was seen by the load

    // Both nodes serve again, and every acknowledged sign-in is there: its session on
    // both nodes, its event in the chain.
    web_browser after;
    CHECK(c.sign_in(after, 1, 0, "after@example.com").status == 303);
    auto const events = c.audit_after(0, 0);
    std::set<std::string> succeeded;
    for (auto const& e : events)
        if (e.at("action") == "sso.login.succeeded")
            succeeded.insert(std::string(e.at("target").as_string()));
    CHECK(succeeded.contains("before@example.com"));
    CHECK(succeeded.contains("after@example.com"));
    for (auto& a : acked) {
        INFO(a.email);
        CHECK(succeeded.contains(a.email));
        CHECK(a.browser.get(c.port(0), "/me").status == 200);
        CHECK(a.browser.get(c.port(1), "/me").status == 200);
    }
    CHECK(before.get(c.port(1), "/me").status == 200);
    auto verified = c.cli({"audit", "verify"});
    INFO(verified.out << verified.err);
    CHECK(verified.exit_code == 0);

    // The nodes hear each other again after the reconnect (the LISTEN connection came back).
    web_browser probe;
    json::object body{{"id", "acme"}, {"domains", json::array{"acme.test"}}, {"idp_metadata", idp_metadata_xml()}};
    REQUIRE(probe.post_form(c.port(1), "/sso/start", "email=x%40acme.test").status == 404);
    REQUIRE(c.admin(0, "POST", "/admin/v1/connections", json::serialize(body)).status == 201);
    auto const t0 = std::chrono::steady_clock::now();
    int status = 0;
    while (std::chrono::steady_clock::now() - t0 < 10s
           && (status = probe.post_form(c.port(1), "/sso/start", "email=x%40acme.test").status) != 303)
        std::this_thread::sleep_for(50ms);
    CHECK(status == 303);
}
