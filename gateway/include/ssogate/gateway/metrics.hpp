#pragma once
// Operational metrics for `GET /metrics` (Prometheus text exposition format 0.0.4).
//
// What is counted, and where:
//   ssogate_signins_total{connection,outcome,reason}  every ACS post for a configured
//       connection: outcome "succeeded" (reason "ok") or "denied" with the precise reason
//       code of the audit event (routes/sso.cpp). Posts to an unknown connection are not
//       counted here (the id comes from the URL: unbounded label values); they show as
//       404 in ssogate_http_requests_total.
//   ssogate_acs_duration_seconds  histogram of the ACS handler's wall time (steady clock),
//       denials included, from the connection lookup to the response (store commit and
//       audit write included; the TLS and socket time is not).
//   ssogate_http_requests_total{status}  every response the server wrote (server.cpp),
//       including the 400/413/431 it answers itself.
//   ssogate_open_connections  client connections the server has open (server.cpp:
//       accepted, not yet closed); ssogate_connection_limit_reached_total  times the
//       server reached [server] max_connections and stopped accepting (once per
//       episode, not per waiting client).
//   ssogate_active_sessions  sessions live at scrape time, counted by the store (see
//       handle_metrics); process_start_time_seconds; ssogate_build_info{version}.
//
// Thread-safety: every method may be called from any thread. The hot path
// (count_signin, observe_acs, count_http_status) takes no lock: counters are relaxed
// atomics, and the (connection, outcome, reason) series live in a fixed-size
// open-addressing table whose slots are claimed with a compare-and-swap and never
// freed. A scrape reads the atomics without stopping writers, so a histogram's _count
// and _sum may disagree by the observations made during the scrape (as in the
// official client libraries).
//
// Ownership: a metrics_registry is not copyable; the process has one
// (process_metrics()) that `ssogate serve` and the server share; tests make their own.
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ssogate::gateway {

/// How a sign-in at the ACS ended.
enum class signin_outcome { succeeded, denied };

/// "succeeded" | "denied" (the label value).
std::string_view to_string(signin_outcome o) noexcept;

/// Upper bounds (seconds) of ssogate_acs_duration_seconds, +Inf implied. An ACS post
/// costs ~0.5 ms of signature verification plus one SQLite commit (fsync): the buckets
/// are dense between 1 ms and 100 ms and reach 10 s for a stalled store.
inline constexpr std::array<double, 14> acs_duration_buckets{0.0005, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025,
                                                             0.05,   0.075, 0.1,    0.25,  0.5,    1.0,  10.0};

/// At most this many (connection, outcome, reason) series; further new series are
/// counted in ssogate_metrics_series_dropped_total instead (bounded memory, no lock).
inline constexpr std::size_t max_signin_series = 1024;

/// A label value escaped for the text format: backslash, double quote and line feed
/// become `\\`, `\"` and `\n` (Prometheus exposition format 0.0.4).
[[nodiscard]] std::string escape_label_value(std::string_view v);

/// The counters behind GET /metrics. See the file comment for thread-safety.
class metrics_registry {
public:
    metrics_registry();
    ~metrics_registry();
    metrics_registry(metrics_registry const&) = delete;
    metrics_registry& operator=(metrics_registry const&) = delete;

    /// One sign-in outcome. `reason` is a reason code (audit result.reason); "ok" for success.
    void count_signin(std::string_view connection, signin_outcome outcome, std::string_view reason) noexcept;
    /// One ACS handler duration.
    void observe_acs(std::chrono::steady_clock::duration d) noexcept;
    /// One response written with this status (100..599; anything else counts as "other").
    void count_http_status(int status) noexcept;
    /// The server accepted a client connection (ssogate_open_connections + 1).
    void connection_opened() noexcept;
    /// The server closed one (ssogate_open_connections - 1).
    void connection_closed() noexcept;
    /// The server reached its connection limit and stopped accepting.
    void count_connection_limit_reached() noexcept;

    /// The current value of one sign-in series (0 when it does not exist).
    [[nodiscard]] std::uint64_t signins(std::string_view connection, signin_outcome outcome,
                                        std::string_view reason) const noexcept;
    /// Responses written with this status so far.
    [[nodiscard]] std::uint64_t http_responses(int status) const noexcept;
    /// ACS durations observed so far.
    [[nodiscard]] std::uint64_t acs_observations() const noexcept;
    /// Connections open now (ssogate_open_connections).
    [[nodiscard]] std::int64_t open_connections() const noexcept;
    /// Times the connection limit was reached so far.
    [[nodiscard]] std::uint64_t connection_limit_reached() const noexcept;

    /// The whole exposition (text format 0.0.4, `# HELP` and `# TYPE` for every family,
    /// series sorted). `active_sessions` is the store's count at scrape time; nullopt
    /// (store unavailable) omits that gauge rather than reporting a false 0.
    [[nodiscard]] std::string exposition(std::optional<std::size_t> active_sessions) const;

    /// When this registry was created (for process_metrics(): when ssogate started serving).
    [[nodiscard]] std::chrono::system_clock::time_point start_time() const noexcept { return start_; }

private:
    struct series;
    static constexpr std::size_t table_size = 2 * max_signin_series; // load factor <= 1/2
    static constexpr std::size_t status_slots = 500;                  // 100..599

    series* find_or_add(std::string_view connection, signin_outcome outcome, std::string_view reason) noexcept;
    series const* find(std::string_view connection, signin_outcome outcome, std::string_view reason) const noexcept;

    std::chrono::system_clock::time_point const start_;
    std::array<std::atomic<series*>, table_size> table_{};
    std::atomic<std::size_t> series_count_{0};
    std::atomic<std::uint64_t> series_dropped_{0};
    std::array<std::atomic<std::uint64_t>, acs_duration_buckets.size() + 1> acs_buckets_{};
    std::atomic<std::uint64_t> acs_sum_ns_{0};
    std::array<std::atomic<std::uint64_t>, status_slots> status_{};
    std::atomic<std::uint64_t> status_other_{0};
    std::atomic<std::int64_t> open_connections_{0};
    std::atomic<std::uint64_t> connection_limit_reached_{0};
};

/// The process-wide registry: the server counts HTTP statuses in it, and app_context
/// points at it by default. Created on first use; lives until exit.
metrics_registry& process_metrics();

} // namespace ssogate::gateway
