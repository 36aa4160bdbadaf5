#pragma once
// Numbered schema migrations of the PostgreSQL backend, recorded in schema_migrations
// (the versions of sqlite_migrations.hpp, in PostgreSQL's dialect).
#include "migration_runner.hpp"
#include "pg_handle.hpp"

#include <span>
#include <string>
#include <string_view>

/// The advisory lock key (per database) held while migrating, as SQL text.
#define SSOGATE_PG_MIGRATION_LOCK "1397968711001"

namespace ssogate::store::pg {

using detail::migrate_outcome;
using detail::migration;

/// All migrations in order; migrations()[i].version == i + 1.
[[nodiscard]] std::span<migration const> migrations() noexcept;

/// Migrates the database behind `db` up to `target` (never down), holding the
/// session-level advisory lock SSOGATE_PG_MIGRATION_LOCK so that several nodes
/// starting at once on a new database apply each step once. Each step runs in its own
/// transaction that re-reads the version first. Refuses a database whose version is
/// newer than the newest migration. `label` names the database in messages.
[[nodiscard]] migrate_outcome migrate(connection& db, int target, std::string_view label);

} // namespace ssogate::store::pg
