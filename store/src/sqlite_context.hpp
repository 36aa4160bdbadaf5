#pragma once
// The state one SQLite transaction shares with its repositories: the connection,
// the access mode, whether it is still open, and the detail of the last error.
#include "sqlite_handle.hpp"
#include "sql/common.hpp"

#include <ssogate/store/transaction.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

namespace ssogate::store::sqlite {

class txn_context;

// The error of a failed call, on its way out of any result<T> (sql/common.hpp).
using sql::failure;
using sql::propagate;

/// A SAVEPOINT that rolls back to itself on destruction unless released (sql/common.hpp).
using savepoint = sql::scoped_savepoint<txn_context>;

class txn_context {
public:
    /// How a statement's constraint failures map to errc (sql::execute() takes one).
    using conflict_map = sqlite::conflict_map;

    txn_context(connection& db, access mode) noexcept : db_(db), mode_(mode) {}

    [[nodiscard]] access mode() const noexcept { return mode_; }
    [[nodiscard]] bool closed() const noexcept { return closed_; }
    void close() noexcept { closed_ = true; }
    [[nodiscard]] connection& db() noexcept { return db_; }
    [[nodiscard]] std::string const& last_error() const noexcept { return last_error_; }

    /// A use of the cached statement for `sql`. Fails with transaction_closed after
    /// commit and with read_only_transaction for a writing statement in a read
    /// transaction.
    [[nodiscard]] result<statement> prepare(std::string_view sql);

    /// Records the connection's message and maps `rc`.
    [[nodiscard]] failure fail(int rc, conflict_map const& conflicts = {});
    /// Records a message of our own.
    [[nodiscard]] failure fail(errc code, std::string message);

    /// Steps a statement that returns no rows; the number of rows it changed.
    [[nodiscard]] result<std::size_t> run(statement& st, conflict_map const& conflicts = {});

    /// Steps once: true when a row is available, false when done.
    [[nodiscard]] result<bool> next(statement& st, conflict_map const& conflicts = {});

    /// Opens a savepoint (write transactions only).
    [[nodiscard]] result<savepoint> begin_savepoint();
    /// For `savepoint`: undoes every statement since begin_savepoint() and drops the
    /// savepoint; the transaction goes on.
    void rollback_op_savepoint() noexcept;
    /// For `savepoint`: keeps every statement since begin_savepoint().
    [[nodiscard]] result<void> release_op_savepoint();

    /// Connections were created, changed or removed. Nothing to announce on SQLite (one
    /// node); PostgreSQL tells the other nodes at commit.
    void connections_changed(bool /*changed*/) noexcept {}

    /// An audit event is about to be appended. Nothing to announce on SQLite (tailers
    /// of the one process are woken by the gateway); the append reads the last link and
    /// inserts the next with no other append between because write transactions are
    /// serialised (BEGIN IMMEDIATE).
    void audit_appending() noexcept {}

private:
    connection& db_;
    access mode_;
    bool closed_ = false;
    std::string last_error_;
};

// Reading rows (sql/common.hpp).
using sql::collect;
using sql::first;

/// SQLite as the Backend of the repositories written once in sql/ (sql/common.hpp):
/// its types, and its words for what the two SQL dialects say differently.
struct backend {
    using context = txn_context;
    using statement = sqlite::statement;
    using conflict_map = sqlite::conflict_map;
    /// The larger of two values (a scalar function): SQLite's two-argument max().
    static constexpr std::string_view greatest = "max";
    /// `column = param`, ignoring ASCII case: SQLite's NOCASE collation (an index on the
    /// column with COLLATE NOCASE serves it).
    static std::string nocase_equals(std::string_view column, std::string_view param)
    {
        return sql::concat(column, " = ", param, " COLLATE NOCASE");
    }
    /// An ORDER BY key that ignores ASCII case.
    static std::string nocase_order(std::string_view column) { return sql::concat(column, " COLLATE NOCASE"); }
    /// A RESTRICT violation found while a DELETE cascades is reported as a plain
    /// constraint failure (invalid_argument), not as a foreign key one.
    static constexpr bool restrict_is_plain_constraint = true;
    /// Rows per statement when verify_chain() reads the whole log: all at once (SQLite
    /// steps through them without holding the result).
    static constexpr std::int64_t audit_verify_page = std::numeric_limits<std::int64_t>::max();
};

} // namespace ssogate::store::sqlite
