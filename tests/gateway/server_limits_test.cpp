// The server's connection limit ([server] max_connections): at the limit it stops
// accepting, so a further client's TCP connect succeeds (kernel backlog) but its TLS
// handshake gets no answer until an open connection closes; one warning and one count
// per episode; the open-file limit raised to fit (plan_fd_limit, ensure_fd_limit).
#include <ssogate/gateway/server.hpp> // first: the public header is self-contained

#include <catch2/catch.hpp>

#include <ssogate/gateway/config.hpp>
#include <ssogate/gateway/metrics.hpp>
#include <ssogate/gateway/routes.hpp>
#include <ssogate/gateway/startup_error.hpp>
#include <ssogate/gateway/tls.hpp>

#include "support/app_fixture.hpp"
#include "support/tls_client.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <thread>

using namespace ssogate::gateway;
using namespace std::chrono_literals;
using ssogate::test::tls_client;

namespace {

server_options limited_options(std::size_t max_connections)
{
    server_options o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = 2;
    o.max_connections = max_connections;
    o.read_timeout = 5s;
    o.idle_timeout = 10s; // longer than any wait below: the open connections stay open
    o.write_timeout = 5s;
    o.drain_timeout = 2s;
    return o;
}

/// ssogate's own routes on a started server with a fresh self-signed pair.
struct running_server {
    explicit running_server(server_options o)
        : tls(ensure_self_signed(app.dir / "tls", "127.0.0.1", ssogate::test::test_now())),
          srv(o, tls, [this](http_request const& r) { return handle_request(app.ctx, r); }, app.log.logger())
    {
        srv.start();
    }

    ssogate::test::app_fixture app;
    tls_files tls;
    server srv;
};

/// Polls `done` every 2 ms until it holds or `within` has passed; its last answer.
bool eventually(std::function<bool()> const& done, std::chrono::milliseconds within = 5s)
{
    auto const deadline = std::chrono::steady_clock::now() + within;
    for (;;) {
        if (done())
            return true;
        if (std::chrono::steady_clock::now() > deadline)
            return done();
        std::this_thread::sleep_for(2ms);
    }
}

std::size_t occurrences(std::string const& text, std::string const& needle)
{
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size()))
        ++n;
    return n;
}

/// A TLS client driven step by step: the TCP connect (which the kernel completes for a
/// listening socket even when the server accepts nothing) is separate from the TLS
/// handshake, and each step has its own bound. tls_client does both in its constructor.
class stepwise_tls_client {
public:
    /// Connects over TCP (blocking); see tcp_connected().
    explicit stepwise_tls_client(std::uint16_t port)
        : fd_(::socket(AF_INET, SOCK_STREAM, 0)), ctx_(SSL_CTX_new(TLS_client_method()), SSL_CTX_free), ssl_(nullptr, SSL_free)
    {
        REQUIRE(fd_ >= 0);
        REQUIRE(ctx_);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr const*>(&a), sizeof a) == 0;
        ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
        SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_NONE, nullptr); // the test's self-signed pair
        ssl_.reset(SSL_new(ctx_.get()));
        REQUIRE(ssl_);
        SSL_set_fd(ssl_.get(), fd_);
        SSL_set_connect_state(ssl_.get());
    }
    ~stepwise_tls_client() { ::close(fd_); }
    stepwise_tls_client(stepwise_tls_client const&) = delete;
    stepwise_tls_client& operator=(stepwise_tls_client const&) = delete;

    [[nodiscard]] bool tcp_connected() const noexcept { return connected_; }

    /// Sends the ClientHello (first call) and waits for the server's side of the
    /// handshake; true once it is complete, false when `within` passes first.
    bool handshake_within(std::chrono::milliseconds within)
    {
        return drive(within, [this] { return SSL_do_handshake(ssl_.get()); });
    }

    /// Writes `bytes`; false on error or timeout.
    bool write_within(std::string const& bytes, std::chrono::milliseconds within)
    {
        return drive(within, [&] { return SSL_write(ssl_.get(), bytes.data(), static_cast<int>(bytes.size())); });
    }

    /// Reads until the server closes the connection or `within` passes; all bytes read.
    std::string read_until_closed(std::chrono::milliseconds within)
    {
        std::string out;
        char buf[4096];
        auto const deadline = std::chrono::steady_clock::now() + within;
        for (;;) {
            auto const n = SSL_read(ssl_.get(), buf, sizeof buf);
            if (n > 0) {
                out.append(buf, static_cast<std::size_t>(n));
                continue;
            }
            auto const err = SSL_get_error(ssl_.get(), n);
            if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE)
                return out; // close_notify, EOF or reset
            if (!wait(err, deadline))
                return out;
        }
    }

