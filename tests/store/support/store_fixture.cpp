#include "support/store_fixture.hpp"

#include <catch2/catch.hpp>

#include <sqlite3.h>

namespace ssogate::test {

file_store::file_store(store::sqlite_options const& options) : path_(dir_ / "ssogate.db")
{
    auto opened = store::open_sqlite(path_, options);
    if (!opened)
        FAIL("open_sqlite: " << opened.error().message);
    store_ = std::move(*opened);
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
    raw_db raw(db);
    char* message = nullptr;
    int rc = sqlite3_exec(raw.db, sql.c_str(), nullptr, nullptr, &message);
    std::string what = message ? message : (rc == SQLITE_OK ? "" : "error");
    sqlite3_free(message);
    return what;
}

long long raw_integer(std::filesystem::path const& db, std::string const& sql)
{
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
