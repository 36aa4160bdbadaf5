#pragma once
// The HTTPS server: Boost.Beast over Asio and OpenSSL, behind a pimpl so that this
// header pulls in neither.
//
// TLS 1.2 and 1.3 only (ECDHE with AES-GCM or ChaCha20-Poly1305; no compression, no
// renegotiation); HTTP/1.1 with keep-alive; one io_context run by `threads` workers;
// each connection is a coroutine on its own strand. Limits: request line + headers
// (431), body (413), malformed HTTP (400); each ends the connection. A request must
// arrive whole within `read_timeout`; an idle keep-alive connection is closed after
// `idle_timeout`; a response write must finish within `write_timeout`. Slow clients
// are dropped; no client pins a thread.
//
// Lifecycle: construct (binds and listens; throws startup_error), start() (worker
// threads), stop() (graceful: stop accepting, close idle connections, let in-flight
// requests finish within `drain_timeout`, then close the rest), wait() (joins).
//
// Thread-safety: stop() may be called from any thread, any number of times, also from
// a signal (see stop_on_signals); the other members from the owning thread.
#include <ssogate/gateway/http.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace ssogate::gateway {

class logger;
struct server_settings;
struct tls_files;
namespace detail { class server_impl; }

/// Called for every request that parsed, on a worker thread, concurrently. Usually
/// `[&ctx](http_request const& r) { return handle_request(ctx, r); }`.
using request_handler = std::function<http_response(http_request const&)>;

struct server_options {
    std::string host = "127.0.0.1";
    /// 0 picks a free port; see server::port().
    std::uint16_t port = 8443;
    /// 0: std::thread::hardware_concurrency().
    unsigned threads = 0;
    std::size_t max_header_bytes = 16 * 1024;
    std::size_t max_body_bytes = 1024 * 1024;
    std::chrono::milliseconds read_timeout{15'000};
    std::chrono::milliseconds idle_timeout{60'000};
    std::chrono::milliseconds write_timeout{15'000};
    /// How long stop() lets in-flight requests finish before closing them.
    std::chrono::milliseconds drain_timeout{10'000};

    /// Options from the [server] section of the config.
    static server_options from(server_settings const& s);
};

class server {
public:
    /// Loads the TLS pair, resolves and binds the listening socket.
    /// @throws startup_error: unreadable or invalid cert/key (exit 1, naming the file),
    ///   address that does not resolve (2), port in use or not permitted (1).
    server(server_options options, tls_files const& tls, request_handler handler, logger const& log);
    ~server(); // stop() and wait()
    server(server const&) = delete;
    server& operator=(server const&) = delete;

    /// The port the server listens on (the real one when options.port was 0).
    [[nodiscard]] std::uint16_t port() const noexcept;
    /// "https://127.0.0.1:8443/" ("https://[::1]:8443/" for IPv6).
    [[nodiscard]] std::string url() const;

    /// Starts the worker threads; the server accepts connections from here on.
    void start();
    /// Makes SIGINT and SIGTERM call stop(). Call before start().
    void stop_on_signals();
    /// Begins a graceful shutdown (see the class comment); returns at once.
    void stop() noexcept;
    /// Blocks until the shutdown has finished and every worker has returned.
    void wait();
    /// Number of connections currently open (for tests and logs).
    [[nodiscard]] std::size_t connection_count() const;

private:
    std::shared_ptr<detail::server_impl> impl_;
};

} // namespace ssogate::gateway
