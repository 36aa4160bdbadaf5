#pragma once
// Helpers for the store tests: a real SQLite store in a temporary directory (never a
// mock), a fixed clock, the rows most tests need, and raw SQL access for the tests
// that must reach under the interface (tampering, forged schema versions).
#include <ssogate/store/sqlite.hpp>
#include <ssogate/store/store.hpp>

#include "temp_dir.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

namespace ssogate::test {

/// A fixed instant: tests never read the clock.
inline store::time_point const t0 = store::time_point{} + std::chrono::seconds(1'700'000'000);

/// A store on a fresh database file in its own temporary directory.
class file_store {
public:
    explicit file_store(store::sqlite_options const& options = {});

    store::store& operator*() noexcept { return *store_; }
    store::store* operator->() noexcept { return store_.get(); }
    std::filesystem::path const& path() const noexcept { return path_; }

    /// Begins a transaction and fails the test when that fails.
    std::unique_ptr<store::transaction> begin(store::access mode = store::access::write);

private:
    temp_dir dir_;
    std::filesystem::path path_;
    std::unique_ptr<store::store> store_;
};

/// Inserts connection `id` (owner store, JIT on).
void add_connection(store::transaction& tx, std::string const& id);

/// Inserts user `id` created by jit:<connection> with an identity (connection, subject).
void add_user(store::transaction& tx, std::string const& id, std::string const& connection,
              std::string const& subject);

/// Runs SQL on the database file through a separate raw SQLite connection; fails the
/// test on error.
void raw_exec(std::filesystem::path const& db, std::string const& sql);

/// Like raw_exec, but returns SQLite's error message (empty on success) instead of failing.
std::string raw_try_exec(std::filesystem::path const& db, std::string const& sql);

/// The single integer result of `sql` on the database file.
long long raw_integer(std::filesystem::path const& db, std::string const& sql);

/// The schema (sqlite_master entries of tables, indexes and triggers, sorted) as text.
std::string raw_schema(std::filesystem::path const& db);

} // namespace ssogate::test
