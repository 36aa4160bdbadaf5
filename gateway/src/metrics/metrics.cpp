// The lock-free counters behind GET /metrics (metrics.hpp) and their text exposition.
#include <ssogate/gateway/metrics.hpp>
#include <ssogate/gateway/version.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <functional>
#include <new>
#include <tuple>
#include <vector>

namespace ssogate::gateway {

/// One (connection, outcome, reason) counter. Immutable labels, so that readers that
/// found it through the table need no synchronisation beyond the acquire load.
struct metrics_registry::series {
    std::string connection;
    signin_outcome outcome;
    std::string reason;
    std::atomic<std::uint64_t> count{0};

    bool is(std::string_view c, signin_outcome o, std::string_view r) const noexcept
    {
        return outcome == o && connection == c && reason == r;
    }
};

namespace {

constexpr auto relaxed = std::memory_order_relaxed;

std::size_t hash_of(std::string_view connection, signin_outcome outcome, std::string_view reason) noexcept
{
    std::hash<std::string_view> h;
    std::size_t x = h(connection);
    x ^= h(reason) + 0x9e3779b97f4a7c15ull + (x << 6) + (x >> 2);
    x ^= static_cast<std::size_t>(outcome) + 0x9e3779b97f4a7c15ull + (x << 6) + (x >> 2);
    return x;
}

/// A finite double in the shortest fixed-point form that reads back exactly ("0.0005",
/// "10", never "5e-04": bucket labels are compared as strings by some tools).
std::string number(double v)
{
    char buf[128];
    auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    return std::string(buf, r.ptr);
}

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help)
{
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
}

} // namespace

std::string_view to_string(signin_outcome o) noexcept
{
    return o == signin_outcome::succeeded ? "succeeded" : "denied";
}

