#pragma once
// What every request handler may use: the frozen config, the store, time, randomness
// and the logger. Handlers are pure functions of (app_context, request) (STYLE.md
// rule 1); tests build an app_context from a real store in a temporary directory, a
// fixed clock and a deterministic random source.
//
// Ownership: app_context refers to objects it does not own; they must outlive every
// request (main builds them before the server starts and destroys them after it has
// stopped). Thread-safety: handlers run concurrently on the server's worker threads,
// so everything reachable from here is either immutable or thread-safe.
#include <ssogate/gateway/config.hpp>
#include <ssogate/gateway/metrics.hpp>
#include <ssogate/store/store.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <span>

namespace ssogate::gateway {

class logger;
class connection_registry;
class write_batcher;

/// The current time. Must be thread-safe.
using clock_fn = std::function<std::chrono::system_clock::time_point()>;
/// Fills the buffer with cryptographically secure random bytes. Must be thread-safe.
using random_fn = std::function<void(std::span<std::byte>)>;

/// std::chrono::system_clock::now.
clock_fn system_clock();
/// A clock that always says `t` (tests).
clock_fn fixed_clock(std::chrono::system_clock::time_point t);
/// OpenSSL's RAND_bytes; aborts the process if the CSPRNG fails (fail closed).
random_fn system_random();

struct app_context {
    config const& cfg;
    store::store& store;
    clock_fn clock;
    random_fn random;
    logger const& log;
    /// The connections built from the config at startup (connections.hpp); immutable.
    connection_registry const& connections;
    /// Counters for GET /metrics (metrics.hpp; lock-free, thread-safe). The process-wide
    /// registry unless a test points it at its own; never null.
    metrics_registry* metrics = &process_metrics();
    /// The group-commit writer of the ACS (write_batcher.hpp, issue 8); null: each
    /// sign-in commits in a transaction of its own (tests, tools).
    write_batcher* batcher = nullptr;
};

} // namespace ssogate::gateway
