#pragma once
// RAII over libpq (STYLE.md rule 9) for the PostgreSQL backend. Private to store/: no
// public header mentions libpq.
//
// `statement` deliberately has the shape of sqlite::statement (bind by 1-based index,
// step, read columns), so the repositories of both backends read alike. It is a
// prepared statement of one connection: PQprepare runs once per connection and
// parameter types (cached by SQL text and types), then each step() after binding
// runs PQexecPrepared and walks the rows of its result. Parameters are sent as text
// with explicit types (text, int8) so the server never has to guess.
#include <ssogate/store/errc.hpp>
#include <ssogate/store/types.hpp>

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ssogate::store::pg {

struct conn_closer {
    void operator()(PGconn* c) const noexcept { PQfinish(c); }
};
/// An open libpq connection.
using conn_ptr = std::unique_ptr<PGconn, conn_closer>;

struct result_clearer {
    void operator()(PGresult* r) const noexcept { PQclear(r); }
};
/// A libpq result.
using result_ptr = std::unique_ptr<PGresult, result_clearer>;

/// Times are stored as BIGINT microseconds since the Unix epoch (rounded down), as on SQLite.
[[nodiscard]] std::int64_t to_micros(time_point t) noexcept;
[[nodiscard]] time_point from_micros(std::int64_t us) noexcept;

/// How the constraint failures of one statement map to errc (as sqlite::conflict_map).
struct conflict_map {
    errc primary_key = errc::already_exists;   ///< The table's own key (constraint *_pkey).
    errc unique = errc::already_exists;        ///< Any other unique index.
    errc foreign_key = errc::missing_reference;
};

/// What went wrong with the last command on a connection.
struct pg_error {
    std::string sqlstate;     ///< Five characters; empty when the connection failed.
    std::string constraint;   ///< The violated constraint, when any.
    std::string message;      ///< The server's (or libpq's) message, one line.
};

/// The errc for a failed command. A lost connection is errc::unavailable whatever the
/// SQLSTATE says.
[[nodiscard]] errc map_error(pg_error const& error, bool connection_lost, conflict_map const& conflicts = {}) noexcept;

/// Step results, as SQLITE_ROW/SQLITE_DONE.
enum class step_status { row, done, error };

/// How a statement run inside its own savepoint ended (connection::run_guarded).
enum class guarded_status {
    ok,                    ///< Ran; the savepoint is released.
    failed_in_savepoint,   ///< The statement failed; its savepoint is still open to roll back to.
    failed,                ///< The transaction cannot go on (savepoint or connection failure).
};

class connection;

/// One use of a prepared statement. Binding is by 1-based index.
class statement {
public:
    statement(connection& db, std::string const& sql) : db_(&db), sql_(&sql) {}
    statement(statement&&) noexcept = default;
    statement& operator=(statement&&) = delete;

    statement& bind_text(int index, std::string_view value);
    statement& bind_optional_text(int index, std::optional<std::string> const& value);
    statement& bind_int(int index, std::int64_t value);
    statement& bind_bool(int index, bool value) { return bind_int(index, value ? 1 : 0); }
    statement& bind_time(int index, time_point value) { return bind_int(index, to_micros(value)); }
    statement& bind_optional_time(int index, std::optional<time_point> const& value);
    statement& bind_null(int index);

    /// Runs the statement on the first call; then row by row.
    [[nodiscard]] step_status step();
    /// Runs the statement (not yet run) inside its own savepoint `name`; then step()
    /// walks its rows from the second on (the first is current after `ok`).
    [[nodiscard]] guarded_status run_guarded(char const* name);
    /// Whether step() has run the statement already.
    [[nodiscard]] bool executed() const noexcept { return executed_; }
    /// Whether the current row (after step()) is a row.
    [[nodiscard]] bool current_is_row() const noexcept;
    /// The SQL as sent (`$N` placeholders).
    [[nodiscard]] std::string const* sql() const noexcept { return sql_; }
    /// Rows changed (INSERT/UPDATE/DELETE) or returned.
    [[nodiscard]] std::size_t changes() const noexcept;

    [[nodiscard]] bool is_null(int column) const noexcept;
    [[nodiscard]] std::string text(int column) const;
    [[nodiscard]] std::optional<std::string> optional_text(int column) const;
    [[nodiscard]] std::int64_t integer(int column) const noexcept;
    [[nodiscard]] bool boolean(int column) const noexcept { return integer(column) != 0; }
    [[nodiscard]] time_point time(int column) const noexcept { return from_micros(integer(column)); }
    [[nodiscard]] std::optional<time_point> optional_time(int column) const noexcept;

private:
    void set(int index, std::optional<std::string> value, unsigned type);

    connection* db_;
    std::string const* sql_;
    std::vector<std::optional<std::string>> values_;
    std::vector<unsigned> types_;
    result_ptr result_;
    int row_ = -1;
    bool executed_ = false;
};

/// One libpq connection with its prepared statements. Used by one thread at a time.
class connection {
public:
    explicit connection(conn_ptr c) noexcept : conn_(std::move(c)) {}

    [[nodiscard]] PGconn* handle() const noexcept { return conn_.get(); }

    /// True when libpq saw the connection fail (server gone, socket closed).
    [[nodiscard]] bool lost() const noexcept { return poisoned_ || PQstatus(conn_.get()) != CONNECTION_OK; }

    /// Runs SQL without parameters (BEGIN/COMMIT, SAVEPOINT, migrations; may hold
    /// several statements). True on success; otherwise last_error() says why.
    [[nodiscard]] bool exec(char const* sql);

    /// Like exec() for one statement with rows; null on failure.
    [[nodiscard]] result_ptr query(char const* sql);

    /// Runs the prepared form of `sql` (`$1`... placeholders) with text parameters of
    /// the given types, preparing it on first use. Null on failure.
    [[nodiscard]] result_ptr run_prepared(std::string const& sql, std::vector<std::optional<std::string>> const& values,
                                          std::vector<unsigned> const& types);

    /// Runs the prepared `sql` inside `SAVEPOINT <name>` … `RELEASE SAVEPOINT <name>`,
    /// all three in one round trip (libpq pipeline mode); on `ok`, `out` holds the
    /// statement's result; otherwise last_error() says why.
    [[nodiscard]] guarded_status run_guarded(std::string const& sql, std::vector<std::optional<std::string>> const& values,
                                      std::vector<unsigned> const& types, char const* savepoint, result_ptr& out);

    /// `sql` with `$N` placeholders (to_dollar_placeholders), converted once per
    /// connection; the reference stays valid as long as the connection.
    [[nodiscard]] std::string const& dollar_sql(std::string_view sql);

    /// The error of the last failed command.
    [[nodiscard]] pg_error const& last_error() const noexcept { return error_; }
    /// Records the error of a failed result (or of the connection when `r` is null).
    void record_error(PGresult const* r);

private:
    conn_ptr conn_;
    std::unordered_map<std::string, std::string> prepared_;   // key: types + SQL; value: statement name
    std::unordered_map<std::string, std::string> dollar_;     // key: SQL with ?N; value: with $N
    /// The name of the prepared statement for `sql` with `types`, preparing it on first
    /// use; null on failure.
    [[nodiscard]] std::string const* prepared_name(std::string const& sql, std::vector<unsigned> const& types);

    pg_error error_;
    bool poisoned_ = false;   // left in an unknown protocol state: never reuse
};

/// The SQL with SQLite-style `?N` placeholders turned into PostgreSQL's `$N` (the
/// repositories of both backends write `?N`; no statement has a `?` in a literal).
[[nodiscard]] std::string to_dollar_placeholders(std::string_view sql);

} // namespace ssogate::store::pg
