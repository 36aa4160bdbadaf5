#pragma once
// Test helpers for jit/: a readable one-line-per-item rendering of a plan, so that a
// scenario table states the whole expected plan, and builders for the usual inputs.
#include <ssogate/jit/current_state.hpp>
#include <ssogate/jit/identity.hpp>
#include <ssogate/jit/plan.hpp>
#include <ssogate/jit/policy.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace ssogate::jit::test {

/// The fixed "now" of every test, and an earlier time for stored rows.
inline time_point const now = std::chrono::sys_days{std::chrono::year{2024} / 3 / 1};
inline time_point const earlier = std::chrono::sys_days{std::chrono::year{2023} / 1 / 1};

/// Every row change as a line, in plan order:
///   `set given_name "Alice" (jit:okta) -> "Alicia" (jit:okta)`, `+role editor`,
///   `-role member`, `+team Payments`, `-team Old`, `create team Payments`,
///   `link verified_domain u-9`.
std::vector<std::string> changes(provisioning_plan const& p);

/// Every conflict and skip as a line:
///   `conflict role: assertion "member", stored "editor" (scim:okta)`,
///   `skipped group "acme:" bad_team_shape`.
std::vector<std::string> records(provisioning_plan const& p);

/// The decision, with the reason when denied: `create`, `deny link_denied`.
std::string outcome(provisioning_plan const& p);

/// An attribute with the given values.
assertion_attribute attr(std::string name, std::vector<std::string> values);

/// Alice signing in through connection `okta` with a persistent NameID `00u1` and
/// the given attributes.
identity alice(std::vector<assertion_attribute> attributes);

/// The usual attributes: email alice@acme.com, firstName Alice, lastName Liddell.
std::vector<assertion_attribute> alice_profile();

/// `alice_profile` plus a `role` attribute with one value.
std::vector<assertion_attribute> profile_and_role(std::string role);

/// `alice_profile` plus a `groups` attribute.
std::vector<assertion_attribute> profile_and_groups(std::vector<std::string> groups);

/// Alice whose IdP now sends the given name Alicia.
identity alice_changed_name();

/// A stored value owned by `owner_text` (`jit:okta`, `scim:okta`, `admin`, or `` for none).
stored_value stored(std::string value, std::string const& owner_text);
role_grant grant(std::string role, std::string const& owner_text);
team_membership member(std::string team, std::string const& owner_text);

/// Alice as JIT through `okta` created her: id u-1, profile from `alice_profile`, role
/// member and team Engineering owned by jit:okta.
user_state stored_alice();

/// Connection `okta`: defaults, plus group `eng-all` → team Engineering, the `acme`
/// organization convention, role value `Editor` → editor, group `acme:Admins` → owner,
/// create_teams on.
connection_policy okta_policy();

/// State with the teams Engineering, Payments and Board existing.
current_state with_teams(std::optional<user_state> user = std::nullopt);

} // namespace ssogate::jit::test
