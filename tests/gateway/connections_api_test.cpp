// /admin/v1/connections through gateway::handle_request, without sockets, on a real
// SQLite store (issue 6 "Admin API and CLI", issue 5 "Runtime toggle").
#include <ssogate/gateway/connection_admin.hpp> // first: the public header is self-contained

#include <catch2/catch.hpp>

#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/routes.hpp>

#include "support/sso_fixture.hpp"

#include <boost/json.hpp>

using namespace ssogate;
using namespace ssogate::test::sso;
namespace json = boost::json;

namespace {

/// The sign-in fixture with the registry attached to its store, and an admin token.
struct api_app {
    api_app()
    {
        app.connections.attach(*app.store, app.log.logger());
        app.connections.set_refresh_interval(std::chrono::milliseconds(0));
        auto t = gateway::create_admin_token(*app.store, "test", {"cli", "tester", {}, {}}, app.ctx.random, *app.now);
        REQUIRE(t.has_value());
        token = t->secret;
    }

    gateway::http_response call(gateway::http_method m, std::string target, std::string body = {}, bool auth = true)
    {
        gateway::http_request req;
        req.method = m;
        req.target = std::move(target);
        req.body = std::move(body);
        req.remote_address = "192.0.2.20";
        if (auth)
            req.headers.set("Authorization", "Bearer " + token);
        req.headers.set("Content-Type", "application/json");
        return gateway::handle_request(app.ctx, req);
    }

    /// The JSON form of a new store-owned connection on acme.test.
    json::object acme(std::string id = "acme") const
    {
        return json::object{{"id", id},
                            {"name", "Acme"},
                            {"domains", json::array{"acme.test"}},
                            {"idp_metadata", *app.cfg.connections[0].idp.xml}};
    }

    gateway::http_response create(json::object const& body)
    {
        return call(gateway::http_method::post, "/admin/v1/connections", json::serialize(body));
    }

    sso_app app;
    std::string token;
};

json::object body_of(gateway::http_response const& res)
{
    INFO(res.body);
    auto v = json::parse(res.body);
    REQUIRE(v.is_object());
    return v.get_object();
}

/// A 4xx JSON error: its message and field.
std::pair<std::string, std::string> error_of(gateway::http_response const& res)
{
    auto o = body_of(res);
    REQUIRE(o.contains("error"));
    std::string field = o.contains("field") ? std::string(o.at("field").as_string()) : std::string();
    return {std::string(o.at("error").as_string()), field};
}

using gateway::http_method;

} // namespace

TEST_CASE("the connections API refuses requests without a valid admin token", "[gateway][connections][api]")
{
    api_app a;
    CHECK(a.call(http_method::get, "/admin/v1/connections", {}, false).status == 401);
    CHECK(a.call(http_method::post, "/admin/v1/connections", json::serialize(a.acme()), false).status == 401);
    CHECK(a.call(http_method::get, "/admin/v1/connections/okta", {}, false).status == 401);
    CHECK(a.call(http_method::patch, "/admin/v1/connections/okta", "{}", false).status == 401);
    CHECK(a.call(http_method::delete_, "/admin/v1/connections/okta", {}, false).status == 401);
    CHECK(a.call(http_method::put, "/admin/v1/connections/okta/jit", "{\"enabled\":false}", false).status == 401);
    a.token = "sgadm_wrong";
    CHECK(a.call(http_method::get, "/admin/v1/connections").status == 401);
    // Nothing was created.
    auto began = a.app.store->begin(store::access::read);
    CHECK_FALSE((*began)->connections().find("acme").value().has_value());
}

