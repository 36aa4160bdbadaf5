#pragma once
// Rate limit for authentication-failure audit events: a scanner must not be able to
// flood the audit log, yet the first failure from each source is always recorded.
#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace ssogate::gateway {

/// Allows at most one event per source IP per minute. Thread-safe. Memory is bounded:
/// past 4096 sources the table is cleared (at worst a few extra events).
class failure_limiter {
public:
    /// True when a failure from `ip` at `now` should be recorded.
    bool allow(std::string const& ip, std::chrono::system_clock::time_point now)
    {
        std::lock_guard l(mutex_);
        if (last_.size() > 4096)
            last_.clear();
        auto [it, fresh] = last_.try_emplace(ip, now);
        if (fresh)
            return true;
        if (now - it->second < std::chrono::minutes(1))
            return false;
        it->second = now;
        return true;
    }

private:
    std::mutex mutex_;
    std::map<std::string, std::chrono::system_clock::time_point> last_;
};

} // namespace ssogate::gateway
