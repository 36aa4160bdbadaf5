// The scenario table of issue 5 ("Tests"): each row is one sign-in, and states the
// whole expected plan — decision, row changes, conflict/skip records, the audit events
// the plan implies (`audit_actions`) and, for a denial, what its audit detail names.
#include <ssogate/jit/planner.hpp>

#include "support/plan_summary.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>

namespace ssogate::jit {
namespace {

using namespace ssogate::jit::test;

struct scenario {
    std::string name;
    connection_policy policy;
    identity id;
    current_state state;
    std::string outcome;
    std::vector<std::string> changes;
    std::vector<std::string> records;
    /// `audit_actions(plan)`, in order.
    std::vector<std::string> events;
    /// Substrings the denial's audit detail must contain (both identities, the email).
    std::vector<std::string> detail_has = {};
};

connection_policy okta_with(std::function<void(connection_policy&)> const& edit)
{
    auto p = okta_policy();
    edit(p);
    return p;
}

std::vector<assertion_attribute> profile_and(std::vector<assertion_attribute> extra)
{
    auto attributes = alice_profile();
    attributes.insert(attributes.end(), extra.begin(), extra.end());
    return attributes;
}

/// Alice as stored, with her IdP later sending Alicia, role Editor and a new display name.
identity alice_changed()
{
    return alice({attr("email", {"alice@acme.com"}), attr("firstName", {"Alicia"}), attr("lastName", {"Liddell"}),
                  attr("displayName", {"Alicia L."}), attr("role", {"Editor"})});
}

/// A user created elsewhere who holds alice@acme.com.
email_holder entra_alice()
{
    email_holder h;
    h.user.id = "u-9";
    h.user.email = stored("alice@acme.com", "jit:entra");
    h.user.given_name = stored("Ally", "jit:entra");
    h.user.roles = {grant("member", "jit:entra")};
    h.identities = {{"entra", "5f1c-object-id"}};
    h.created_by = owner::jit("entra");
    return h;
}

current_state new_user_with_holder()
{
    auto s = with_teams();
    s.holder_of_email = entra_alice();
    return s;
}

std::vector<scenario> scenarios()
{
    return {
        {"first sign-in creates the user with JIT-owned values, default role and mapped teams",
         okta_policy(),
         alice(profile_and({attr("groups", {"eng-all", "acme:Research"})})),
         with_teams(),
         "create",
         {"set email - -> \"alice@acme.com\" (jit:okta)", "set given_name - -> \"Alice\" (jit:okta)",
          "set family_name - -> \"Liddell\" (jit:okta)", "create team Research", "+role member (jit:okta)",
          "+team Engineering (jit:okta)", "+team Research (jit:okta)"},
         {}, {"jit.user.created"}},

        {"a second sign-in under each_login writes the changed attributes and the new role",
         okta_policy(), alice_changed(), with_teams(stored_alice()), "update",
         {"set given_name \"Alice\" (jit:okta) -> \"Alicia\" (jit:okta)",
          "set display_name - -> \"Alicia L.\" (jit:okta)", "+role editor (jit:okta)", "-role member (jit:okta)"},
         {}, {"jit.user.updated"}},

        {"a second sign-in under on_create only fills values the user does not have yet",
         okta_with([](auto& p) { p.update = update_mode::on_create; }), alice_changed(),
         with_teams(stored_alice()), "update", {"set display_name - -> \"Alicia L.\" (jit:okta)"}, {},
         {"jit.user.updated"}},

        {"a second sign-in under never writes nothing",
         okta_with([](auto& p) { p.update = update_mode::never; }), alice_changed(), with_teams(stored_alice()),
         "no_change", {}, {}, {}},

        {"a role mapping on_create keeps the role while the profile follows each_login",
         okta_with([](auto& p) { p.overrides.role = update_mode::on_create; }), alice_changed(),
         with_teams(stored_alice()), "update",
         {"set given_name \"Alice\" (jit:okta) -> \"Alicia\" (jit:okta)",
          "set display_name - -> \"Alicia L.\" (jit:okta)"},
         {}, {"jit.user.updated"}},

        {"JIT disabled refuses a new user with jit_disabled",
         okta_with([](auto& p) { p.jit_enabled = false; }), alice(alice_profile()), with_teams(), "deny jit_disabled",
         {}, {}, {"sso.login.denied"}, {R"("alice@acme.com")", R"(okta subject "00u1")"}},

        {"JIT disabled lets an existing user sign in and writes nothing",
         okta_with([](auto& p) { p.jit_enabled = false; }), alice_changed(), with_teams(stored_alice()), "no_change",
         {}, {}, {}},

        {"a SCIM-owned role that differs from the assertion is a conflict and nothing is written",
         okta_policy(), alice(profile_and({attr("role", {"member"})})),
         with_teams([] {
             auto u = stored_alice();
             u.roles = {grant("editor", "scim:okta")};
             return u;
         }()),
         "no_change", {}, {"conflict role role: assertion \"member\", stored \"editor\" (scim:okta)"},
         {"provision.conflict"}},

        {"a SCIM-owned name that differs from the assertion is a conflict and nothing is written",
         okta_policy(), alice(alice_profile()),
         with_teams([] {
             auto u = stored_alice();
             u.given_name = stored("Ally", "scim:okta");
             return u;
         }()),
         "no_change", {}, {"conflict profile given_name: assertion \"Alice\", stored \"Ally\" (scim:okta)"},
         {"provision.conflict"}},

        {"an admin-granted team is kept under sync and the refusal is recorded",
         okta_with([](auto& p) { p.groups = group_mode::sync; }), alice(profile_and({attr("groups", {"eng-all"})})),
         with_teams([] {
             auto u = stored_alice();
             u.teams.push_back(member("Board", "admin"));
             return u;
         }()),
         "no_change", {}, {"conflict team Board: assertion \"\", stored \"Board\" (admin)"}, {"provision.conflict"}},

        {"a group removed at the IdP under merge removes no membership",
         okta_policy(), alice(profile_and({attr("groups", {"eng-all"})})),
         with_teams([] {
             auto u = stored_alice();
             u.teams.push_back(member("Payments", "jit:okta"));
             return u;
         }()),
         "no_change", {}, {}, {}},

        {"a group removed at the IdP under sync removes the JIT-owned membership",
         okta_with([](auto& p) { p.groups = group_mode::sync; }), alice(profile_and({attr("groups", {"eng-all"})})),
         with_teams([] {
             auto u = stored_alice();
             u.teams.push_back(member("Payments", "jit:okta"));
             return u;
         }()),
         "update", {"-team Payments (jit:okta)"}, {}, {"jit.user.updated"}},

        {"sync never removes a membership that another connection's JIT owns",
         okta_with([](auto& p) { p.groups = group_mode::sync; }), alice(profile_and({attr("groups", {"eng-all"})})),
         with_teams([] {
             auto u = stored_alice();
             u.teams.push_back(member("Payments", "jit:entra"));
             return u;
         }()),
         "no_change", {}, {"conflict team Payments: assertion \"\", stored \"Payments\" (jit:entra)"},
         {"provision.conflict"}},

        {"an absent groups attribute changes no membership, even under sync",
         okta_with([](auto& p) { p.groups = group_mode::sync; }), alice(alice_profile()),
         with_teams([] {
             auto u = stored_alice();
             u.teams.push_back(member("Payments", "jit:okta"));
             return u;
         }()),
         "no_change", {}, {}, {}},

        {"an explicitly empty groups attribute under sync removes this connection's memberships only",
         okta_with([](auto& p) { p.groups = group_mode::sync; }), alice(profile_and({attr("groups", {})})),
         with_teams([] {
             auto u = stored_alice();
             u.teams.push_back(member("Board", "admin"));
             return u;
         }()),
         "update", {"-team Engineering (jit:okta)"},
         {"conflict team Board: assertion \"\", stored \"Board\" (admin)"}, {"jit.user.updated", "provision.conflict"}},

        {"an explicitly empty groups attribute under merge removes nothing",
         okta_policy(), alice(profile_and({attr("groups", {})})), with_teams(stored_alice()), "no_change", {}, {}, {}},

        {"one malformed group among valid ones is skipped and the others still apply",
         okta_policy(),
         alice(profile_and({attr("groups", {"eng-all", "", "acme:Pay\x01ments", "acme:", "acme:a:b", " acme:Ops",
                                            "acme:Payments", "other:Sales", std::string(300, 'g')})})),
         with_teams([] {
             auto u = stored_alice();
             u.teams.clear();
             return u;
         }()),
         "update", {"+team Engineering (jit:okta)", "+team Payments (jit:okta)"},
         {"skipped group \"\" empty", "skipped group \"acme:Pay\x01ments\" control_characters",
          "skipped group \" acme:Ops\" surrounding_space", "skipped group \"" + std::string(300, 'g') + "\" too_long",
          "skipped group \"acme:\" bad_team_shape", "skipped group \"acme:a:b\" bad_team_shape"},
         {"jit.user.updated", "provision.skipped", "provision.skipped", "provision.skipped", "provision.skipped",
          "provision.skipped", "provision.skipped"}},

        {"an email change at the IdP updates the email of the same user",
         okta_policy(),
         alice({attr("email", {"alice.liddell@acme.com"}), attr("firstName", {"Alice"}), attr("lastName",
         {"Liddell"})}),
         with_teams(stored_alice()), "update",
         {"set email \"alice@acme.com\" (jit:okta) -> \"alice.liddell@acme.com\" (jit:okta)"}, {},
         {"jit.user.updated"}},

        {"an email that differs only in case is not a change",
         okta_policy(),
         alice({attr("email", {"Alice@ACME.com"}), attr("firstName", {"Alice"}), attr("lastName", {"Liddell"})}),
         with_teams(stored_alice()), "no_change", {}, {}, {}},

        {"the same email from a second connection is refused under link deny",
         okta_policy(), alice(alice_profile()), new_user_with_holder(), "deny link_denied", {}, {},
         {"sso.login.denied"},
         {R"(okta subject "00u1")", R"(entra subject "5f1c-object-id")", R"("alice@acme.com")",
          R"(link policy is deny)"}},

        {"the same email from a second connection links under verified_domain when the domain is verified",
         okta_with([](auto& p) { p.link = link_policy::verified_domain; }), alice(alice_profile()),
         new_user_with_holder(), "update",
         {"link verified_domain u-9", "set family_name - -> \"Liddell\" (jit:okta)"},
         {"conflict profile given_name: assertion \"Alice\", stored \"Ally\" (jit:entra)"},
         {"jit.user.linked", "jit.user.updated", "provision.conflict"}},

        {"the same email from a second connection is refused under verified_domain when the domain is not verified",
         okta_with([](auto& p) {
             p.link = link_policy::verified_domain;
             p.verified_domains = {"acme.org", "sub.acme.com"};
         }),
         alice(alice_profile()), new_user_with_holder(), "deny link_denied", {}, {}, {"sso.login.denied"},
         {R"(okta subject "00u1")", R"(entra subject "5f1c-object-id")", R"(not a verified domain)"}},

        {"the same email from a second connection is queued under admin_approval",
         okta_with([](auto& p) { p.link = link_policy::admin_approval; }), alice(alice_profile()),
         new_user_with_holder(), "deny link_pending_approval", {"link approval_requested u-9"}, {},
         {"sso.login.denied"},
         {R"(okta subject "00u1")", R"(entra subject "5f1c-object-id")", R"(administrator's approval)"}},

        {"a role from a group rule outranks a role from the role attribute",
         okta_policy(), alice(profile_and({attr("role", {"Editor"}), attr("groups", {"acme:Admins"})})),
         with_teams(stored_alice()), "update",
         {"create team Admins", "+role owner (jit:okta)", "-role member (jit:okta)", "+team Admins (jit:okta)"}, {},
         {"jit.user.updated"}},

        {"a role from the role attribute outranks a role from a group rule",
         okta_with([](auto& p) { p.group_roles = {{"eng-all", "editor"}}; }),
         alice(profile_and({attr("role", {"owner", "Viewer"}), attr("groups", {"eng-all"})})),
         with_teams(stored_alice()), "update", {"+role owner (jit:okta)", "-role member (jit:okta)"},
         {"skipped role_value \"Viewer\" role_unknown"}, {"jit.user.updated", "provision.skipped"}},
    };
}

TEST_CASE("plan produces the expected changes and records for every scenario of issue 5", "[jit][plan][scenario]")
{
    for (auto const& s : scenarios()) {
        DYNAMIC_SECTION(s.name)
        {
            auto const p = plan(s.id, s.state, s.policy, now);
            CHECK(outcome(p) == s.outcome);
            CHECK(changes(p) == s.changes);
            CHECK(records(p) == s.records);
            auto const actions = audit_actions(p);
            CHECK(std::vector<std::string>(actions.begin(), actions.end()) == s.events);
            // The gateway loads only the teams lookup_keys_for names: the plan is the same.
            if (auto const keys = lookup_keys_for(s.id, s.policy)) {
                auto narrowed = s.state;
                std::erase_if(narrowed.existing_teams, [&](std::string const& t) {
                    return std::find(keys->teams.begin(), keys->teams.end(), t) == keys->teams.end();
                });
                auto const q = plan(s.id, narrowed, s.policy, now);
                CHECK(changes(q) == changes(p));
                CHECK(records(q) == records(p));
                CHECK(outcome(q) == outcome(p));
            }
            for (auto const& text : s.detail_has) {
                REQUIRE(p.denied.has_value());
                CHECK_THAT(p.denied->detail, Catch::Contains(text));
            }
            CHECK(p.at == now);
        }
    }
}

} // namespace
} // namespace ssogate::jit
