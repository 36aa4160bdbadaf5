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
// are dropped; no client pins a thread. At most `max_connections` connections are open
// at once: at the limit the server stops accepting, so that further clients wait in the
// kernel's listen backlog (their TCP connect succeeds, their TLS handshake waits), and
// resumes when one closes. Idle TLS connections thus cannot exhaust the process's file
// descriptors, which the store and the audit file sink need too.
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
#include <optional>
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
    /// Client connections open at once (at least 1). At the limit the server stops
    /// accepting until one closes; new clients wait in the listen backlog, none is
    /// accepted and closed. Reaching it logs "connection limit reached" once per
    /// episode and counts ssogate_connection_limit_reached_total (metrics.hpp). The
    /// constructor raises RLIMIT_NOFILE to fit it (ensure_fd_limit).
    std::size_t max_connections = 1024;
    std::chrono::milliseconds read_timeout{15'000};
    std::chrono::milliseconds idle_timeout{60'000};
    std::chrono::milliseconds write_timeout{15'000};
    /// How long stop() lets in-flight requests finish before closing them.
    std::chrono::milliseconds drain_timeout{10'000};

    /// Options from the [server] section of the config.
    static server_options from(server_settings const& s);
};

/// File descriptors kept free for everything but client connections: the listening
/// socket, the store (SQLite files and WAL, or the PostgreSQL pool), the log and the
/// audit file sink, TLS and config files read at runtime.
inline constexpr std::uint64_t reserved_descriptors = 64;

/// What to do about the process's open-file limit (RLIMIT_NOFILE) for a connection
/// limit; decided by plan_fd_limit, carried out by ensure_fd_limit.
struct fd_limit_plan {
    /// Descriptors the server may need: max_connections + reserved_descriptors.
    std::uint64_t needed = 0;
    /// The soft limit to set with setrlimit; nullopt: leave it as it is.
    std::optional<std::uint64_t> raise_soft_to;
    /// The soft limit once the plan is carried out.
    std::uint64_t soft_after = 0;
    /// True when even the hard limit is below `needed`: warn (but serve).
    bool insufficient = false;

    friend bool operator==(fd_limit_plan const&, fd_limit_plan const&) = default;
};

/// Decides how to fit `max_connections` into the open-file limits `soft` and `hard`
/// (as getrlimit reports them; RLIM_INFINITY is the largest value). Raises the soft
/// limit just to `needed`, or to `hard` when that is lower (insufficient); never
/// lowers it. Pure: no system call.
[[nodiscard]] fd_limit_plan plan_fd_limit(std::size_t max_connections, std::uint64_t soft,
                                          std::uint64_t hard) noexcept;

/// Reads RLIMIT_NOFILE, carries out plan_fd_limit (setrlimit) and logs once: info when
/// it raised the soft limit, a warning naming both numbers ("needed", "limit") when
/// the limit stays below what max_connections needs (or setrlimit failed). Never
/// refuses to start. Returns the plan as carried out.
fd_limit_plan ensure_fd_limit(std::size_t max_connections, logger const& log);

class server {
public:
    /// Loads the TLS pair, resolves and binds the listening socket, and raises the
    /// open-file limit for options.max_connections (ensure_fd_limit; warns, never fails).
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
    /// Number of connections currently open (for tests and logs); at most
    /// options.max_connections.
    [[nodiscard]] std::size_t connection_count() const;

private:
    std::shared_ptr<detail::server_impl> impl_;
};

} // namespace ssogate::gateway
