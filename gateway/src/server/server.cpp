// The HTTPS server: accept loop, connections, graceful shutdown (see server.hpp).
//
// Each connection is one C++20 coroutine on its own strand. A request goes through
// three phases, each bounded by the tcp_stream's timer:
//   idle     waiting for the first byte of the next request  (idle_timeout; read_timeout
//            for the first request of a connection)
//   reading  header + body until the whole request is in      (read_timeout, in total)
//   writing  the response                                      (write_timeout)
// Only an idle connection is closed at once by stop(); one that is reading, being
// handled or writing finishes its request (answered with `Connection: close`) unless
// the drain time runs out. Errors are error_codes throughout (STYLE.md rule 8).
//
// Connection limit: the accept loop (on the control strand) accepts only while fewer
// than max_connections connections are registered; at the limit it waits on
// capacity_timer_, which unregister() cancels when a connection leaves. Meanwhile new
// clients stay in the kernel's listen backlog (not accepted and closed). An episode
// starts when the limit is reached (one warning, one count) and ends when the server is
// below the limit with no client waiting in the backlog.
#include <ssogate/gateway/config.hpp>
#include <ssogate/gateway/logger.hpp>
#include <ssogate/gateway/metrics.hpp>
#include <ssogate/gateway/routes.hpp>
#include <ssogate/gateway/server.hpp>
#include <ssogate/gateway/startup_error.hpp>
#include <ssogate/gateway/tls.hpp>

#include "server/tls_context.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <poll.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <limits>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace ssogate::gateway {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
/// Bound on the polite TLS close (close_notify) before the socket is closed anyway.
constexpr std::chrono::milliseconds tls_shutdown_timeout{1000};
/// Longest request path written to the access log.
constexpr std::size_t max_logged_path = 256;

http_method to_method(http::verb v) noexcept
{
    switch (v) {
    case http::verb::get: return http_method::get;
    case http::verb::head: return http_method::head;
    case http::verb::post: return http_method::post;
    case http::verb::put: return http_method::put;
    case http::verb::patch: return http_method::patch;
    case http::verb::delete_: return http_method::delete_;
    case http::verb::options: return http_method::options;
    default: return http_method::other;
    }
}

bool header_safe(std::string_view s) noexcept
{
    return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

double ms_since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

server_options server_options::from(server_settings const& s)
{
    server_options o;
    o.host = s.listen_host;
    o.port = s.listen_port;
    o.threads = s.threads;
    o.max_header_bytes = s.max_header_bytes;
    o.max_body_bytes = s.max_body_bytes;
    o.max_connections = s.max_connections;
    o.read_timeout = s.read_timeout;
    o.idle_timeout = s.idle_timeout;
    o.write_timeout = s.read_timeout;
    return o;
}

fd_limit_plan plan_fd_limit(std::size_t max_connections, std::uint64_t soft, std::uint64_t hard) noexcept
{
    fd_limit_plan p;
    auto const wanted = static_cast<std::uint64_t>(max_connections);
    constexpr auto most = std::numeric_limits<std::uint64_t>::max();
    p.needed = wanted > most - reserved_descriptors ? most : wanted + reserved_descriptors;
    p.soft_after = soft;
    if (soft >= p.needed)
        return p;
    // Raise just to what is needed (not to an unlimited hard limit), never above hard.
    auto const target = std::min(p.needed, hard);
    if (target > soft) {
        p.raise_soft_to = target;
        p.soft_after = target;
    }
    p.insufficient = p.soft_after < p.needed;
    return p;
}

fd_limit_plan ensure_fd_limit(std::size_t max_connections, logger const& log)
{
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) {
        auto const err = errno;
        fd_limit_plan p = plan_fd_limit(max_connections, 0, 0);
        log.warn("cannot read the open-file limit (RLIMIT_NOFILE); connections may run out of file descriptors",
                 {{"needed", p.needed}, {"max_connections", max_connections}, {"error", std::strerror(err)}});
        return p;
    }
    auto const soft = static_cast<std::uint64_t>(rl.rlim_cur);
    auto const hard = static_cast<std::uint64_t>(rl.rlim_max);
    auto plan = plan_fd_limit(max_connections, soft, hard);
    char const* failure = nullptr;
    if (plan.raise_soft_to) {
        rl.rlim_cur = static_cast<rlim_t>(*plan.raise_soft_to);
        if (::setrlimit(RLIMIT_NOFILE, &rl) == 0) {
            log.info("raised the open-file limit (RLIMIT_NOFILE) for max_connections",
                     {{"from", soft}, {"to", plan.soft_after}, {"max_connections", max_connections}});
        } else {
            failure = std::strerror(errno);
            plan.raise_soft_to.reset();
            plan.soft_after = soft;
            plan.insufficient = true;
        }
    }
    if (plan.insufficient) {
        // Serve anyway: the limit may still be enough for the real load, and the
        // accept loop backs off on EMFILE. One warning, naming both numbers.
        log.warn("open-file limit (RLIMIT_NOFILE) is below what max_connections needs; raise it (ulimit -n, "
                 "LimitNOFILE=) or lower [server] max_connections",
                 {{"needed", plan.needed},
                  {"limit", plan.soft_after},
                  {"hard_limit", hard},
                  {"max_connections", max_connections},
                  {"error", failure ? failure : ""}});
    }
    return plan;
}

