// /me and /auth/check refresh a session's last_seen_at only when it is older than
// min(60 s, idle_timeout / 10): most calls are a read transaction, and the idle timeout
// still ends the session within that bound (never later).
#include "support/sso_fixture.hpp"

#include <catch2/catch.hpp>

using namespace ssogate;
using namespace ssogate::test::sso;
using namespace std::chrono_literals;

namespace {

/// Signs alice in on okta; the browser holds the session cookie.
void sign_in(sso_app& app, browser& b)
{
    auto relay = app.start_login(b, "okta");
    idp_response r;
    r.in_response_to = relay;
    REQUIRE(app.post_acs(b, r, relay).status == 303);
}

/// The stored last_seen_at of the browser's session.
std::chrono::system_clock::time_point last_seen(sso_app& app, browser const& b)
{
    auto tx = app.store->begin(store::access::read);
    REQUIRE(tx.has_value());
    auto found = (*tx)->sessions().find(b.cookies.at("__Host-ssogate_session"));
    REQUIRE(found.has_value());
    REQUIRE(found->has_value());
    return (*found)->last_seen_at;
}

} // namespace

TEST_CASE("two quick /auth/check calls write last_seen_at once", "[gateway][sso][session]")
{
    sso_app app;
    browser b;
    sign_in(app, b);
    auto const signed_in_at = *app.now;
    CHECK(last_seen(app, b) == signed_in_at);

    // Within the bound (60 s for the default 1 h idle timeout): no write at all.
    app.advance(59s);
    CHECK(app.get(b, "/auth/check").status == 200);
    CHECK(last_seen(app, b) == signed_in_at);

    // Past it: the first call writes, the next one a second later does not.
    app.advance(2s);
    auto const refreshed_at = *app.now;
    CHECK(app.get(b, "/auth/check").status == 200);
    CHECK(last_seen(app, b) == refreshed_at);
    app.advance(1s);
    CHECK(app.get(b, "/auth/check").status == 200);
    CHECK(app.get(b, "/me").status == 200);
    CHECK(last_seen(app, b) == refreshed_at);
}

TEST_CASE("the refresh bound is a tenth of a short idle timeout", "[gateway][sso][session]")
{
    sso_app app;
    app.cfg.session.idle_timeout = 100s; // bound: 10 s
    browser b;
    sign_in(app, b);
    auto const t0 = *app.now;
    app.advance(9s);
    CHECK(app.get(b, "/me").status == 200);
    CHECK(last_seen(app, b) == t0);
    app.advance(1s);
    CHECK(app.get(b, "/me").status == 200);
    CHECK(last_seen(app, b) == t0 + 10s);
}

TEST_CASE("with throttled refreshes the idle timeout still ends the session, within the bound",
          "[gateway][sso][session]")
{
    sso_app app;
    app.cfg.session.idle_timeout = 100s; // bound: 10 s
    browser b;
    sign_in(app, b);

    // Used every 7 s for 5 minutes: alive throughout.
    for (int i = 0; i < 43; ++i) {
        app.advance(7s);
        REQUIRE(app.get(b, "/auth/check").status == 200);
    }
    // Last use now; the stored value lags it by less than the bound.
    auto const last_use = *app.now;
    auto const stored = last_seen(app, b);
    CHECK(last_use - stored < 10s);
    CHECK(stored <= last_use);

    // Unused from now on: live until stored + idle_timeout, over at it. That is at most
    // 10 s before last use + idle_timeout, and never after it.
    app.advance(std::chrono::duration_cast<std::chrono::seconds>(stored + 99s - *app.now));
    {
        auto tx = app.store->begin(store::access::read);
        REQUIRE(tx.has_value());
        auto found = (*tx)->sessions().find(b.cookies.at("__Host-ssogate_session"));
        REQUIRE(found.has_value());
        REQUIRE(found->has_value());
        CHECK(store::is_live(**found, *app.now, app.cfg.session.idle_timeout));
    }
    app.advance(1s);
    CHECK(*app.now - last_use <= 100s);
    CHECK(*app.now - last_use > 90s);
    CHECK(app.get(b, "/auth/check").status == 401);
    CHECK(app.get(b, "/me").status == 401);
}

TEST_CASE("a session unused past its idle timeout is refused even though reads never wrote",
          "[gateway][sso][session]")
{
    sso_app app;
    browser b;
    sign_in(app, b);
    // Quick calls (no writes), then silence for the idle timeout measured from sign-in.
    app.advance(30s);
    CHECK(app.get(b, "/auth/check").status == 200);
    app.advance(app.cfg.session.idle_timeout - 30s);
    CHECK(app.get(b, "/auth/check").status == 401);
}
