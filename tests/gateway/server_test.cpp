#include <ssogate/gateway/server.hpp>

#include <catch2/catch.hpp>

#include <ssogate/gateway/routes.hpp>
#include <ssogate/gateway/startup_error.hpp>
#include <ssogate/gateway/tls.hpp>

#include "support/app_fixture.hpp"
#include "support/tls_client.hpp"

#include <openssl/ssl.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

using namespace ssogate::gateway;
using namespace std::chrono_literals;
using ssogate::test::tls_client;

namespace {

server_options test_options()
{
    server_options o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = 2;
    o.max_header_bytes = 4096;
    o.max_body_bytes = 1024;
    o.read_timeout = 2s;
    o.idle_timeout = 2s;
    o.write_timeout = 2s;
    o.drain_timeout = 2s;
    return o;
}

/// ssogate's own routes on a started server with a fresh self-signed pair.
struct running_server {
    explicit running_server(server_options o = test_options(), std::optional<request_handler> handler = std::nullopt)
        : tls(ensure_self_signed(app.dir / "tls", "127.0.0.1", ssogate::test::test_now())),
          srv(o, tls,
              handler ? std::move(*handler)
                      : request_handler([this](http_request const& r) { return handle_request(app.ctx, r); }),
              app.log.logger())
    {
        srv.start();
    }

    ssogate::test::app_fixture app;
    tls_files tls;
    server srv;
};

/// The captured log once it contains `needle` (the access log line is written after
/// the response, so the client can see the response first), or all of it after 2 s.
std::string log_once_it_has(ssogate::test::captured_log const& log, std::string const& needle)
{
    auto const deadline = std::chrono::steady_clock::now() + 2s;
    for (;;) {
        auto text = log.text();
        if (text.find(needle) != std::string::npos || std::chrono::steady_clock::now() > deadline)
            return text;
        std::this_thread::sleep_for(2ms);
    }
}

/// A one-shot gate a handler waits on.
struct gate {
    void open()
    {
        std::lock_guard l(m);
        opened = true;
        cv.notify_all();
    }
    bool wait_for(std::chrono::milliseconds d)
    {
        std::unique_lock l(m);
        return cv.wait_for(l, d, [&] { return opened; });
    }
    std::mutex m;
    std::condition_variable cv;
    bool opened = false;
};

} // namespace

TEST_CASE("server answers healthz over TLS twice on one keep-alive connection", "[gateway][server]")
{
    running_server s;
    REQUIRE(s.srv.port() != 0);
    CHECK(s.srv.url() == "https://127.0.0.1:" + std::to_string(s.srv.port()) + "/");
    tls_client c(s.srv.port());
    auto r1 = c.request("GET", "/healthz");
    CHECK(r1.status == 200);
    CHECK(r1.body == "ok\n");
    CHECK(r1.keep_alive);
    CHECK(r1.header("strict-transport-security") == "max-age=63072000");
    CHECK(r1.header("x-content-type-options") == "nosniff");
    auto r2 = c.request("GET", "/readyz");
    CHECK(r2.status == 200);
    CHECK(r2.body == "ready\n");
    CHECK(s.srv.connection_count() == 1);
}

TEST_CASE("server answers HEAD with headers only and closes on Connection: close", "[gateway][server]")
{
    running_server s;
    tls_client c(s.srv.port());
    c.write_raw("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    auto h = c.read_response(true);
    CHECK(h.status == 200);
    // Content-Length states the size of the GET body; no body follows.
    CHECK(h.header("content-length") == "3");
    auto r = c.request("GET", "/healthz", {}, false);
    CHECK(r.status == 200);
    CHECK_FALSE(r.keep_alive);
    CHECK(c.closed_by_server(2s));
}

TEST_CASE("server refuses a TLS 1.1 client and accepts TLS 1.2 and 1.3", "[gateway][server][tls]")
{
    running_server s;
    ssogate::test::tls_client_options v11;
    v11.min_version = TLS1_1_VERSION;
    v11.max_version = TLS1_1_VERSION;
    CHECK_FALSE(ssogate::test::tls_handshake_error(s.srv.port(), v11).empty());

    ssogate::test::tls_client_options v12;
    v12.max_version = TLS1_2_VERSION;
    CHECK(ssogate::test::tls_handshake_error(s.srv.port(), v12).empty());
    ssogate::test::tls_client_options v13;
    v13.min_version = TLS1_3_VERSION;
    CHECK(ssogate::test::tls_handshake_error(s.srv.port(), v13).empty());

    // The server keeps serving after the refused handshake.
    tls_client c(s.srv.port());
    CHECK(c.request("GET", "/healthz").status == 200);
}

TEST_CASE("server answers 431 to oversized request headers and closes", "[gateway][server][limits]")
{
    running_server s;
    tls_client c(s.srv.port());
    c.write_raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'a') + "\r\n\r\n");
    auto r = c.read_response();
    CHECK(r.status == 431);
    CHECK_FALSE(r.keep_alive);
    CHECK(r.header("x-content-type-options") == "nosniff");
    CHECK(c.closed_by_server(2s));
}

