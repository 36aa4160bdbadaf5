#pragma once
// Sign-in provisioning against the store (DESIGN.md "Sign-in flow" steps 5-6): read
// the state the JIT planner needs, apply its plan, and append the plan's audit events,
// all inside the caller's write transaction so that they commit together with the
// session (or not at all). Used by the ACS (routes/sso.cpp), `ssogate user explain`
// (read side only) and the admin tools.
//
// Thread-safety: free functions; the transaction is used by one thread at a time.
// Time and randomness are parameters (the plan carries `at`; ids come from `random`).
#include <ssogate/gateway/app_context.hpp>
#include <ssogate/jit/current_state.hpp>
#include <ssogate/jit/owner.hpp>
#include <ssogate/jit/plan.hpp>
#include <ssogate/jit/planner.hpp>
#include <ssogate/store/transaction.hpp>

#include <optional>
#include <string>

namespace ssogate::gateway::provisioning {

/// Where the request that caused the events came from (audit `source`).
struct event_source {
    std::string ip;
    std::string user_agent;
};

/// The store attribute name of a profile field ("email", "given_name", ...).
[[nodiscard]] std::string field_attribute(jit::profile_field f);

/// A stored owner string as the planner's owner; nullopt when malformed.
[[nodiscard]] std::optional<jit::owner> parse_owner(std::string const& s);

/// The stored user as the planner sees it: profile values, role grants and team
/// memberships, each with its owner and set_at.
[[nodiscard]] store::result<jit::user_state> read_user_state(store::transaction& tx, store::user_record const& u);

/// The planner's input for one sign-in: the user holding (connection, subject), another
/// user holding the asserted email (with its identities), and the existing team names.
[[nodiscard]] store::result<jit::current_state> read_current_state(store::transaction& tx,
                                                                   std::string const& connection_id,
                                                                   jit::lookup_keys const& keys);

/// Writes the plan's rows (never call it for a deny plan): the user (create), the
/// identity (create or link), profile values, role grants, teams, memberships, and the
/// login with `assertion_json` as the identity's last assertion. New ids come from
/// `random`. Returns the user id. On error the caller must drop the transaction.
[[nodiscard]] store::result<std::string> apply_plan(store::transaction& tx, jit::provisioning_plan const& p,
                                                    std::string const& assertion_json, random_fn const& random);

/// One audit event per jit::audit_actions(p) entry (provision.conflict and
/// provision.skipped carry their record, the others the whole plan), actor
/// system/jit:<connection>, target `user_id`. The caller appends sso.login.succeeded.
[[nodiscard]] store::result<void> append_plan_events(store::transaction& tx, jit::provisioning_plan const& p,
                                                     std::string const& user_id, event_source const& source,
                                                     std::string const& trace_id, random_fn const& random);

/// `bytes` random bytes from `random` as lowercase hex (ids of rows and events).
[[nodiscard]] std::string random_hex(random_fn const& random, std::size_t bytes);

} // namespace ssogate::gateway::provisioning
