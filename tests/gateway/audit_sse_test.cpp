// The audit stream over a real TLS socket: ordering, resume with Last-Event-ID, no
// duplicates, no gaps.
#include <ssogate/gateway/admin.hpp>

#include <catch2/catch.hpp>

#include <ssogate/gateway/audit.hpp>
#include <ssogate/gateway/routes.hpp>
#include <ssogate/gateway/server.hpp>
#include <ssogate/gateway/tls.hpp>

#include "support/app_fixture.hpp"
#include "support/tls_client.hpp"

#include <boost/json.hpp>

#include <string>
#include <thread>
#include <vector>

using namespace ssogate::gateway;
using namespace std::chrono_literals;
namespace store = ssogate::store;
using ssogate::test::tls_client;

namespace {

server_options sse_options()
{
    server_options o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = 2;
    o.read_timeout = 5s;
    o.idle_timeout = 5s;
    o.write_timeout = 5s;
    o.drain_timeout = 2s;
    return o;
}

struct sse_server {
    sse_server()
        : tls(ensure_self_signed(app.dir / "tls", "127.0.0.1", ssogate::test::test_now())),
          srv(sse_options(), tls, [this](http_request const& r) { return handle_request(app.ctx, r); },
              app.log.logger())
    {
        auto t = create_admin_token(*app.store, "sse", admin_actor{"cli", "tester", "", ""}, app.ctx.random,
                                    ssogate::test::test_now());
        REQUIRE(t.has_value());
        secret = t->secret;
        srv.start();
    }

    void append(int n)
    {
        for (int i = 0; i < n; ++i) {
            store::audit_event e;
            e.id = "sse-" + std::to_string(++appended);
            e.time = ssogate::test::test_now();
            e.action = "test.sse";
            e.actor_type = "system";
            auto tx = app.store->begin(store::access::write);
            REQUIRE(tx.has_value());
            REQUIRE((*tx)->audit().append(e).has_value());
            REQUIRE((*tx)->commit().has_value());
            process_audit_notifier().notify();
        }
    }

    ssogate::test::app_fixture app;
    tls_files tls;
    server srv;
    std::string secret;
    int appended = 0;
};

/// Reads until `received` holds `needle` (reads whole lines so that a needle split
/// across two reads is still found).
void read_through(tls_client& c, std::string& received, std::string const& needle)
{
    while (received.find(needle) == std::string::npos)
        received += c.read_until("\n");
}

std::vector<int> ids_in(std::string const& text)
{
    // Every line "id: N" (SSE field lines; chunk framing lines are hex sizes).
    std::vector<int> out;
    std::size_t pos = 0;
    while ((pos = text.find("\nid: ", pos)) != std::string::npos) {
        pos += 5;
        auto const end = text.find('\n', pos);
        if (end == std::string::npos)
            break;
        out.push_back(std::stoi(text.substr(pos, end - pos)));
    }
    return out;
}

std::vector<int> range(int from, int to)
{
    std::vector<int> v;
    for (int i = from; i <= to; ++i)
        v.push_back(i);
    return v;
}

} // namespace

TEST_CASE("audit SSE stream delivers events in order and resumes from Last-Event-ID without duplicates",
          "[gateway][audit][stream][sse]")
{
    sse_server s; // seq 1: admin.token.created
    std::string received;
    {
        tls_client c(s.srv.port());
        c.write_raw("GET /admin/v1/audit/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.secret +
                    "\r\nAccept: text/event-stream\r\n\r\n");
        read_through(c, received, "id: 1\n");
        CHECK(received.rfind("HTTP/1.1 200 OK", 0) == 0);
        CHECK(received.find("Content-Type: text/event-stream") != std::string::npos);
        CHECK(received.find("retry: 2000") != std::string::npos);
        // Events committed while the client is connected arrive in order.
        s.append(20);
        read_through(c, received, "id: 21\n");
        CHECK(ids_in(received) == range(1, 21));
        CHECK(received.find("\"action\":\"test.sse\"") != std::string::npos);
    } // the client goes away

    s.append(5); // 22..26 while disconnected
    std::string resumed;
    tls_client c(s.srv.port());
    c.write_raw("GET /admin/v1/audit/stream?after=3 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.secret +
                "\r\nLast-Event-ID: 21\r\n\r\n");
    read_through(c, resumed, "id: 26\n");
    s.append(2);
    read_through(c, resumed, "id: 28\n");
    CHECK(ids_in(resumed) == range(22, 28));
}

TEST_CASE("audit SSE stream resumes from ?after= and refuses a request without a token", "[gateway][audit][stream][sse]")
{
    sse_server s;
    s.append(4); // 2..5
    tls_client c(s.srv.port());
    std::string received;
    c.write_raw("GET /admin/v1/audit/stream?after=3 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.secret +
                "\r\n\r\n");
    read_through(c, received, "id: 5\n");
    CHECK(ids_in(received) == range(4, 5));

    tls_client anonymous(s.srv.port());
    auto reply = anonymous.request("GET", "/admin/v1/audit/stream");
    CHECK(reply.status == 401);
}

TEST_CASE("audit tailers (API polling and SSE with a forced reconnect) see exactly 1..N while a writer appends",
          "[gateway][audit][stream][sse]")
{
    sse_server s; // seq 1
    int const n = 200;
    std::thread writer([&] {
        for (int i = 0; i < n - 1; ++i) {
            s.append(1);
            if (i % 16 == 0)
                std::this_thread::sleep_for(1ms);
        }
    });

    // API tailer: pages of at most 7, following next_after.
    std::vector<int> polled;
    std::thread poller([&] {
        std::int64_t cursor = 0;
        auto const deadline = std::chrono::steady_clock::now() + 20s;
        while (static_cast<int>(polled.size()) < n && std::chrono::steady_clock::now() < deadline) {
            http_request req;
            req.target = "/admin/v1/audit?limit=7&after=" + std::to_string(cursor);
            req.headers.set("Authorization", "Bearer " + s.secret);
            auto res = handle_request(s.app.ctx, req);
            if (res.status != 200)
                break;
            auto page = boost::json::parse(res.body).as_object();
            for (auto const& e : page.at("events").as_array())
                polled.push_back(static_cast<int>(e.at("seq").as_int64()));
            cursor = page.at("next_after").as_int64();
        }
    });

    // SSE tailer: disconnects after 50 events and resumes with the last id it saw.
    std::vector<int> streamed;
    {
        std::string received;
        tls_client c(s.srv.port());
        c.write_raw("GET /admin/v1/audit/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.secret + "\r\n\r\n");
        read_through(c, received, "id: 50\n");
        streamed = ids_in(received);
    }
    {
        std::string received;
        tls_client c(s.srv.port());
        c.write_raw("GET /admin/v1/audit/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.secret +
                    "\r\nLast-Event-ID: " + std::to_string(streamed.back()) + "\r\n\r\n");
        read_through(c, received, "id: " + std::to_string(n) + "\n");
        auto more = ids_in(received);
        streamed.insert(streamed.end(), more.begin(), more.end());
    }
    writer.join();
    poller.join();
    CHECK(polled == range(1, n));
    CHECK(streamed == range(1, n));
}
