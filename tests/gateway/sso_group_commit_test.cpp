// The ACS through the write_batcher (group commit, issue 8): each sign-in of a batch
// gets its own answer, after the batch's commit.
#include <ssogate/gateway/routes.hpp>
#include <ssogate/gateway/write_batcher.hpp>

#include "support/sso_fixture.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <future>

using namespace ssogate;
using namespace ssogate::test::sso;

namespace {

/// POST /sso/acs/{connection} as sso_app::post_acs does, without waiting for the answer.
gateway::http_response start_acs(sso_app& app, browser& b, idp_response const& r, std::string const& relay_state)
{
    gateway::http_request req;
    req.method = gateway::http_method::post;
    req.target = "/sso/acs/" + r.connection;
    req.body = "SAMLResponse=" + url_encode(app.saml_response(r)) + "&RelayState=" + url_encode(relay_state);
    req.remote_address = "192.0.2.10";
    req.headers.set("Content-Type", "application/x-www-form-urlencoded");
    if (!b.cookies.empty())
        req.headers.set("Cookie", b.cookie_header());
    return gateway::handle_request(app.ctx, req);
}

/// The answer of a pending ACS response, cookies taken by the browser.
gateway::http_response finish(browser& b, gateway::http_response const& pending)
{
    REQUIRE(pending.pending);
    auto res = pending.pending->wait();
    b.take_cookies(res);
    return res;
}

} // namespace

TEST_CASE("with a write batcher the ACS answers after the commit, and the session works", "[gateway][sso][write_batcher]")
{
    sso_app app;
    std::atomic<int> commits{0};
    gateway::write_batcher batcher(*app.store, {}, [&] { ++commits; });
    app.ctx.batcher = &batcher;

    browser b;
    idp_response r;
    auto relay = app.start_login(b, "okta");
    r.in_response_to = relay;
    auto const pending = start_acs(app, b, r, relay);
    auto const res = finish(b, pending);
    CHECK(res.status == 303);
    CHECK(commits.load() == 1);
    CHECK(b.cookies.count("__Host-ssogate_session") == 1);
    CHECK(app.get(b, "/me").status == 200);
    CHECK(app.audit("sso.login.succeeded").size() == 1);
}

TEST_CASE("sign-ins in one batch each get their own answer: a replay in the batch is refused alone",
          "[gateway][sso][write_batcher]")
{
    sso_app app;
    gateway::write_batcher batcher(*app.store, {});
    app.ctx.batcher = &batcher;

    // Two requests of alice's browser answered with the same assertion, and bob.
    browser alice, bob;
    auto const first = app.start_login(alice, "okta");
    auto const second = app.start_login(alice, "okta");
    auto const bobs = app.start_login(bob, "okta");
    idp_response a1;
    a1.in_response_to = first;
    idp_response a2 = a1;
    a2.in_response_to = second; // same assertion ID: a replay
    idp_response b1;
    b1.assertion_id = "_assertion-bob";
    b1.name_id = b1.email = "bob@example.com";
    b1.display_name = "Bob";
    b1.in_response_to = bobs;

    // Hold the writer so that the three queue up and commit as one batch.
    std::promise<void> entered, released;
    batcher.submit(
        [&](store::transaction&) -> store::result<void> {
            entered.set_value();
            released.get_future().wait();
            return {};
        },
        [](store::result<void>) {});
    entered.get_future().wait();
    auto const p1 = start_acs(app, alice, a1, first);
    auto const p2 = start_acs(app, alice, a2, second);
    auto const p3 = start_acs(app, bob, b1, bobs);
    released.set_value();

    CHECK(finish(alice, p1).status == 303);
    CHECK(finish(alice, p2).status == 403);
    CHECK(finish(bob, p3).status == 303);
    CHECK(batcher.stats().largest == 3);

    auto const denied = app.audit("sso.login.denied");
    REQUIRE(denied.size() == 1);
    CHECK(denied[0].result_reason == "replayed");
    CHECK(app.audit("sso.login.succeeded").size() == 2);
    CHECK(app.get(alice, "/me").status == 200);
    CHECK(app.get(bob, "/me").status == 200);
    auto tx = app.store->begin(store::access::read);
    REQUIRE(tx.has_value());
    auto chain = (*tx)->audit().verify_chain();
    REQUIRE(chain.has_value());
    CHECK_FALSE(chain->first_break.has_value());
}
