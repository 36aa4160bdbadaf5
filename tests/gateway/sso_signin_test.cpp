// The SP-initiated sign-in end to end through the handlers (no socket): login →
// ACS → /me → /auth/check → logout → /me 401, plus the pages, /sso/start routing,
// SP metadata and IdP-initiated sign-in on a connection that allows it.
#include <ssogate/gateway/connections.hpp>
#include <ssogate/gateway/startup_error.hpp>

#include "support/sso_fixture.hpp"

#include <catch2/catch.hpp>

#include <boost/json.hpp>

using namespace ssogate;
using namespace ssogate::test::sso;

namespace {

std::string header(gateway::http_response const& r, std::string_view name)
{
    return std::string(r.headers.get(name).value_or(""));
}

std::string set_cookie_for(gateway::http_response const& r, std::string_view cookie)
{
    for (auto const& [n, v] : r.headers)
        if (n == "Set-Cookie" && v.rfind(std::string(cookie) + "=", 0) == 0)
            return v;
    return {};
}

std::string csrf_of(std::string const& page)
{
    auto pos = page.find("name=\"csrf\" value=\"");
    REQUIRE(pos != std::string::npos);
    pos += 19;
    return page.substr(pos, page.find('"', pos) - pos);
}

} // namespace

TEST_CASE("connection_registry is built from the config with trust, ACS URL and JIT policy", "[gateway][sso]")
{
    sso_app app;
    auto const okta = app.connections.find("okta");
    REQUIRE(okta != nullptr);
    CHECK(okta->trust.entity_id == idp_entity);
    CHECK(okta->trust.signing_certs.size() == 1);
    CHECK(okta->sso_redirect_url == idp_sso_url);
    CHECK(okta->sp.acs_url == "https://sso.example.test/sso/acs/okta");
    CHECK(okta->sp.entity_id == "https://sso.example.test/sso/metadata");
    CHECK_FALSE(okta->sp.allow_unsolicited);
    CHECK(app.connections.find("partner")->sp.allow_unsolicited);
    CHECK(okta->policy.connection_id == "okta");
    CHECK(app.connections.for_domain("SHARED.test").size() == 2);
    CHECK(app.connections.for_domain("nowhere.test").empty());

    auto tx = app.store->begin(store::access::read);
    REQUIRE(tx.has_value());
    auto row = (*tx)->connections().find("okta");
    REQUIRE(row.has_value());
    REQUIRE(row->has_value());
    CHECK((*row)->owner == store::connection_owner::file);
    CHECK((*row)->jit_enabled);
}

TEST_CASE("connection_registry refuses metadata without a signing key, naming the connection", "[gateway][sso]")
{
    saml::library_guard guard;
    auto cfg = gateway::default_config();
    gateway::connection_config c;
    c.id = "broken";
    c.idp.xml = "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"x\"/>";
    cfg.connections.push_back(c);
    try {
        (void)gateway::connection_registry::build(cfg);
        FAIL("build accepted broken metadata");
    } catch (gateway::startup_error const& e) {
        CHECK_THAT(e.what(), Catch::Contains("connection \"broken\""));
        CHECK_THAT(e.what(), Catch::Contains("inline idp_metadata"));
    }
}

