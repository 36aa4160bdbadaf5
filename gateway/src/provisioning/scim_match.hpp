#pragma once
// Precedence at sign-in (issue 7): the first sign-in of a user that a connection's SCIM
// provisioned links the SSO identity to that user instead of creating another one. The
// SCIM user is found by `externalId` equal to the subject (NameID or the configured
// subject attribute) when `scim.match_on = "externalId"`, else by `userName` equal to the
// subject or to the asserted email (case-insensitively). Exactly one candidate must
// match, and it must not already hold another identity on this connection.
#include <ssogate/gateway/config.hpp>
#include <ssogate/jit/current_state.hpp>
#include <ssogate/jit/planner.hpp>
#include <ssogate/store/transaction.hpp>

#include <string>

namespace ssogate::gateway::provisioning {

/// When `state` has no user bound to the identity and the connection serves SCIM, fills
/// `state.user` with the matching SCIM user and `state.matched_by` with how it matched
/// (the JIT planner then binds the identity: `jit.user.linked`, link kind scim_match).
/// Leaves `state` as it was when nothing matches.
[[nodiscard]] store::result<void> add_scim_match(store::transaction& tx, scim_settings const& scim,
                                                 std::string const& connection_id, jit::lookup_keys const& keys,
                                                 jit::current_state& state);
/// The same with the settings of `connection_id` in `cfg` (file-owned connections only;
/// nothing matches for a connection the file does not declare).
[[nodiscard]] store::result<void> add_scim_match(store::transaction& tx, config const& cfg,
                                                 std::string const& connection_id, jit::lookup_keys const& keys,
                                                 jit::current_state& state);

} // namespace ssogate::gateway::provisioning
