#pragma once
// A unit of work on the store: every repository call made through one transaction
// commits together or not at all (DESIGN.md "Sign-in flow" step 6: plan, replay id,
// session and audit events in one transaction).
//
// Like Chromium's sql::Transaction, a transaction that is destroyed without a
// successful commit() rolls back. A failed repository call leaves the transaction as
// it was before that call: the caller may go on or drop the transaction.
#include <ssogate/store/admin_session.hpp>
#include <ssogate/store/audit_log.hpp>
#include <ssogate/store/authn_request.hpp>
#include <ssogate/store/connection.hpp>
#include <ssogate/store/link_approval.hpp>
#include <ssogate/store/replay_cache.hpp>
#include <ssogate/store/scim.hpp>
#include <ssogate/store/session.hpp>
#include <ssogate/store/team.hpp>
#include <ssogate/store/token.hpp>
#include <ssogate/store/types.hpp>
#include <ssogate/store/user.hpp>

#include <string>
#include <string_view>

namespace ssogate::store {

/// What a transaction may do.
enum class access {
    /// Reads only, from a snapshot taken at begin(); never blocks or is blocked by writers.
    read = 1,
    /// Reads and writes; write transactions run one at a time, on every node sharing the
    /// store (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock taken at begin() and
    /// held to the end). Writers of one store object queue before they take a pooled
    /// connection, so waiting writers never starve readers of connections. A writer that
    /// waits longer than the busy timeout: errc::busy.
    write,
};

/// One open transaction. Used by one thread at a time; must not outlive its store.
/// The repositories it returns live as long as the transaction and act inside it;
/// after commit() every call fails with errc::transaction_closed.
class transaction {
public:
    virtual ~transaction() = default;   ///< Rolls back unless commit() succeeded.

    transaction() = default;
    transaction(transaction const&) = delete;
    transaction& operator=(transaction const&) = delete;

    /// Makes every change durable. On failure nothing was written.
    [[nodiscard]] virtual result<void> commit() = 0;

    /// Opens a savepoint named `name` inside this write transaction (SQL SAVEPOINT):
    /// a point that release_savepoint() folds into the transaction and
    /// rollback_to_savepoint() returns to, undoing every change made since, while the
    /// transaction goes on. Savepoints nest; `name` is an SQL identifier of ASCII
    /// letters, digits and '_' that does not start with a digit (errc::invalid_argument
    /// otherwise). Used by the group commit (gateway write_batcher): each sign-in of a
    /// batch runs inside its own savepoint, so a failing one undoes only itself.
    /// errc::read_only_transaction in a read transaction, errc::transaction_closed
    /// after commit().
    [[nodiscard]] virtual result<void> savepoint(std::string_view name) = 0;

    /// Keeps the changes made since savepoint `name` as part of the transaction and
    /// forgets that savepoint and every savepoint opened after it (SQL RELEASE
    /// SAVEPOINT). Nothing is durable before commit().
    [[nodiscard]] virtual result<void> release_savepoint(std::string_view name) = 0;

    /// Undoes every change made since savepoint `name` and forgets it and every
    /// savepoint opened after it (SQL ROLLBACK TO SAVEPOINT, then RELEASE); the
    /// transaction stays open and keeps what was done before the savepoint.
    [[nodiscard]] virtual result<void> rollback_to_savepoint(std::string_view name) = 0;

    /// The access the transaction was begun with.
    [[nodiscard]] virtual access mode() const noexcept = 0;

    /// The backend's description of the last error of this transaction (e.g. the
    /// SQLite message), for logs; empty when none. Never contains secrets.
    [[nodiscard]] virtual std::string last_error_detail() const = 0;

    virtual connection_repository& connections() = 0;
    virtual user_repository& users() = 0;
    virtual team_repository& teams() = 0;
    virtual session_repository& sessions() = 0;
    virtual request_repository& requests() = 0;
    virtual replay_cache& replay() = 0;
    virtual audit_log& audit() = 0;
    virtual token_repository& tokens() = 0;
    virtual link_approval_repository& link_approvals() = 0;
    /// The SCIM view of users and teams per connection (scim.hpp).
    virtual scim_repository& scim() = 0;
    /// Admin console sessions (admin_session.hpp).
    virtual admin_session_repository& admin_sessions() = 0;
};

} // namespace ssogate::store
