// transaction savepoints (transaction.hpp), on both backends: the group commit's one
// savepoint per sign-in (gateway write_batcher, issue 8).
#include <ssogate/store/transaction.hpp>

#include "support/store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace ssogate;
using ssogate::test::t0;

TEST_CASE("rolling back to a savepoint undoes only what followed it, and the transaction goes on",
          "[store][transaction][savepoint]")
{
    test::file_store db;
    {
        auto tx = db.begin();
        test::add_connection(*tx, "okta");
        REQUIRE(tx->savepoint("job_1").has_value());
        REQUIRE(tx->replay().consume("okta", "_a1", t0 + std::chrono::minutes(5)).has_value());
        REQUIRE(tx->release_savepoint("job_1").has_value());

        REQUIRE(tx->savepoint("job_2").has_value());
        REQUIRE(tx->replay().consume("okta", "_a2", t0 + std::chrono::minutes(5)).has_value());
        // The same assertion again: refused, and the job is undone alone.
        auto again = tx->replay().consume("okta", "_a1", t0 + std::chrono::minutes(5));
        REQUIRE_FALSE(again.has_value());
        CHECK(again.error() == store::errc::replayed);
        REQUIRE(tx->rollback_to_savepoint("job_2").has_value());

        REQUIRE(tx->savepoint("job_3").has_value());
        REQUIRE(tx->replay().consume("okta", "_a3", t0 + std::chrono::minutes(5)).has_value());
        REQUIRE(tx->release_savepoint("job_3").has_value());
        REQUIRE(tx->commit().has_value());
    }
    auto tx = db.begin();
    // _a1 and _a3 were kept, _a2 was undone with its job: consuming it now succeeds.
    CHECK(tx->replay().consume("okta", "_a1", t0 + std::chrono::minutes(5)).error() == store::errc::replayed);
    CHECK(tx->replay().consume("okta", "_a3", t0 + std::chrono::minutes(5)).error() == store::errc::replayed);
    CHECK(tx->replay().consume("okta", "_a2", t0 + std::chrono::minutes(5)).has_value());
}

TEST_CASE("a savepoint name must be a plain identifier, and a read transaction has none",
          "[store][transaction][savepoint][reject]")
{
    test::file_store db;
    {
        auto tx = db.begin();
        CHECK(tx->savepoint("x; DROP TABLE users").error() == store::errc::invalid_argument);
        CHECK(tx->savepoint("").error() == store::errc::invalid_argument);
        CHECK(tx->savepoint("9lives").error() == store::errc::invalid_argument);
        REQUIRE(tx->savepoint("ok_1").has_value());
        REQUIRE(tx->release_savepoint("ok_1").has_value());
        REQUIRE(tx->commit().has_value());
    }
    auto read = db.begin(store::access::read);
    CHECK(read->savepoint("x").error() == store::errc::read_only_transaction);
}