namespace detail {

class connection;

class server_impl : public std::enable_shared_from_this<server_impl> {
public:
    server_impl(server_options options, tls_files const& tls, request_handler handler, logger const& log);

    void start();
    void stop() noexcept;
    void wait();
    void stop_on_signals();

    void unregister(std::uint64_t id);
    std::size_t connection_count() const
    {
        std::lock_guard lock(mutex_);
        return connections_.size();
    }

    // Immutable after construction; read by every connection.
    server_options const options_;
    request_handler const handler_;
    logger const& log_;
    ssl::context tls_;
    std::atomic<bool> stopping_{false};

    // Declared after tls_ and before the I/O objects: destroyed after them.
    net::io_context ioc_;
    net::strand<net::io_context::executor_type> control_; // acceptor, signals, drain timer
    tcp::acceptor acceptor_;
    net::signal_set signals_;
    net::steady_timer drain_timer_;
    net::steady_timer capacity_timer_; // the accept loop waits on it at max_connections
    std::uint16_t port_ = 0;

private:
    net::awaitable<void> accept_loop();
    bool connection_waiting() noexcept;
    void arm_drain_timer();
    void force_close_all();

    mutable std::mutex mutex_;
    std::map<std::uint64_t, std::weak_ptr<connection>> connections_;
    std::uint64_t next_id_ = 1;
    bool accept_paused_ = false; // under mutex_: the accept loop waits for a connection to close
    bool saturated_ = false;     // on control_: in a connection limit episode (logged, counted)
    std::vector<std::thread> threads_;
    bool started_ = false;
};

/// One client connection: TLS handshake, then requests until close.
class connection : public std::enable_shared_from_this<connection> {
public:
    connection(tcp::socket socket, server_impl& srv, std::uint64_t id)
        : srv_(srv), id_(id), stream_(std::move(socket), srv.tls_)
    {
        error_code ec;
        auto ep = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
        if (!ec)
            remote_ = ep.address().to_string();
    }

    net::any_io_executor executor() { return stream_.get_executor(); }

    /// The coroutine of this connection; keeps `self` alive until it returns.
    static net::awaitable<void> run(std::shared_ptr<connection> self)
    {
        try {
            co_await self->serve();
        } catch (std::exception const& e) {
            self->srv_.log_.error("connection failed", {{"error", e.what()}, {"remote_ip", self->remote_}});
        }
        error_code ec;
        beast::get_lowest_layer(self->stream_).socket().close(ec);
        self->srv_.unregister(self->id_);
    }

    /// On the strand: the server is stopping.
    void on_server_stop()
    {
        stop_requested_ = true;
        if (phase_ == phase::handshake || phase_ == phase::idle)
            beast::get_lowest_layer(stream_).cancel();
        if (active_stream_)
            active_stream_->cancel();
    }

    /// On the strand: the drain time is over.
    void force_close()
    {
        stop_requested_ = true;
        if (active_stream_)
            active_stream_->cancel();
        beast::get_lowest_layer(stream_).close();
    }

private:
    enum class phase { handshake, idle, reading, handling, writing, streaming, closing };
    enum class after { keep_alive, close_gracefully, close_now };

    bool stopping() const noexcept { return stop_requested_ || srv_.stopping_.load(std::memory_order_relaxed); }
    beast::tcp_stream& lowest() noexcept { return beast::get_lowest_layer(stream_); }

