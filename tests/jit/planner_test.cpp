// jit::plan and jit::lookup_keys_for, rule by rule (the issue-5 scenario table is in
// planner_scenarios_test.cpp).
#include <ssogate/jit/planner.hpp>

#include "support/plan_summary.hpp"

#include <catch2/catch.hpp>

namespace ssogate::jit {
namespace {

using namespace ssogate::jit::test;
using lines = std::vector<std::string>;

identity with_nameid(std::string value, std::string_view format, std::vector<assertion_attribute> attributes = {})
{
    return {"okta", {std::move(value), std::string(format)}, std::move(attributes)};
}

// --- keys ---------------------------------------------------------------------------

TEST_CASE("lookup_keys_for keys on the NameID exactly as sent", "[jit][keys]")
{
    auto const keys = lookup_keys_for(with_nameid(" Alice@Acme.com ", nameid_format_unspecified), okta_policy());
    REQUIRE(keys.has_value());
    CHECK(keys->subject == " Alice@Acme.com ");
    CHECK(keys->subject_source == "NameID");
    CHECK_FALSE(keys->email); // surrounding spaces: not email-shaped
}

TEST_CASE("lookup_keys_for keys on a configured persistent attribute instead of the NameID", "[jit][keys]")
{
    auto policy = okta_policy();
    policy.attributes.subject = {"http://schemas.microsoft.com/identity/claims/objectidentifier"};
    auto id = alice(alice_profile());
    id.attributes.push_back(attr("http://schemas.microsoft.com/identity/claims/objectidentifier", {"5f1c"}));
    auto const keys = lookup_keys_for(id, policy);
    REQUIRE(keys.has_value());
    CHECK(keys->subject == "5f1c");
    CHECK(keys->email == "alice@acme.com");
}

TEST_CASE("lookup_keys_for refuses an absent, empty or multi-valued subject attribute", "[jit][keys]")
{
    auto policy = okta_policy();
    policy.attributes.subject = {"oid"};
    auto id = alice(alice_profile());
    CHECK(lookup_keys_for(id, policy).error() == errc::subject_missing);
    id.attributes.push_back(attr("oid", {"a", "b"}));
    CHECK(lookup_keys_for(id, policy).error() == errc::subject_missing);
    id.attributes.back().values = {""};
    CHECK(lookup_keys_for(id, policy).error() == errc::subject_missing);
}

TEST_CASE("lookup_keys_for names the teams the assertion maps to, so the gateway reads only those", "[jit][keys]")
{
    auto policy = okta_policy();
    policy.default_team = "Everyone";
    auto const keys
        = lookup_keys_for(alice(profile_and_groups({"eng-all", "acme:Research", "acme:", "other:Sales", "eng-all"})),
                          policy);
    REQUIRE(keys.has_value());
    CHECK(keys->teams == lines{"Engineering", "Research", "Everyone"});

    policy.groups = group_mode::off;
    CHECK(lookup_keys_for(alice(profile_and_groups({"eng-all"})), policy)->teams == lines{"Everyone"});
}

TEST_CASE("lookup_keys_for refuses an empty or transient NameID", "[jit][keys]")
{
    CHECK(lookup_keys_for(with_nameid("", nameid_format_persistent), okta_policy()).error() == errc::subject_missing);
    CHECK(lookup_keys_for(with_nameid("_a81f", nameid_format_transient), okta_policy()).error()
          == errc::subject_missing);
}

TEST_CASE("plan denies a transient NameID with subject_missing and says why", "[jit][plan][keys]")
{
    auto const p = plan(with_nameid("_a81f", nameid_format_transient, alice_profile()), with_teams(), okta_policy(), now);
    CHECK(outcome(p) == "deny subject_missing");
    CHECK_THAT(p.denied->detail, Catch::Contains("transient"));
}

// --- email ----------------------------------------------------------------------------

TEST_CASE("an email-format NameID is the email when no email attribute is sent", "[jit][email]")
{
    auto const p = plan(with_nameid("alice@acme.com", nameid_format_email), with_teams(), okta_policy(), now);
    CHECK(outcome(p) == "create");
    CHECK(p.email == "alice@acme.com");
}

TEST_CASE("an unspecified NameID that looks like an email is the email fallback", "[jit][email]")
{
    auto const p = plan(with_nameid("alice@acme.com", ""), with_teams(), okta_policy(), now);
    CHECK(p.email == "alice@acme.com");
}

TEST_CASE("a persistent NameID is never used as the email, even when it contains an at sign", "[jit][email]")
{
    auto const p = plan(with_nameid("alice@acme.com", nameid_format_persistent), with_teams(), okta_policy(), now);
    CHECK(outcome(p) == "deny email_missing");
}

TEST_CASE("an email attribute wins over the NameID and unusable values are skipped", "[jit][email]")
{
    auto const p = plan(with_nameid("nameid@acme.com", nameid_format_email,
                                    {attr("EMAIL", {"not-an-email", "alice@acme.com", "other@acme.com"})}),
                        with_teams(), okta_policy(), now);
    CHECK(p.email == "alice@acme.com");
    CHECK(records(p)
          == lines{"skipped profile_attribute \"not-an-email\" not_an_email",
                   "skipped profile_attribute \"other@acme.com\" extra_value"});
}

TEST_CASE("an email claim URI in another case is not the email claim", "[jit][email]")
{
    auto const p = plan(alice({attr("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/EmailAddress",
                                    {"alice@acme.com"})}),
                        with_teams(), okta_policy(), now);
    CHECK(outcome(p) == "deny email_missing");
}

TEST_CASE("an email change to an address another user holds is a conflict, not a write", "[jit][email]")
{
    auto state = with_teams(stored_alice());
    email_holder bob;
    bob.user.id = "u-2";
    bob.user.email = stored("shared@acme.com", "admin");
    state.holder_of_email = bob;
    auto const p = plan(alice({attr("email", {"shared@acme.com"})}), state, okta_policy(), now);
    CHECK(outcome(p) == "no_change");
    CHECK(changes(p).empty());
    CHECK(records(p) == lines{"conflict profile email: assertion \"shared@acme.com\", stored \"alice@acme.com\" (jit:okta)"});
    CHECK(p.email == "alice@acme.com");
}

// --- existing users --------------------------------------------------------------------

TEST_CASE("a deactivated user is denied with user_inactive", "[jit][plan]")
{
    auto u = stored_alice();
    u.active = false;
    auto const p = plan(alice(alice_profile()), with_teams(u), okta_policy(), now);
    CHECK(outcome(p) == "deny user_inactive");
    CHECK(p.user_id == "u-1");
    CHECK(changes(p).empty());
}

TEST_CASE("JIT replaces an unowned profile value but never clears one the assertion leaves out", "[jit][plan]")
{
    auto u = stored_alice();
    u.given_name = stored("Al", "");
    u.display_name = stored("Alice L.", "jit:okta");
    auto const p = plan(alice(alice_profile()), with_teams(u), okta_policy(), now);
    CHECK(changes(p) == lines{"set given_name \"Al\" (unowned) -> \"Alice\" (jit:okta)"});
}

TEST_CASE("another connection's JIT-owned value is someone else's", "[jit][plan]")
{
    auto u = stored_alice();
    u.family_name = stored("Liddel", "jit:entra");
    auto const p = plan(alice(alice_profile()), with_teams(u), okta_policy(), now);
    CHECK(changes(p).empty());
    CHECK(records(p) == lines{"conflict profile family_name: assertion \"Liddell\", stored \"Liddel\" (jit:entra)"});
}

TEST_CASE("an admin-granted role is never removed and blocks a different JIT role", "[jit][roles]")
{
    auto u = stored_alice();
    u.roles = {grant("member", "jit:okta"), grant("owner", "admin")};
    auto const p = plan(alice(profile_and_role("member")), with_teams(u), okta_policy(), now);
    CHECK(changes(p).empty());
    CHECK(records(p) == lines{"conflict role role: assertion \"member\", stored \"owner\" (admin)"});
}

TEST_CASE("an assertion role equal to the SCIM-owned role removes JIT's stale grant", "[jit][roles]")
{
    auto u = stored_alice();
    u.roles = {grant("member", "jit:okta"), grant("editor", "scim:okta")};
    auto const p = plan(alice(profile_and_role("editor")), with_teams(u), okta_policy(), now);
    CHECK(changes(p) == lines{"-role member (jit:okta)"});
    CHECK(records(p).empty());
}

TEST_CASE("without role input an existing user's role is kept, not reset to the default", "[jit][roles]")
{
    auto u = stored_alice();
    u.roles = {grant("editor", "jit:okta")};
    auto const p = plan(alice(alice_profile()), with_teams(u), okta_policy(), now);
    CHECK(changes(p).empty());
}

TEST_CASE("without role input a user who holds no role gets the default role", "[jit][roles]")
{
    auto u = stored_alice();
    u.roles.clear();
    auto const p = plan(alice(alice_profile()), with_teams(u), okta_policy(), now);
    CHECK(changes(p) == lines{"+role member (jit:okta)"});
}

TEST_CASE("a role attribute with only unknown values falls back to the default role", "[jit][roles]")
{
    auto u = stored_alice();
    u.roles = {grant("editor", "jit:okta")};
    auto const p = plan(alice(profile_and_role("Viewer")), with_teams(u), okta_policy(), now);
    CHECK(changes(p) == lines{"+role member (jit:okta)", "-role editor (jit:okta)"});
    CHECK(records(p) == lines{"skipped role_value \"Viewer\" role_unknown"});
}

TEST_CASE("a new user with no mapped role and no default role is denied with role_unmapped", "[jit][roles]")
{
    auto policy = okta_policy();
    policy.default_role.reset();
    auto const p = plan(alice(alice_profile()), with_teams(), policy, now);
    CHECK(outcome(p) == "deny role_unmapped");
}

TEST_CASE("an existing user who holds a role signs in when nothing maps and there is no default", "[jit][roles]")
{
    auto policy = okta_policy();
    policy.default_role.reset();
    auto const p = plan(alice(alice_profile()), with_teams(stored_alice()), policy, now);
    CHECK(outcome(p) == "no_change");
}

// --- teams ----------------------------------------------------------------------------

TEST_CASE("a mapped team that does not exist is skipped when team creation is off", "[jit][teams]")
{
    auto policy = okta_policy();
    policy.create_teams = false;
    auto const p = plan(alice(profile_and_groups({"eng-all", "acme:Research"})), with_teams(), policy, now);
    CHECK(outcome(p) == "create");
    CHECK(changes(p)
          == lines{"set email - -> \"alice@acme.com\" (jit:okta)", "set given_name - -> \"Alice\" (jit:okta)",
                   "set family_name - -> \"Liddell\" (jit:okta)", "+role member (jit:okta)",
                   "+team Engineering (jit:okta)"});
    CHECK(records(p) == lines{"skipped group \"acme:Research\" team_unknown"});
}

TEST_CASE("the default team is joined even with group mapping off", "[jit][teams]")
{
    auto policy = okta_policy();
    policy.groups = group_mode::off;
    policy.default_team = "Everyone";
    auto const p = plan(alice(profile_and_groups({"eng-all"})), with_teams(), policy, now);
    CHECK(changes(p)
          == lines{"set email - -> \"alice@acme.com\" (jit:okta)", "set given_name - -> \"Alice\" (jit:okta)",
                   "set family_name - -> \"Liddell\" (jit:okta)", "create team Everyone", "+role member (jit:okta)",
                   "+team Everyone (jit:okta)"});
}

TEST_CASE("another organization's groups are ignored without a skip record", "[jit][teams]")
{
    auto const p = plan(alice(profile_and_groups({"globex:Sales", "Everyone"})), with_teams(stored_alice()),
                        okta_policy(), now);
    CHECK(outcome(p) == "no_change");
    CHECK(records(p).empty());
}

TEST_CASE("teams under on_create are added only while the user has no membership", "[jit][teams]")
{
    auto policy = okta_policy();
    policy.overrides.teams = update_mode::on_create;
    auto u = stored_alice();
    CHECK(changes(plan(alice(profile_and_groups({"acme:Payments"})), with_teams(u), policy, now)).empty());
    u.teams.clear();
    CHECK(changes(plan(alice(profile_and_groups({"acme:Payments"})), with_teams(u), policy, now))
          == lines{"+team Payments (jit:okta)"});
}

TEST_CASE("a team mapped in another case is the stored team, never a second one", "[jit][teams]")
{
    auto policy = okta_policy();
    policy.groups = group_mode::sync;
    auto u = stored_alice(); // member of "Engineering"
    u.teams.clear();
    CHECK(changes(plan(alice(profile_and_groups({"acme:payments", "acme:PAYMENTS"})), with_teams(u), policy, now))
          == lines{"+team Payments (jit:okta)"});

    // Already a member under the stored spelling: nothing to add, nothing to remove under sync.
    CHECK(changes(plan(alice(profile_and_groups({"acme:engineering"})), with_teams(stored_alice()), policy, now))
              .empty());
}

// --- linking and SCIM matches --------------------------------------------------------

email_holder scim_alice(bool active = true)
{
    email_holder h;
    h.user.id = "u-9";
    h.user.active = active;
    h.user.email = stored("Alice@acme.com", "scim:entra");
    h.user.roles = {grant("editor", "scim:entra")};
    h.created_by = owner::scim("entra");
    return h;
}

TEST_CASE("a link_denied detail names both identities", "[jit][link]")
{
    auto state = with_teams();
    state.holder_of_email = scim_alice();
    state.holder_of_email->identities = {{"entra", "5f1c"}};
    auto const p = plan(alice(alice_profile()), state, okta_policy(), now);
    REQUIRE(p.denied);
    CHECK_THAT(p.denied->detail, Catch::Contains("okta subject \"00u1\"") && Catch::Contains("user u-9")
                                     && Catch::Contains("entra subject \"5f1c\"")
                                     && Catch::Contains("created by scim:entra"));
    CHECK(p.user_id == "u-9");
    CHECK_FALSE(p.link);
}

TEST_CASE("verified_domain compares the whole domain, not a suffix", "[jit][link]")
{
    auto policy = okta_policy();
    policy.link = link_policy::verified_domain;
    policy.verified_domains = {"acme.com"};
    auto state = with_teams();
    state.holder_of_email = scim_alice();
    state.holder_of_email->user.email = stored("alice@evil-acme.com", "scim:entra");
    auto const p = plan(alice({attr("email", {"alice@evil-acme.com"})}), state, policy, now);
    CHECK(outcome(p) == "deny link_denied");
}

TEST_CASE("verified_domain links to a SCIM user and leaves SCIM's values to SCIM", "[jit][link]")
{
    auto policy = okta_policy();
    policy.link = link_policy::verified_domain;
    auto state = with_teams();
    state.holder_of_email = scim_alice();
    auto const p = plan(alice(profile_and_role("member")), state, policy, now);
    CHECK(outcome(p) == "update");
    CHECK(p.user_id == "u-9");
    CHECK(p.email == "Alice@acme.com");
    CHECK(changes(p)
          == lines{"link verified_domain u-9", "set given_name - -> \"Alice\" (jit:okta)",
                   "set family_name - -> \"Liddell\" (jit:okta)"});
    CHECK(records(p) == lines{"conflict role role: assertion \"member\", stored \"editor\" (scim:entra)"});
}

TEST_CASE("verified_domain does not link to a deactivated user", "[jit][link]")
{
    auto policy = okta_policy();
    policy.link = link_policy::verified_domain;
    auto state = with_teams();
    state.holder_of_email = scim_alice(false);
    CHECK(outcome(plan(alice(alice_profile()), state, policy, now)) == "deny user_inactive");
}

TEST_CASE("admin_approval queues a request naming the target user", "[jit][link]")
{
    auto policy = okta_policy();
    policy.link = link_policy::admin_approval;
    auto state = with_teams();
    state.holder_of_email = scim_alice();
    auto const p = plan(alice(alice_profile()), state, policy, now);
    REQUIRE(p.link);
    CHECK(p.link->kind == link_kind::approval_requested);
    CHECK(p.link->user_id == "u-9");
    CHECK(p.subject == "00u1");
    CHECK(p.profile_changes.empty());
    CHECK(audit_actions(p) == std::vector<std::string_view>{"sso.login.denied"});
}

TEST_CASE("a user matched by SCIM is bound to the identity even with JIT disabled", "[jit][link]")
{
    auto policy = okta_policy();
    policy.jit_enabled = false;
    auto state = with_teams(stored_alice());
    state.matched_by = user_match::scim_user_name;
    auto const p = plan(alice_changed_name(), state, policy, now);
    CHECK(outcome(p) == "update");
    CHECK(changes(p) == lines{"link scim_match u-1"});
    CHECK(audit_actions(p) == std::vector<std::string_view>{"jit.user.linked"});
}

TEST_CASE("jit_disabled puts the email in the audit detail", "[jit][plan]")
{
    auto policy = okta_policy();
    policy.jit_enabled = false;
    auto const p = plan(alice(alice_profile()), with_teams(), policy, now);
    CHECK(outcome(p) == "deny jit_disabled");
    CHECK_THAT(p.denied->detail, Catch::Contains("alice@acme.com"));
    CHECK(records(p).empty());
}

} // namespace
} // namespace ssogate::jit