private:
    template <class Op>
    bool drive(std::chrono::milliseconds within, Op op)
    {
        auto const deadline = std::chrono::steady_clock::now() + within;
        for (;;) {
            auto const r = op();
            if (r > 0)
                return true;
            auto const err = SSL_get_error(ssl_.get(), r);
            if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE)
                return false;
            if (!wait(err, deadline))
                return false;
        }
    }

    /// Waits until the socket is ready for what OpenSSL wants; false at the deadline.
    bool wait(int ssl_error, std::chrono::steady_clock::time_point deadline)
    {
        auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return false;
        pollfd p{};
        p.fd = fd_;
        p.events = ssl_error == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN;
        return ::poll(&p, 1, static_cast<int>(left.count())) > 0;
    }

    int fd_;
    bool connected_ = false;
    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx_;
    std::unique_ptr<SSL, decltype(&SSL_free)> ssl_;
};

/// The soft RLIMIT_NOFILE, restored when the test ends (ensure_fd_limit raises it).
struct soft_fd_limit_restorer {
    soft_fd_limit_restorer() { REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved) == 0); }
    ~soft_fd_limit_restorer() { ::setrlimit(RLIMIT_NOFILE, &saved); }
    rlimit saved{};
};

rlimit current_fd_limit()
{
    rlimit rl{};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &rl) == 0);
    return rl;
}

} // namespace

// --- the accept loop at the limit -----------------------------------------------------

