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

#include <memory>

namespace ssogate::store {

/// The newest schema version this build knows (the number of migrations).
inline constexpr int latest_schema_version = 5;

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
};

} // namespace ssogate::store
