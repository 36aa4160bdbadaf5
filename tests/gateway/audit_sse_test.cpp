// The audit stream over a real TLS socket: ordering, resume with Last-Event-ID, no
// duplicates, no gaps.
#include <ssogate/gateway/admin.hpp>

#include <catch2/catch.hpp>

#include <ssogate/gateway/audit.hpp>
#include <ssogate/gateway/routes.hpp>
#include <ssogate/gateway/server.hpp>
#include <ssogate/gateway/tls.hpp>

#include "support/app_fixture.hpp"
#include "support/sso_fixture.hpp"
#include "support/tls_client.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <memory>
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

/// The ids of the complete events (`id: N`, `data: …`, blank line) in an SSE body, so
/// that an event cut off by a closed connection is not counted as received.
std::vector<int> complete_ids_in(std::string const& text)
{
    std::vector<int> out;
    std::size_t pos = 0;
    while ((pos = text.find("\nid: ", pos)) != std::string::npos) {
        pos += 5;
        auto const eol = text.find('\n', pos);
        if (eol == std::string::npos)
            break;
        auto const end = text.find("\n\n", eol);
        if (end == std::string::npos || text.compare(eol, 7, "\ndata: ") != 0)
            break;
        out.push_back(std::stoi(text.substr(pos, eol - pos)));
        pos = end;
    }
    return out;
}

/// An HTTPS poller of GET /admin/v1/audit: pages of `limit`, following next_after, on
/// a keep-alive connection that it drops and opens again every `reconnect_every` pages
/// (a forced disconnect: it resumes from its cursor alone). Runs until it has `n`
/// events or `timeout` passes; never uses Catch assertions (it runs on a thread).
struct https_poller {
    https_poller(std::uint16_t port_, std::string secret_, int n_, std::size_t limit_ = 7, int reconnect_every_ = 5)
        : port(port_), secret(std::move(secret_)), n(n_), limit(limit_), reconnect_every(reconnect_every_)
    {
    }

    std::uint16_t port;
    std::string secret;
    int n;
    std::size_t limit;
    int reconnect_every;
    std::vector<int> seen;
    int reconnects = 0;
    std::string error;

