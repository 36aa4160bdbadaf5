// The audit events of the sign-in routes (gateway/src/admin/AUDIT.md): session.ended in
// each way a session ends, and JIT events with field-level before → after and owners.
#include <ssogate/gateway/audit.hpp>

#include <catch2/catch.hpp>

#include "support/sso_fixture.hpp"

#include <boost/json.hpp>

#include <string>

using namespace ssogate::test::sso;
using namespace std::chrono_literals;
namespace store = ssogate::store;
namespace json = boost::json;

namespace {

/// Signs alice in through /sso/login and the ACS; returns her user id.
std::string sign_in(sso_app& app, browser& b, std::string const& assertion_id = "_assertion-1")
{
    auto relay = app.start_login(b, "okta");
    idp_response r;
    r.in_response_to = relay;
    r.assertion_id = assertion_id;
    auto res = app.post_acs(b, r, relay);
    INFO(res.body);
    REQUIRE(res.status == 303);
    auto me = app.get(b, "/me");
    REQUIRE(me.status == 200);
    return std::string(json::parse(me.body).at("user_id").as_string());
}

std::string csrf_of(std::string const& page)
{
    auto pos = page.find("name=\"csrf\" value=\"");
    REQUIRE(pos != std::string::npos);
    pos += 19;
    return page.substr(pos, page.find('"', pos) - pos);
}

/// The one session.ended event, checked for the fields every reason shares.
store::audit_event the_session_end(sso_app& app, std::string const& user_id)
{
    auto ended = app.audit("session.ended");
    REQUIRE(ended.size() == 1);
    auto const& e = ended[0];
    CHECK(e.target == user_id);
    CHECK(e.connection_id == "okta");
    CHECK(e.result_status == "success");
    CHECK_FALSE(e.trace_id.empty());
    auto const changes = json::parse(e.changes_json).as_object();
    CHECK(changes.at("session").as_string().size() == 64);
    for (auto const* key : {"created_at", "expires_at", "last_seen_at"})
        CHECK(changes.contains(key));
    return e;
}

} // namespace

TEST_CASE("signing out writes sso.logout and session.ended with reason logout in one trace", "[gateway][audit][events]")
{
    sso_app app;
    browser b;
    auto const user_id = sign_in(app, b);
    auto home = app.get(b, "/");
    REQUIRE(app.post(b, "/logout", "csrf=" + csrf_of(home.body), std::string(public_url)).status == 303);

    auto const e = the_session_end(app, user_id);
    CHECK(e.result_reason == "logout");
    CHECK(e.actor_type == "user");
    CHECK(e.actor_id == user_id);
    auto logout = app.audit("sso.logout");
    REQUIRE(logout.size() == 1);
    CHECK(logout[0].trace_id == e.trace_id);
}

TEST_CASE("a session found idle on use is ended with session.ended reason idle_timeout, once",
          "[gateway][audit][events]")
{
    sso_app app;
    browser b;
    auto const user_id = sign_in(app, b);
    app.advance(std::chrono::minutes(61)); // session.idle_timeout is 1h
    CHECK(app.get(b, "/auth/check").status == 401);
    auto const e = the_session_end(app, user_id);
    CHECK(e.result_reason == "idle_timeout");
    CHECK(e.actor_type == "system");
    // The session is gone: using the cookie again writes nothing more.
    CHECK(app.get(b, "/me").status == 401);
    CHECK(app.audit("session.ended").size() == 1);
}

TEST_CASE("a session used past its lifetime is ended with session.ended reason expired", "[gateway][audit][events]")
{
    sso_app app;
    browser b;
    auto const user_id = sign_in(app, b);
    for (int i = 0; i < 9; ++i) { // 7h30m of activity: live (lifetime 8h)
        app.advance(std::chrono::minutes(50));
        REQUIRE(app.get(b, "/auth/check").status == 200);
    }
    app.advance(std::chrono::minutes(50)); // 8h20m
    CHECK(app.get(b, "/auth/check").status == 401);
    CHECK(the_session_end(app, user_id).result_reason == "expired");
}

TEST_CASE("a session whose user was deactivated is ended with session.ended reason user_deactivated",
          "[gateway][audit][events]")
{
    sso_app app;
    browser b;
    auto const user_id = sign_in(app, b);
    {
        auto tx = app.store->begin(store::access::write);
        REQUIRE(tx.has_value());
        REQUIRE((*tx)->users().set_active(user_id, false, *app.now).value());
        REQUIRE((*tx)->commit().has_value());
    }
    CHECK(app.get(b, "/auth/check").status == 401);
    CHECK(the_session_end(app, user_id).result_reason == "user_deactivated");
}

TEST_CASE("jit.user.created records each field's value and owner, and the roles with their owner",
          "[gateway][audit][events]")
{
    sso_app app;
    browser b;
    auto const user_id = sign_in(app, b);
    auto created = app.audit("jit.user.created");
    REQUIRE(created.size() == 1);
    CHECK(created[0].target == user_id);
    CHECK(created[0].connection_id == "okta");
    CHECK(created[0].actor_type == "system");
    auto const plan = json::parse(created[0].changes_json).as_object();
    bool saw_email = false;
    for (auto const& c : plan.at("profile_changes").as_array()) {
        CHECK(c.as_object().contains("before"));
        CHECK(c.at("owner_before").is_null()); // a new user: nothing before
        CHECK(json::serialize(c.at("owner_after")).find("jit:okta") != std::string::npos);
        if (c.at("field").as_string() == "email") {
            saw_email = true;
            CHECK(c.at("after").as_string() == "alice@example.com");
        }
    }
    CHECK(saw_email);
    auto const& roles = plan.at("roles_added").as_array();
    REQUIRE(roles.size() == 1);
    CHECK(roles[0].at("role").as_string() == "editor");
    CHECK(json::serialize(roles[0].at("owner")).find("jit:okta") != std::string::npos);
}

TEST_CASE("session_ended_event carries the session's user, connection, reason and times",
          "[gateway][audit][events]")
{
    store::session_record s;
    s.id_hash = std::string(64, 'a');
    s.user_id = "u1";
    s.connection_id = "okta";
    s.created_at = std::chrono::system_clock::time_point(std::chrono::seconds(1714564800));
    s.expires_at = s.created_at + 8h;
    s.last_seen_at = s.created_at + 1h;
    auto const e = ssogate::gateway::session_ended_event(
        s, ssogate::gateway::session_end_reason::user_deactivated, {"scim", "scim:okta", "192.0.2.1", "okta", "t1"},
        "ev1", s.created_at + 2h);
    CHECK(e.id == "ev1");
    CHECK(e.action == "session.ended");
    CHECK(e.actor_type == "scim");
    CHECK(e.actor_id == "scim:okta");
    CHECK(e.target == "u1");
    CHECK(e.connection_id == "okta");
    CHECK(e.source_ip == "192.0.2.1");
    CHECK(e.result_reason == "user_deactivated");
    CHECK(e.trace_id == "t1");
    CHECK(json::parse(e.changes_json) == json::parse(R"({"session":")" + s.id_hash +
                                                     R"(","created_at":"2024-05-01T12:00:00.000000Z",)"
                                                     R"("expires_at":"2024-05-01T20:00:00.000000Z",)"
                                                     R"("last_seen_at":"2024-05-01T13:00:00.000000Z"})"));
}
