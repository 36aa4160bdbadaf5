#pragma once
// The state one PostgreSQL transaction shares with its repositories (the twin of
// sqlite_context.hpp): the connection, the access mode, whether it is still open,
// the detail of the last error, and what the transaction must announce at commit.
//
// PostgreSQL aborts the whole transaction on any failed statement, while the store's
// contract is that a failed repository call leaves the transaction as it was. So in a
// write transaction every writing statement runs inside its own savepoint
// (SAVEPOINT / RELEASE, or ROLLBACK TO on failure). Read transactions are READ ONLY
// and refuse writing statements before they reach the server.
#include "pg_handle.hpp"
#include "sql/common.hpp"

#include <ssogate/store/transaction.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ssogate::store::pg {

class txn_context;

// The error of a failed call, on its way out of any result<T> (sql/common.hpp).
using sql::failure;
using sql::propagate;

/// A SAVEPOINT that rolls back to itself on destruction unless released (sql/common.hpp).
using savepoint = sql::scoped_savepoint<txn_context>;

/// The advisory lock key (per database) that write transactions hold from BEGIN to
/// their end, as SQL text (pg_store.cpp). Until issue 10's last fix it locked only the
/// audit chain head, taken at an append: the value is kept, so a node of that version
/// and a newer one still exclude each other during a rolling upgrade.
#define SSOGATE_PG_WRITER_LOCK "1397968711002"

class txn_context {
public:
    /// How a statement's constraint failures map to errc (sql::execute() takes one).
    using conflict_map = pg::conflict_map;

    txn_context(connection& db, access mode) noexcept : db_(db), mode_(mode) {}

    [[nodiscard]] access mode() const noexcept { return mode_; }
    [[nodiscard]] bool closed() const noexcept { return closed_; }
    void close() noexcept { closed_ = true; }
    [[nodiscard]] connection& db() noexcept { return db_; }
    [[nodiscard]] std::string const& last_error() const noexcept { return last_error_; }

    /// A use of the prepared statement for `sql` (`?N` placeholders). Fails with
    /// transaction_closed after commit and with read_only_transaction for a statement
    /// that is not a SELECT in a read transaction.
    [[nodiscard]] result<statement> prepare(std::string_view sql);

    /// Records the connection's error and maps it.
    [[nodiscard]] failure fail_db(conflict_map const& conflicts = {});
    /// Records a message of our own.
    [[nodiscard]] failure fail(errc code, std::string message);

    /// Steps a statement that returns no rows (or whose rows nobody reads); the
    /// number of rows it changed.
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

    /// Runs a fixed command of the backend (SAVEPOINT, RELEASE) as it is.
    [[nodiscard]] result<void> command(char const* sql);

    /// Runs `ROLLBACK TO SAVEPOINT …` (and what follows it in `sql`): allowed after a
    /// failure that aborted the transaction on the server, which it repairs.
    [[nodiscard]] result<void> rollback_command(char const* sql);

    /// The connection was lost or is in an unknown state: the transaction cannot go on
    /// and its connection must not be reused.
    [[nodiscard]] bool broken() const noexcept { return broken_; }
    /// A statement failed outside a savepoint: the server refuses everything but a
    /// rollback (to a savepoint opened before the failure, or of the transaction).
    [[nodiscard]] bool aborted() const noexcept { return aborted_.has_value(); }

    /// Notification channels to signal at commit (pg_notify inside the transaction).
    bool notify_connections = false;
    bool notify_audit = false;
    /// Connections were created, changed or removed (when `changed`): signal
    /// notify_connections at commit.
    void connections_changed(bool changed) noexcept { notify_connections = notify_connections || changed; }

    /// An audit event is about to be appended: tailers on every node are woken at commit
    /// (the ssogate_audit notification). The append reads the last link and inserts the
    /// next with no other append between because the transaction holds the writer lock
    /// (SSOGATE_PG_WRITER_LOCK, taken at BEGIN): nothing more to take here.
    void audit_appending() noexcept { notify_audit = true; }

private:
    [[nodiscard]] result<void> execute(statement& st, conflict_map const& conflicts);
    /// Records a failure outside a savepoint: lost connection (broken) or aborted.
    [[nodiscard]] failure fail_unguarded(conflict_map const& conflicts = {});
    /// transaction_closed, broken or aborted: the failure to report instead of running.
    [[nodiscard]] std::optional<failure> refuse();

    connection& db_;
    access mode_;
    bool closed_ = false;
    bool broken_ = false;
    std::optional<errc> aborted_;
    std::string last_error_;
};

// Reading rows (sql/common.hpp).
using sql::collect;
using sql::first;

/// PostgreSQL as the Backend of the repositories written once in sql/ (sql/common.hpp):
/// its types, and its words for what the two SQL dialects say differently.
struct backend {
    using context = txn_context;
    using statement = pg::statement;
    using conflict_map = pg::conflict_map;
    /// The larger of two values (a scalar function): GREATEST() (max() is an aggregate).
    static constexpr std::string_view greatest = "GREATEST";
    /// `column = param`, ignoring case: lower() on both sides (the schema has lower()
    /// expression indexes for SQLite's NOCASE columns).
    static std::string nocase_equals(std::string_view column, std::string_view param)
    {
        return sql::concat("lower(", column, ") = lower(", param, ")");
    }
    /// An ORDER BY key that ignores case.
    static std::string nocase_order(std::string_view column) { return sql::concat("lower(", column, ")"); }
    /// A RESTRICT violation is always a foreign key violation (mapped to in_use).
    static constexpr bool restrict_is_plain_constraint = false;
    /// Rows per statement when verify_chain() reads the whole log: libpq holds a whole
    /// result in memory, so it reads in pages by seq.
    static constexpr std::int64_t audit_verify_page = 5000;
};

} // namespace ssogate::store::pg
