// The console's connections pages through the handlers (no socket): the JIT switch
// (store-owned: at once, with a confirmation when SCIM is off; file-owned: read-only,
// naming the file), the API's validation messages, the empty list, escaping of a
// hostile connection name, SCIM tokens shown once and revoked, and the IdP certificate
// expiry in the warning colour within 30 days.
#include <ssogate/gateway/console.hpp>

#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/connection_admin.hpp>
#include <ssogate/gateway/dev_idp.hpp>
#include <ssogate/gateway/routes.hpp>

#include "support/app_fixture.hpp"
#include "support/console_fixture.hpp"
#include "support/sso_fixture.hpp"

#include <catch2/catch.hpp>

#include <boost/json.hpp>

using namespace ssogate;
using namespace ssogate::test::sso;
using namespace ssogate::test::console;

TEST_CASE("the console connections page without connections says how to add one", "[gateway][console]")
{
    test::app_fixture app;
    browser b;
    open_console(app.ctx, *app.store, b, test::test_now());
    auto page = send(app.ctx, b, gateway::http_method::get, "/admin/connections");
    REQUIRE(page.status == 200);
    CHECK_THAT(page.body, Catch::Contains("No connections yet."));
    CHECK(page.body.find("<table>") == std::string::npos);
}

TEST_CASE("a file-owned connection's JIT switch is disabled, names the file, and a forced change is refused",
          "[gateway][console]")
{
    sso_app app;
    browser b;
    auto csrf = open_console(app.ctx, *app.store, b, *app.now);
    auto page = send(app.ctx, b, gateway::http_method::get, "/admin/connections");
    REQUIRE(page.status == 200);
    auto at = page.body.rfind("<button", page.body.find("id=\"jit-okta\""));
    REQUIRE(at != std::string::npos);
    auto tag = page.body.substr(at, page.body.find('>', at) - at);
    CHECK_THAT(tag, Catch::Contains("role=\"switch\""));
    CHECK_THAT(tag, Catch::Contains("aria-checked=\"true\""));
    CHECK_THAT(tag, Catch::Contains(" disabled"));
    CHECK(tag.find("data-url") == std::string::npos);
    CHECK_THAT(page.body, Catch::Contains("is read-only through the admin API and CLI; edit the file"));

    // Posting anyway: the API's refusal, word for word, and nothing changes.
    auto forced = send(app.ctx, b, gateway::http_method::post, "/admin/connections/okta/jit",
                       "csrf=" + csrf + "&enabled=false&confirm=yes", true);
    CHECK(forced.status == 409);
    auto err = boost::json::parse(forced.body).as_object();
    CHECK_THAT(std::string(err.at("error").as_string()), Catch::StartsWith("connection \"okta\" is declared in"));
    auto tx = app.store->begin(store::access::read);
    REQUIRE(tx.has_value());
    CHECK((*(*tx)->connections().find("okta"))->jit_enabled);
}

