#include <ssogate/store/sqlite.hpp>

#include "support/store_fixture.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <fstream>
#include <thread>
#include <vector>

using namespace ssogate;
using ssogate::test::t0;

namespace {

std::string const latest = std::to_string(store::latest_schema_version);

} // namespace

TEST_CASE("opening a new database file creates the latest schema in WAL mode", "[store][sqlite]")
{
    test::temp_dir dir;
    auto const path = dir / "new.db";
    auto opened = store::open_sqlite(path);
    REQUIRE(opened.has_value());
    CHECK((*opened)->schema_version() == store::latest_schema_version);
    CHECK(std::filesystem::exists(path));
    CHECK(test::raw_integer(path, "SELECT count(*) FROM schema_migrations") == store::latest_schema_version);
    CHECK(test::raw_integer(path, "SELECT max(version) FROM schema_migrations") == store::latest_schema_version);
    CHECK(test::raw_integer(path, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'") == 1);
}

TEST_CASE("reopening a database at the latest version changes nothing", "[store][sqlite]")
{
    test::temp_dir dir;
    auto const path = dir / "again.db";
    {
        auto first = store::open_sqlite(path);
        REQUIRE(first.has_value());
    }
    auto const before = test::raw_schema(path);
    auto second = store::open_sqlite(path);
    REQUIRE(second.has_value());
    CHECK((*second)->schema_version() == store::latest_schema_version);
    CHECK(test::raw_schema(path) == before);
    CHECK(test::raw_integer(path, "SELECT count(*) FROM schema_migrations") == store::latest_schema_version);
}

TEST_CASE("migrating from each earlier schema version reaches the schema of a fresh database", "[store][sqlite]")
{
    test::temp_dir dir;
    auto const fresh = dir / "fresh.db";
    REQUIRE(store::open_sqlite(fresh).has_value());
    auto const expected = test::raw_schema(fresh);

    // Covers every version automatically as migrations are added.
    for (int from = 0; from < store::latest_schema_version; ++from) {
        DYNAMIC_SECTION("from version " << from)
        {
            auto const path = dir / ("from-" + std::to_string(from) + ".db");
            store::sqlite_options old;
            old.target_schema_version = from;
            {
                auto opened = store::open_sqlite(path, old);
                REQUIRE(opened.has_value());
                CHECK((*opened)->schema_version() == from);
            }
            CHECK(test::raw_integer(path, "SELECT coalesce(max(version), 0) FROM schema_migrations") == from);
            if (from >= 1) // data written at the old version survives the upgrade
                test::raw_exec(path, "INSERT INTO connections (id, display_name, owner, jit_enabled, created_at, "
                                     "updated_at) VALUES ('old', 'Old', 'store', 1, 0, 0)");

            auto upgraded = store::open_sqlite(path);
            REQUIRE(upgraded.has_value());
            CHECK((*upgraded)->schema_version() == store::latest_schema_version);
            CHECK(test::raw_schema(path) == expected);
            if (from >= 1) {
                auto tx = (*upgraded)->begin(store::access::read);
                REQUIRE(tx.has_value());
                auto found = (*tx)->connections().find("old");
                REQUIRE(found.has_value());
                CHECK(found->has_value());
            }
        }
    }
}

TEST_CASE("opening a database with a newer schema fails with a clear message", "[store][sqlite]")
{
    test::temp_dir dir;
    auto const path = dir / "newer.db";
    REQUIRE(store::open_sqlite(path).has_value());
    auto const newer = std::to_string(store::latest_schema_version + 1);
    test::raw_exec(path, "INSERT INTO schema_migrations (version, name) VALUES (" + newer + ", 'from the future')");

    auto opened = store::open_sqlite(path);
    REQUIRE(opened.has_error());
    CHECK(opened.error().code == store::errc::schema_too_new);
    auto const& message = opened.error().message;
    INFO(message);
    CHECK_THAT(message, Catch::Contains(path.string()));
    CHECK_THAT(message, Catch::Contains("schema version " + newer));
    CHECK_THAT(message, Catch::Contains("(" + latest + ")"));
    // Nothing was changed.
    CHECK(test::raw_integer(path, "SELECT max(version) FROM schema_migrations") == store::latest_schema_version + 1);
}

TEST_CASE("opening a file that is not a database fails and names the file", "[store][sqlite]")
{
    test::temp_dir dir;
    auto const path = dir / "garbage.db";
    std::ofstream(path) << std::string(4096, 'x');
    auto opened = store::open_sqlite(path);
    REQUIRE(opened.has_error());
    CHECK(opened.error().code == store::errc::open_failed);
    CHECK_THAT(opened.error().message, Catch::Contains(path.string()));
    CHECK_THAT(opened.error().message, Catch::Contains("not a database"));
}

TEST_CASE("opening a database in a directory that does not exist fails and names the file", "[store][sqlite]")
{
    test::temp_dir dir;
    auto const path = dir / "missing" / "ssogate.db";
    auto opened = store::open_sqlite(path);
    REQUIRE(opened.has_error());
    CHECK(opened.error().code == store::errc::open_failed);
    CHECK_THAT(opened.error().message, Catch::Contains(path.string()));
}

TEST_CASE("opening a missing file without create_if_missing fails and creates nothing", "[store][sqlite]")
{
    test::temp_dir dir;
    auto const path = dir / "absent.db";
    store::sqlite_options options;
    options.create_if_missing = false;
    auto opened = store::open_sqlite(path, options);
    REQUIRE(opened.has_error());
    CHECK(opened.error().code == store::errc::open_failed);
    CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("a target schema version outside the known range is refused", "[store][sqlite]")
{
    test::temp_dir dir;
    store::sqlite_options options;
    options.target_schema_version = store::latest_schema_version + 1;
    auto opened = store::open_sqlite(dir / "x.db", options);
    REQUIRE(opened.has_error());
    CHECK(opened.error().code == store::errc::invalid_argument);
}

TEST_CASE("a migration that fails leaves the database at the previous version", "[store][sqlite]")
{
    test::temp_dir dir;
    auto const path = dir / "blocked.db";
    store::sqlite_options v1;
    v1.target_schema_version = 1;
    REQUIRE(store::open_sqlite(path, v1).has_value());
    // A stray table in the way of migration 2.
    test::raw_exec(path, "CREATE TABLE sessions (x INTEGER)");

    auto opened = store::open_sqlite(path);
    REQUIRE(opened.has_error());
    CHECK(opened.error().code == store::errc::migration_failed);
    INFO(opened.error().message);
    CHECK_THAT(opened.error().message, Catch::Contains("migration 2"));
    CHECK_THAT(opened.error().message, Catch::Contains("sessions"));
    CHECK(test::raw_integer(path, "SELECT max(version) FROM schema_migrations") == 1);
    CHECK(test::raw_integer(path, "SELECT count(*) FROM sqlite_master WHERE name = 'authn_requests'") == 0);
}

TEST_CASE("several processes opening a new file at once apply each migration once", "[store][sqlite]")
{
    test::temp_dir dir;
    auto const path = dir / "race.db";
    std::vector<std::thread> openers;
    std::atomic<int> ok{0};
    for (int i = 0; i < 4; ++i)
        openers.emplace_back([&] {
            if (store::open_sqlite(path).has_value())
                ++ok;
        });
    for (auto& t : openers)
        t.join();
    CHECK(ok == 4);
    CHECK(test::raw_integer(path, "SELECT count(*) FROM schema_migrations") == store::latest_schema_version);
}

TEST_CASE("an in-memory store works and runs its transactions one at a time", "[store][sqlite]")
{
    store::sqlite_options options;
    options.busy_timeout = std::chrono::milliseconds(50);
    auto opened = store::open_sqlite(":memory:", options);
    REQUIRE(opened.has_value());
    auto& db = **opened;
    CHECK(db.schema_version() == store::latest_schema_version);
    {
        auto tx = db.begin(store::access::write);
        REQUIRE(tx.has_value());
        test::add_connection(**tx, "mem");
        // One connection only: a second transaction waits, then reports busy.
        auto second = db.begin(store::access::read);
        REQUIRE(second.has_error());
        CHECK(second.error() == store::errc::busy);
        REQUIRE((*tx)->commit().has_value());
    }
    auto tx = db.begin(store::access::read);
    REQUIRE(tx.has_value());
    auto found = (*tx)->connections().find("mem");
    REQUIRE(found.has_value());
    CHECK(found->has_value());
}

TEST_CASE("open_error makes result::value() throw with the message", "[store][sqlite]")
{
    test::temp_dir dir;
    auto opened = store::open_sqlite(dir / "no" / "such" / "dir.db");
    REQUIRE(opened.has_error());
    CHECK_THROWS_WITH(opened.value(), Catch::Contains("dir.db"));
}
