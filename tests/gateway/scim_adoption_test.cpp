// Issue 7 seed scenarios (2) and (3): a user JIT created before SCIM was enabled, then a
// SCIM POST of its userName — adopted with scim.adopt_existing, else 409 with the hint.
#include <ssogate/gateway/scim.hpp>

#include "scim_test_fixture.hpp"

using namespace ssogate;
using namespace ssogate::test::scim;

namespace {

std::string const okta_create_alice = R"({
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
  "userName": "alice@example.com",
  "name": {"givenName": "Alice", "familyName": "Liddell"},
  "emails": [{"primary": true, "value": "alice@example.com", "type": "work"}],
  "displayName": "Alice Liddell",
  "externalId": "00u1alice",
  "groups": [],
  "password": "ignored-secret",
  "active": true
})";

/// What JIT writes on a first sign-in through okta: user, identity, profile, role, team.
void jit_created_alice(scim_server& s)
{
    auto tx = s.app.store->begin(store::access::write);
    REQUIRE(tx.has_value());
    auto& t = **tx;
    auto const at = test::test_now() - std::chrono::hours(24);
    REQUIRE(t.users().create({"alice-id", "jit:okta", true, at}).has_value());
    REQUIRE(t.users().add_identity({"okta", "alice-nameid", "alice-id", at, at, ""}).has_value());
    REQUIRE(t.users().set_attribute("alice-id", {"email", "alice@example.com", "jit:okta", at, std::nullopt}).has_value());
    REQUIRE(t.users().set_attribute("alice-id", {"given_name", "Al", "jit:okta", at, std::nullopt}).has_value());
    REQUIRE(t.users().grant_role("alice-id", {"member", "jit:okta", at, std::nullopt}).has_value());
    REQUIRE(t.teams().create({"team-eng", "Engineering", "jit:okta", at, at}).has_value());
    REQUIRE(t.teams().add_member({"alice-id", "team-eng", "jit:okta", at, std::nullopt}).has_value());
    REQUIRE(t.commit().has_value());
}

} // namespace

TEST_CASE("scenario 2: with adopt_existing a SCIM POST adopts the JIT user, keeping id and memberships",
          "[gateway][scim][adopt]")
{
    scim_server s(true);
    jit_created_alice(s);

    auto r = s.okta_call("POST", "/Users", okta_create_alice);
    INFO(r.raw.body);
    REQUIRE(r.status() == 201);
    CHECK(r.str("id") == "alice-id");
    CHECK(r.str("userName") == "alice@example.com");

    auto tx = s.app.store->begin(store::access::read);
    auto& t = **tx;
    // Same user, same identity, memberships kept (still JIT's: SCIM did not send groups).
    auto user = t.users().find("alice-id");
    REQUIRE(user->has_value());
    CHECK((*user)->created_by == "jit:okta");
    CHECK(t.users().identities("alice-id")->size() == 1);
    auto ms = t.teams().memberships_of("alice-id");
    REQUIRE(ms->size() == 1);
    CHECK((*ms)[0].owner == "jit:okta");
    // The fields SCIM sent are SCIM's now, with SCIM's values.
    for (auto const& a : *t.users().attributes("alice-id")) {
        INFO(a.name);
        CHECK(a.owner == "scim:okta");
        if (a.name == "given_name")
            CHECK(a.value == "Alice");
    }
    // The JIT role was not sent by SCIM: it stays.
    CHECK(t.users().roles("alice-id")->at(0).owner == "jit:okta");

    auto ev = s.events("scim.user.adopted");
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].event.target == "alice-id");
    auto const changes = json::parse(ev[0].event.changes_json).as_object();
    CHECK(changes.at("before").at("created_by").as_string() == "jit:okta");
    CHECK(changes.at("after").at("id").as_string() == "alice-id");
    bool given_name_moved = false;
    for (auto const& c : changes.at("owners").as_array())
        if (c.at("name").as_string() == "given_name") {
            given_name_moved = true;
            CHECK(c.at("owner_before").as_string() == "jit:okta");
            CHECK(c.at("owner_after").as_string() == "scim:okta");
            CHECK(c.at("value_before").as_string() == "Al");
        }
    CHECK(given_name_moved);

    // From now on the user is in the SCIM view and a second POST is a plain conflict.
    auto found = s.okta_call("GET", "/Users?filter=userName%20eq%20%22alice%40example.com%22");
    CHECK(found.object().at("totalResults").as_int64() == 1);
    check_error(s.okta_call("POST", "/Users", okta_create_alice), 409, "uniqueness");
}

TEST_CASE("scenario 3: without adopt_existing the SCIM POST is 409 uniqueness with the adoption hint",
          "[gateway][scim][adopt][reject]")
{
    scim_server s(false);
    jit_created_alice(s);

    auto r = s.okta_call("POST", "/Users", okta_create_alice);
    check_error(r, 409, "uniqueness");
    auto const detail = r.str("detail");
    CHECK(detail.find("scim.adopt_existing = true") != std::string::npos);
    CHECK(detail.find("ssogate user adopt alice@example.com --connection okta") != std::string::npos);
    CHECK(detail.find("jit:okta") != std::string::npos);

    // Nothing changed.
    auto tx = s.app.store->begin(store::access::read);
    CHECK(*(*tx)->scim().count_users("okta") == 0);
    for (auto const& a : *(*tx)->users().attributes("alice-id"))
        CHECK(a.owner == "jit:okta");
    CHECK(s.events("scim.user.adopted").empty());
}