TEST_CASE("the connections API lists file and store connections with their owner and switch",
          "[gateway][connections][api]")
{
    api_app a;
    REQUIRE(a.create(a.acme()).status == 201);
    auto res = a.call(http_method::get, "/admin/v1/connections");
    REQUIRE(res.status == 200);
    auto list = body_of(res).at("connections").as_array();
    REQUIRE(list.size() == 3);
    CHECK(list[0].at("id") == "acme");
    CHECK(list[0].at("owner") == "store");
    CHECK(list[0].at("jit").at("enabled") == true);
    CHECK(list[0].at("source_file").is_null());
    CHECK(list[1].at("id") == "okta");
    CHECK(list[1].at("owner") == "file");
    CHECK(list[1].at("domains") == json::array{"example.com", "shared.test"});
}

TEST_CASE("POST /admin/v1/connections creates a store connection that signs people in at once",
          "[gateway][connections][api]")
{
    api_app a;
    auto res = a.create(a.acme());
    REQUIRE(res.status == 201);
    CHECK(res.headers.get("Location") == "/admin/v1/connections/acme");
    auto view = body_of(res);
    CHECK(view.at("owner") == "store");
    CHECK(view.at("jit").at("update") == "each_login");
    CHECK(view.at("clock_skew") == "3m");

    auto created = a.app.audit("connection.created");
    REQUIRE(created.size() == 1);
    CHECK(created[0].actor_type == "admin");
    CHECK(created[0].connection_id == "acme");
    auto changes = json::parse(created[0].changes_json).as_object();
    CHECK(changes.at("after").at("domains") == json::array{"acme.test"});
    CHECK(changes.at("after").at("idp_metadata").as_string().starts_with("sha256:"));

    // Routed by domain, and a full sign-in on the new connection.
    browser b;
    auto start = a.app.post(b, "/sso/start", "email=bob%40acme.test");
    REQUIRE(start.status == 303);
    CHECK(start.headers.get("Location")->starts_with("/sso/login/acme"));
    auto relay = a.app.start_login(b, "acme");
    idp_response r;
    r.connection = "acme";
    r.in_response_to = relay;
    r.name_id = r.email = "bob@acme.test";
    CHECK(a.app.post_acs(b, r, relay).status == 303);
    CHECK(a.app.audit("jit.user.created").size() == 1);
}

TEST_CASE("POST /admin/v1/connections refuses invalid settings with the field, as the file would",
          "[gateway][connections][api]")
{
    api_app a;
    auto bad_json = a.call(http_method::post, "/admin/v1/connections", "{\"id\": ");
    CHECK(bad_json.status == 400);
    CHECK(error_of(bad_json).second == "body");

    auto o = a.acme();
    o["jit"] = json::object{{"update", "always"}};
    auto res = a.create(o);
    CHECK(res.status == 400);
    CHECK(error_of(res) == std::pair<std::string, std::string>{
                               "connection \"acme\": jit.update must be one of each_login, on_create, never "
                               "(got \"always\")",
                               "jit.update"});

    o = a.acme();
    o["domains"] = json::array{"not a domain"};
    CHECK(error_of(a.create(o)).second == "domains");

    o = a.acme();
    o["surprise"] = true;
    auto unknown = a.create(o);
    CHECK(unknown.status == 400);
    CHECK(error_of(unknown).second == "surprise");

    o = a.acme();
    o.erase("idp_metadata");
    o["idp_metadata_file"] = "/etc/idp.xml";
    CHECK(error_of(a.create(o)).second == "idp_metadata_file");

    o = a.acme();
    o["idp_metadata"] = "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"x\"/>";
    auto md = a.create(o);
    CHECK(md.status == 400);
    CHECK(error_of(md).second == "idp_metadata");

    o = a.acme();
    o["team_mapping"] = json::object{{"organization_convention", true}};
    CHECK(error_of(a.create(o)).second == "team_mapping.organization_convention");

    o = a.acme();
    o["owner"] = "file";
    CHECK(error_of(a.create(o)).second == "owner");

    CHECK(a.app.audit("connection.created").empty());
}

