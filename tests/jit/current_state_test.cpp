#include <ssogate/jit/current_state.hpp>

#include <catch2/catch.hpp>

namespace ssogate::jit {
namespace {

TEST_CASE("current_state defaults to nobody found and no teams", "[jit][state]")
{
    current_state const s;
    CHECK_FALSE(s.user);
    CHECK_FALSE(s.holder_of_email);
    CHECK(s.matched_by == user_match::subject);
    CHECK(s.existing_teams.empty());
    CHECK(user_state{}.active);
}

} // namespace
} // namespace ssogate::jit