TEST_CASE("a full SP-initiated sign-in: login, ACS, /me, /auth/check, logout, /me is 401", "[gateway][sso]")
{
    sso_app app;
    browser b;

    auto login = app.get(b, "/sso/login/okta?return_to=%2Fapp%3Fx%3D1");
    REQUIRE(login.status == 302);
    auto location = header(login, "Location");
    CHECK(location.rfind(std::string(idp_sso_url) + "?SAMLRequest=", 0) == 0);
    CHECK(location.find("RelayState=_") != std::string::npos);
    CHECK(location.find("%2Fapp") == std::string::npos); // never the raw return_to
    auto flow = set_cookie_for(login, "__Host-ssogate_flow");
    CHECK_THAT(flow, Catch::Contains("; Secure; HttpOnly; SameSite=None; Path=/"));
    auto relay = location.substr(location.find("RelayState=") + 11);
    relay = relay.substr(0, relay.find('&'));
    REQUIRE(relay.size() == 33);

    idp_response r;
    r.in_response_to = relay;
    auto acs = app.post_acs(b, r, relay);
    INFO(acs.body);
    REQUIRE(acs.status == 303);
    CHECK(header(acs, "Location") == "/app?x=1");
    auto session = set_cookie_for(acs, "__Host-ssogate_session");
    CHECK_THAT(session, Catch::Contains("; Secure; HttpOnly; SameSite=Lax; Path=/"));
    auto const secret = b.cookies.at("__Host-ssogate_session");
    CHECK(secret.size() == 64);

    auto me = app.get(b, "/me");
    REQUIRE(me.status == 200);
    auto json = boost::json::parse(me.body).as_object();
    CHECK(json.at("email").as_string() == "alice@example.com");
    CHECK(json.at("name").as_string() == "Alice Liddell");
    CHECK(json.at("connection").as_string() == "okta");
    CHECK(json.at("roles").as_array() == boost::json::array{"editor"});
    CHECK(json.at("teams").as_array().empty());
    CHECK(json.at("session_expires_at").as_string() == "2026-01-01T08:00:00Z");
    CHECK(!json.at("user_id").as_string().empty());

    auto check = app.get(b, "/auth/check");
    CHECK(check.status == 200);
    CHECK(header(check, "X-Ssogate-Email") == "alice@example.com");
    CHECK(header(check, "X-Ssogate-Roles") == "editor");
    CHECK(header(check, "X-Ssogate-User") == std::string(json.at("user_id").as_string()));
    CHECK(header(check, "X-Ssogate-Teams").empty());

    // The session is stored hashed: the secret is nowhere in the database file's rows.
    {
        auto tx = app.store->begin(store::access::read);
        REQUIRE(tx.has_value());
        auto found = (*tx)->sessions().find(secret);
        REQUIRE(found.has_value());
        REQUIRE(found->has_value());
        CHECK((*found)->id_hash != secret);
    }

    auto home = app.get(b, "/");
    CHECK(home.status == 200);
    CHECK_THAT(home.body, Catch::Contains("alice@example.com"));
    CHECK_THAT(home.body, Catch::Contains("Sign out"));
    CHECK(home.body.find("<script") == std::string::npos);

    // Sign-out without the token is refused and the session survives.
    CHECK(app.post(b, "/logout", "csrf=nope").status == 403);
    CHECK(app.get(b, "/me").status == 200);
    // From another origin: refused.
    CHECK(app.post(b, "/logout", "csrf=" + csrf_of(home.body), "https://evil.example").status == 403);

    auto out = app.post(b, "/logout", "csrf=" + csrf_of(home.body), std::string(public_url));
    CHECK(out.status == 303);
    CHECK_THAT(set_cookie_for(out, "__Host-ssogate_session"), Catch::Contains("Max-Age=0"));
    CHECK(app.get(b, "/me").status == 401);
    // The old cookie no longer works either: the session ended server-side.
    browser replayed;
    replayed.cookies["__Host-ssogate_session"] = secret;
    CHECK(app.get(replayed, "/auth/check").status == 401);

    auto succeeded = app.audit("sso.login.succeeded");
    REQUIRE(succeeded.size() == 1);
    CHECK(succeeded[0].connection_id == "okta");
    CHECK(app.audit("jit.user.created").size() == 1);
    CHECK(app.audit("sso.logout").size() == 1);
}

