// SCIM tokens in the console through the handlers (no socket): created on the
// connection page, the secret shown once (never listed), revoked with the CSRF token.
#include <ssogate/gateway/console.hpp>

#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/routes.hpp>

#include "support/console_fixture.hpp"
#include "support/sso_fixture.hpp"

#include <catch2/catch.hpp>

#include <boost/json.hpp>

using namespace ssogate;
using namespace ssogate::test::sso;
using namespace ssogate::test::console;

TEST_CASE("a SCIM token created in the console is shown once and can be revoked there", "[gateway][console]")
{
    sso_app app;
    browser b;
    auto csrf = open_console(app.ctx, *app.store, b, *app.now);
    auto created = send(app.ctx, b, gateway::http_method::post, "/admin/connections/okta/scim-tokens",
                        "csrf=" + csrf + "&name=okta-scim");
    INFO(created.body);
    REQUIRE(created.status == 201);
    auto at = created.body.find("sgscim_");
    REQUIRE(at != std::string::npos);
    auto secret = created.body.substr(at, created.body.find('<', at) - at);

    // The connection page lists the token by id, never the secret.
    auto page = send(app.ctx, b, gateway::http_method::get, "/admin/connections/okta");
    REQUIRE(page.status == 200);
    CHECK_THAT(page.body, Catch::Contains("okta-scim"));
    CHECK(page.body.find(secret) == std::string::npos);
    auto form = page.body.find("/scim-tokens/");
    REQUIRE(form != std::string::npos);
    auto action = page.body.substr(page.body.rfind('"', form) + 1,
                                   page.body.find('"', form) - page.body.rfind('"', form) - 1);
    CHECK(send(app.ctx, b, gateway::http_method::post, action, "").status == 403);
    auto revoked = send(app.ctx, b, gateway::http_method::post, action, "csrf=" + csrf);
    CHECK(revoked.status == 303);
    CHECK(events(*app.store, "scim.token.created").size() == 1);
    auto r = events(*app.store, "scim.token.revoked");
    REQUIRE(r.size() == 1);
    CHECK(r[0].actor_type == "admin");
}
