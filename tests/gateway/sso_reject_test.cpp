// Every refusal of the sign-in routes: the browser gets a human page with a trace ID
// and no internal detail; the precise reason goes to the audit log (sso.login.denied,
// result.reason) with the same trace ID.
#include <ssogate/gateway/routes.hpp>

#include "support/sso_fixture.hpp"

#include <catch2/catch.hpp>

using namespace ssogate;
using namespace ssogate::test::sso;

namespace {

/// Checks that `res` is a denial page whose trace ID is the last sso.login.denied
/// event's, with `reason` there and not in the page; returns the event.
store::audit_event check_denied(sso_app& app, gateway::http_response const& res, std::string const& reason)
{
    INFO(res.body);
    CHECK(res.status == 403);
    auto trace = std::string(res.headers.get("X-Ssogate-Trace-Id").value_or(""));
    CHECK(trace.size() == 32);
    CHECK_THAT(res.body, Catch::Contains(trace));
    CHECK(res.body.find(reason) == std::string::npos);
    CHECK(res.headers.get("Set-Cookie").value_or("").find("__Host-ssogate_session") == std::string::npos);
    auto denied = app.audit("sso.login.denied");
    REQUIRE(!denied.empty());
    CHECK(denied.back().result_reason == reason);
    CHECK(denied.back().result_status == "failure");
    CHECK(denied.back().trace_id == trace);
    CHECK(denied.back().connection_id.size() > 0);
    CHECK(app.audit("sso.login.succeeded").empty());
    return denied.back();
}

} // namespace

TEST_CASE("ACS refuses a replayed assertion", "[gateway][sso][reject]")
{
    sso_app app;
    browser b;
    idp_response r;
    auto first = app.start_login(b, "okta");
    r.in_response_to = first;
    REQUIRE(app.post_acs(b, r, first).status == 303);
    // Same assertion ID, answering a second request of the same browser.
    auto second = app.start_login(b, "okta");
    r.in_response_to = second;
    auto res = app.post_acs(b, r, second);
    CHECK(res.status == 403);
    auto denied = app.audit("sso.login.denied");
    REQUIRE(denied.size() == 1);
    CHECK(denied[0].result_reason == "replayed");
}

TEST_CASE("ACS refuses a replay of the same POST (the pending request is single use)", "[gateway][sso][reject]")
{
    sso_app app;
    browser b;
    idp_response r;
    auto relay = app.start_login(b, "okta");
    r.in_response_to = relay;
    auto body = "SAMLResponse=" + url_encode(app.saml_response(r)) + "&RelayState=" + relay;
    REQUIRE(app.post(b, "/sso/acs/okta", body).status == 303);
    auto again = app.post(b, "/sso/acs/okta", body);
    CHECK(again.status == 403);
    CHECK(app.audit("sso.login.denied").back().result_reason == "request_unknown");
}

TEST_CASE("ACS refuses an unknown request ID", "[gateway][sso][reject]")
{
    sso_app app;
    browser b;
    (void)app.start_login(b, "okta"); // the browser has a flow cookie
    std::string const forged = "_0123456789abcdef0123456789abcdef";
    idp_response r;
    r.in_response_to = forged;
    check_denied(app, app.post_acs(b, r, forged), "request_unknown");
}

TEST_CASE("ACS refuses a request ID started by another browser", "[gateway][sso][reject]")
{
    sso_app app;
    browser victim, attacker;
    auto relay = app.start_login(victim, "okta");
    (void)app.start_login(attacker, "okta"); // the attacker has a flow cookie of its own
    idp_response r;
    r.in_response_to = relay;
    auto res = app.post_acs(attacker, r, relay);
    auto ev = check_denied(app, res, "request_other_browser");
    CHECK_THAT(res.body, Catch::Contains("not started in this browser"));
    // The victim's request stays pending and still completes.
    r.assertion_id = "_assertion-victim";
    CHECK(app.post_acs(victim, r, relay).status == 303);
}

TEST_CASE("ACS refuses a solicited response without the flow cookie", "[gateway][sso][reject]")
{
    sso_app app;
    browser b;
    auto relay = app.start_login(b, "okta");
    b.cookies.erase("__Host-ssogate_flow");
    idp_response r;
    r.in_response_to = relay;
    check_denied(app, app.post_acs(b, r, relay), "flow_cookie_missing");
}

TEST_CASE("ACS refuses an unsolicited response when allow_idp_initiated is off", "[gateway][sso][reject]")
{
    sso_app app;
    browser b;
    idp_response r; // no InResponseTo
    check_denied(app, app.post_acs(b, r, ""), "unsolicited_refused");
    // A RelayState that is not a request of ours does not make it solicited.
    check_denied(app, app.post_acs(b, r, "/somewhere"), "unsolicited_refused");
}

TEST_CASE("ACS refuses a response to an expired pending request", "[gateway][sso][reject]")
{
    sso_app app;
    browser b;
    auto relay = app.start_login(b, "okta");
    app.advance(std::chrono::seconds(601));
    idp_response r;
    r.in_response_to = relay;
    auto res = app.post_acs(b, r, relay);
    check_denied(app, res, "request_expired");
    CHECK_THAT(res.body, Catch::Contains("took too long"));
}

