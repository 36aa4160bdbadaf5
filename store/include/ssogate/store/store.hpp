#pragma once
// The store: ssogate's only access to persistent state. Backends (SQLite today,
// PostgreSQL later: issue 10) implement this interface; callers never see SQL or the
// database library's types.
//
// Usage:
//   auto tx = store.begin(store::access::write);
//   if (!tx) return tx.error();
//   auto& t = **tx;
//   ... t.users().create(...), t.audit().append(...) ...
//   if (auto c = t.commit(); !c) return c.error();   // destroyed uncommitted = rolled back
#include <ssogate/store/transaction.hpp>
#include <ssogate/store/types.hpp>

#include <functional>
#include <memory>

namespace ssogate::store {

/// A kind of change that another process sharing the database may have committed
/// (several gateway nodes on one PostgreSQL: issue 10).
enum class change_kind {
    /// Audit events were appended (tailers should read after their last seq).
    audit_appended,
    /// A connection was created, changed or deleted (registries should reload).
    connections_changed,
};

/// Delivery of changes, for as long as the object lives. Destroying it stops delivery
/// and waits for a callback that is running; it must be destroyed before its store.
class change_watch {
public:
    virtual ~change_watch() = default;
    change_watch() = default;
    change_watch(change_watch const&) = delete;
    change_watch& operator=(change_watch const&) = delete;
};

/// The newest schema version this build knows (the number of migrations).
inline constexpr int latest_schema_version = 6;

/// A handle on one database. Thread-safe: any number of threads may call begin()
/// concurrently; each transaction is then used by one thread. Must outlive its
/// transactions.
class store {
public:
    virtual ~store() = default;

    store() = default;
    store(store const&) = delete;
    store& operator=(store const&) = delete;

    /// Begins a transaction. errc::busy when no connection or lock became available
    /// within the busy timeout.
    [[nodiscard]] virtual result<std::unique_ptr<transaction>> begin(access mode) = 0;

    /// The schema version of the database (latest_schema_version once opened normally).
    [[nodiscard]] virtual int schema_version() const noexcept = 0;

    /// Calls `on_change` (on a backend thread; it must be short and must not throw)
    /// whenever a transaction committed by *any* process using this database changed
    /// something of that kind. A backend that may have missed notifications (a lost
    /// connection) delivers every kind once after it reconnects, so a receiver that
    /// re-reads on each call never misses a change; spurious calls are allowed.
    ///
    /// The default delivers nothing: a backend for one process (SQLite: one node per
    /// file) has no other writer to hear from; in-process writers notify their own
    /// receivers directly. The PostgreSQL backend uses LISTEN/NOTIFY.
    [[nodiscard]] virtual result<std::unique_ptr<change_watch>> watch_changes(
        std::function<void(change_kind)> on_change)
    {
        (void)on_change;
        return std::make_unique<change_watch>();
    }
};

} // namespace ssogate::store
