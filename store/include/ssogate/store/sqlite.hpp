#pragma once
// The SQLite backend: the embedded default for one node (DESIGN.md "Scale").
// WAL journal, foreign keys on, a busy timeout, and a small pool of connections so
// that readers never wait for the writer.
#include <ssogate/store/store.hpp>
#include <ssogate/store/types.hpp>

#include <boost/assert/source_location.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace ssogate::store {

/// How to open a SQLite store.
struct sqlite_options {
    /// How long a transaction waits for a lock or a free connection before errc::busy.
    std::chrono::milliseconds busy_timeout{5000};
    /// Most connections open at once (one per concurrent transaction). A `:memory:`
    /// database always uses exactly one, so its transactions run one at a time.
    std::size_t max_connections = 8;
    /// Create the file when it does not exist.
    bool create_if_missing = true;
    /// fsync the WAL at every commit (PRAGMA synchronous=FULL): no acknowledged write
    /// is lost on power failure. Off: synchronous=NORMAL, still never corrupt.
    bool sync_every_commit = true;
    /// Stop migrating at this version instead of latest_schema_version (upgrade tests
    /// and tooling). A store opened below the latest version cannot serve repositories.
    std::optional<int> target_schema_version;
};

/// Why open_sqlite failed: a code to branch on and a one-line message for people,
/// naming the file and the cause (e.g. both schema versions for errc::schema_too_new).
struct open_error {
    boost::system::error_code code;
    std::string message;
};

/// Lets result<T, open_error>::value() throw (startup code only; STYLE.md rule 8).
[[noreturn]] void throw_exception_from_error(open_error const& error, boost::source_location const& location);

/// Opens (creating when allowed) the database at `path`, or an in-memory database
/// when `path` is ":memory:", and migrates its schema to the latest version.
/// Fails with errc::open_failed, errc::schema_too_new or errc::migration_failed.
[[nodiscard]] boost::system::result<std::unique_ptr<store>, open_error> open_sqlite(
    std::filesystem::path const& path, sqlite_options const& options = {});

} // namespace ssogate::store