TEST_CASE("turning JIT off for a store-owned connection asks first when SCIM is off, then switches at once",
          "[gateway][console]")
{
    sso_app app;
    app.connections.attach(*app.store, app.log.logger());
    create_store_connection(app, "shop", "Shop");
    browser b;
    auto csrf = open_console(app.ctx, *app.store, b, *app.now);

    auto page = send(app.ctx, b, gateway::http_method::get, "/admin/connections");
    auto at = page.body.rfind("<button", page.body.find("id=\"jit-shop\""));
    REQUIRE(at != std::string::npos);
    auto tag = page.body.substr(at, page.body.find('>', at) - at);
    CHECK_THAT(tag, Catch::Contains("data-url=\"/admin/connections/shop/jit\""));
    CHECK_THAT(tag, Catch::Contains("data-confirm-off="));
    CHECK(tag.find("disabled") == std::string::npos);

    // Without the confirmation: nothing changes.
    auto asked = send(app.ctx, b, gateway::http_method::post, "/admin/connections/shop/jit",
                      "csrf=" + csrf + "&enabled=false", true);
    CHECK(asked.status == 409);
    CHECK(boost::json::parse(asked.body).at("confirm_required").as_bool());
    CHECK(events(*app.store, "connection.jit.disabled").empty());
    // The form (no JavaScript) gets a confirmation page instead.
    auto form_page = send(app.ctx, b, gateway::http_method::post, "/admin/connections/shop/jit",
                          "csrf=" + csrf + "&enabled=false");
    CHECK(form_page.status == 200);
    CHECK_THAT(form_page.body, Catch::Contains("nobody new can sign in"));

    auto off = send(app.ctx, b, gateway::http_method::post, "/admin/connections/shop/jit",
                    "csrf=" + csrf + "&enabled=false&confirm=yes", true);
    INFO(off.body);
    REQUIRE(off.status == 200);
    CHECK_FALSE(boost::json::parse(off.body).at("jit").at("enabled").as_bool());
    {
        auto tx = app.store->begin(store::access::read);
        REQUIRE(tx.has_value());
        CHECK_FALSE((*(*tx)->connections().find("shop"))->jit_enabled);
    }
    auto disabled = events(*app.store, "connection.jit.disabled");
    REQUIRE(disabled.size() == 1);
    CHECK(disabled[0].actor_type == "admin");
    CHECK(disabled[0].actor_id.rfind("adm_", 0) == 0);

    // Turning it on needs no confirmation.
    auto on = send(app.ctx, b, gateway::http_method::post, "/admin/connections/shop/jit",
                   "csrf=" + csrf + "&enabled=true", true);
    CHECK(on.status == 200);
    CHECK(events(*app.store, "connection.jit.enabled").size() == 1);

    // Without the CSRF token: refused.
    CHECK(send(app.ctx, b, gateway::http_method::post, "/admin/connections/shop/jit", "enabled=false&confirm=yes", true)
              .status
          == 403);
}

TEST_CASE("a settings change in the console is refused with the API's own validation message", "[gateway][console]")
{
    sso_app app;
    app.connections.attach(*app.store, app.log.logger());
    create_store_connection(app, "shop", "Shop <script>alert(1)</script>");
    browser b;
    auto csrf = open_console(app.ctx, *app.store, b, *app.now);

    std::string const patch = R"({"jit":{"update":"always"}})";
    gateway::connection_admin_context actx{*app.store, app.connections, gateway::admin_actor{"cli", "root", "", ""},
                                           app.ctx.random, *app.now};
    auto direct = gateway::change_connection(actx, "shop", boost::json::parse(patch));
    auto* expected = std::get_if<gateway::connection_admin_error>(&direct);
    REQUIRE(expected != nullptr);

    auto res = send(app.ctx, b, gateway::http_method::post, "/admin/connections/shop",
                    "csrf=" + csrf + "&patch=" + url_encode(patch));
    CHECK(res.status == 400);
    CHECK_THAT(res.body, Catch::Contains(html(expected->message)));

    auto page = send(app.ctx, b, gateway::http_method::get, "/admin/connections/shop");
    REQUIRE(page.status == 200);
    CHECK(page.body.find("<script>alert") == std::string::npos);
    CHECK_THAT(page.body, Catch::Contains("Shop &lt;script&gt;alert(1)&lt;/script&gt;"));
    CHECK_THAT(page.body, Catch::Contains("https://sso.example.test/sso/acs/shop"));
    CHECK_THAT(page.body, Catch::Contains("href=\"/sso/metadata\""));

    auto ok = send(app.ctx, b, gateway::http_method::post, "/admin/connections/shop",
                   "csrf=" + csrf + "&patch=" + url_encode(R"({"jit":{"update":"on_create"}})"));
    CHECK(ok.status == 303);
    CHECK(events(*app.store, "connection.changed").size() == 1);
}

namespace {

/// A store-owned connection `id` whose IdP metadata carries `cert` (a real certificate
/// generated by the dev IdP's key helper).
void create_connection_with_cert(sso_app& app, std::string const& id, saml::certificate const& cert)
{
    auto j = gateway::connection_to_json(*app.cfg.find_connection("okta"));
    j["id"] = id;
    j["name"] = id;
    j["domains"] = boost::json::array{id + ".example"};
    auto const entity = "https://" + id + ".idp.example.test/metadata";
    j["idp_metadata"] = gateway::dev_idp::idp_metadata_xml(entity, "https://" + id + ".idp.example.test/sso", cert);
    j["idp_entity_id"] = entity;
    gateway::connection_admin_context actx{*app.store, app.connections, gateway::admin_actor{"cli", "root", "", ""},
                                           app.ctx.random, *app.now};
    auto created = gateway::create_connection(actx, boost::json::value(j));
    if (auto* e = std::get_if<gateway::connection_admin_error>(&created))
        FAIL("create_connection: " << e->message << " (" << e->field << ")");
}

/// The table row of connection `id` on the connections page.
std::string row_of(std::string const& page, std::string const& id)
{
    auto at = page.find("<tr><td><a href=\"/admin/connections/" + id + "\">");
    REQUIRE(at != std::string::npos);
    return page.substr(at, page.find("</tr>", at) - at);
}

} // namespace