    net::awaitable<void> serve()
    {
        auto const& opt = srv_.options_;
        lowest().expires_after(opt.read_timeout);
        auto [hs_ec] = co_await stream_.async_handshake(ssl::stream_base::server, use_tuple);
        if (hs_ec) {
            srv_.log_.debug("tls handshake failed", {{"error", hs_ec.message()}, {"remote_ip", remote_}});
            co_return;
        }
        for (bool first = true;; first = false) {
            if (stopping())
                co_return;
            if (buffer_.size() == 0) {
                // Idle: wait for the first byte of the next request.
                phase_ = phase::idle;
                lowest().expires_after(first ? opt.read_timeout : opt.idle_timeout);
                auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(4096), use_tuple);
                if (ec) {
                    if (ec == beast::error::timeout)
                        srv_.log_.debug(first ? "no request before read timeout" : "idle timeout",
                                        {{"remote_ip", remote_}});
                    co_return;
                }
                buffer_.commit(n);
            }
            auto next = co_await handle_one();
            if (next == after::close_now)
                co_return;
            if (next == after::close_gracefully) {
                phase_ = phase::closing;
                lowest().expires_after(std::min<std::chrono::milliseconds>(tls_shutdown_timeout, opt.write_timeout));
                co_await stream_.async_shutdown(use_tuple);
                co_return;
            }
        }
    }