    void run(std::chrono::seconds timeout)
    {
        try {
            std::int64_t cursor = 0;
            auto const deadline = std::chrono::steady_clock::now() + timeout;
            std::unique_ptr<tls_client> c;
            int pages = 0;
            while (static_cast<int>(seen.size()) < n && std::chrono::steady_clock::now() < deadline) {
                if (!c || pages % reconnect_every == 0) {
                    reconnects += c ? 1 : 0;
                    c = std::make_unique<tls_client>(port);
                }
                ++pages;
                c->write_raw("GET /admin/v1/audit?limit=" + std::to_string(limit) + "&after=" + std::to_string(cursor) +
                             " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + secret + "\r\n\r\n");
                auto res = c->read_response();
                if (res.status != 200) {
                    error = "status " + std::to_string(res.status) + ": " + res.body;
                    return;
                }
                auto page = boost::json::parse(res.body).as_object();
                for (auto const& e : page.at("events").as_array())
                    seen.push_back(static_cast<int>(e.at("seq").as_int64()));
                auto const next = page.at("next_after").as_int64();
                if (page.at("events").as_array().empty() && next != cursor) {
                    error = "an empty page moved the cursor";
                    return;
                }
                cursor = next;
                if (page.at("events").as_array().empty())
                    std::this_thread::sleep_for(std::chrono::milliseconds(5)); // poll interval, caught up
            }
        } catch (std::exception const& e) {
            error = e.what();
        }
    }
};

/// An SSE tailer over HTTPS that drops its connection after every `drop_every` events
/// and resumes with Last-Event-ID, until it has seen seq `n`.
std::vector<int> follow_sse(std::uint16_t port, std::string const& secret, int n, int drop_every, int& resumes)
{
    std::vector<int> streamed;
    while (streamed.empty() || streamed.back() < n) {
        std::string received;
        tls_client c(port);
        std::string req = "GET /admin/v1/audit/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + secret + "\r\n";
        if (!streamed.empty()) {
            req += "Last-Event-ID: " + std::to_string(streamed.back()) + "\r\n";
            ++resumes;
        }
        c.write_raw(req + "\r\n");
        auto const target = std::min(n, (streamed.empty() ? 0 : streamed.back()) + drop_every);
        read_through(c, received, "id: " + std::to_string(target) + "\n");
        read_through(c, received, "\n\n"); // the end of the last event read
        auto more = complete_ids_in(received);
        streamed.insert(streamed.end(), more.begin(), more.end());
    } // the client goes away: a forced disconnect
    return streamed;
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

TEST_CASE("audit tailers (HTTPS polling and SSE, each with forced reconnects) see exactly 1..N while a writer appends",
          "[gateway][audit][stream][sse]")
{
    sse_server s; // seq 1
    int const n = 200;
    std::thread writer([&] {
        for (int i = 0; i < n - 1; ++i)
            s.append(1);
    });
    https_poller poller{s.srv.port(), s.secret, n};
    std::thread polling([&] { poller.run(30s); });
    int resumes = 0;
    auto const streamed = follow_sse(s.srv.port(), s.secret, n, 45, resumes);
    writer.join();
    polling.join();
    INFO(poller.error);
    CHECK(poller.error.empty());
    CHECK(poller.reconnects > 3);
    CHECK(poller.seen == range(1, n));
    CHECK(resumes >= 4);
    CHECK(streamed == range(1, n));
}

namespace {

/// The sign-in app (sso_fixture) behind a real HTTPS server, with an admin token.
struct signin_server {
    signin_server()
        : tls(ensure_self_signed(app.dir / "tls", "127.0.0.1", *app.now)),
          srv(sse_options(), tls, [this](http_request const& r) { return handle_request(app.ctx, r); },
              app.log.logger())
    {
        auto t = create_admin_token(*app.store, "tail", admin_actor{"cli", "tester", "", ""}, app.ctx.random, *app.now);
        REQUIRE(t.has_value());
        secret = t->secret;
        srv.start();
    }
    ssogate::test::sso::sso_app app;
    tls_files tls;
    server srv;
    std::string secret;
};

} // namespace

TEST_CASE("audit tailers see exactly the events of real sign-ins, 1..N, across reconnects",
          "[gateway][audit][stream][sse][sso]")
{
    signin_server s; // seq 1: admin.token.created
    int const users = 40;
    int const n = 1 + 2 * users; // jit.user.created + sso.login.succeeded per new user
    std::atomic<int> failed_signins{0};
    std::thread signer([&] {
        for (int i = 0; i < users; ++i) {
            ssogate::test::sso::browser b;
            auto relay = s.app.start_login(b, "okta");
            ssogate::test::sso::idp_response r;
            r.in_response_to = relay;
            r.assertion_id = "_assertion-tail-" + std::to_string(i);
            r.name_id = r.email = "user" + std::to_string(i) + "@example.com";
            r.groups.clear(); // no provision.skipped: exactly two events per sign-in
            if (s.app.post_acs(b, r, relay).status != 303)
                ++failed_signins;
        }
    });
    https_poller poller{s.srv.port(), s.secret, n, 5, 3};
    std::thread polling([&] { poller.run(60s); });
    int resumes = 0;
    auto const streamed = follow_sse(s.srv.port(), s.secret, n, 17, resumes);
    signer.join();
    polling.join();
    CHECK(failed_signins == 0);
    INFO(poller.error);
    CHECK(poller.error.empty());
    CHECK(poller.seen == range(1, n));
    CHECK(resumes >= 3);
    CHECK(streamed == range(1, n));
    CHECK(s.app.audit("sso.login.succeeded").size() == static_cast<std::size_t>(users));
}

TEST_CASE("a consumer that stops reading never holds up commits; the server closes its stream and it resumes",
          "[gateway][audit][stream][sse][slow]")
{
    ssogate::test::app_fixture app;
    auto const tls = ensure_self_signed(app.dir / "tls", "127.0.0.1", ssogate::test::test_now());
    auto options = sse_options();
    options.write_timeout = 4s;
    server srv(options, tls, [&](http_request const& r) { return handle_request(app.ctx, r); }, app.log.logger());
    auto token = create_admin_token(*app.store, "slow", admin_actor{"cli", "tester", "", ""}, app.ctx.random,
                                    ssogate::test::test_now());
    REQUIRE(token.has_value());
    srv.start();

    // 12 MB of events: more than the socket buffers of a client that does not read hold.
    auto const big = R"({"pad":")" + std::string(8000, 'x') + R"("})";
    auto append = [&](int count, std::string const& changes) {
        static int counter = 0;
        auto tx = app.store->begin(store::access::write);
        REQUIRE(tx.has_value());
        for (int i = 0; i < count; ++i) {
            store::audit_event e;
            e.id = "slow-" + std::to_string(++counter);
            e.time = ssogate::test::test_now();
            e.action = "test.slow";
            e.actor_type = "system";
            e.changes_json = changes;
            REQUIRE((*tx)->audit().append(e).has_value());
        }
        REQUIRE((*tx)->commit().has_value());
        process_audit_notifier().notify();
    };
    append(1500, big); // seq 2..1501

    tls_client stuck(srv.port());
    stuck.write_raw("GET /admin/v1/audit/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token->secret +
                    "\r\n\r\n");
    std::string received = stuck.read_until("id: 1\n"); // the stream is running; now it stops reading

    // Commits go on at full speed while the consumer is stuck: nothing waits for it.
    auto const t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 50; ++i)
        append(1, R"({"n":1})"); // seq 1502..1551
    auto const took = std::chrono::steady_clock::now() - t0;
    CHECK(took < 2s);

    // The server gives up on the stuck stream after its write timeout and closes it;
    // the client then reads what was in flight and the end of the connection.
    auto const closed_by = std::chrono::steady_clock::now() + 30s;
    while (srv.connection_count() > 0 && std::chrono::steady_clock::now() < closed_by)
        std::this_thread::sleep_for(10ms); // waiting for the condition, bounded
    REQUIRE(srv.connection_count() == 0);
    bool closed = false;
    while (!closed && std::chrono::steady_clock::now() < closed_by) {
        try {
            received += stuck.read_until("\n");
        } catch (std::runtime_error const& e) {
            closed = std::string(e.what()).find("connection ended") != std::string::npos;
            if (!closed)
                throw;
        }
    }
    REQUIRE(closed);
    auto got = complete_ids_in(received);
    REQUIRE_FALSE(got.empty());
    CHECK(got == range(1, got.back()));
    CHECK(got.back() < 1551); // it really was cut off

    // It resumes from its cursor and gets the rest, no gap, no duplicate.
    tls_client again(srv.port());
    again.write_raw("GET /admin/v1/audit/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token->secret +
                    "\r\nLast-Event-ID: " + std::to_string(got.back()) + "\r\n\r\n");
    std::string rest;
    read_through(again, rest, "id: 1551\n");
    read_through(again, rest, "\n\n");
    auto more = complete_ids_in(rest);
    got.insert(got.end(), more.begin(), more.end());
    CHECK(got == range(1, 1551));
}