TEST_CASE("an IdP signing certificate that expires within 30 days is shown in the warning colour, one in 40 days "
          "is not",
          "[gateway][console]")
{
    sso_app app;
    app.connections.attach(*app.store, app.log.logger());
    // Two real 10-year certificates, the second generated 30 days after the first.
    auto const t = *app.now;
    auto soon = gateway::dev_idp::ensure_signing_keys(app.dir.path() / "idp-soon", t);
    auto later = gateway::dev_idp::ensure_signing_keys(app.dir.path() / "idp-later", t + std::chrono::hours(24 * 30));
    create_connection_with_cert(app, "soon", soon.cert);
    create_connection_with_cert(app, "later", later.cert);

    // Ten days before the first one's end: it has 10 days left, the second 40.
    *app.now = soon.cert.not_after() - std::chrono::hours(24 * 10);
    REQUIRE(later.cert.not_after() - *app.now > std::chrono::hours(24 * 39));
    REQUIRE(later.cert.not_after() - *app.now < std::chrono::hours(24 * 41));
    browser b;
    open_console(app.ctx, *app.store, b, *app.now);
    auto page = send(app.ctx, b, gateway::http_method::get, "/admin/connections");
    INFO(page.body);
    REQUIRE(page.status == 200);
    auto const soon_row = row_of(page.body, "soon");
    CHECK_THAT(soon_row, Catch::Contains("<span class=\"warn\">"));
    CHECK_THAT(soon_row, Catch::Contains("(within 30 days)"));
    auto const later_row = row_of(page.body, "later");
    CHECK(later_row.find("class=\"warn\"") == std::string::npos);
    CHECK(later_row.find("within 30 days") == std::string::npos);

    // The connection page shows the same colour for the certificate.
    auto detail = send(app.ctx, b, gateway::http_method::get, "/admin/connections/soon");
    REQUIRE(detail.status == 200);
    CHECK_THAT(detail.body, Catch::Contains("(within 30 days)"));
    // The IdP metadata summary: entity ID, SSO URL, the certificate's fingerprint, the ACS.
    CHECK_THAT(detail.body, Catch::Contains("<code>https://soon.idp.example.test/metadata</code>"));
    CHECK_THAT(detail.body, Catch::Contains("<code>https://soon.idp.example.test/sso</code>"));
    CHECK_THAT(detail.body, Catch::Contains(soon.cert.sha256_fingerprint()));
    CHECK_THAT(detail.body, Catch::Contains("<code>" + std::string(public_url) + "/sso/acs/soon</code>"));
    auto detail_later = send(app.ctx, b, gateway::http_method::get, "/admin/connections/later");
    REQUIRE(detail_later.status == 200);
    CHECK(detail_later.body.find("within 30 days") == std::string::npos);

    // Past its end the certificate is shown as expired, still in the warning colour.
    *app.now = soon.cert.not_after() + std::chrono::hours(1);
    open_console(app.ctx, *app.store, b, *app.now);
    auto expired = send(app.ctx, b, gateway::http_method::get, "/admin/connections");
    CHECK_THAT(row_of(expired.body, "soon"), Catch::Contains("<span class=\"warn\">expired "));
}

TEST_CASE("the connections page shows each connection's last sign-in from the audit log, or never",
          "[gateway][console]")
{
    sso_app app;
    browser user;
    auto relay = app.start_login(user, "okta");
    idp_response r;
    r.in_response_to = relay;
    REQUIRE(app.post_acs(user, r, relay).status == 303);

    browser b;
    open_console(app.ctx, *app.store, b, *app.now);
    auto page = send(app.ctx, b, gateway::http_method::get, "/admin/connections");
    INFO(page.body);
    REQUIRE(page.status == 200);
    CHECK_THAT(row_of(page.body, "okta"), Catch::Contains("<td>2026-01-01 00:00:00Z</td>"));
    CHECK_THAT(row_of(page.body, "partner"), Catch::Contains("<span class=\"muted\">never</span>"));
}