TEST_CASE("server answers 413 to a body over the limit, announced or sent", "[gateway][server][limits]")
{
    running_server s;
    SECTION("Content-Length over the limit is refused before the body is read")
    {
        tls_client c(s.srv.port());
        c.write_raw("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");
        auto r = c.read_response();
        CHECK(r.status == 413);
        CHECK_FALSE(r.keep_alive);
        CHECK(c.closed_by_server(2s));
    }
    SECTION("a chunked body that grows over the limit")
    {
        tls_client c(s.srv.port());
        c.write_raw("POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n" +
                    std::string(0x400, 'a') + "\r\n400\r\n" + std::string(0x400, 'b') + "\r\n0\r\n\r\n");
        auto r = c.read_response();
        CHECK(r.status == 413);
    }
    SECTION("a body within the limit reaches the router")
    {
        tls_client c(s.srv.port());
        CHECK(c.request("POST", "/healthz", std::string(1024, 'a')).status == 405);
    }
}

TEST_CASE("server answers 400 to malformed HTTP, closes, and keeps serving others", "[gateway][server][limits]")
{
    running_server s;
    tls_client c(s.srv.port());
    c.write_raw("NOT HTTP AT ALL\r\n\r\n");
    auto r = c.read_response();
    CHECK(r.status == 400);
    CHECK_FALSE(r.keep_alive);
    CHECK(c.closed_by_server(2s));

    tls_client missing_host(s.srv.port());
    missing_host.write_raw("GET /healthz HTTP/1.1\r\n\r\n");
    CHECK(missing_host.read_response().status == 400);

    tls_client next(s.srv.port());
    CHECK(next.request("GET", "/healthz").status == 200);
    CHECK(log_once_it_has(s.app.log, "malformed request").find("malformed request") != std::string::npos);
}

TEST_CASE("server drops a client that does not finish its request within the read timeout", "[gateway][server][timeout]")
{
    auto o = test_options();
    o.read_timeout = 300ms;
    running_server s(o);

    tls_client slow(s.srv.port());
    slow.write_raw("GET /healthz HTTP/1.1\r\nHost: x\r\n"); // and never the blank line
    auto const start = std::chrono::steady_clock::now();
    CHECK(slow.closed_by_server(3s));
    CHECK(std::chrono::steady_clock::now() - start >= 250ms);

    // A TCP client that never starts TLS is dropped too.
    CHECK(ssogate::test::tcp_silent_client_dropped(s.srv.port(), 3s));

    tls_client ok(s.srv.port());
    CHECK(ok.request("GET", "/healthz").status == 200);
}

TEST_CASE("server closes a keep-alive connection after the idle timeout", "[gateway][server][timeout]")
{
    auto o = test_options();
    o.idle_timeout = 200ms;
    running_server s(o);
    tls_client c(s.srv.port());
    CHECK(c.request("GET", "/healthz").status == 200);
    CHECK(c.closed_by_server(3s));
}

TEST_CASE("server access log has the path without the query string", "[gateway][server][log]")
{
    running_server s;
    tls_client c(s.srv.port());
    CHECK(c.request("GET", "/healthz?token=s3cret").status == 200);
    auto log = log_once_it_has(s.app.log, "duration_ms");
    CHECK(log.find(R"("msg":"request","method":"GET","path":"/healthz","status":200)") != std::string::npos);
    CHECK(log.find("\"remote_ip\":\"127.0.0.1\"") != std::string::npos);
    CHECK(log.find("duration_ms") != std::string::npos);
    CHECK(log.find("s3cret") == std::string::npos);
}

