// Issue 10, "Correct with several nodes": audit events committed concurrently by two
// nodes get one global, gapless seq and one valid hash chain, and a tailer on one node
// (polling and SSE) receives what the other node commits, in order, without gaps or
// duplicates (LISTEN/NOTIFY wakes it; the table is the truth).
#include "support/multinode_fixture.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <future>
#include <thread>

using namespace ssogate::test;
using namespace ssogate::test::multinode;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

/// seq values 1..n exactly, in order.
void check_gapless(std::vector<json::object> const& events)
{
    for (std::size_t i = 0; i < events.size(); ++i) {
        INFO("event " << i << ": " << json::serialize(events[i]));
        REQUIRE(events[i].at("seq").as_int64() == static_cast<std::int64_t>(i + 1));
        if (i > 0)
            REQUIRE(events[i].at("prev_hash") == events[i - 1].at("hash"));
    }
}

/// The `id:` values of complete lines of an SSE text (chunk framing included), in order.
std::vector<std::int64_t> sse_ids(std::string const& text)
{
    std::vector<std::int64_t> out;
    std::size_t pos = 0;
    while ((pos = text.find("\nid: ", pos)) != std::string::npos) {
        pos += 5;
        auto const end = text.find('\n', pos);
        if (end == std::string::npos)
            break; // a line still arriving
        out.push_back(std::stoll(text.substr(pos, end - pos)));
    }
    return out;
}

} // namespace

TEST_CASE("sign-ins and admin writes through both nodes at once get one gapless seq and a chain that ssogate audit "
          "verify accepts",
          "[gateway][multinode][audit]")
{
    cluster c;
    int const per_worker = 8;
    std::atomic<int> signed_in{0}, admin_writes{0};
    std::vector<std::future<void>> workers;
    for (std::size_t w = 0; w < 4; ++w) {
        workers.push_back(std::async(std::launch::async, [&, w] {
            auto const node = w % 2;
            for (int i = 0; i < per_worker; ++i) {
                // A sign-in started on one node and finished on the other.
                web_browser b;
                auto email = "load" + std::to_string(w) + "-" + std::to_string(i) + "@example.com";
                if (c.sign_in(b, node, 1 - node, email).status == 303)
                    ++signed_in;
                // An admin write: a connection created and deleted again.
                auto id = "load-" + std::to_string(w) + "-" + std::to_string(i);
                json::object body{{"id", id},
                                  {"domains", json::array{id + ".test"}},
                                  {"idp_metadata", idp_metadata_xml()}};
                if (c.admin(node, "POST", "/admin/v1/connections", json::serialize(body)).status == 201)
                    ++admin_writes;
                if (c.admin(1 - node, "DELETE", "/admin/v1/connections/" + id).status == 204)
                    ++admin_writes;
            }
        }));
    }
    for (auto& w : workers)
        w.get();
    CHECK(signed_in.load() == 4 * per_worker);
    CHECK(admin_writes.load() == 2 * 4 * per_worker);

    auto const events = c.audit_after(1, 0);
    check_gapless(events);
    auto count = [&](std::string const& action) {
        return std::count_if(events.begin(), events.end(),
                             [&](auto const& e) { return e.at("action").as_string() == action; });
    };
    CHECK(count("sso.login.succeeded") == signed_in.load());
    CHECK(count("connection.created") == 4 * per_worker + 1); // + okta, created by the fixture
    CHECK(count("connection.deleted") == 4 * per_worker);

    auto verified = c.cli({"audit", "verify"}, 1);
    INFO(verified.out << verified.err);
    CHECK(verified.exit_code == 0);
}

TEST_CASE("a tailer on node B, polling and over SSE, receives the events committed on node A in order without gaps "
          "or duplicates",
          "[gateway][multinode][audit][sse]")
{
    cluster c;
    // The SSE stream on node B, from the beginning.
    tls_client sse(c.port(1), tls_client_options{0, 0, 20000ms});
    sse.write_raw("GET /admin/v1/audit/stream?after=0 HTTP/1.1\r\nHost: sso.example.test\r\n" + c.admin_header()
                  + "\r\n");
    auto received = sse.read_until("\r\n\r\n");
    REQUIRE(received.find(" 200 ") != std::string::npos);

    // Node A commits: sign-ins (several events each) on A only.
    int const n = 12;
    for (int i = 0; i < n; ++i) {
        web_browser b;
        REQUIRE(c.sign_in(b, 0, 0, "tail" + std::to_string(i) + "@example.com").status == 303);
    }
    auto const on_a = c.audit_after(0, 0);
    REQUIRE(on_a.size() >= static_cast<std::size_t>(n));
    auto const last = on_a.back().at("seq").as_int64();

    // Polling on B with a small page: exactly 1..last, like A's view.
    std::vector<json::object> polled;
    std::int64_t cursor = 0;
    for (;;) {
        auto r = http_call(c.port(1), "GET", "/admin/v1/audit?limit=5&after=" + std::to_string(cursor),
                           c.admin_header());
        REQUIRE(r.status == 200);
        auto page = json::parse(r.body).as_object();
        if (page.at("events").as_array().empty())
            break;
        for (auto const& e : page.at("events").as_array())
            polled.push_back(e.as_object());
        cursor = page.at("next_after").as_int64();
    }
    check_gapless(polled);
    CHECK((polled == on_a));

    // SSE on B: every id 1..last once, in order.
    auto const deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
        auto ids = sse_ids(received);
        if (!ids.empty() && ids.back() >= last)
            break;
        received += sse.read_until("\n\n");
    }
    auto const ids = sse_ids(received);
    std::vector<std::int64_t> expected;
    for (std::int64_t s = 1; s <= last; ++s)
        expected.push_back(s);
    CHECK(ids == expected);

    // The stream stays live: one more event on A arrives on B's open stream.
    auto const t0 = std::chrono::steady_clock::now();
    web_browser b;
    REQUIRE(c.sign_in(b, 0, 0, "late@example.com").status == 303);
    auto const newest = c.audit_after(0, last).back().at("seq").as_int64();
    while ((sse_ids(received).empty() || sse_ids(received).back() < newest)
           && std::chrono::steady_clock::now() < t0 + 10s)
        received += sse.read_until("\n\n");
    CHECK(sse_ids(received).back() == newest);
}
