#pragma once
// Several gateway nodes on one database (issue 10; README "Running several nodes"):
// what one node commits, the others must act on. Sessions, pending requests, the replay
// cache and the JIT switch are read from the store on every use, so they need nothing
// here; two things are kept in memory and must hear about other nodes' commits:
//
// - live audit tailers (`GET /admin/v1/audit/stream`, the `[audit] file` sink) sleep on
//   process_audit_notifier(): a store notification `audit_appended` wakes them, and they
//   read the table after their last seq (the table stays the truth, so a lost or
//   spurious wake-up delays an event but never loses or duplicates one);
// - the connection registry's listing of store-owned connections (domain routing,
//   SP metadata): `connections_changed` re-lists it at once, and a refresh every
//   `[store] refresh_interval` bounds how stale it gets when no notification arrives
//   (SQLite delivers none; a PostgreSQL listener that lost its connection re-delivers
//   every kind once it is back).
#include <ssogate/gateway/audit.hpp>
#include <ssogate/gateway/connections.hpp>
#include <ssogate/gateway/logger.hpp>
#include <ssogate/store/store.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

namespace ssogate::gateway {

/// Keeps this node's in-memory views in step with the store (see the file comment):
/// subscribes once to store::store::watch_changes and runs one thread that reloads
/// store-owned connections on a notification and every refresh interval.
///
/// Ownership: the store, registry, notifier and logger must outlive the object; destroy
/// it before the store (it holds the store's change_watch).
/// Thread-safety: the accessors may be called from any thread.
class node_sync {
public:
    /// Subscribes and starts the reload thread. A store that refuses the subscription
    /// is logged (warn) and then only the refresh interval applies; never throws but
    /// std::bad_alloc and std::system_error (thread creation).
    node_sync(store::store& db, connection_registry const& registry, audit_notifier& notifier,
              std::chrono::milliseconds refresh_interval, logger const& log);
    ~node_sync();
    node_sync(node_sync const&) = delete;
    node_sync& operator=(node_sync const&) = delete;

    /// True when the store accepted the subscription.
    [[nodiscard]] bool watching() const noexcept { return watch_ != nullptr; }
    /// Notifications received, per kind (for tests and logs).
    [[nodiscard]] std::uint64_t audit_notifications() const noexcept { return audit_seen_.load(); }
    [[nodiscard]] std::uint64_t connection_notifications() const noexcept { return connections_seen_.load(); }
    /// Reloads of the store-owned connections done so far (notified or periodic).
    [[nodiscard]] std::uint64_t reloads() const noexcept { return reloads_.load(); }

private:
    void on_change(store::change_kind kind) noexcept;
    void run();

    connection_registry const& registry_;
    audit_notifier& notifier_;
    std::chrono::milliseconds const refresh_interval_;
    logger const& log_;

    std::mutex mutex_;
    std::condition_variable cv_;
    bool reload_requested_ = false;
    bool stopping_ = false;
    std::atomic<std::uint64_t> audit_seen_{0};
    std::atomic<std::uint64_t> connections_seen_{0};
    std::atomic<std::uint64_t> reloads_{0};
    std::thread worker_;
    std::unique_ptr<store::change_watch> watch_;
};

} // namespace ssogate::gateway