    /// Reads one request, answers it, and says what happens to the connection.
    net::awaitable<after> handle_one()
    {
        auto const& opt = srv_.options_;
        phase_ = phase::reading;
        auto const started = std::chrono::steady_clock::now();
        lowest().expires_at(started + opt.read_timeout);

        http::request_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(opt.max_header_bytes, UINT32_MAX)));
        parser.body_limit(opt.max_body_bytes);

        auto [ec, n] = co_await http::async_read_header(stream_, buffer_, parser, use_tuple);
        (void)n;
        if (!ec && !parser.is_done()) {
            auto expect = parser.get()[http::field::expect];
            if (beast::iequals(expect, "100-continue")) {
                http::response<http::empty_body> cont{http::status::continue_, parser.get().version()};
                lowest().expires_after(opt.write_timeout);
                auto [wec, wn] = co_await http::async_write(stream_, cont, use_tuple);
                (void)wn;
                if (wec)
                    co_return after::close_now;
                lowest().expires_at(started + opt.read_timeout);
            }
            auto [bec, bn] = co_await http::async_read(stream_, buffer_, parser, use_tuple);
            (void)bn;
            ec = bec;
        }
        if (ec)
            co_return co_await reject(ec, started);

        auto msg = parser.release();
        http_request req;
        req.method = to_method(msg.method());
        req.target = std::string(msg.target());
        for (auto const& f : msg)
            req.headers.add(f.name_string(), std::string(f.value()));
        req.body = std::move(msg.body());
        req.remote_address = remote_;

        // RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without Host.
        if (msg.version() >= 11 && msg.find(http::field::host) == msg.end())
            co_return co_await send_error(400, "bad request: missing Host header\n", started, &req);
        if (req.target.empty() || req.target.front() != '/') {
            // Absolute-form and asterisk-form targets are for proxies; ssogate is none.
            co_return co_await send_error(400, "bad request: request-target must be an absolute path\n", started, &req);
        }

        phase_ = phase::handling;
        http_response res;
        try {
            res = srv_.handler_(req);
        } catch (std::exception const& e) {
            // A handler bug must not take the worker thread down with it.
            srv_.log_.error("handler threw", {{"error", e.what()}, {"path", log_path(req)}});
            res = http_response::text(500, "internal server error\n");
            add_security_headers(res);
        }
        if (res.pending) {
            // The handler answers later (the ACS after its group commit, write_batcher.hpp):
            // wait without holding this worker thread, then build the response here.
            auto const pending = std::move(res.pending);
            auto finisher = co_await completion(pending);
            try {
                res = finisher();
            } catch (std::exception const& e) {
                srv_.log_.error("handler threw", {{"error", e.what()}, {"path", log_path(req)}});
                res = http_response::text(500, "internal server error\n");
            }
            add_security_headers(res);
        }

        bool const keep = msg.keep_alive() && !res.close_connection && !res.stream && !stopping();
        if (res.stream)
            co_return co_await send_stream(std::move(res), req, msg.version(), started);
        co_return co_await send(std::move(res), req.method == http_method::head, msg.version(), keep, started, &req);
    }

    /// Maps a read error to a response (or to silence) and closes.
    net::awaitable<after> reject(error_code ec, std::chrono::steady_clock::time_point started)
    {
        if (ec == http::error::header_limit)
            co_return co_await send_error(431, "request header fields too large\n", started, nullptr);
        if (ec == http::error::body_limit)
            co_return co_await send_error(413, "content too large\n", started, nullptr);
        if (ec == beast::error::timeout) {
            srv_.log_.info("request read timeout", {{"remote_ip", remote_}});
            co_return after::close_now;
        }
        if (ec == http::error::partial_message || ec == http::error::end_of_stream)
            co_return after::close_now; // the client went away mid-request
        if (ec.category() == http::make_error_code(http::error::bad_method).category()) {
            srv_.log_.info("malformed request", {{"error", ec.message()}, {"remote_ip", remote_}});
            co_return co_await send_error(400, "bad request\n", started, nullptr);
        }
        // TLS or socket errors: nobody to answer.
        co_return after::close_now;
    }

    net::awaitable<after> send_error(int status, std::string body, std::chrono::steady_clock::time_point started,
                                     http_request const* req)
    {
        auto res = http_response::text(status, std::move(body));
        add_security_headers(res);
        co_return co_await send(std::move(res), false, 11, false, started, req);
    }

    /// Sends a complete response.
    net::awaitable<after> send(http_response res, bool head, unsigned version, bool keep,
                               std::chrono::steady_clock::time_point started, http_request const* req)
    {
        http::response<http::string_body> out;
        out.version(version);
        out.result(static_cast<unsigned>(res.status));
        copy_headers(res, out);
        auto const no_body = res.status < 200 || res.status == 204 || res.status == 304;
        if (no_body) {
            res.body.clear();
        } else {
            out.content_length(res.body.size());
            if (!head)
                out.body() = std::move(res.body);
        }
        out.keep_alive(keep);

        phase_ = phase::writing;
        lowest().expires_after(srv_.options_.write_timeout);
        auto [ec, n] = co_await http::async_write(stream_, out, use_tuple);
        (void)n;
        access_log(req, res.status, started, ec);
        if (ec)
            co_return after::close_now;
        co_return keep ? after::keep_alive : after::close_gracefully;
    }

    /// Sends a streaming response (chunked) until the body_stream ends.
    net::awaitable<after> send_stream(http_response res, http_request const& req, unsigned version,
                                      std::chrono::steady_clock::time_point started)
    {
        http::response<http::empty_body> out;
        out.version(version);
        out.result(static_cast<unsigned>(res.status));
        copy_headers(res, out);
        out.keep_alive(false);
        out.chunked(true);

        phase_ = phase::writing;
        lowest().expires_after(srv_.options_.write_timeout);
        http::response_serializer<http::empty_body> sr{out};
        auto [ec, n] = co_await http::async_write_header(stream_, sr, use_tuple);
        (void)n;
        access_log(&req, res.status, started, ec);
        if (ec) {
            res.stream->cancel();
            co_return after::close_now;
        }
        if (req.method == http_method::head) {
            res.stream->cancel();
            co_return after::close_gracefully;
        }

        active_stream_ = res.stream;
        if (stopping())
            active_stream_->cancel();
        for (;;) {
            phase_ = phase::streaming;
            auto chunk = co_await pull(*active_stream_);
            if (!chunk)
                break;
            if (chunk->empty())
                continue; // a zero-size chunk would end the body
            phase_ = phase::writing;
            lowest().expires_after(srv_.options_.write_timeout);
            auto [wec, wn] = co_await net::async_write(stream_, http::make_chunk(net::buffer(*chunk)), use_tuple);
            (void)wn;
            if (wec) {
                // The consumer stopped reading or went away: drop it.
                active_stream_->cancel();
                active_stream_.reset();
                co_return after::close_now;
            }
        }
        active_stream_.reset();
        lowest().expires_after(srv_.options_.write_timeout);
        auto [lec, ln] = co_await net::async_write(stream_, http::make_chunk_last(), use_tuple);
        (void)ln;
        co_return lec ? after::close_now : after::close_gracefully;
    }

    /// Starts a body_stream::pull and completes, on the handler's executor (this
    /// connection's strand), with the delivered chunk. A named function object rather
    /// than a lambda with captures: GCC 12 destroys such temporaries in a co_await
    /// expression twice (found by ASan on a shared_ptr capture).
    struct pull_initiation {
        body_stream* stream;

        template <class Handler>
        void operator()(Handler handler) const
        {
            struct state {
                explicit state(Handler&& h) : handler(std::move(h)), executor(net::get_associated_executor(handler)) {}
                Handler handler;
                net::associated_executor_t<Handler> executor;
                std::atomic<bool> delivered{false};
            };
            auto st = std::make_shared<state>(std::move(handler));
            stream->pull([st](std::optional<std::string> chunk) {
                if (st->delivered.exchange(true))
                    return; // body_stream contract: exactly once per pull
                net::post(st->executor, [st, chunk = std::move(chunk)]() mutable { std::move(st->handler)(std::move(chunk)); });
            });
        }
    };

    /// Starts waiting for a pending_response and completes, on the handler's executor
    /// (this connection's strand), with its finisher. Holds work on the executor so that
    /// the worker threads keep running until it is delivered (the server drains).
    struct completion_initiation {
        std::shared_ptr<pending_response> pending;

        template <class Handler>
        void operator()(Handler handler) const
        {
            struct state {
                explicit state(Handler&& h)
                    : handler(std::move(h)), work(net::make_work_guard(net::get_associated_executor(handler)))
                {
                }
                Handler handler;
                net::executor_work_guard<net::associated_executor_t<Handler>> work;
            };
            auto st = std::make_shared<state>(std::move(handler));
            pending->on_complete([st](pending_response::finisher f) {
                auto ex = st->work.get_executor();
                net::post(ex, [st, f = std::move(f)]() mutable { std::move(st->handler)(std::move(f)); });
            });
        }
    };

    /// Waits for the finisher of `pending`.
    static net::awaitable<pending_response::finisher> completion(std::shared_ptr<pending_response> pending)
    {
        return net::async_initiate<decltype(net::use_awaitable), void(pending_response::finisher)>(
            completion_initiation{std::move(pending)}, net::use_awaitable);
    }

    /// Waits for the next chunk of `stream` (kept alive by active_stream_).
    static net::awaitable<std::optional<std::string>> pull(body_stream& stream)
    {
        return net::async_initiate<decltype(net::use_awaitable), void(std::optional<std::string>)>(
            pull_initiation{&stream}, net::use_awaitable);
    }

    template <class Body>
    void copy_headers(http_response const& res, http::response<Body>& out)
    {
        for (auto const& [name, value] : res.headers) {
            // Framing belongs to the server; CR/LF in a field would split the response.
            if (beast::iequals(name, "Content-Length") || beast::iequals(name, "Transfer-Encoding") ||
                beast::iequals(name, "Connection") || name.empty() || !header_safe(name) || !header_safe(value)) {
                if (!header_safe(name) || !header_safe(value))
                    srv_.log_.error("handler set an unsafe header field; dropped",
                                    {{"field", header_safe(name) ? std::string_view(name) : std::string_view("?")}});
                continue;
            }
            out.insert(name, value);
        }
    }

    std::string log_path(http_request const& req) const
    {
        auto p = req.path();
        return std::string(p.substr(0, max_logged_path));
    }

    void access_log(http_request const* req, int status, std::chrono::steady_clock::time_point started, error_code ec)
    {
        process_metrics().count_http_status(status); // ssogate_http_requests_total (metrics.hpp)
        auto const ms = ms_since(started);
        if (req) {
            auto path = log_path(*req);
            srv_.log_.info("request", {{"method", to_string(req->method)},
                                       {"path", path},
                                       {"status", status},
                                       {"duration_ms", ms},
                                       {"remote_ip", remote_},
                                       {"write_ok", !ec}});
        } else {
            srv_.log_.info("request", {{"status", status}, {"duration_ms", ms}, {"remote_ip", remote_}, {"write_ok", !ec}});
        }
    }

    server_impl& srv_;
    std::uint64_t const id_;
    beast::ssl_stream<beast::tcp_stream> stream_;
    beast::flat_buffer buffer_;
    std::string remote_;
    phase phase_ = phase::handshake;
    bool stop_requested_ = false;
    std::shared_ptr<body_stream> active_stream_;
};

