// The test fixture that gives the store tests (and the multi-node gateway tests) a real,
// throwaway PostgreSQL server: tests/support/postgres_server.hpp.
#include "postgres_server.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using ssogate::test::postgres_server;

TEST_CASE("postgres_server gives each caller a fresh database that accepts SQL", "[fixture]")
{
    auto& server = postgres_server::shared();
    REQUIRE(server.running());
    auto const a = server.create_database();
    auto const b = server.create_database();
    REQUIRE(a != b);
    postgres_server::exec(a, "CREATE TABLE t (x int); INSERT INTO t VALUES (42)");
    REQUIRE(postgres_server::query_value(a, "SELECT x FROM t") == "42");
    REQUIRE_FALSE(postgres_server::try_exec(b, "SELECT x FROM t").empty());   // isolated
}

TEST_CASE("postgres_server survives a stop and start with its data", "[fixture]")
{
    auto& server = postgres_server::shared();
    auto const db = server.create_database();
    postgres_server::exec(db, "CREATE TABLE t (x int); INSERT INTO t VALUES (7)");
    server.stop();
    REQUIRE_FALSE(server.running());
    REQUIRE_FALSE(postgres_server::try_exec(db, "SELECT 1").empty());
    server.start();
    REQUIRE(postgres_server::query_value(db, "SELECT x FROM t") == "7");
}

TEST_CASE("a postgres_server removes its directory when destroyed", "[fixture]")
{
    std::filesystem::path dir;
    {
        postgres_server own;
        dir = own.socket_dir();
        REQUIRE(std::filesystem::exists(dir / "data"));
    }
    REQUIRE_FALSE(std::filesystem::exists(dir));
}