std::string escape_label_value(std::string_view v)
{
    std::string out;
    out.reserve(v.size());
    for (char c : v) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

metrics_registry::metrics_registry() : start_(std::chrono::system_clock::now()) {}

metrics_registry::~metrics_registry()
{
    for (auto& slot : table_)
        delete slot.load(std::memory_order_acquire);
}

metrics_registry::series* metrics_registry::find_or_add(std::string_view connection, signin_outcome outcome,
                                                        std::string_view reason) noexcept
{
    // Linear probing; a slot, once claimed, holds the same series for ever, so a reader
    // either sees null (not there yet) or a complete series (release/acquire on the CAS).
    std::size_t const start = hash_of(connection, outcome, reason) % table_size;
    series* mine = nullptr;
    for (std::size_t i = 0; i < table_size; ++i) {
        auto& slot = table_[(start + i) % table_size];
        series* s = slot.load(std::memory_order_acquire);
        if (!s) {
            if (!mine) {
                if (series_count_.fetch_add(1, relaxed) >= max_signin_series) {
                    series_count_.fetch_sub(1, relaxed);
                    return nullptr;
                }
                try {
                    mine = new series{std::string(connection), outcome, std::string(reason)};
                } catch (std::bad_alloc const&) {
                    series_count_.fetch_sub(1, relaxed);
                    return nullptr;
                }
            }
            if (slot.compare_exchange_strong(s, mine, std::memory_order_acq_rel, std::memory_order_acquire))
                return mine;
            // Another thread claimed this slot first; `s` is its series.
        }
        if (s->is(connection, outcome, reason)) {
            if (mine) {
                delete mine;
                series_count_.fetch_sub(1, relaxed);
            }
            return s;
        }
    }
    if (mine) {
        delete mine;
        series_count_.fetch_sub(1, relaxed);
    }
    return nullptr;
}

metrics_registry::series const* metrics_registry::find(std::string_view connection, signin_outcome outcome,
                                                       std::string_view reason) const noexcept
{
    std::size_t const start = hash_of(connection, outcome, reason) % table_size;
    for (std::size_t i = 0; i < table_size; ++i) {
        series const* s = table_[(start + i) % table_size].load(std::memory_order_acquire);
        if (!s)
            return nullptr;
        if (s->is(connection, outcome, reason))
            return s;
    }
    return nullptr;
}

void metrics_registry::count_signin(std::string_view connection, signin_outcome outcome,
                                    std::string_view reason) noexcept
{
    if (auto* s = find_or_add(connection, outcome, reason))
        s->count.fetch_add(1, relaxed);
    else
        series_dropped_.fetch_add(1, relaxed);
}

void metrics_registry::observe_acs(std::chrono::steady_clock::duration d) noexcept
{
    auto const ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
    auto const seconds = static_cast<double>(ns) / 1e9;
    std::size_t i = 0;
    while (i < acs_duration_buckets.size() && seconds > acs_duration_buckets[i])
        ++i;
    acs_buckets_[i].fetch_add(1, relaxed);
    acs_sum_ns_.fetch_add(ns > 0 ? static_cast<std::uint64_t>(ns) : 0, relaxed);
}

void metrics_registry::count_http_status(int status) noexcept
{
    if (status >= 100 && status < 600)
        status_[static_cast<std::size_t>(status - 100)].fetch_add(1, relaxed);
    else
        status_other_.fetch_add(1, relaxed);
}

std::uint64_t metrics_registry::signins(std::string_view connection, signin_outcome outcome,
                                        std::string_view reason) const noexcept
{
    auto const* s = find(connection, outcome, reason);
    return s ? s->count.load(relaxed) : 0;
}

std::uint64_t metrics_registry::http_responses(int status) const noexcept
{
    if (status >= 100 && status < 600)
        return status_[static_cast<std::size_t>(status - 100)].load(relaxed);
    return status_other_.load(relaxed);
}

void metrics_registry::connection_opened() noexcept { open_connections_.fetch_add(1, relaxed); }
void metrics_registry::connection_closed() noexcept { open_connections_.fetch_sub(1, relaxed); }
void metrics_registry::count_connection_limit_reached() noexcept { connection_limit_reached_.fetch_add(1, relaxed); }
std::int64_t metrics_registry::open_connections() const noexcept { return open_connections_.load(relaxed); }
std::uint64_t metrics_registry::connection_limit_reached() const noexcept
{
    return connection_limit_reached_.load(relaxed);
}

std::uint64_t metrics_registry::acs_observations() const noexcept
{
    std::uint64_t n = 0;
    for (auto const& b : acs_buckets_)
        n += b.load(relaxed);
    return n;
}

std::string metrics_registry::exposition(std::optional<std::size_t> active_sessions) const
{
    std::string out;

    // Sign-ins, sorted by labels so that scrapes diff cleanly.
    std::vector<std::tuple<std::string_view, std::string_view, std::string_view, std::uint64_t>> rows;
    for (auto const& slot : table_)
        if (auto const* s = slot.load(std::memory_order_acquire))
            rows.emplace_back(s->connection, to_string(s->outcome), s->reason, s->count.load(relaxed));
    std::sort(rows.begin(), rows.end());
    family(out, "ssogate_signins_total", "counter",
           "Sign-ins at the ACS by connection, outcome (succeeded, denied) and reason code (ok on success).");
    for (auto const& [connection, outcome, reason, count] : rows) {
        out += "ssogate_signins_total{connection=\"" + escape_label_value(connection) + "\",outcome=\"";
        out += outcome;
        out += "\",reason=\"" + escape_label_value(reason) + "\"} " + std::to_string(count) + '\n';
    }
    family(out, "ssogate_metrics_series_dropped_total", "counter",
           "Sign-ins not counted in ssogate_signins_total because its series limit was reached.");
    out += "ssogate_metrics_series_dropped_total " + std::to_string(series_dropped_.load(relaxed)) + '\n';

    // The ACS histogram: stored per bucket, exposed cumulatively.
    family(out, "ssogate_acs_duration_seconds", "histogram",
           "Time the ACS took to answer a sign-in post (verification, provisioning, session, audit).");
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < acs_duration_buckets.size(); ++i) {
        cumulative += acs_buckets_[i].load(relaxed);
        out += "ssogate_acs_duration_seconds_bucket{le=\"" + number(acs_duration_buckets[i]) + "\"} " +
               std::to_string(cumulative) + '\n';
    }
    cumulative += acs_buckets_.back().load(relaxed);
    out += "ssogate_acs_duration_seconds_bucket{le=\"+Inf\"} " + std::to_string(cumulative) + '\n';
    out += "ssogate_acs_duration_seconds_sum " + number(static_cast<double>(acs_sum_ns_.load(relaxed)) / 1e9) + '\n';
    out += "ssogate_acs_duration_seconds_count " + std::to_string(cumulative) + '\n';

    if (active_sessions) {
        family(out, "ssogate_active_sessions", "gauge", "Sessions live now (not expired, not idle), counted by the store.");
        out += "ssogate_active_sessions " + std::to_string(*active_sessions) + '\n';
    }

    family(out, "ssogate_http_requests_total", "counter", "HTTP responses written, by status code.");
    for (std::size_t i = 0; i < status_slots; ++i)
        if (auto n = status_[i].load(relaxed))
            out += "ssogate_http_requests_total{status=\"" + std::to_string(i + 100) + "\"} " + std::to_string(n) + '\n';
    if (auto n = status_other_.load(relaxed))
        out += "ssogate_http_requests_total{status=\"other\"} " + std::to_string(n) + '\n';

    family(out, "ssogate_open_connections", "gauge", "Client connections the server has open now.");
    out += "ssogate_open_connections " + std::to_string(open_connections_.load(relaxed)) + '\n';
    family(out, "ssogate_connection_limit_reached_total", "counter",
           "Times the server reached [server] max_connections and stopped accepting until a connection closed.");
    out += "ssogate_connection_limit_reached_total " + std::to_string(connection_limit_reached_.load(relaxed)) + '\n';

    family(out, "process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch in seconds.");
    auto const start_ms = std::chrono::duration_cast<std::chrono::milliseconds>(start_.time_since_epoch()).count();
    out += "process_start_time_seconds " + number(static_cast<double>(start_ms) / 1000.0) + '\n';

    family(out, "ssogate_build_info", "gauge", "Always 1; the version of this ssogate as a label.");
    out += "ssogate_build_info{version=\"" + escape_label_value(version()) + "\"} 1\n";
    return out;
}

metrics_registry& process_metrics()
{
    static metrics_registry m;
    return m;
}

} // namespace ssogate::gateway