server_impl::server_impl(server_options options, tls_files const& tls, request_handler handler, logger const& log)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      log_(log),
      tls_(detail::make_server_tls_context(tls)),
      ioc_(static_cast<int>(options_.threads ? options_.threads : std::max(1u, std::thread::hardware_concurrency()))),
      control_(net::make_strand(ioc_)),
      acceptor_(control_),
      signals_(control_),
      drain_timer_(control_),
      capacity_timer_(control_)
{
    if (options_.max_connections == 0)
        throw startup_error(exit_usage, "max_connections must be at least 1");
    ensure_fd_limit(options_.max_connections, log_);
    error_code ec;
    auto address = net::ip::make_address(options_.host, ec);
    if (ec)
        throw startup_error(exit_usage, "cannot listen on " + options_.host + ": not an IP address");
    tcp::endpoint endpoint{address, options_.port};
    auto const where = (address.is_v6() ? "[" + options_.host + "]" : options_.host) + ":" + std::to_string(options_.port);
    auto fail = [&](char const* step) {
        throw startup_error(exit_failure, "cannot listen on " + where + ": " + ec.message() + " (" + step + ")");
    };
    acceptor_.open(endpoint.protocol(), ec);
    if (ec)
        fail("socket");
    acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (ec)
        fail("SO_REUSEADDR");
    acceptor_.bind(endpoint, ec);
    if (ec)
        fail("bind");
    acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec)
        fail("listen");
    port_ = acceptor_.local_endpoint(ec).port();
}

