#include <ssogate/gateway/logger.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <cmath>
#include <cstdio>
#include <type_traits>
#include <variant>
#include <ctime>

namespace ssogate::gateway {

namespace {

void append_json_string(std::string& out, std::string_view s)
{
    out += boost::json::serialize(boost::json::string_view(s.data(), s.size()));
}

} // namespace

std::string_view to_string(log_level level) noexcept
{
    switch (level) {
    case log_level::debug: return "debug";
    case log_level::info: return "info";
    case log_level::warn: return "warn";
    case log_level::error: return "error";
    }
    return "info";
}

std::string format_rfc3339(std::chrono::system_clock::time_point t)
{
    using namespace std::chrono;
    auto const ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
    auto secs = static_cast<std::time_t>(ms / 1000);
    auto frac = ms % 1000;
    if (frac < 0) {
        frac += 1000;
        --secs;
    }
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[80];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(frac));
    return buf;
}

logger::logger(sink_fn sink, clock_fn clock, log_level min_level)
    : sink_(std::move(sink)), clock_(std::move(clock)), min_level_(min_level)
{
}

logger logger::to_stderr(log_level min_level)
{
    return logger(
        [](std::string_view line) {
            // One write per line so that lines from several processes never interleave.
            std::string buf(line);
            buf += '\n';
            std::fwrite(buf.data(), 1, buf.size(), stderr);
            std::fflush(stderr);
        },
        [] { return std::chrono::system_clock::now(); }, min_level);
}

void logger::log(log_level level, std::string_view msg, std::initializer_list<log_field> fields) const
{
    if (!enabled(level))
        return;
    std::string line;
    line.reserve(128);
    line += "{\"time\":";
    append_json_string(line, format_rfc3339(clock_()));
    line += ",\"level\":";
    append_json_string(line, to_string(level));
    line += ",\"msg\":";
    append_json_string(line, msg);
    for (auto const& f : fields) {
        // Reserved keys cannot be overwritten by a field.
        if (f.key == "time" || f.key == "level" || f.key == "msg")
            continue;
        line += ',';
        append_json_string(line, f.key);
        line += ':';
        std::visit(
            [&](auto const& v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, std::string_view>)
                    append_json_string(line, v);
                else if constexpr (std::is_same_v<T, bool>)
                    line += v ? "true" : "false";
                else if constexpr (std::is_same_v<T, double>) {
                    if (!std::isfinite(v)) {
                        line += "null";
                    } else {
                        char buf[32];
                        std::snprintf(buf, sizeof buf, "%.6g", v);
                        line += buf;
                    }
                }
                else
                    line += std::to_string(v);
            },
            f.value);
    }
    line += '}';
    std::lock_guard lock(*mutex_);
    sink_(line);
}

} // namespace ssogate::gateway
