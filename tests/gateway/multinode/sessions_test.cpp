// Issue 10, "Correct with several nodes": sign-in state lives in the shared store, so
// any node takes any request. Two real `ssogate serve` processes on one PostgreSQL.
#include "support/multinode_fixture.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>

using namespace ssogate::test;
using namespace ssogate::test::multinode;

namespace {

/// The CSRF token of the sign-out form on the signed-in home page.
std::string csrf_of(http_reply const& home)
{
    std::smatch m;
    static std::regex const re("name=\"csrf\" value=\"([0-9a-f]+)\"");
    REQUIRE(std::regex_search(home.body, m, re));
    return m[1];
}

} // namespace

TEST_CASE("a session created through node A is valid on node B, and logout on node B ends it on node A",
          "[gateway][multinode][session]")
{
    cluster c;
    web_browser alice;
    auto acs = c.sign_in(alice, 0, 0, "alice@example.com");
    INFO(acs.body << "\nnode a: " << c.at(0).err());
    REQUIRE(acs.status == 303);
    auto const session = alice.cookies.at("__Host-ssogate_session");

    auto me = alice.get(c.port(1), "/me");
    REQUIRE(me.status == 200);
    CHECK(boost::json::parse(me.body).at("email") == "alice@example.com");
    CHECK(alice.get(c.port(1), "/auth/check").header("x-ssogate-email") == "alice@example.com");

    auto home = alice.get(c.port(1), "/");
    REQUIRE(home.status == 200);
    auto out = alice.post_form(c.port(1), "/logout", "csrf=" + csrf_of(home));
    CHECK(out.status == 303);
    CHECK_FALSE(alice.cookies.contains("__Host-ssogate_session"));

    // The old cookie, replayed on the other node: the session is gone there too.
    web_browser replay;
    replay.cookies["__Host-ssogate_session"] = session;
    CHECK(replay.get(c.port(0), "/me").status == 401);
    CHECK(replay.get(c.port(0), "/auth/check").status == 401);
    CHECK(replay.get(c.port(1), "/me").status == 401);

    auto ended = c.audit_after(0, 0);
    auto count = [&](std::string const& action) {
        return std::count_if(ended.begin(), ended.end(),
                             [&](auto const& e) { return e.at("action").as_string() == action; });
    };
    CHECK(count("sso.login.succeeded") == 1);
    CHECK(count("sso.logout") == 1);
    CHECK(count("session.ended") == 1);
}
