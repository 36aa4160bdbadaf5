#include <ssogate/store/replay_cache.hpp>

#include "support/store_fixture.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

using namespace ssogate;
using ssogate::test::t0;
using std::chrono::minutes;

namespace {

struct replay_fixture {
    test::file_store db;

    replay_fixture()
    {
        auto tx = db.begin();
        test::add_connection(*tx, "okta");
        test::add_connection(*tx, "entra");
        REQUIRE(tx->commit().has_value());
    }
};

} // namespace

TEST_CASE("an assertion ID is accepted once and refused as a replay the second time", "[store][replay]")
{
    replay_fixture f;
    {
        auto tx = f.db.begin();
        REQUIRE(tx->replay().consume("okta", "_assertion-1", t0 + minutes(5)).has_value());
        REQUIRE(tx->commit().has_value());
    }
    auto tx = f.db.begin();
    auto again = tx->replay().consume("okta", "_assertion-1", t0 + minutes(5));
    REQUIRE(again.has_error());
    CHECK(again.error() == store::errc::replayed);
    // The same ID from another IdP is another assertion.
    CHECK(tx->replay().consume("entra", "_assertion-1", t0 + minutes(5)).has_value());
}

TEST_CASE("a replay entry stays until swept after its expiry", "[store][replay]")
{
    replay_fixture f;
    auto tx = f.db.begin();
    REQUIRE(tx->replay().consume("okta", "_a", t0 + minutes(5)).has_value());
    REQUIRE(tx->replay().consume("okta", "_b", t0 + minutes(50)).has_value());
    CHECK(*tx->replay().sweep(t0 + minutes(5) - std::chrono::microseconds(1)) == 0);
    CHECK(*tx->replay().sweep(t0 + minutes(5)) == 1);
    CHECK(tx->replay().consume("okta", "_b", t0 + minutes(50)).error() == store::errc::replayed);
}

TEST_CASE("a replay entry for an unknown connection is refused", "[store][replay]")
{
    replay_fixture f;
    auto tx = f.db.begin();
    auto r = tx->replay().consume("ghost", "_a", t0);
    REQUIRE(r.has_error());
    CHECK(r.error() == store::errc::missing_reference);
}

TEST_CASE("of many concurrent consumers of one assertion ID exactly one succeeds", "[store][replay]")
{
    replay_fixture f;
    std::atomic<int> accepted{0};
    std::atomic<int> replayed{0};
    std::atomic<int> other{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
        threads.emplace_back([&] {
            auto tx = f.db->begin(store::access::write);
            if (!tx) {
                ++other;
                return;
            }
            auto r = (*tx)->replay().consume("okta", "_same", t0 + minutes(5));
            if (r && (*tx)->commit())
                ++accepted;
            else if (!r && r.error() == store::errc::replayed)
                ++replayed;
            else
                ++other;
        });
    for (auto& t : threads)
        t.join();
    CHECK(accepted == 1);
    CHECK(replayed == 3);
    CHECK(other == 0);
}
