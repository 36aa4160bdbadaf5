#pragma once
// Structured logs: one JSON object per line, {"time","level","msg", ...fields}.
//
// The logger never sees secrets because callers never pass them: cookie values,
// tokens, SAMLResponse bodies and query strings are not log fields. Fields are flat
// key/value pairs; values are strings, integers, doubles or booleans.
//
// Thread-safety: `log` may be called from any thread; each line is written whole by
// one call of the sink, under the logger's mutex.
#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <variant>

namespace ssogate::gateway {

enum class log_level { debug = 1, info, warn, error };

/// "debug", "info", "warn", "error".
std::string_view to_string(log_level level) noexcept;

/// One `"key": value` of a log line.
struct log_field {
    using value_type = std::variant<std::string_view, std::int64_t, std::uint64_t, double, bool>;

    log_field(std::string_view k, std::string_view v) : key(k), value(v) {}
    log_field(std::string_view k, char const* v) : key(k), value(std::string_view(v)) {}
    log_field(std::string_view k, std::string const& v) : key(k), value(std::string_view(v)) {}
    log_field(std::string_view k, bool v) : key(k), value(v) {}
    log_field(std::string_view k, double v) : key(k), value(v) {}
    log_field(std::string_view k, int v) : key(k), value(std::int64_t{v}) {}
    log_field(std::string_view k, long v) : key(k), value(std::int64_t{v}) {}
    log_field(std::string_view k, long long v) : key(k), value(std::int64_t{v}) {}
    log_field(std::string_view k, unsigned v) : key(k), value(std::uint64_t{v}) {}
    log_field(std::string_view k, unsigned long v) : key(k), value(std::uint64_t{v}) {}
    log_field(std::string_view k, unsigned long long v) : key(k), value(std::uint64_t{v}) {}

    std::string_view key;
    value_type value;
};

class logger {
public:
    /// Receives one complete line, without the trailing newline.
    using sink_fn = std::function<void(std::string_view line)>;
    using clock_fn = std::function<std::chrono::system_clock::time_point()>;

    /// A logger writing to `sink`, stamping lines with `clock`, dropping lines below `min_level`.
    logger(sink_fn sink, clock_fn clock, log_level min_level = log_level::info);

    /// A logger writing to stderr with the system clock.
    static logger to_stderr(log_level min_level = log_level::info);

    void log(log_level level, std::string_view msg, std::initializer_list<log_field> fields = {}) const;
    void debug(std::string_view msg, std::initializer_list<log_field> fields = {}) const { log(log_level::debug, msg, fields); }
    void info(std::string_view msg, std::initializer_list<log_field> fields = {}) const { log(log_level::info, msg, fields); }
    void warn(std::string_view msg, std::initializer_list<log_field> fields = {}) const { log(log_level::warn, msg, fields); }
    void error(std::string_view msg, std::initializer_list<log_field> fields = {}) const { log(log_level::error, msg, fields); }

    [[nodiscard]] bool enabled(log_level level) const noexcept { return level >= min_level_; }

private:
    sink_fn sink_;
    clock_fn clock_;
    log_level min_level_;
    std::unique_ptr<std::mutex> mutex_ = std::make_unique<std::mutex>();
};

/// RFC 3339 UTC time with milliseconds: "2024-05-01T12:00:00.123Z".
std::string format_rfc3339(std::chrono::system_clock::time_point t);

} // namespace ssogate::gateway
