// Issue 10, "Correct with several nodes": a connection changed through the admin API on
// node A is obeyed by node B — the JIT switch at B's next sign-in (read in the sign-in
// transaction), and the domain routing of a new connection well within the refresh
// interval (60 s here) because B hears A's commit (LISTEN/NOTIFY, node_sync.hpp).
#include "support/multinode_fixture.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <thread>

using namespace ssogate::test;
using namespace ssogate::test::multinode;
using namespace std::chrono_literals;
namespace json = boost::json;

TEST_CASE("JIT switched off through the admin API on node A is obeyed by node B's next sign-in, and on again",
          "[gateway][multinode][connections][jit][reject]")
{
    cluster c;
    web_browser first;
    REQUIRE(c.sign_in(first, 1, 1, "existing@example.com").status == 303);

    auto off = c.admin(0, "PUT", "/admin/v1/connections/okta/jit", R"({"enabled":false})");
    INFO(off.body);
    REQUIRE(off.status == 200);

    // At once, on B: a new person is refused, an existing one still signs in.
    web_browser newcomer;
    auto refused = c.sign_in(newcomer, 1, 1, "newcomer@example.com");
    CHECK(refused.status == 403);
    CHECK(refused.body.find("not created automatically") != std::string::npos);
    auto events = c.audit_after(1, 0);
    REQUIRE(events.back().at("action") == "sso.login.denied");
    CHECK(events.back().at("result").at("reason") == "jit_disabled");
    web_browser again;
    CHECK(c.sign_in(again, 1, 1, "existing@example.com").status == 303);

    REQUIRE(c.admin(1, "PUT", "/admin/v1/connections/okta/jit", R"({"enabled":true})").status == 200);
    web_browser later;
    CHECK(c.sign_in(later, 0, 0, "newcomer@example.com").status == 303);
}

TEST_CASE("a connection created and deleted through node A routes sign-ins on node B within seconds, not the "
          "refresh interval",
          "[gateway][multinode][connections]")
{
    cluster c; // refresh_interval 60s: only a notification makes B re-list in time
    web_browser b;
    auto start = [&](std::size_t node) { return b.post_form(c.port(node), "/sso/start", "email=x%40acme.test"); };
    REQUIRE(start(1).status == 404); // B has listed the connections: acme.test is unknown

    json::object body{{"id", "acme"}, {"domains", json::array{"acme.test"}}, {"idp_metadata", idp_metadata_xml()}};
    REQUIRE(c.admin(0, "POST", "/admin/v1/connections", json::serialize(body)).status == 201);
    auto const t0 = std::chrono::steady_clock::now();
    int status = 0;
    while (std::chrono::steady_clock::now() - t0 < 10s) {
        status = start(1).status;
        if (status == 303)
            break;
        std::this_thread::sleep_for(50ms);
    }
    auto const seen_after = std::chrono::steady_clock::now() - t0;
    CHECK(status == 303);
    CHECK(seen_after < 5s);
    WARN("node B routed the new connection after "
         << std::chrono::duration_cast<std::chrono::milliseconds>(seen_after).count() << " ms");

    REQUIRE(c.admin(0, "DELETE", "/admin/v1/connections/acme").status == 204);
    auto const t1 = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - t1 < 10s && (status = start(1).status) != 404)
        std::this_thread::sleep_for(50ms);
    CHECK(status == 404);
    CHECK(std::chrono::steady_clock::now() - t1 < 5s);
}
