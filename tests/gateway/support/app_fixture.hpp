#pragma once
// A complete app_context for handler tests: the embedded default config, a real
// SQLite store in a temporary directory, a fixed clock, a counting random source and
// a logger that keeps its lines for inspection.
#include <ssogate/gateway/app_context.hpp>
#include <ssogate/gateway/config.hpp>
#include <ssogate/gateway/connections.hpp>
#include <ssogate/gateway/logger.hpp>
#include <ssogate/store/sqlite.hpp>

#include "temp_dir.hpp"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace ssogate::test {

/// Collects log lines in memory; thread-safe.
class captured_log {
public:
    captured_log();
    gateway::logger const& logger() const noexcept { return logger_; }
    std::vector<std::string> lines() const;
    /// All lines joined with '\n'.
    std::string text() const;

private:
    mutable std::mutex mutex_;
    std::vector<std::string> lines_;
    gateway::logger logger_;
};

/// 2024-05-01T12:00:00Z, the tests' "now".
std::chrono::system_clock::time_point test_now();

struct app_fixture {
    explicit app_fixture(store::sqlite_options const& options = {});

    temp_dir dir;
    gateway::config cfg;
    std::unique_ptr<store::store> store;
    captured_log log;
    gateway::connection_registry connections;
    gateway::app_context ctx;
};

} // namespace ssogate::test
