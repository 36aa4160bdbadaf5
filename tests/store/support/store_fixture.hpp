#pragma once
// Helpers for the store tests: a real store (never a mock), a fixed clock, the rows
// most tests need, and raw SQL access for the tests that must reach under the
// interface (tampering, forged schema versions).
//
// One suite, two backends: SSOGATE_TEST_STORE=postgres (set by tests/CMakeLists.txt
// for the "store[postgres]: " run) makes every file_store a fresh database on the
// test process's throwaway PostgreSQL server (tests/support/postgres_server.hpp);
// unset or "sqlite" keeps a SQLite file in a temporary directory. Tests that are
// about SQLite itself are tagged [sqlite] and run on SQLite only.
#include <ssogate/store/postgres.hpp>
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

/// True when this test process runs the store suite on PostgreSQL
/// (SSOGATE_TEST_STORE=postgres).
bool testing_postgres();

/// A store on a fresh database: a file in its own temporary directory, or a new
/// database on the shared test PostgreSQL server (testing_postgres()). For PostgreSQL
/// the SQLite options map to postgres_options (max_connections is the pool size,
/// busy_timeout and target_schema_version as they are).
class file_store {
public:
    explicit file_store(store::sqlite_options const& options = {});

    store::store& operator*() noexcept { return *store_; }
    store::store* operator->() noexcept { return store_.get(); }
    /// The database file, or for PostgreSQL the database URL; the raw_* helpers take either.
    std::filesystem::path const& path() const noexcept { return path_; }
    /// True when this store is on PostgreSQL.
    bool postgres() const noexcept { return postgres_; }

    /// A second, independent store on the same database (another "node").
    std::unique_ptr<store::store> open_another(store::sqlite_options const& options = {}) const;

    /// Begins a transaction and fails the test when that fails.
    std::unique_ptr<store::transaction> begin(store::access mode = store::access::write);

private:
    temp_dir dir_;
    bool postgres_ = false;
    std::filesystem::path path_;
    std::unique_ptr<store::store> store_;
};

/// Inserts connection `id` (owner store, JIT on).
void add_connection(store::transaction& tx, std::string const& id);

/// Inserts user `id` created by jit:<connection> with an identity (connection, subject).
void add_user(store::transaction& tx, std::string const& id, std::string const& connection,
              std::string const& subject);

/// Runs SQL on the database (file_store::path()) through a separate raw connection
/// (SQLite or libpq); fails the test on error. For PostgreSQL, SQLite's
/// `DROP TRIGGER name` gets its `ON audit_events` (the only table with triggers).
void raw_exec(std::filesystem::path const& db, std::string const& sql);

/// Like raw_exec, but returns the database's error message (empty on success) instead of failing.
std::string raw_try_exec(std::filesystem::path const& db, std::string const& sql);

/// The single integer result of `sql` on the database.
long long raw_integer(std::filesystem::path const& db, std::string const& sql);

/// The schema (sqlite_master entries of tables, indexes and triggers, sorted) as text;
/// for PostgreSQL the tables, indexes (with their definitions) and triggers of the
/// public schema in the same `type name: definition` form.
std::string raw_schema(std::filesystem::path const& db);

} // namespace ssogate::test
