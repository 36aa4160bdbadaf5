// Adoption into SCIM (user_adoption.hpp), the function behind `ssogate user adopt`
// (tests/gateway/scim_cli_test.cpp), the console (tests/gateway/console/user_adopt_test.cpp)
// and POST /admin/v1/users/{id}/adopt (here): the plan, the dry run that writes nothing,
// the adoption in one transaction with its audit event, and every refusal.
#include <ssogate/gateway/user_adoption.hpp>

#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/routes.hpp>

#include "support/sso_fixture.hpp"

#include <catch2/catch.hpp>

#include <boost/json.hpp>

using namespace ssogate;
using namespace ssogate::test::sso;
namespace json = boost::json;

namespace {

struct adoption_app {
    adoption_app()
    {
        auto t = gateway::create_admin_token(*app.store, "ops", gateway::admin_actor{"cli", "tester", "", ""},
                                             app.ctx.random, *app.now);
        REQUIRE(t.has_value());
        bearer = "Bearer " + t->secret;
        token_id = t->record.id;
    }

    /// Signs `email` in through okta (JIT creates the user); returns its id.
    std::string sign_in(std::string const& email, std::string const& assertion_id)
    {
        browser b;
        auto relay = app.start_login(b, "okta");
        idp_response r;
        r.in_response_to = relay;
        r.name_id = email;
        r.email = email;
        r.assertion_id = assertion_id;
        auto res = app.post_acs(b, r, relay);
        INFO(res.body);
        REQUIRE(res.status == 303);
        auto tx = app.store->begin(store::access::read);
        auto u = (*tx)->users().find_by_email(email);
        REQUIRE(u.has_value());
        REQUIRE(u->has_value());
        return (*u)->id;
    }

    gateway::http_response adopt(std::string const& user, std::string const& body, bool authorized = true,
                                 std::string const& query = {})
    {
        gateway::http_request req;
        req.method = gateway::http_method::post;
        req.target = "/admin/v1/users/" + user + "/adopt" + query;
        req.body = body;
        req.remote_address = "192.0.2.1";
        req.headers.set("Content-Type", "application/json");
        if (authorized)
            req.headers.set("Authorization", bearer);
        return gateway::handle_request(app.ctx, req);
    }

    std::size_t scim_users(std::string const& connection)
    {
        auto tx = app.store->begin(store::access::read);
        return *(*tx)->scim().count_users(connection);
    }

    sso_app app;
    std::string bearer;
    std::string token_id;
};

json::object body_of(gateway::http_response const& r)
{
    INFO(r.body);
    auto v = json::parse(r.body);
    REQUIRE(v.is_object());
    return v.as_object();
}

} // namespace

TEST_CASE("POST /admin/v1/users/{id}/adopt with dry_run shows what changes owner and writes nothing",
          "[gateway][adopt]")
{
    adoption_app a;
    auto const id = a.sign_in("alice@example.com", "_a1");
    auto res = a.adopt(id, R"({"connection":"okta","dry_run":true})");
    REQUIRE(res.status == 200);
    CHECK(std::string(res.headers.get("Content-Type").value_or("")) == "application/json");
    auto o = body_of(res);
    CHECK(o.at("user_id").as_string() == id);
    CHECK(o.at("email").as_string() == "alice@example.com");
    CHECK(o.at("connection").as_string() == "okta");
    CHECK(o.at("scim_user_name").as_string() == "alice@example.com");
    CHECK(o.at("dry_run").as_bool());
    CHECK_FALSE(o.at("applied").as_bool());
    CHECK_FALSE(o.at("already_adopted").as_bool());
    CHECK(o.at("event_id").is_null());
    auto const& changes = o.at("changes").as_array();
    REQUIRE_FALSE(changes.empty());
    bool saw_email = false, saw_role = false;
    for (auto const& c : changes) {
        CHECK(c.at("owner_before").as_string() == "jit:okta");
        CHECK(c.at("owner_after").as_string() == "scim:okta");
        saw_email |= c.at("kind") == "attribute" && c.at("name") == "email";
        saw_role |= c.at("kind") == "role" && c.at("name") == "editor";
    }
    CHECK(saw_email);
    CHECK(saw_role);
    // Nothing written: no SCIM row, the values still JIT's, no event.
    CHECK(a.scim_users("okta") == 0);
    CHECK(a.app.audit("scim.user.adopted").empty());
    auto tx = a.app.store->begin(store::access::read);
    for (auto const& r : *(*tx)->users().roles(id))
        CHECK(r.owner == "jit:okta");
}