TEST_CASE("ACS refuses a response answering a request of another connection", "[gateway][sso][reject]")
{
    sso_app app;
    browser b;
    auto relay = app.start_login(b, "okta");
    idp_response r;
    r.connection = "partner";
    r.in_response_to = relay;
    check_denied(app, app.post_acs(b, r, relay), "request_other_connection");
}

TEST_CASE("ACS refuses a response signed by an untrusted key: generic page, reason in the audit log",
          "[gateway][sso][reject]")
{
    sso_app app;
    browser b;
    auto relay = app.start_login(b, "okta");
    idp_response r;
    r.in_response_to = relay;
    r.signing_key = "attacker";
    auto res = app.post_acs(b, r, relay);
    auto ev = check_denied(app, res, "signature_invalid");
    CHECK_THAT(res.body, Catch::Contains("Sign-in failed."));
    CHECK(res.body.find("signature") == std::string::npos);
    CHECK_THAT(app.log.text(), Catch::Contains("signature_invalid"));
    CHECK_THAT(app.log.text(), Catch::Contains(ev.trace_id));
}

TEST_CASE("ACS refuses a new user when JIT is switched off in the store", "[gateway][sso][reject]")
{
    sso_app app;
    {
        auto tx = app.store->begin(store::access::write);
        REQUIRE(tx.has_value());
        REQUIRE((*tx)->connections().set_jit_enabled("okta", false, *app.now).value());
        REQUIRE((*tx)->commit().has_value());
    }
    browser b;
    auto relay = app.start_login(b, "okta");
    idp_response r;
    r.in_response_to = relay;
    auto res = app.post_acs(b, r, relay);
    auto ev = check_denied(app, res, "jit_disabled");
    CHECK_THAT(res.body, Catch::Contains("automatic provisioning is off for connection okta"));
    CHECK(ev.target == "alice@example.com");
    CHECK(app.get(b, "/me").status == 401);
}

TEST_CASE("login refuses return_to values that leave the site", "[gateway][sso][reject]")
{
    sso_app app;
    for (std::string bad : {"//evil.example/x", "https:%5c%5cevil.example", "http:evil.example", "/\\evil.example",
                            "https://evil.example/", "http://sso.example.test/", "https://app.example.com@evil.example/",
                            "/ok\r\nSet-Cookie: x=y", "javascript:alert(1)", "/%5cevil.example", "\t/x",
                            "https://sso.example.test.evil.example/"}) {
        INFO(bad);
        browser b;
        auto res = app.get(b, "/sso/login/okta?return_to=" + url_encode(bad));
        CHECK(res.status == 400);
        CHECK_FALSE(res.headers.contains("Location"));
        CHECK(b.cookies.empty());
    }
    // Raw (not percent-encoded) forms as a browser might send them.
    browser raw;
    CHECK(app.get(raw, "/sso/login/okta?return_to=https:%5c%5cevil").status == 400);
    CHECK(app.get(raw, "/sso/login/okta?return_to=//evil").status == 400);
}

TEST_CASE("login accepts relative paths, its own origin and allowed origins as return_to", "[gateway][sso]")
{
    sso_app app;
    for (std::string good : {"/", "/app/x?y=1#z", "https://sso.example.test/admin", "https://app.example.com/home",
                             "https://APP.example.com/"}) {
        INFO(good);
        browser b;
        auto relay = app.start_login(b, "okta", good);
        idp_response r;
        r.in_response_to = relay;
        r.assertion_id = "_a" + std::to_string(std::hash<std::string>{}(good));
        auto res = app.post_acs(b, r, relay);
        REQUIRE(res.status == 303);
        CHECK(res.headers.get("Location").value_or("") == good);
    }
}

TEST_CASE("an IdP-initiated RelayState that leaves the site is replaced by /", "[gateway][sso][reject]")
{
    sso_app app;
    browser b;
    idp_response r;
    r.connection = "partner";
    auto res = app.post_acs(b, r, "https://evil.example/");
    REQUIRE(res.status == 303);
    CHECK(res.headers.get("Location").value_or("") == "/");
}

TEST_CASE("a tampered or unknown session cookie is not a session", "[gateway][sso][reject]")
{
    sso_app app;
    browser b;
    auto relay = app.start_login(b, "okta");
    idp_response r;
    r.in_response_to = relay;
    REQUIRE(app.post_acs(b, r, relay).status == 303);
    REQUIRE(app.get(b, "/me").status == 200);

    auto& cookie = b.cookies.at("__Host-ssogate_session");
    cookie.back() = cookie.back() == '0' ? '1' : '0';
    CHECK(app.get(b, "/me").status == 401);
    auto check = app.get(b, "/auth/check");
    CHECK(check.status == 401);
    CHECK_FALSE(check.headers.contains("Location")); // no redirect loop for forward auth
    cookie = "not-hex";
    CHECK(app.get(b, "/me").status == 401);
}

TEST_CASE("sign-in routes answer 404 for an unknown connection", "[gateway][sso][reject]")
{
    sso_app app;
    browser b;
    CHECK(app.get(b, "/sso/login/nope").status == 404);
    CHECK(app.post(b, "/sso/acs/nope", "SAMLResponse=x").status == 404);
}

TEST_CASE("ACS refuses a post without SAMLResponse", "[gateway][sso][reject]")
{
    sso_app app;
    browser b;
    check_denied(app, app.post(b, "/sso/acs/okta", "RelayState=x"), "saml_response_missing");
}
