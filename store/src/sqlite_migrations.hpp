#pragma once
// Numbered schema migrations of the SQLite backend, recorded in schema_migrations.
// Versions are shared with every backend (store.hpp latest_schema_version); each
// backend has its own dialect of each step.
#include "sqlite_handle.hpp"

#include <span>
#include <string>
#include <string_view>

namespace ssogate::store::sqlite {

/// One step of the schema.
struct migration {
    int version;
    std::string_view name;
    char const* sql;
};

/// All migrations in order; migrations()[i].version == i + 1.
[[nodiscard]] std::span<migration const> migrations() noexcept;

/// What migrate() did or why it failed.
struct migrate_outcome {
    errc code{};           ///< Zero-initialised (no error) on success.
    std::string message;   ///< For people, when code is set.
    int version = 0;       ///< The schema version afterwards.
};

/// Migrates the database behind `db` up to `target` (never down). Each migration runs
/// in its own BEGIN IMMEDIATE transaction that re-reads the version first, so two
/// processes opening the same file at once apply each step once. Refuses a database
/// whose version is newer than the newest migration. `label` names the file in messages.
[[nodiscard]] migrate_outcome migrate(connection& db, int target, std::string_view label);

} // namespace ssogate::store::sqlite
