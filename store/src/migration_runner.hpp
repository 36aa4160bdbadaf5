#pragma once
// How both backends migrate a schema (sqlite_migrations.cpp, pg_migrations.cpp): the
// numbered steps, the outcome, and the loop that applies them. Each backend brings its
// own dialect of every step and a small `Db` that runs statements on its connection.
#include <ssogate/store/errc.hpp>
#include <ssogate/store/store.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ssogate::store::detail {

/// One step of the schema.
struct migration {
    int version;
    std::string_view name;
    char const* sql;
};

/// What migrate() did or why it failed.
struct migrate_outcome {
    errc code{};           ///< Zero-initialised (no error) on success.
    std::string message;   ///< For people, when code is set.
    int version = 0;       ///< The schema version afterwards.
};

/// Applies `steps` (steps[i].version == i + 1) until the schema is at `target` (never
/// down), each in its own transaction that re-reads the version first, so two
/// processes or nodes migrating at once apply each step once. Refuses a database whose
/// version is newer than the newest step. `label` names the database in messages.
///
/// `Db` runs the backend's statements; each returns false on failure, after which
/// `message()` says why (the database's message, read at the failure):
///   bool begin();                               // open a writing transaction
///   errc begin_failure();                       // the errc of a failed begin()
///   bool exec(char const* sql);                 // one or more statements, no rows
///   char const* create_table_sql;               // CREATE TABLE IF NOT EXISTS schema_migrations
///   std::optional<int> read_version();          // max(version) of schema_migrations, 0 if none
///   bool record(migration const& step);         // INSERT the step into schema_migrations
///   errc failure(errc code);                    // the errc to report for `code` (e.g. a lost connection)
///   std::string message();
template <class Db>
[[nodiscard]] migrate_outcome run_migrations(Db& db, std::span<migration const> steps, int target,
                                             std::string_view label)
{
    migrate_outcome out;
    auto fail = [&](errc code, std::string message) {
        out.code = db.failure(code);
        out.message = std::string(label) + ": " + std::move(message);
        (void)db.exec("ROLLBACK"); // nothing (an error or warning we ignore) when no transaction is open
        return out;
    };

    for (;;) {
        if (!db.begin())
            return fail(db.begin_failure(), "cannot start a transaction: " + db.message());
        if (!db.exec(db.create_table_sql))
            return fail(errc::open_failed, "cannot create schema_migrations: " + db.message());
        auto const version = db.read_version();
        if (!version)
            return fail(errc::open_failed, "cannot read the schema version: " + db.message());
        int const current = *version;
        out.version = current;

        if (current > latest_schema_version)
            return fail(errc::schema_too_new,
                        "database schema version " + std::to_string(current) +
                            " is newer than the newest this ssogate knows (" +
                            std::to_string(latest_schema_version) +
                            "); run the ssogate release that upgraded it, or restore a backup");
        if (current >= target) {
            if (!db.exec("COMMIT"))
                return fail(errc::open_failed, "cannot commit: " + db.message());
            return out;
        }

        auto const& step = steps[static_cast<std::size_t>(current)];
        std::string const what = "migration " + std::to_string(step.version) + " (" + std::string(step.name) + ")";
        if (!db.exec(step.sql))
            return fail(errc::migration_failed,
                        what + " failed at schema version " + std::to_string(current) + ": " + db.message());
        if (!db.record(step))
            return fail(errc::migration_failed, what + ": cannot record it: " + db.message());
        if (!db.exec("COMMIT"))
            return fail(errc::migration_failed, what + ": cannot commit: " + db.message());
        out.version = step.version;
    }
}

} // namespace ssogate::store::detail
