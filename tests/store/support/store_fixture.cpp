#include "support/store_fixture.hpp"

#include "postgres_server.hpp"

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <cstdlib>
#include <string_view>

namespace ssogate::test {

namespace {

store::postgres_options to_postgres(store::sqlite_options const& options)
{
    store::postgres_options out;
    out.pool_size = options.max_connections;
    out.busy_timeout = options.busy_timeout;
    out.target_schema_version = options.target_schema_version;
    return out;
}

std::unique_ptr<store::store> open_store(bool postgres, std::filesystem::path const& path,
                                         store::sqlite_options const& options)
{
    if (postgres) {
        auto opened = store::open_postgres(path.string(), to_postgres(options));
        if (!opened)
            FAIL("open_postgres: " << opened.error().message);
        return std::move(*opened);
    }
    auto opened = store::open_sqlite(path, options);
    if (!opened)
        FAIL("open_sqlite: " << opened.error().message);
    return std::move(*opened);
}

bool is_url(std::filesystem::path const& db)
{
    return store::is_postgres_url(db.string());
}

/// SQLite's `DROP TRIGGER name` in PostgreSQL's form.
std::string postgres_dialect(std::string const& sql)
{
    std::string_view const drop = "DROP TRIGGER ";
    if (sql.rfind(drop, 0) == 0 && sql.find(" ON ") == std::string::npos)
        return sql + " ON audit_events";
    return sql;
}

} // namespace

bool testing_postgres()
{
    char const* backend = std::getenv("SSOGATE_TEST_STORE");
    return backend && std::string_view(backend) == "postgres";
}

file_store::file_store(store::sqlite_options const& options) : postgres_(testing_postgres())
{
    path_ = postgres_ ? std::filesystem::path(postgres_server::shared().create_database()) : dir_ / "ssogate.db";
    store_ = open_store(postgres_, path_, options);
}

std::unique_ptr<store::store> file_store::open_another(store::sqlite_options const& options) const
{
    return open_store(postgres_, path_, options);
}

std::unique_ptr<store::transaction> file_store::begin(store::access mode)
{
    auto tx = store_->begin(mode);
    REQUIRE(tx.has_value());
    return std::move(*tx);
}

void add_connection(store::transaction& tx, std::string const& id)
{
    store::connection_record c;
    c.id = id;
    c.display_name = "Connection " + id;
    c.owner = store::connection_owner::store;
    c.created_at = c.updated_at = t0;
    auto r = tx.connections().create(c);
    REQUIRE(r.has_value());
}

void add_user(store::transaction& tx, std::string const& id, std::string const& connection,
              std::string const& subject)
{
    auto created = tx.users().create({id, "jit:" + connection, true, t0});
    REQUIRE(created.has_value());
    auto linked = tx.users().add_identity({connection, subject, id, t0, std::nullopt, ""});
    REQUIRE(linked.has_value());
}

namespace {

struct raw_db {
    explicit raw_db(std::filesystem::path const& path)
    {
        REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
        sqlite3_busy_timeout(db, 5000);
    }
    ~raw_db() { sqlite3_close_v2(db); }
    raw_db(raw_db const&) = delete;
    raw_db& operator=(raw_db const&) = delete;
    sqlite3* db = nullptr;
};

} // namespace

void raw_exec(std::filesystem::path const& db, std::string const& sql)
{
    if (is_url(db)) {
        auto const what = postgres_server::try_exec(db.string(), postgres_dialect(sql));
        INFO(sql << ": " << what);
        REQUIRE(what.empty());
        return;
    }
    raw_db raw(db);
    char* message = nullptr;
    int rc = sqlite3_exec(raw.db, sql.c_str(), nullptr, nullptr, &message);
    std::string const what = message ? message : "";
    sqlite3_free(message);
    INFO(sql << ": " << what);
    REQUIRE(rc == SQLITE_OK);
}

std::string raw_try_exec(std::filesystem::path const& db, std::string const& sql)
{
    if (is_url(db))
        return postgres_server::try_exec(db.string(), postgres_dialect(sql));
    raw_db raw(db);
    char* message = nullptr;
    int rc = sqlite3_exec(raw.db, sql.c_str(), nullptr, nullptr, &message);
    std::string what = message ? message : (rc == SQLITE_OK ? "" : "error");
    sqlite3_free(message);
    return what;
}

long long raw_integer(std::filesystem::path const& db, std::string const& sql)
{
    if (is_url(db)) {
        auto const value = postgres_server::query_value(db.string(), sql);
        INFO(sql << " = '" << value << "'");
        REQUIRE_FALSE(value.empty());
        return std::stoll(value);
    }
    raw_db raw(db);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(raw.db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    auto const value = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return value;
}

std::string raw_schema(std::filesystem::path const& db)
{
    if (is_url(db))
        return postgres_server::query_value(
            db.string(),
            "SELECT string_agg(line, E'\\n' ORDER BY line) || E'\\n' FROM ("
            " SELECT 'index ' || indexname || ': ' || indexdef AS line FROM pg_indexes WHERE schemaname = 'public'"
            " UNION ALL SELECT 'table ' || tablename || ': ' FROM pg_tables WHERE schemaname = 'public'"
            " UNION ALL SELECT 'trigger ' || tgname || ': ' || pg_get_triggerdef(oid) FROM pg_trigger"
            "  WHERE NOT tgisinternal) s");
    raw_db raw(db);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(raw.db,
                               "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master "
                               "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
                               -1, &st, nullptr) == SQLITE_OK);
    std::string out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        out += reinterpret_cast<char const*>(sqlite3_column_text(st, 0));
        out += '\n';
    }
    sqlite3_finalize(st);
    return out;
}

} // namespace ssogate::test
