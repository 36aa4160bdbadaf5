// "Adopt into SCIM" on the console's user page through the handlers (no socket): the
// form, the dry run (nothing written) with its "Apply" form, the adoption with the
// admin as actor, CSRF, escaping, and every refusal.
#include <ssogate/gateway/console.hpp>

#include <ssogate/gateway/user_adoption.hpp>

#include "support/console_fixture.hpp"
#include "support/sso_fixture.hpp"

#include <catch2/catch.hpp>

using namespace ssogate;
using namespace ssogate::test::sso;
using namespace ssogate::test::console;

namespace {

/// Signs a user in through okta (JIT); returns its id.
std::string jit_user(sso_app& app, std::string const& email, std::string const& display_name)
{
    browser user;
    auto relay = app.start_login(user, "okta");
    idp_response r;
    r.in_response_to = relay;
    r.name_id = email;
    r.email = email;
    r.display_name = display_name;
    REQUIRE(app.post_acs(user, r, relay).status == 303);
    auto tx = app.store->begin(store::access::read);
    auto u = (*tx)->users().find_by_email(email);
    REQUIRE(u.has_value());
    REQUIRE(u->has_value());
    return (*u)->id;
}

std::size_t scim_users(sso_app& app)
{
    auto tx = app.store->begin(store::access::read);
    return *(*tx)->scim().count_users("okta");
}

} // namespace

TEST_CASE("the console adopts a user into SCIM: the dry run first, then Apply, with the admin as actor",
          "[gateway][console][adopt]")
{
    sso_app app;
    auto const id = jit_user(app, "alice@example.com", "<script>alert('adopt')</script>");
    browser b;
    auto csrf = open_console(app.ctx, *app.store, b, *app.now);

    auto page = send(app.ctx, b, gateway::http_method::get, "/admin/users/" + id);
    INFO(page.body);
    REQUIRE(page.status == 200);
    CHECK_THAT(page.body, Catch::Contains("<h2 id=\"adopt\">Adopt into SCIM</h2>"));
    CHECK_THAT(page.body, Catch::Contains("action=\"/admin/users/" + id + "/adopt\""));
    CHECK_THAT(page.body, Catch::Contains("<option value=\"okta\">okta (SCIM off)</option>"));
    CHECK(csrf_of(page.body) == csrf);

    // The dry run: the diff, an Apply form, and nothing written.
    auto dry = send(app.ctx, b, gateway::http_method::post, "/admin/users/" + id + "/adopt",
                    "csrf=" + csrf + "&connection=okta&step=preview");
    INFO(dry.body);
    REQUIRE(dry.status == 200);
    check_console_headers(dry);
    CHECK_THAT(dry.body, Catch::Contains("<strong>Dry run</strong>: nothing has been written."));
    CHECK_THAT(dry.body, Catch::Contains("<del>jit:okta</del>"));
    CHECK_THAT(dry.body, Catch::Contains("<ins>scim:okta</ins>"));
    CHECK_THAT(dry.body, Catch::Contains("SCIM is not enabled for connection okta"));
    CHECK_THAT(dry.body, Catch::Contains("id=\"adopt-apply\""));
    CHECK_THAT(dry.body, Catch::Contains("name=\"step\" value=\"apply\""));
    // The hostile display name is text, never markup.
    CHECK(dry.body.find("<script>alert") == std::string::npos);
    CHECK_THAT(dry.body, Catch::Contains(html("<script>alert('adopt')</script>")));
    CHECK(scim_users(app) == 0);
    CHECK(app.audit("scim.user.adopted").empty());

    // Apply.
    auto done = send(app.ctx, b, gateway::http_method::post, "/admin/users/" + id + "/adopt",
                     "csrf=" + csrf_of(dry.body) + "&connection=okta&step=apply");
    INFO(done.body);
    REQUIRE(done.status == 200);
    CHECK_THAT(done.body, Catch::Contains("Adopted alice@example.com into SCIM of connection <strong>okta</strong>"));
    CHECK(scim_users(app) == 1);
    auto ev = app.audit("scim.user.adopted");
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].actor_type == "admin");
    CHECK(ev[0].actor_id.rfind("adm_", 0) == 0);
    CHECK(ev[0].source_ip == "192.0.2.20");
    CHECK(ev[0].target == id);
    CHECK_THAT(done.body, Catch::Contains(ev[0].id));

    // Afterwards the user page names the SCIM view and offers no connection; a repeated
    // request has nothing to do.
    auto after = send(app.ctx, b, gateway::http_method::get, "/admin/users/" + id);
    CHECK_THAT(after.body, Catch::Contains("Provisioned by SCIM of: <strong>okta</strong>"));
    CHECK(after.body.find("<option value=\"okta\">") == std::string::npos);
    auto again = send(app.ctx, b, gateway::http_method::post, "/admin/users/" + id + "/adopt",
                      "csrf=" + csrf + "&connection=okta&step=apply");
    CHECK(again.status == 200);
    CHECK_THAT(again.body, Catch::Contains("is already provisioned by SCIM of connection okta"));
    CHECK(app.audit("scim.user.adopted").size() == 1);
}

