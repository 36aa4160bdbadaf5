#pragma once
// Error codes of the store module (STYLE.md rule 6): one enumerator per way a
// store operation can fail, each with its own message. Not-found is never an
// error here: lookups return std::optional.
#include <boost/system/error_category.hpp>
#include <boost/system/error_code.hpp>

#include <type_traits>

namespace ssogate::store {

/// Why a store operation failed. Numbered from 1 by the compiler; 0 is success.
enum class errc {
    /// The database could not be opened or created (path, permissions, not a database).
    open_failed = 1,
    /// The database schema is newer than any migration this build knows.
    schema_too_new,
    /// A schema migration failed; the database was left at the previous version.
    migration_failed,
    /// A lock or a pooled connection was not available within the busy timeout.
    busy,
    /// A write was attempted in a transaction begun with access::read.
    read_only_transaction,
    /// The transaction was already committed (or its commit failed); begin a new one.
    transaction_closed,
    /// A row with the same key already exists (id, request id, token, audit event id).
    already_exists,
    /// The email address belongs to another user (compared case-insensitively).
    email_taken,
    /// The (connection, subject) identity is already linked to a user.
    identity_taken,
    /// A team with this name exists (compared case-insensitively).
    team_name_taken,
    /// The assertion ID was already consumed for this connection (a replay).
    replayed,
    /// The row refers to a connection, user or team that does not exist.
    missing_reference,
    /// The row is still referenced by others (a connection that has users) and cannot be deleted.
    in_use,
    /// A value the schema refuses (malformed owner, invalid JSON, empty key).
    invalid_argument,
    /// Stored data is unreadable or inconsistent with the schema.
    corrupt,
    /// Any other failure of the database engine.
    database_error,
    /// Another user of the connection's SCIM view has this userName (case-insensitively).
    user_name_taken,
    /// The database server could not be reached or the connection to it was lost
    /// (PostgreSQL down or restarting); retry once it is back. Nothing was committed.
    unavailable,
};

/// The category of store::errc ("ssogate.store").
[[nodiscard]] boost::system::error_category const& store_category() noexcept;

/// Makes an error_code of the store category (found by ADL).
[[nodiscard]] boost::system::error_code make_error_code(errc e) noexcept;

} // namespace ssogate::store

template <>
struct boost::system::is_error_code_enum<ssogate::store::errc> : std::true_type {};
