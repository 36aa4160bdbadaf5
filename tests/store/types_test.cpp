#include <ssogate/store/types.hpp>

#include <catch2/catch.hpp>

TEST_CASE("a store result carries either a value or a store errc", "[store]")
{
    ssogate::store::result<int> ok = 7;
    ssogate::store::result<int> bad = ssogate::store::errc::busy;
    REQUIRE(ok.has_value());
    CHECK(*ok == 7);
    REQUIRE(bad.has_error());
    CHECK(bad.error() == ssogate::store::errc::busy);
}