TEST_CASE("POST /admin/v1/connections refuses an id that is taken with 409", "[gateway][connections][api]")
{
    api_app a;
    REQUIRE(a.create(a.acme()).status == 201);
    auto again = a.create(a.acme());
    CHECK(again.status == 409);
    CHECK(error_of(again).second == "id");
    auto file = a.create(a.acme("okta"));
    CHECK(file.status == 409);
    CHECK_THAT(error_of(file).first, Catch::Contains("declared in"));
    CHECK(a.app.audit("connection.created").size() == 1);
}

TEST_CASE("GET /admin/v1/connections/{id} shows a connection and 404s an unknown one", "[gateway][connections][api]")
{
    api_app a;
    auto okta = a.call(http_method::get, "/admin/v1/connections/okta");
    REQUIRE(okta.status == 200);
    auto o = body_of(okta);
    CHECK(o.at("owner") == "file");
    CHECK(o.at("name") == "Okta");
    CHECK(o.contains("idp_metadata"));
    auto missing = a.call(http_method::get, "/admin/v1/connections/nope");
    CHECK(missing.status == 404);
    CHECK(error_of(missing).first == "no connection \"nope\"");
}

TEST_CASE("PATCH /admin/v1/connections/{id} changes settings and records before and after",
          "[gateway][connections][api]")
{
    api_app a;
    REQUIRE(a.create(a.acme()).status == 201);
    auto res = a.call(http_method::patch, "/admin/v1/connections/acme",
                      R"({"name":"Acme Corp","jit":{"update":"never"},"clock_skew":null})");
    REQUIRE(res.status == 200);
    auto view = body_of(res);
    CHECK(view.at("name") == "Acme Corp");
    CHECK(view.at("jit").at("update") == "never");
    auto changed = a.app.audit("connection.changed");
    REQUIRE(changed.size() == 1);
    auto c = json::parse(changed[0].changes_json).as_object();
    CHECK(c.at("before") == json::object{{"name", "Acme"}, {"jit.update", "each_login"}});
    CHECK(c.at("after") == json::object{{"name", "Acme Corp"}, {"jit.update", "never"}});

    // The same patch again changes nothing and records nothing.
    REQUIRE(a.call(http_method::patch, "/admin/v1/connections/acme", R"({"name":"Acme Corp"})").status == 200);
    CHECK(a.app.audit("connection.changed").size() == 1);

    auto bad = a.call(http_method::patch, "/admin/v1/connections/acme", R"({"jit":{"groups":"all"}})");
    CHECK(bad.status == 400);
    CHECK(error_of(bad).second == "jit.groups");
    CHECK(a.call(http_method::patch, "/admin/v1/connections/acme", R"({"id":"other"})").status == 400);
    CHECK(a.call(http_method::patch, "/admin/v1/connections/acme", "[1]").status == 400);
    CHECK(a.call(http_method::patch, "/admin/v1/connections/nope", R"({"name":"x"})").status == 404);
}

TEST_CASE("the API refuses to change or delete a connection of the configuration file, naming the file",
          "[gateway][connections][api]")
{
    api_app a;
    a.app.cfg.source_file = "/etc/ssogate/ssogate.toml";
    gateway::sync_file_connections(a.app.cfg, *a.app.store, *a.app.now);

    auto toggle = a.call(http_method::patch, "/admin/v1/connections/okta", R"({"jit":{"enabled":false}})");
    CHECK(toggle.status == 409);
    CHECK_THAT(error_of(toggle).first, Catch::Contains("connection \"okta\" is declared in /etc/ssogate/ssogate.toml")
                                           && Catch::Contains("ssogate reload"));
    CHECK(a.call(http_method::put, "/admin/v1/connections/okta/jit", R"({"enabled":false})").status == 409);
    CHECK(a.call(http_method::patch, "/admin/v1/connections/okta", R"({"name":"x"})").status == 409);
    auto del = a.call(http_method::delete_, "/admin/v1/connections/okta");
    CHECK(del.status == 409);
    CHECK_THAT(error_of(del).first, Catch::Contains("/etc/ssogate/ssogate.toml"));
    auto began = a.app.store->begin(store::access::read);
    CHECK((*began)->connections().find("okta").value()->jit_enabled);
    CHECK(a.app.audit("connection.jit.disabled").empty());
}