TEST_CASE("POST /admin/v1/users/{id}/adopt adopts in one transaction with the admin as actor; a second call has "
          "nothing to do",
          "[gateway][adopt]")
{
    adoption_app a;
    auto const id = a.sign_in("alice@example.com", "_a1");
    auto const planned = body_of(a.adopt("alice@example.com", R"({"connection":"okta","dry_run":true})"));

    auto res = a.adopt("alice@example.com", R"({"connection":"okta"})"); // dry_run defaults to false
    REQUIRE(res.status == 200);
    auto o = body_of(res);
    CHECK(o.at("applied").as_bool());
    CHECK_FALSE(o.at("dry_run").as_bool());
    CHECK(o.at("changes") == planned.at("changes")); // the dry run showed exactly what was done
    CHECK(a.scim_users("okta") == 1);
    auto ev = a.app.audit("scim.user.adopted");
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].id == o.at("event_id").as_string());
    CHECK(ev[0].actor_type == "admin");
    CHECK(ev[0].actor_id == a.token_id);
    CHECK(ev[0].target == id);
    CHECK(ev[0].connection_id == "okta");
    CHECK(ev[0].source_ip == "192.0.2.1");
    auto const changes = json::parse(ev[0].changes_json).as_object();
    CHECK(changes.at("owners") == planned.at("changes"));
    CHECK(changes.at("after").at("scim").at("userName") == "alice@example.com");
    {
        auto tx = a.app.store->begin(store::access::read);
        for (auto const& r : *(*tx)->users().roles(id))
            CHECK(r.owner == "scim:okta");
        auto row = (*tx)->scim().find_user("okta", id);
        REQUIRE(row->has_value());
        CHECK((*row)->user_name == "alice@example.com");
    }

    auto again = body_of(a.adopt(id, R"({"connection":"okta"})"));
    CHECK(again.at("already_adopted").as_bool());
    CHECK_FALSE(again.at("applied").as_bool());
    CHECK(again.at("changes").as_array().empty());
    CHECK(a.app.audit("scim.user.adopted").size() == 1);
}

TEST_CASE("POST /admin/v1/users/{id}/adopt refuses a bad request with the field to blame and writes nothing",
          "[gateway][adopt][reject]")
{
    adoption_app a;
    auto const id = a.sign_in("alice@example.com", "_a1");
    auto refused = [&](std::string const& body, int status, std::string const& field) {
        auto res = a.adopt(id, body);
        INFO(body << " -> " << res.body);
        CHECK(res.status == status);
        auto o = body_of(res);
        CHECK(!o.at("error").as_string().empty());
        if (field.empty())
            CHECK(!o.contains("field"));
        else
            CHECK(o.at("field").as_string() == field);
    };
    refused("not json", 400, "body");
    refused("[1]", 400, "body");
    refused("{}", 400, "connection");
    refused(R"({"connection":""})", 400, "connection");
    refused(R"({"connection":7})", 400, "connection");
    refused(R"({"connection":"okta","dry_run":"yes"})", 400, "dry_run");
    refused(R"({"connection":"okta","force":true})", 400, "force");
    refused(R"({"connection":"nope"})", 400, "connection");
    CHECK(a.adopt(id, R"({"connection":"okta"})", true, "?dry_run=true").status == 400);

    auto unknown = a.adopt("nobody@example.com", R"({"connection":"okta"})");
    CHECK(unknown.status == 404);
    CHECK(body_of(unknown).at("error").as_string() == "no user with id or email nobody@example.com");

    auto anonymous = a.adopt(id, R"({"connection":"okta"})", false);
    CHECK(anonymous.status == 401);

    CHECK(a.scim_users("okta") == 0);
    CHECK(a.app.audit("scim.user.adopted").empty());
}