TEST_CASE("a second sign-in of the same user reuses the account", "[gateway][sso]")
{
    sso_app app;
    browser b;
    for (int i = 0; i < 2; ++i) {
        auto relay = app.start_login(b, "okta");
        idp_response r;
        r.in_response_to = relay;
        r.assertion_id = "_assertion-" + std::to_string(i);
        REQUIRE(app.post_acs(b, r, relay).status == 303);
    }
    CHECK(app.audit("jit.user.created").size() == 1);
    CHECK(app.audit("sso.login.succeeded").size() == 2);
}

TEST_CASE("the session ends after the idle timeout and after its lifetime", "[gateway][sso]")
{
    sso_app app;
    browser b;
    auto relay = app.start_login(b, "okta");
    idp_response r;
    r.in_response_to = relay;
    REQUIRE(app.post_acs(b, r, relay).status == 303);
    app.advance(std::chrono::minutes(59));
    CHECK(app.get(b, "/auth/check").status == 200);
    app.advance(std::chrono::minutes(59));
    CHECK(app.get(b, "/auth/check").status == 200); // touched: idle timer restarted
    app.advance(std::chrono::minutes(61));
    CHECK(app.get(b, "/auth/check").status == 401);
}

TEST_CASE("an IdP-initiated response signs in on a connection that allows it", "[gateway][sso]")
{
    sso_app app;
    browser b;
    idp_response r;
    r.connection = "partner";
    auto res = app.post_acs(b, r, "");
    INFO(res.body);
    REQUIRE(res.status == 303);
    CHECK(header(res, "Location") == "/");
    CHECK(app.get(b, "/me").status == 200);
}

TEST_CASE("POST /sso/start routes by email domain, offers a chooser, explains an unknown domain", "[gateway][sso]")
{
    sso_app app;
    browser b;
    auto one = app.post(b, "/sso/start", "email=alice%40Example.com&return_to=%2Fdocs");
    CHECK(one.status == 303);
    CHECK(header(one, "Location") == "/sso/login/okta?return_to=/docs");

    auto several = app.post(b, "/sso/start", "email=bob%40shared.test");
    CHECK(several.status == 200);
    CHECK_THAT(several.body, Catch::Contains("/sso/login/okta?return_to=/"));
    CHECK_THAT(several.body, Catch::Contains("/sso/login/partner?return_to=/"));
    CHECK_THAT(several.body, Catch::Contains("Partner &lt;IdP&gt;")); // escaped

    auto none = app.post(b, "/sso/start", "email=eve%40%3Cb%3Enowhere.test");
    CHECK(none.status == 404);
    CHECK_THAT(none.body, Catch::Contains("&lt;b&gt;nowhere.test"));
    CHECK(none.body.find("<b>") == std::string::npos);

    CHECK(app.post(b, "/sso/start", "email=not-an-email").status == 400);
}

TEST_CASE("GET / shows the sign-in form; the stylesheet is served by ssogate", "[gateway][sso]")
{
    sso_app app;
    browser b;
    auto home = app.get(b, "/");
    CHECK(home.status == 200);
    CHECK_THAT(home.body, Catch::Contains("<label for=\"email\">"));
    CHECK_THAT(home.body, Catch::Contains("action=\"/sso/start\""));
    CHECK_THAT(header(home, "Content-Security-Policy"), Catch::Contains("style-src 'self'"));
    CHECK(home.body.find("http://") == std::string::npos);
    auto css = app.get(b, "/assets/ssogate.css");
    CHECK(css.status == 200);
    CHECK_THAT(header(css, "Content-Type"), Catch::StartsWith("text/css"));
}

TEST_CASE("GET /sso/metadata lists one ACS per connection", "[gateway][sso]")
{
    sso_app app;
    browser b;
    auto md = app.get(b, "/sso/metadata");
    REQUIRE(md.status == 200);
    CHECK_THAT(md.body, Catch::Contains("entityID=\"https://sso.example.test/sso/metadata\""));
    CHECK_THAT(md.body, Catch::Contains("https://sso.example.test/sso/acs/okta"));
    CHECK_THAT(md.body, Catch::Contains("https://sso.example.test/sso/acs/partner"));
}