TEST_CASE("file_owned_message names the line of jit.enabled, or of the connection", "[gateway][connections]")
{
    store::connection_record row;
    row.id = "okta";
    row.source_file = "/etc/ssogate.toml";
    gateway::connection_config c;
    c.declared_at.line = 7;
    CHECK_THAT(gateway::file_owned_message(row, &c, "jit.enabled"),
               Catch::Contains("/etc/ssogate.toml (the [[connection]] at line 7; add enabled under its "
                               "[connection.jit])"));
    c.jit_enabled_line = 12;
    CHECK_THAT(gateway::file_owned_message(row, &c, "jit.enabled"),
               Catch::Contains("/etc/ssogate.toml (jit.enabled at line 12)"));
    CHECK_THAT(gateway::file_owned_message(row, &c, ""), Catch::Contains("(the [[connection]] at line 7)"));
}

TEST_CASE("JIT switched off through the API refuses new users, keeps existing ones, and on again creates",
          "[gateway][connections][api][jit]")
{
    api_app a;
    REQUIRE(a.create(a.acme()).status == 201);
    auto sign_in = [&](std::string const& email, std::string const& assertion_id) {
        browser b;
        auto relay = a.app.start_login(b, "acme");
        idp_response r;
        r.connection = "acme";
        r.in_response_to = relay;
        r.name_id = r.email = email;
        r.assertion_id = assertion_id;
        return a.app.post_acs(b, r, relay);
    };
    REQUIRE(sign_in("old@acme.test", "_a1").status == 303);

    auto off = a.call(http_method::patch, "/admin/v1/connections/acme", R"({"jit":{"enabled":false}})");
    REQUIRE(off.status == 200);
    CHECK(body_of(off).at("jit").at("enabled") == false);
    auto disabled = a.app.audit("connection.jit.disabled");
    REQUIRE(disabled.size() == 1);
    CHECK(disabled[0].actor_type == "admin");
    CHECK(json::parse(disabled[0].changes_json)
          == json::parse(R"({"before":{"jit.enabled":true},"after":{"jit.enabled":false}})"));
    CHECK(a.app.audit("connection.changed").empty());

    auto refused = sign_in("new@acme.test", "_a2");
    CHECK(refused.status == 403);
    CHECK_THAT(refused.body, Catch::Contains("automatic provisioning is off"));
    auto denied = a.app.audit("sso.login.denied");
    REQUIRE(denied.size() == 1);
    CHECK(denied[0].result_reason == "jit_disabled");
    CHECK(denied[0].target == "new@acme.test");

    CHECK(sign_in("old@acme.test", "_a3").status == 303);

    auto on = a.call(http_method::put, "/admin/v1/connections/acme/jit", R"({"enabled":true})");
    REQUIRE(on.status == 200);
    CHECK(a.app.audit("connection.jit.enabled").size() == 1);
    CHECK(sign_in("new@acme.test", "_a4").status == 303);
    CHECK(a.app.audit("jit.user.created").size() == 2);

    CHECK(a.call(http_method::put, "/admin/v1/connections/acme/jit", R"({"enabled":"no"})").status == 400);
}

