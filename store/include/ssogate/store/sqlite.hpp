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
#include <cstdint>
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
    /// Page cache of each connection in KiB (PRAGMA cache_size = -N; SQLite's own
    /// default is 2000). Memory is taken only as pages are read, up to this bound per
    /// pooled connection; with the memory map below it mostly holds pages being written.
    std::size_t cache_size_kib = 16 * 1024;
    /// Bytes of the database file each connection reads through a shared memory map
    /// (PRAGMA mmap_size; 0 = read() into the page cache only). Mapped pages live once
    /// in the OS page cache for every connection, so a large store is read without a
    /// system call per page (bench/README.md "scale"). SQLite caps it at
    /// SQLITE_MAX_MMAP_SIZE (2 GiB in the usual builds). An I/O error on a mapped page
    /// is a SIGBUS instead of an error code: set 0 for stores on unreliable storage.
    std::int64_t mmap_size = std::int64_t{1} << 30;
    /// Temporary b-trees (ORDER BY without an index, large IN lists) in memory
    /// (PRAGMA temp_store = MEMORY) instead of temporary files.
    bool temp_store_memory = true;
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
