#include <ssogate/store/errc.hpp>

#include <catch2/catch.hpp>

#include <set>
#include <string>

using ssogate::store::errc;

TEST_CASE("every store errc has its own message and 0 is not one of them", "[store][errc]")
{
    std::set<std::string> messages;
    int count = 0;
    // Enumerators are numbered 1, 2, 3... by the compiler: walk until the category no
    // longer knows the value.
    for (int value = 1;; ++value) {
        auto const message = ssogate::store::store_category().message(value);
        if (message == "unknown store error")
            break;
        INFO("errc value " << value);
        CHECK_FALSE(message.empty());
        CHECK(messages.insert(message).second);
        ++count;
    }
    CHECK(count == static_cast<int>(errc::unavailable));
    CHECK(ssogate::store::store_category().message(0) == "unknown store error");
}

TEST_CASE("a store errc converts to an error_code of the store category", "[store][errc]")
{
    boost::system::error_code ec = errc::replayed;
    CHECK(ec.category().name() == std::string("ssogate.store"));
    CHECK(ec == errc::replayed);
    CHECK(ec != errc::busy);
    CHECK(static_cast<int>(errc::open_failed) == 1);
}