void server_impl::start()
{
    started_ = true;
    net::co_spawn(control_, accept_loop(), net::detached);
    auto const n = options_.threads ? options_.threads : std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < n; ++i)
        threads_.emplace_back([this] {
            for (;;) {
                try {
                    ioc_.run();
                    return;
                } catch (std::exception const& e) {
                    log_.error("worker caught an exception", {{"error", e.what()}});
                }
            }
        });
}

void server_impl::stop_on_signals()
{
    signals_.add(SIGINT);
    signals_.add(SIGTERM);
    signals_.async_wait([self = shared_from_this()](error_code ec, int signo) {
        if (ec)
            return;
        self->log_.info("signal received; shutting down", {{"signal", signo == SIGINT ? "SIGINT" : "SIGTERM"}});
        self->stop();
    });
}

void server_impl::stop() noexcept
{
    if (stopping_.exchange(true))
        return;
    try {
        net::post(control_, [self = shared_from_this()] {
            error_code ec;
            self->acceptor_.close(ec);
            self->signals_.cancel(ec);
            self->capacity_timer_.cancel();
            self->arm_drain_timer();
        });
        std::vector<std::shared_ptr<connection>> live;
        {
            std::lock_guard lock(mutex_);
            for (auto& [id, weak] : connections_)
                if (auto c = weak.lock())
                    live.push_back(std::move(c));
        }
        for (auto& c : live)
            net::post(c->executor(), [c] { c->on_server_stop(); });
    } catch (std::exception const& e) {
        log_.error("stop failed", {{"error", e.what()}});
    }
}

void server_impl::arm_drain_timer()
{
    std::size_t open = connection_count();
    if (open == 0)
        return;
    log_.info("draining connections", {{"connections", open},
                                       {"drain_timeout_ms", static_cast<std::int64_t>(options_.drain_timeout.count())}});
    drain_timer_.expires_after(options_.drain_timeout);
    drain_timer_.async_wait([self = shared_from_this()](error_code ec) {
        if (!ec)
            self->force_close_all();
    });
}

void server_impl::force_close_all()
{
    std::vector<std::shared_ptr<connection>> live;
    {
        std::lock_guard lock(mutex_);
        for (auto& [id, weak] : connections_)
            if (auto c = weak.lock())
                live.push_back(std::move(c));
    }
    if (!live.empty())
        log_.warn("drain timeout; closing connections", {{"connections", live.size()}});
    for (auto& c : live)
        net::post(c->executor(), [c] { c->force_close(); });
}

