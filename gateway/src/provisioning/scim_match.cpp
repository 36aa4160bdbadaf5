// Sign-in matching of SCIM-provisioned users (scim_match.hpp).
#include "provisioning/scim_match.hpp"

#include <ssogate/gateway/provisioning.hpp>

#include <optional>

namespace ssogate::gateway::provisioning {

store::result<void> add_scim_match(store::transaction& tx, config const& cfg, std::string const& connection_id,
                                   jit::lookup_keys const& keys, jit::current_state& state)
{
    auto const* c = cfg.find_connection(connection_id);
    if (!c)
        return {};
    return add_scim_match(tx, c->scim, connection_id, keys, state);
}

store::result<void> add_scim_match(store::transaction& tx, scim_settings const& scim, std::string const& connection_id,
                                   jit::lookup_keys const& keys, jit::current_state& state)
{
    if (state.user)
        return {};
    if (!scim.enabled)
        return {};

    std::optional<store::scim_user_record> row;
    jit::user_match how = jit::user_match::scim_user_name;
    if (scim.match_on == scim_match::external_id) {
        how = jit::user_match::scim_external_id;
        auto found = tx.scim().find_users_by_external_id(connection_id, keys.subject);
        if (!found)
            return found.error();
        if (found->size() == 1) // several users with one externalId: ambiguous, no match
            row = found->front();
    } else {
        for (auto const& candidate : {std::optional<std::string>(keys.subject), keys.email}) {
            if (!candidate || row)
                continue;
            auto found = tx.scim().find_user_by_user_name(connection_id, *candidate);
            if (!found)
                return found.error();
            row = std::move(*found);
        }
    }
    if (!row)
        return {};
    // A SCIM user already bound to another subject of this connection is not re-linked.
    auto identities = tx.users().identities(row->user_id);
    if (!identities)
        return identities.error();
    for (auto const& i : *identities)
        if (i.connection_id == connection_id)
            return {};
    auto user = tx.users().find(row->user_id);
    if (!user)
        return user.error();
    if (!*user)
        return {};
    auto st = read_user_state(tx, **user);
    if (!st)
        return st.error();
    state.user = std::move(*st);
    state.matched_by = how;
    return {};
}

} // namespace ssogate::gateway::provisioning