TEST_CASE("the console refuses an adoption without the CSRF token or with a wrong one, and writes nothing",
          "[gateway][console][adopt][reject]")
{
    sso_app app;
    auto const id = jit_user(app, "alice@example.com", "Alice");
    browser b;
    auto csrf = open_console(app.ctx, *app.store, b, *app.now);
    auto none = send(app.ctx, b, gateway::http_method::post, "/admin/users/" + id + "/adopt",
                     "connection=okta&step=apply");
    CHECK(none.status == 403);
    auto wrong = send(app.ctx, b, gateway::http_method::post, "/admin/users/" + id + "/adopt",
                      "csrf=" + std::string(64, 'a') + "&connection=okta&step=apply");
    CHECK(wrong.status == 403);
    auto failed = app.audit("admin.console.csrf_failed");
    REQUIRE(failed.size() == 2);
    CHECK(failed[0].result_reason == "csrf_missing");
    CHECK(failed[1].result_reason == "csrf_mismatch");
    CHECK(failed[0].target == "/admin/users/" + id + "/adopt");

    // Without an admin session at all: 401, nothing written.
    browser stranger;
    auto anonymous = send(app.ctx, stranger, gateway::http_method::post, "/admin/users/" + id + "/adopt",
                          "csrf=" + csrf + "&connection=okta&step=apply");
    CHECK(anonymous.status == 401);
    CHECK(scim_users(app) == 0);
    CHECK(app.audit("scim.user.adopted").empty());
}

TEST_CASE("the console refuses an adoption with no connection, an unknown one, an unknown step or user, or a taken "
          "userName, with a message",
          "[gateway][console][adopt][reject]")
{
    sso_app app;
    auto const id = jit_user(app, "alice@example.com", "Alice");
    browser b;
    auto csrf = open_console(app.ctx, *app.store, b, *app.now);
    auto post = [&](std::string const& user, std::string const& form) {
        return send(app.ctx, b, gateway::http_method::post, "/admin/users/" + user + "/adopt", "csrf=" + csrf + form);
    };
    auto no_connection = post(id, "&step=preview");
    CHECK(no_connection.status == 400);
    CHECK_THAT(no_connection.body, Catch::Contains("Choose the connection"));
    auto unknown_connection = post(id, "&connection=%3Cb%3Enope&step=preview");
    CHECK(unknown_connection.status == 400);
    CHECK_THAT(unknown_connection.body, Catch::Contains("no connection &quot;&lt;b&gt;nope&quot;"));
    auto bad_step = post(id, "&connection=okta&step=now");
    CHECK(bad_step.status == 400);
    CHECK_THAT(bad_step.body, Catch::Contains("Unknown step"));
    auto unknown_user = post("nobody%40example.com", "&connection=okta&step=preview");
    CHECK(unknown_user.status == 404);

    {
        auto tx = app.store->begin(store::access::write);
        auto& t = **tx;
        REQUIRE(t.users().create({"bob-id", "scim:okta", true, *app.now}).has_value());
        store::scim_user_record row;
        row.connection_id = "okta";
        row.user_id = "bob-id";
        row.user_name = "alice@example.com";
        row.created_at = row.updated_at = *app.now;
        REQUIRE(t.scim().create_user(row).has_value());
        REQUIRE(t.commit().has_value());
    }
    auto taken = post(id, "&connection=okta&step=apply");
    CHECK(taken.status == 409);
    CHECK_THAT(taken.body, Catch::Contains("already belongs to user bob-id"));
    CHECK(scim_users(app) == 1);
    CHECK(app.audit("scim.user.adopted").empty());
}