void server_impl::unregister(std::uint64_t id)
{
    bool last = false;
    bool resume = false;
    bool erased = false;
    {
        std::lock_guard lock(mutex_);
        erased = connections_.erase(id) != 0;
        last = connections_.empty();
        if (accept_paused_ && connections_.size() < options_.max_connections) {
            accept_paused_ = false;
            resume = true;
        }
    }
    if (erased)
        process_metrics().connection_closed(); // ssogate_open_connections (metrics.hpp)
    if (resume) {
        // Runs on control_ after the accept loop has started its wait (same strand).
        net::post(control_, [self = shared_from_this()] { self->capacity_timer_.cancel(); });
    }
    if (last && stopping_.load())
        net::post(control_, [self = shared_from_this()] { self->drain_timer_.cancel(); });
}

net::awaitable<void> server_impl::accept_loop()
{
    auto self = shared_from_this();
    for (;;) {
        // At max_connections: accept nothing until a connection closes. New clients
        // wait in the listen backlog; accepting and closing them would only move the
        // problem (and cost a TLS handshake each).
        std::size_t open = 0;
        bool full = false;
        {
            std::lock_guard lock(mutex_);
            open = connections_.size();
            full = open >= options_.max_connections;
            accept_paused_ = full;
        }
        if (full) {
            if (!saturated_) {
                saturated_ = true;
                process_metrics().count_connection_limit_reached();
                log_.warn("connection limit reached; accepting again when a connection closes",
                          {{"max_connections", options_.max_connections}, {"open", open}});
            }
            // stop() sets stopping_ before it posts its cancel here: checked on this
            // strand, right before the wait starts, no cancel is lost.
            if (stopping_.load())
                co_return;
            capacity_timer_.expires_at(net::steady_timer::time_point::max());
            co_await capacity_timer_.async_wait(use_tuple); // cancelled by unregister() or stop()
            if (stopping_.load())
                co_return;
            continue;
        }
        if (saturated_ && !connection_waiting()) {
            saturated_ = false;
            log_.info("connection limit no longer reached", {{"max_connections", options_.max_connections}, {"open", open}});
        }
        auto [ec, socket] = co_await acceptor_.async_accept(net::make_strand(ioc_), use_tuple);
        if (stopping_.load())
            co_return;
        if (ec) {
            if (ec == net::error::operation_aborted || !acceptor_.is_open())
                co_return;
            log_.warn("accept failed", {{"error", ec.message()}});
            if (ec == net::error::no_descriptors || ec == net::error::no_buffer_space || ec == net::error::no_memory) {
                // Out of file descriptors: back off instead of spinning.
                net::steady_timer t(control_, std::chrono::milliseconds(100));
                co_await t.async_wait(use_tuple);
            }
            continue;
        }
        std::shared_ptr<connection> c;
        {
            std::lock_guard lock(mutex_);
            auto id = next_id_++;
            c = std::make_shared<connection>(std::move(socket), *this, id);
            connections_.emplace(id, c);
        }
        process_metrics().connection_opened(); // ssogate_open_connections (metrics.hpp)
        net::co_spawn(c->executor(), connection::run(c), net::detached);
    }
}

bool server_impl::connection_waiting() noexcept
{
    // A listening socket polls readable while a connection waits in its backlog.
    pollfd p{};
    p.fd = acceptor_.native_handle();
    p.events = POLLIN;
    return ::poll(&p, 1, 0) > 0 && (p.revents & POLLIN) != 0;
}

void server_impl::wait()
{
    if (!started_) {
        // Never started: run what stop() posted here so that nothing keeps `this` alive.
        ioc_.restart();
        ioc_.run();
        return;
    }
    for (auto& t : threads_)
        if (t.joinable())
            t.join();
    threads_.clear();
}

} // namespace detail

using detail::server_impl;

server::server(server_options options, tls_files const& tls, request_handler handler, logger const& log)
    : impl_(std::make_shared<server_impl>(std::move(options), tls, std::move(handler), log))
{
}

server::~server()
{
    impl_->stop();
    impl_->wait();
}

std::uint16_t server::port() const noexcept { return impl_->port_; }

std::string server::url() const
{
    auto const& h = impl_->options_.host;
    bool const v6 = h.find(':') != std::string::npos;
    return "https://" + (v6 ? "[" + h + "]" : h) + ":" + std::to_string(port()) + "/";
}

void server::start() { impl_->start(); }
void server::stop_on_signals() { impl_->stop_on_signals(); }
void server::stop() noexcept { impl_->stop(); }
void server::wait() { impl_->wait(); }
std::size_t server::connection_count() const { return impl_->connection_count(); }

} // namespace ssogate::gateway
