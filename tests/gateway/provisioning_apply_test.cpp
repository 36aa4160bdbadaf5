// gateway/provisioning (provisioning.hpp): the store side of a sign-in's JIT plan, used by
// the ACS and by `user explain` — read the planner's state, apply a plan, append its events.
#include <ssogate/gateway/provisioning.hpp>

#include <catch2/catch.hpp>

#include <ssogate/jit/planner.hpp>

#include "support/app_fixture.hpp"

#include <boost/json.hpp>

using namespace ssogate;
namespace json = boost::json;

namespace {

jit::identity alice()
{
    jit::identity id;
    id.connection_id = "okta";
    id.subject = {"alice@example.com", std::string(jit::nameid_format_email)};
    id.attributes = {{"email", {"alice@example.com"}}, {"role", {"editor"}}, {"displayName", {"Alice"}}};
    return id;
}

jit::connection_policy okta_policy()
{
    jit::connection_policy p;
    p.connection_id = "okta";
    return p;
}

void create_connection_row(store::store& db)
{
    auto began = db.begin(store::access::write);
    REQUIRE(began.has_value());
    REQUIRE((**began)
                .connections()
                .create({"okta", "Okta", store::connection_owner::store, "", true, "{}", test::test_now(),
                         test::test_now()})
                .has_value());
    REQUIRE((**began).commit().has_value());
}

} // namespace

TEST_CASE("apply_plan writes a created user with owned values and its last assertion; read_current_state reads it back",
          "[gateway][provisioning]")
{
    test::app_fixture app;
    create_connection_row(*app.store);
    auto const id = alice();
    auto const policy = okta_policy();
    auto keys = jit::lookup_keys_for(id, policy);
    REQUIRE(keys.has_value());

    std::string user_id;
    {
        auto began = app.store->begin(store::access::write);
        REQUIRE(began.has_value());
        auto& tx = **began;
        auto state = gateway::provisioning::read_current_state(tx, "okta", *keys);
        REQUIRE(state.has_value());
        CHECK_FALSE(state->user.has_value());
        auto plan = jit::plan(id, *state, policy, test::test_now());
        REQUIRE(plan.decision == jit::plan_decision::create);
        auto applied = gateway::provisioning::apply_plan(tx, plan, R"({"name_id":"alice@example.com"})", app.ctx.random);
        REQUIRE(applied.has_value());
        user_id = *applied;
        REQUIRE(gateway::provisioning::append_plan_events(tx, plan, user_id, {"192.0.2.7", "test-agent"}, "trace-1",
                                                          app.ctx.random)
                    .has_value());
        REQUIRE(tx.commit().has_value());
    }

    auto began = app.store->begin(store::access::read);
    REQUIRE(began.has_value());
    auto& tx = **began;
    auto state = gateway::provisioning::read_current_state(tx, "okta", *keys);
    REQUIRE(state.has_value());
    REQUIRE(state->user.has_value());
    CHECK(state->matched_by == jit::user_match::subject);
    CHECK(state->user->id == user_id);
    REQUIRE(state->user->email.has_value());
    CHECK(state->user->email->value == "alice@example.com");
    CHECK(state->user->email->owned_by == jit::owner::jit("okta"));
    REQUIRE(state->user->roles.size() == 1);
    CHECK(state->user->roles[0].role == "editor");

    auto ids = tx.users().identities(user_id);
    REQUIRE(ids.has_value());
    REQUIRE(ids->size() == 1);
    CHECK(ids->front().last_assertion_json == R"({"name_id":"alice@example.com"})");

    auto events = tx.audit().after(0, 10);
    REQUIRE(events.has_value());
    REQUIRE(events->size() == 1);
    auto const& ev = events->front().event;
    CHECK(ev.action == "jit.user.created");
    CHECK(ev.actor_id == "jit:okta");
    CHECK(ev.target == user_id);
    CHECK(ev.source_ip == "192.0.2.7");
    CHECK(ev.user_agent == "test-agent");
    CHECK(ev.trace_id == "trace-1");
    CHECK(json::parse(ev.changes_json).at("decision") == "create");
}

TEST_CASE("field_attribute and parse_owner map the planner's names to the store's", "[gateway][provisioning]")
{
    using gateway::provisioning::field_attribute;
    CHECK(field_attribute(jit::profile_field::email) == "email");
    CHECK(field_attribute(jit::profile_field::display_name) == "display_name");
    CHECK(gateway::provisioning::parse_owner("scim:okta") == jit::owner::scim("okta"));
    CHECK_FALSE(gateway::provisioning::parse_owner("SCIM:okta").has_value());
    CHECK(gateway::provisioning::random_hex(gateway::system_random(), 4).size() == 8);
}
