#pragma once
// Numbered schema migrations of the SQLite backend, recorded in schema_migrations.
// Versions are shared with every backend (store.hpp latest_schema_version); each
// backend has its own dialect of each step.
#include "migration_runner.hpp"
#include "sqlite_handle.hpp"

#include <span>
#include <string>
#include <string_view>

namespace ssogate::store::sqlite {

using detail::migrate_outcome;
using detail::migration;

/// All migrations in order; migrations()[i].version == i + 1.
[[nodiscard]] std::span<migration const> migrations() noexcept;

/// Migrates the database behind `db` up to `target` (never down). Each migration runs
/// in its own BEGIN IMMEDIATE transaction that re-reads the version first, so two
/// processes opening the same file at once apply each step once. Refuses a database
/// whose version is newer than the newest migration. `label` names the file in messages.
[[nodiscard]] migrate_outcome migrate(connection& db, int target, std::string_view label);

} // namespace ssogate::store::sqlite