TEST_CASE("server stop lets an in-flight request finish and refuses new connections", "[gateway][server][shutdown]")
{
    gate entered;
    gate release;
    auto o = test_options();
    o.drain_timeout = 5s;
    running_server s(o, request_handler([&](http_request const& r) {
        if (r.path() == "/slow") {
            entered.open();
            release.wait_for(5s);
            return http_response::text(200, "finished\n");
        }
        return http_response::text(200, "fast\n");
    }));

    tls_client idle(s.srv.port());
    CHECK(idle.request("GET", "/fast").status == 200);

    tls_client busy(s.srv.port());
    busy.write_raw("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(entered.wait_for(5s));

    s.srv.stop();
    // The idle keep-alive connection is closed at once; no new connection is accepted.
    CHECK(idle.closed_by_server(2s));
    auto const deadline = std::chrono::steady_clock::now() + 2s;
    while (!ssogate::test::tcp_connect_refused(s.srv.port()) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(5ms);
    CHECK(ssogate::test::tcp_connect_refused(s.srv.port()));

    release.open();
    auto r = busy.read_response();
    CHECK(r.status == 200);
    CHECK(r.body == "finished\n");
    CHECK_FALSE(r.keep_alive);
    s.srv.wait();
    CHECK(s.srv.connection_count() == 0);
}

namespace {

/// A body_stream that hands out queued chunks and ends when cancelled or finished.
class queued_stream : public body_stream {
public:
    void push(std::optional<std::string> chunk)
    {
        deliver_fn d;
        {
            std::lock_guard l(m_);
            if (pending_) {
                d = std::move(pending_);
                pending_ = nullptr;
            } else {
                queue_.push_back(std::move(chunk));
                return;
            }
        }
        d(std::move(chunk));
    }
    void pull(deliver_fn deliver) override
    {
        std::optional<std::string> next;
        {
            std::lock_guard l(m_);
            if (cancelled_) {
                next = std::nullopt;
            } else if (!queue_.empty()) {
                next = std::move(queue_.front());
                queue_.erase(queue_.begin());
            } else {
                pending_ = std::move(deliver);
                return;
            }
        }
        deliver(std::move(next));
    }
    void cancel() noexcept override
    {
        deliver_fn d;
        {
            std::lock_guard l(m_);
            cancelled_ = true;
            d = std::move(pending_);
            pending_ = nullptr;
        }
        if (d)
            d(std::nullopt);
    }

private:
    std::mutex m_;
    std::vector<std::optional<std::string>> queue_;
    deliver_fn pending_;
    bool cancelled_ = false;
};

} // namespace

TEST_CASE("server writes a streaming body chunk by chunk until the stream ends", "[gateway][server][stream]")
{
    auto stream = std::make_shared<queued_stream>();
    running_server s(test_options(), request_handler([&](http_request const&) {
        http_response res;
        res.headers.set("Content-Type", "text/event-stream");
        res.stream = stream;
        return res;
    }));
    tls_client c(s.srv.port());
    c.write_raw("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
    stream->push("data: 1\n\n");
    auto head = c.read_until("data: 1");
    CHECK(head.find("HTTP/1.1 200 OK") == 0);
    CHECK(head.find("Transfer-Encoding: chunked") != std::string::npos);
    CHECK(head.find("text/event-stream") != std::string::npos);
    stream->push("data: 2\n\n");
    c.read_until("data: 2");

    SECTION("the stream ends by itself")
    {
        stream->push(std::nullopt);
        c.read_until("0\r\n\r\n");
        CHECK(c.closed_by_server(2s));
    }
    SECTION("server stop cancels the stream and ends the body")
    {
        s.srv.stop();
        c.read_until("0\r\n\r\n");
        CHECK(c.closed_by_server(2s));
        s.srv.wait();
    }
}

TEST_CASE("server refuses to start on a port in use, naming the address", "[gateway][server]")
{
    running_server first;
    auto o = test_options();
    o.port = first.srv.port();
    try {
        server second(o, first.tls, [](http_request const&) { return http_response::text(200, ""); },
                      first.app.log.logger());
        FAIL("expected startup_error");
    } catch (startup_error const& e) {
        std::string msg = e.what();
        CHECK(e.exit_code() == exit_failure);
        CHECK(msg.find("127.0.0.1:" + std::to_string(first.srv.port())) != std::string::npos);
        CHECK(msg.find("in use") != std::string::npos);
    }
}

TEST_CASE("server refuses an unreadable or invalid TLS key, naming the file", "[gateway][server][tls]")
{
    ssogate::test::app_fixture app;
    auto tls = ensure_self_signed(app.dir / "tls", "127.0.0.1", ssogate::test::test_now());
    auto handler = [](http_request const&) { return http_response::text(200, ""); };

    auto missing = tls;
    missing.key = app.dir / "nope.pem";
    try {
        server s(test_options(), missing, handler, app.log.logger());
        FAIL("expected startup_error");
    } catch (startup_error const& e) {
        CHECK(std::string(e.what()) == "cannot read TLS key " + missing.key.string() + ": No such file or directory");
        CHECK(e.exit_code() == exit_failure);
    }

    auto garbage = tls;
    garbage.key = app.dir / "garbage.pem";
    {
        std::FILE* f = std::fopen(garbage.key.c_str(), "w");
        std::fputs("not a key\n", f);
        std::fclose(f);
    }
    try {
        server s(test_options(), garbage, handler, app.log.logger());
        FAIL("expected startup_error");
    } catch (startup_error const& e) {
        CHECK(std::string(e.what()).rfind("invalid TLS key " + garbage.key.string() + ": ", 0) == 0);
    }
}
