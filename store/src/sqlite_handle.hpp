#pragma once
// RAII over the SQLite C API (STYLE.md rule 9). Private to store/: no public header
// mentions sqlite3.
#include <ssogate/store/errc.hpp>
#include <ssogate/store/types.hpp>

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace ssogate::store::sqlite {

struct db_closer {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
/// An open sqlite3 connection.
using db_ptr = std::unique_ptr<sqlite3, db_closer>;

struct stmt_finalizer {
    void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};
/// A prepared statement.
using stmt_ptr = std::unique_ptr<sqlite3_stmt, stmt_finalizer>;

/// Times are stored as INTEGER microseconds since the Unix epoch (rounded down).
[[nodiscard]] std::int64_t to_micros(time_point t) noexcept;
[[nodiscard]] time_point from_micros(std::int64_t us) noexcept;

/// How the constraint failures of one statement map to errc: each statement knows
/// which unique key it can collide with, so the caller gets email_taken rather than
/// a generic conflict.
struct conflict_map {
    errc primary_key = errc::already_exists;   ///< The table's own key.
    errc unique = errc::already_exists;        ///< Any other unique index.
    errc foreign_key = errc::missing_reference;
};

/// The errc for a SQLite (extended) result code.
[[nodiscard]] errc map_result_code(int rc, conflict_map const& conflicts = {}) noexcept;

/// One use of a prepared (usually cached) statement: bind, step, read columns.
/// Resets the statement and clears its bindings on destruction so the cache can
/// hand it out again. Binding errors are remembered and reported by step().
class statement {
public:
    explicit statement(sqlite3_stmt* stmt) noexcept : stmt_(stmt) {}
    statement(statement&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)), bind_rc_(other.bind_rc_) {}
    statement& operator=(statement&&) = delete;
    ~statement();

    statement& bind_text(int index, std::string_view value) noexcept;
    statement& bind_optional_text(int index, std::optional<std::string> const& value) noexcept;
    statement& bind_int(int index, std::int64_t value) noexcept;
    statement& bind_bool(int index, bool value) noexcept { return bind_int(index, value ? 1 : 0); }
    statement& bind_time(int index, time_point value) noexcept { return bind_int(index, to_micros(value)); }
    statement& bind_optional_time(int index, std::optional<time_point> const& value) noexcept;
    statement& bind_null(int index) noexcept;

    /// SQLITE_ROW, SQLITE_DONE, or an error code.
    [[nodiscard]] int step() noexcept;

    [[nodiscard]] bool is_null(int column) const noexcept;
    [[nodiscard]] std::string text(int column) const;
    [[nodiscard]] std::optional<std::string> optional_text(int column) const;
    [[nodiscard]] std::int64_t integer(int column) const noexcept;
    [[nodiscard]] bool boolean(int column) const noexcept { return integer(column) != 0; }
    [[nodiscard]] time_point time(int column) const noexcept { return from_micros(integer(column)); }
    [[nodiscard]] std::optional<time_point> optional_time(int column) const noexcept;

    [[nodiscard]] bool read_only() const noexcept { return sqlite3_stmt_readonly(stmt_) != 0; }

private:
    sqlite3_stmt* stmt_;
    int bind_rc_ = SQLITE_OK;
};

/// One sqlite3 connection with its cache of prepared statements.
/// Used by one thread at a time (the pool hands it over under a mutex).
class connection {
public:
    explicit connection(db_ptr db) noexcept : db_(std::move(db)) {}

    [[nodiscard]] sqlite3* handle() const noexcept { return db_.get(); }

    /// The cached statement for `sql`, prepared on first use. Null on failure, with
    /// the code in `rc`. The SQL text must be a fixed string of the backend.
    [[nodiscard]] sqlite3_stmt* prepare(std::string_view sql, int& rc);

    /// Runs SQL without results (pragmas, BEGIN/COMMIT, migrations).
    [[nodiscard]] int exec(char const* sql) noexcept;

    /// sqlite3_errmsg of the connection.
    [[nodiscard]] std::string message() const;

private:
    // Statements are finalized before the connection closes (members destroy in
    // reverse order).
    db_ptr db_;
    std::unordered_map<std::string, stmt_ptr> cache_;
};

} // namespace ssogate::store::sqlite