TEST_CASE("DELETE /admin/v1/connections/{id} deletes an unused connection and refuses one with users",
          "[gateway][connections][api]")
{
    api_app a;
    REQUIRE(a.create(a.acme()).status == 201);
    REQUIRE(a.create(a.acme("spare")).status == 201);
    browser b;
    auto relay = a.app.start_login(b, "acme");
    idp_response r;
    r.connection = "acme";
    r.in_response_to = relay;
    r.name_id = r.email = "bob@acme.test";
    REQUIRE(a.app.post_acs(b, r, relay).status == 303);

    auto in_use = a.call(http_method::delete_, "/admin/v1/connections/acme");
    CHECK(in_use.status == 409);
    CHECK_THAT(error_of(in_use).first, Catch::Contains("users still have identities"));

    auto gone = a.call(http_method::delete_, "/admin/v1/connections/spare");
    CHECK(gone.status == 204);
    auto deleted = a.app.audit("connection.deleted");
    REQUIRE(deleted.size() == 1);
    CHECK(deleted[0].target == "spare");
    CHECK(a.call(http_method::get, "/admin/v1/connections/spare").status == 404);
    CHECK(a.call(http_method::delete_, "/admin/v1/connections/spare").status == 404);
    browser c;
    CHECK(a.app.get(c, "/sso/login/spare").status == 404);
}

TEST_CASE("a connection changed in the store by another writer is obeyed by the next lookup",
          "[gateway][connections]")
{
    api_app a;
    REQUIRE(a.create(a.acme()).status == 201);
    auto before = a.app.connections.find("acme");
    REQUIRE(before);
    CHECK(before->policy.update == jit::update_mode::each_login);

    // Another process (the CLI) writes the row directly through its own store handle.
    auto other = store::open_sqlite(a.app.dir / "ssogate.db");
    REQUIRE(other.has_value());
    gateway::connection_admin_context ctx{**other, a.app.connections, {"cli", "ops", {}, {}}, a.app.ctx.random,
                                          *a.app.now};
    REQUIRE(std::holds_alternative<gateway::connection_change>(
        gateway::change_connection(ctx, "acme", json::parse(R"({"jit":{"update":"never"}})"))));

    auto after = a.app.connections.find("acme");
    REQUIRE(after);
    CHECK(after->policy.update == jit::update_mode::never);
    // The one found before stays valid and unchanged for the request that holds it.
    CHECK(before->policy.update == jit::update_mode::each_login);

    // Unknown ids are looked up in the store; deleted ones disappear.
    gateway::connection_admin_context ctx2{**other, a.app.connections, {"cli", "ops", {}, {}}, a.app.ctx.random,
                                           *a.app.now};
    auto body = a.acme("late");
    REQUIRE(std::holds_alternative<gateway::connection_change>(gateway::create_connection(ctx2, body)));
    CHECK(a.app.connections.find("late"));
    REQUIRE(std::holds_alternative<gateway::connection_view>(gateway::delete_connection(ctx2, "late")));
    CHECK_FALSE(a.app.connections.find("late"));
    CHECK_FALSE(a.app.connections.find("never-existed"));
}

TEST_CASE("is_current tells a sign-in that its store connection changed after the lookup",
          "[gateway][connections][reject]")
{
    api_app a;
    REQUIRE(a.create(a.acme()).status == 201);
    auto conn = a.app.connections.find("acme");
    REQUIRE(conn);
    auto row = [&] {
        auto tx = a.app.store->begin(store::access::read);
        return *(*tx)->connections().find("acme").value();
    };
    CHECK(a.app.connections.is_current(*conn, row()));
    // The switch is not part of the settings: toggling it does not invalidate the lookup.
    REQUIRE(a.call(http_method::put, "/admin/v1/connections/acme/jit", R"({"enabled":false})").status == 200);
    CHECK(a.app.connections.is_current(*conn, row()));
    // A settings change does: the ACS then denies with connection_changed (sso.cpp).
    REQUIRE(a.call(http_method::patch, "/admin/v1/connections/acme", R"({"clock_skew":"1m"})").status == 200);
    CHECK_FALSE(a.app.connections.is_current(*conn, row()));
    // File connections follow the file, not the row.
    auto okta = a.app.connections.find("okta");
    REQUIRE(okta);
    CHECK(a.app.connections.is_current(*okta, row()));
}