TEST_CASE("server at max_connections leaves a new client in the backlog until an open connection closes",
          "[gateway][server][limits]")
{
    auto const limit_reached_before = process_metrics().connection_limit_reached();
    auto const open_before = process_metrics().open_connections();
    running_server s(limited_options(2));
    auto const port = s.srv.port();

    auto first = std::make_unique<tls_client>(port);
    tls_client second(port);
    CHECK(first->request("GET", "/healthz").status == 200);
    CHECK(second.request("GET", "/healthz").status == 200);
    REQUIRE(s.srv.connection_count() == 2);
    CHECK(eventually([&] { return s.app.log.text().find("connection limit reached") != std::string::npos; }));
    CHECK(process_metrics().connection_limit_reached() == limit_reached_before + 1);
    CHECK(process_metrics().open_connections() == open_before + 2);

    // The kernel completes the third TCP connect (listen backlog); the server does not
    // accept it, so its ClientHello gets no answer while the two stay open.
    stepwise_tls_client third(port);
    REQUIRE(third.tcp_connected());
    CHECK_FALSE(third.handshake_within(500ms));
    CHECK(s.srv.connection_count() == 2);

    // One of the two closes: the third is accepted and served.
    first.reset();
    REQUIRE(third.handshake_within(5s));
    REQUIRE(third.write_within("GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 5s));
    auto const reply = third.read_until_closed(5s);
    CHECK(reply.rfind("HTTP/1.1 200 ", 0) == 0);
    CHECK(reply.find("\r\n\r\nready\n") != std::string::npos);
    // The second still works, and the episode (at the limit with a client waiting)
    // was logged and counted once, not once per waiting client.
    CHECK(second.request("GET", "/healthz").status == 200);
    auto const log = s.app.log.text();
    CHECK(occurrences(log, "connection limit reached") == 1);
    CHECK(log.find("\"max_connections\":2") != std::string::npos);
    CHECK(process_metrics().connection_limit_reached() == limit_reached_before + 1);
}

TEST_CASE("server counts a new connection limit episode only after it was below the limit with nobody waiting",
          "[gateway][server][limits]")
{
    auto const limit_reached_before = process_metrics().connection_limit_reached();
    running_server s(limited_options(1));
    auto const port = s.srv.port();
    {
        tls_client only(port);
        CHECK(only.request("GET", "/healthz").status == 200);
        CHECK(eventually([&] { return s.app.log.text().find("connection limit reached") != std::string::npos; }));
    }
    // Closed with nobody waiting: the episode ends.
    CHECK(eventually([&] { return s.app.log.text().find("connection limit no longer reached") != std::string::npos; }));
    CHECK(s.srv.connection_count() == 0);

    tls_client again(port);
    CHECK(again.request("GET", "/healthz").status == 200);
    CHECK(eventually([&] { return occurrences(s.app.log.text(), "connection limit reached") == 2; }));
    CHECK(process_metrics().connection_limit_reached() == limit_reached_before + 2);
}

TEST_CASE("server stops promptly while its accept loop waits at the connection limit", "[gateway][server][limits]")
{
    running_server s(limited_options(1));
    tls_client only(s.srv.port());
    CHECK(only.request("GET", "/healthz").status == 200);
    REQUIRE(eventually([&] { return s.app.log.text().find("connection limit reached") != std::string::npos; }));
    auto const started = std::chrono::steady_clock::now();
    s.srv.stop();
    s.srv.wait();
    // The idle connection is closed at once; nothing waits for the drain timeout.
    CHECK(std::chrono::steady_clock::now() - started < 2s);
    CHECK(s.srv.connection_count() == 0);
}

TEST_CASE("server refuses max_connections = 0 at startup", "[gateway][server][limits]")
{
    ssogate::test::app_fixture app;
    auto const tls = ensure_self_signed(app.dir / "tls", "127.0.0.1", ssogate::test::test_now());
    CHECK_THROWS_AS(server(limited_options(0), tls, [](http_request const&) { return http_response{}; },
                           app.log.logger()),
                    startup_error);
}

TEST_CASE("server options take max_connections from the [server] settings", "[gateway][server][limits]")
{
    server_settings settings;
    CHECK(server_options::from(settings).max_connections == 1024);
    settings.max_connections = 7;
    CHECK(server_options::from(settings).max_connections == 7);
}

TEST_CASE("the metrics exposition has the open connection gauge and the limit counter", "[gateway][server][metrics]")
{
    metrics_registry m;
    m.connection_opened();
    m.connection_opened();
    m.connection_closed();
    m.count_connection_limit_reached();
    auto const text = "\n" + m.exposition(0);
    CHECK(text.find("\n# TYPE ssogate_open_connections gauge\n") != std::string::npos);
    CHECK(text.find("\nssogate_open_connections 1\n") != std::string::npos);
    CHECK(text.find("\n# TYPE ssogate_connection_limit_reached_total counter\n") != std::string::npos);
    CHECK(text.find("\nssogate_connection_limit_reached_total 1\n") != std::string::npos);
    CHECK(text.find("\n# HELP ssogate_connection_limit_reached_total ") != std::string::npos);
}

// --- the open-file limit ------------------------------------------------------------------

TEST_CASE("plan_fd_limit leaves a soft limit that fits max_connections plus the reserve alone",
          "[gateway][server][limits]")
{
    auto const p = plan_fd_limit(1024, 1024 + reserved_descriptors, 4096);
    CHECK(p.needed == 1024 + reserved_descriptors);
    CHECK_FALSE(p.raise_soft_to);
    CHECK(p.soft_after == 1024 + reserved_descriptors);
    CHECK_FALSE(p.insufficient);
    CHECK(plan_fd_limit(1, 1'000'000, 1'000'000) == fd_limit_plan{1 + reserved_descriptors, std::nullopt, 1'000'000, false});
}

TEST_CASE("plan_fd_limit raises the soft limit just to what is needed when the hard limit allows it",
          "[gateway][server][limits]")
{
    // One short of the boundary.
    CHECK(plan_fd_limit(1024, 1024 + reserved_descriptors - 1, 4096)
          == fd_limit_plan{1088, 1088, 1088, false});
    CHECK(plan_fd_limit(1024, 1024, 524288) == fd_limit_plan{1088, 1088, 1088, false});
    // An unlimited hard limit (RLIM_INFINITY) is not taken: only what is needed.
    constexpr auto infinity = std::numeric_limits<std::uint64_t>::max();
    CHECK(plan_fd_limit(1'000'000, 1024, infinity) == fd_limit_plan{1'000'064, 1'000'064, 1'000'064, false});
    // The hard limit exactly.
    CHECK(plan_fd_limit(1024, 256, 1088) == fd_limit_plan{1088, 1088, 1088, false});
}

TEST_CASE("plan_fd_limit raises to the hard limit and reports it insufficient when that is too low",
          "[gateway][server][limits]")
{
    CHECK(plan_fd_limit(1024, 256, 1087) == fd_limit_plan{1088, 1087, 1087, true});
    CHECK(plan_fd_limit(1024, 256, 512) == fd_limit_plan{1088, 512, 512, true});
    // Soft already at the hard limit: nothing to raise, still insufficient.
    CHECK(plan_fd_limit(1024, 512, 512) == fd_limit_plan{1088, std::nullopt, 512, true});
    // Never lowers a soft limit, even one above a (lower) hard limit.
    CHECK(plan_fd_limit(1024, 600, 512) == fd_limit_plan{1088, std::nullopt, 600, true});
    // No overflow near the top.
    constexpr auto most = std::numeric_limits<std::uint64_t>::max();
    CHECK(plan_fd_limit(std::numeric_limits<std::size_t>::max(), 1024, 4096).needed == most);
}

TEST_CASE("ensure_fd_limit raises this process's soft limit and logs it, or warns naming both numbers",
          "[gateway][server][limits]")
{
    soft_fd_limit_restorer restore;
    auto const before = current_fd_limit();
    auto const soft = static_cast<std::uint64_t>(before.rlim_cur);
    auto const hard = static_cast<std::uint64_t>(before.rlim_max);

    SECTION("enough already: nothing changes, nothing is logged")
    {
        ssogate::test::captured_log log;
        REQUIRE(soft > reserved_descriptors);
        auto const p = ensure_fd_limit(static_cast<std::size_t>(soft - reserved_descriptors), log.logger());
        CHECK_FALSE(p.raise_soft_to);
        CHECK_FALSE(p.insufficient);
        CHECK(log.lines().empty());
        CHECK(current_fd_limit().rlim_cur == before.rlim_cur);
    }
    SECTION("the hard limit allows it: raised to max_connections plus the reserve")
    {
        // Lower the soft limit first (always permitted) so that there is room to raise it.
        auto const low = before.rlim_max == RLIM_INFINITY ? soft : hard - 2 * reserved_descriptors;
        REQUIRE(low >= 256); // this process keeps far fewer descriptors open
        rlimit lowered = before;
        lowered.rlim_cur = static_cast<rlim_t>(std::min(low, soft));
        REQUIRE(::setrlimit(RLIMIT_NOFILE, &lowered) == 0);
        auto const from = static_cast<std::uint64_t>(lowered.rlim_cur);

        ssogate::test::captured_log log;
        auto const p = ensure_fd_limit(static_cast<std::size_t>(from), log.logger());
        auto const needed = from + reserved_descriptors;
        CHECK(p == fd_limit_plan{needed, needed, needed, false});
        CHECK(static_cast<std::uint64_t>(current_fd_limit().rlim_cur) == needed);
        CHECK(log.text().find("raised the open-file limit") != std::string::npos);
        CHECK(log.text().find("\"warn\"") == std::string::npos);
    }
    SECTION("the hard limit is too low: raised to it, one warning naming needed and limit")
    {
        if (before.rlim_max == RLIM_INFINITY) {
            WARN("no finite hard open-file limit here: nothing to check");
            return;
        }
        ssogate::test::captured_log log;
        auto const p = ensure_fd_limit(static_cast<std::size_t>(hard), log.logger());
        CHECK(p.insufficient);
        CHECK(p.needed == hard + reserved_descriptors);
        CHECK(p.soft_after == hard);
        CHECK(static_cast<std::uint64_t>(current_fd_limit().rlim_cur) == hard);
        auto const text = log.text();
        CHECK(occurrences(text, "is below what max_connections needs") == 1);
        CHECK(text.find("\"needed\":" + std::to_string(hard + reserved_descriptors)) != std::string::npos);
        CHECK(text.find("\"limit\":" + std::to_string(hard)) != std::string::npos);
    }
}
