#pragma once
// The PostgreSQL backend (issue 10): several gateway nodes on one database.
//
// libpq under RAII wrappers; a pool of connections (one per concurrent transaction),
// statements prepared once per connection; the same numbered migrations as SQLite in
// PostgreSQL's dialect, applied under an advisory lock so that nodes starting together
// on a new database migrate it once. Read transactions are REPEATABLE READ READ ONLY
// (one snapshot, never blocked by writers); write transactions are READ COMMITTED
// and run one at a time across nodes (a transaction-scoped advisory lock taken at
// begin()), as SQLite's do, so audit seq is one gapless sequence in commit order and a
// sign-in's reads see every earlier commit. A lost connection
// (server restart) fails the transaction with errc::unavailable and is dropped from
// the pool; the next begin() reconnects. watch_changes() uses LISTEN/NOTIFY.
#include <ssogate/store/sqlite.hpp>   // open_error, shared by every backend
#include <ssogate/store/store.hpp>
#include <ssogate/store/types.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ssogate::store {

/// How to open a PostgreSQL store.
struct postgres_options {
    /// Most connections open at once (config `[store] pool_size`): one per concurrent
    /// transaction; begin() waits up to busy_timeout for a free one.
    std::size_t pool_size = 8;
    /// How long opening a connection may take (libpq connect_timeout, at least 2 s).
    std::chrono::milliseconds connect_timeout{5000};
    /// How long a transaction waits for a free connection or a lock (lock_timeout)
    /// before errc::busy.
    std::chrono::milliseconds busy_timeout{5000};
    /// Stop migrating at this version instead of latest_schema_version (upgrade tests).
    std::optional<int> target_schema_version;
    /// application_name shown in pg_stat_activity.
    std::string application_name = "ssogate";
};

/// Opens the database at `url` (libpq connection URI or key=value string:
/// `postgresql://user@host:port/db`, `postgresql:///db?host=/run/postgresql`) and
/// migrates its schema to the latest version. Fails with errc::open_failed (or
/// errc::unavailable when the server cannot be reached), errc::schema_too_new or
/// errc::migration_failed; the message names the database, never a password.
[[nodiscard]] boost::system::result<std::unique_ptr<store>, open_error> open_postgres(
    std::string const& url, postgres_options const& options = {});

/// True when `url` names a PostgreSQL database (`postgresql://`, `postgres://`).
[[nodiscard]] bool is_postgres_url(std::string_view url) noexcept;

/// "PostgreSQL database <name> on <host>[:<port>]" for logs and messages: the URL
/// without its user and password.
[[nodiscard]] std::string describe_postgres_url(std::string const& url);

} // namespace ssogate::store