TEST_CASE("adoption is refused when the email is another user's userName in the SCIM view, or the user has no email",
          "[gateway][adopt][reject]")
{
    adoption_app a;
    auto const alice = a.sign_in("alice@example.com", "_a1");
    {
        auto tx = a.app.store->begin(store::access::write);
        auto& t = **tx;
        // bob is in okta's SCIM view under alice's email (e.g. renamed at the IdP).
        REQUIRE(t.users().create({"bob-id", "scim:okta", true, *a.app.now}).has_value());
        store::scim_user_record row;
        row.connection_id = "okta";
        row.user_id = "bob-id";
        row.user_name = "alice@example.com";
        row.created_at = row.updated_at = *a.app.now;
        REQUIRE(t.scim().create_user(row).has_value());
        // carol was created by an admin without an email.
        REQUIRE(t.users().create({"carol-id", "admin", true, *a.app.now}).has_value());
        REQUIRE(t.commit().has_value());
    }
    auto taken = a.adopt(alice, R"({"connection":"okta","dry_run":true})");
    CHECK(taken.status == 409);
    CHECK_THAT(std::string(body_of(taken).at("error").as_string()),
               Catch::Contains("already belongs to user bob-id in the SCIM view of connection okta"));
    auto no_email = a.adopt("carol-id", R"({"connection":"okta"})");
    CHECK(no_email.status == 409);
    CHECK_THAT(std::string(body_of(no_email).at("error").as_string()), Catch::Contains("has no email"));
    CHECK(a.scim_users("okta") == 1);
    CHECK(a.app.audit("scim.user.adopted").empty());
}

TEST_CASE("adopt_user moves only what jit:<c> or admin owns and says when the connection's SCIM is off",
          "[gateway][adopt]")
{
    adoption_app a;
    auto const id = a.sign_in("alice@example.com", "_a1");
    {
        auto tx = a.app.store->begin(store::access::write);
        REQUIRE((*tx)->users().set_attribute(id, {"title", "Eng", "jit:entra", *a.app.now, std::nullopt}).has_value());
        REQUIRE((*tx)->users().set_attribute(id, {"department", "R&D", "admin", *a.app.now, std::nullopt}).has_value());
        REQUIRE((*tx)->commit().has_value());
    }
    bool scim_on = false;
    gateway::adoption_context ctx{*a.app.store,
                                  [&](std::string_view c) -> std::optional<bool> {
                                      if (c == "okta")
                                          return scim_on;
                                      return std::nullopt;
                                  },
                                  gateway::admin_actor{"cli", "tester", "", ""}, a.app.ctx.random, *a.app.now};
    auto outcome = gateway::adopt_user(ctx, id, "okta", true);
    REQUIRE(std::holds_alternative<gateway::adoption_plan>(outcome));
    auto const& plan = std::get<gateway::adoption_plan>(outcome);
    CHECK_FALSE(plan.scim_enabled);
    bool saw_department = false;
    for (auto const& c : plan.changes) {
        CHECK(c.name != "title"); // another connection's value stays
        CHECK(!c.description.empty());
        if (c.name == "department") {
            saw_department = true;
            CHECK(c.owner_before == "admin");
            CHECK(c.description == "attribute department \"R&D\": admin -> scim:okta");
        }
    }
    CHECK(saw_department);

    auto missing = gateway::adopt_user(ctx, "", "okta", true);
    REQUIRE(std::holds_alternative<gateway::adoption_error>(missing));
    CHECK(std::get<gateway::adoption_error>(missing).code == gateway::adoption_errc::invalid);
    CHECK(std::get<gateway::adoption_error>(missing).field == "user");
    auto no_connection = gateway::adopt_user(ctx, id, "", true);
    CHECK(std::get<gateway::adoption_error>(no_connection).field == "connection");
    auto other = gateway::adopt_user(ctx, id, "entra", true);
    CHECK(std::get<gateway::adoption_error>(other).code == gateway::adoption_errc::unknown_connection);
}
