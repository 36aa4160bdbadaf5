// Sign-in provisioning against the store: moved out of routes/sso.cpp so that the
// ACS, `ssogate user explain` and the admin tools share one implementation.
#include <ssogate/gateway/provisioning.hpp>
#include <ssogate/jit/plan_json.hpp>
#include <ssogate/store/owner.hpp>

#include <boost/json.hpp>

#include <cstddef>
#include <vector>

namespace ssogate::gateway::provisioning {

std::string random_hex(random_fn const& random, std::size_t bytes)
{
    std::vector<std::byte> buf(bytes);
    random(buf);
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes * 2);
    for (auto b : buf) {
        auto v = std::to_integer<unsigned>(b);
        out += digits[v >> 4];
        out += digits[v & 15];
    }
    return out;
}

std::string field_attribute(jit::profile_field f)
{
    switch (f) {
    case jit::profile_field::email: return std::string(store::email_attribute);
    case jit::profile_field::given_name: return "given_name";
    case jit::profile_field::family_name: return "family_name";
    case jit::profile_field::display_name: return "display_name";
    }
    return "unknown";
}

std::optional<jit::owner> parse_owner(std::string const& s)
{
    return jit::owner::parse(s);
}

store::result<jit::user_state> read_user_state(store::transaction& tx, store::user_record const& u)
{
    jit::user_state st;
    st.id = u.id;
    st.active = u.active;
    auto attrs = tx.users().attributes(u.id);
    if (!attrs)
        return attrs.error();
    for (auto const& a : *attrs) {
        jit::stored_value v{a.value, parse_owner(a.owner), a.set_at};
        if (a.name == store::email_attribute)
            st.email = v;
        else if (a.name == "given_name")
            st.given_name = v;
        else if (a.name == "family_name")
            st.family_name = v;
        else if (a.name == "display_name")
            st.display_name = v;
    }
    auto roles = tx.users().roles(u.id);
    if (!roles)
        return roles.error();
    for (auto const& r : *roles)
        st.roles.push_back({r.role, parse_owner(r.owner), r.set_at});
    auto ms = tx.teams().memberships_of(u.id);
    if (!ms)
        return ms.error();
    for (auto const& m : *ms) {
        auto t = tx.teams().find(m.team_id);
        if (!t)
            return t.error();
        if (*t)
            st.teams.push_back({(*t)->name, parse_owner(m.owner), m.set_at});
    }
    return st;
}

store::result<jit::current_state> read_current_state(store::transaction& tx, std::string const& connection_id,
                                                     jit::lookup_keys const& keys)
{
    jit::current_state state;
    auto user = tx.users().find_by_identity(connection_id, keys.subject);
    if (!user)
        return user.error();
    if (*user) {
        auto st = read_user_state(tx, **user);
        if (!st)
            return st.error();
        state.user = std::move(*st);
        state.matched_by = jit::user_match::subject;
    }
    if (keys.email) {
        auto holder = tx.users().find_by_email(*keys.email);
        if (!holder)
            return holder.error();
        if (*holder && (!state.user || state.user->id != (*holder)->id)) {
            auto st = read_user_state(tx, **holder);
            if (!st)
                return st.error();
            jit::email_holder h;
            h.user = std::move(*st);
            h.created_by = parse_owner((*holder)->created_by);
            auto ids = tx.users().identities((*holder)->id);
            if (!ids)
                return ids.error();
            for (auto const& i : *ids)
                h.identities.push_back({i.connection_id, i.subject});
            state.holder_of_email = std::move(h);
        }
    }
    // Only the teams this assertion maps to (an index lookup each, not a scan of every team).
    for (auto const& name : keys.teams) {
        auto t = tx.teams().find_by_name(name);
        if (!t)
            return t.error();
        if (*t)
            state.existing_teams.insert((*t)->name);
    }
    return state;
}

store::result<std::string> apply_plan(store::transaction& tx, jit::provisioning_plan const& p,
                                      std::string const& assertion_json, random_fn const& random)
{
    auto const owner = store::owner_jit(p.connection_id);
    std::string user_id = p.user_id.value_or("");
    if (p.decision == jit::plan_decision::create) {
        user_id = random_hex(random, 16);
        if (auto r = tx.users().create({user_id, owner, true, p.at}); !r)
            return r.error();
    }
    bool const bind = p.decision == jit::plan_decision::create
                      || (p.link && p.link->kind != jit::link_kind::approval_requested);
    if (bind) {
        store::identity_record id;
        id.connection_id = p.connection_id;
        id.subject = p.subject;
        id.user_id = user_id;
        id.created_at = p.at;
        if (auto r = tx.users().add_identity(id); !r)
            return r.error();
    }
    for (auto const& c : p.profile_changes) {
        store::attribute_record a;
        a.name = field_attribute(c.field);
        a.value = c.after;
        a.owner = c.owner_after.to_string();
        a.set_at = p.at;
        if (auto r = tx.users().set_attribute(user_id, a); !r)
            return r.error();
    }
    for (auto const& r : p.roles_removed)
        if (auto x = tx.users().revoke_role(user_id, r.role, p.at); !x)
            return x.error();
    for (auto const& r : p.roles_added)
        if (auto x = tx.users().grant_role(user_id, {r.role, r.owned_by.to_string(), p.at, std::nullopt}); !x)
            return x.error();
    for (auto const& t : p.teams_created) {
        store::team_record team{random_hex(random, 16), t, owner, p.at, p.at};
        if (auto x = tx.teams().create(team); !x)
            return x.error();
    }
    auto team_id = [&](std::string const& name) -> store::result<std::string> {
        auto t = tx.teams().find_by_name(name);
        if (!t)
            return t.error();
        if (!*t)
            return store::errc::missing_reference;
        return (*t)->id;
    };
    for (auto const& m : p.memberships_removed) {
        auto id = team_id(m.team);
        if (!id)
            return id.error();
        if (auto x = tx.teams().remove_member(user_id, *id, p.at); !x)
            return x.error();
    }
    for (auto const& m : p.memberships_added) {
        auto id = team_id(m.team);
        if (!id)
            return id.error();
        if (auto x = tx.teams().add_member({user_id, *id, m.owned_by.to_string(), p.at, std::nullopt}); !x)
            return x.error();
    }
    if (auto r = tx.users().record_login(p.connection_id, p.subject, assertion_json, p.at); !r)
        return r.error();
    return user_id;
}

store::result<void> append_plan_events(store::transaction& tx, jit::provisioning_plan const& p,
                                       std::string const& user_id, event_source const& source,
                                       std::string const& trace_id, random_fn const& random)
{
    std::size_t conflict = 0, skip = 0;
    for (auto action : jit::audit_actions(p)) {
        store::audit_event ev;
        ev.id = random_hex(random, 16);
        ev.time = p.at;
        ev.action = std::string(action);
        ev.actor_type = "system";
        ev.actor_id = store::owner_jit(p.connection_id);
        ev.target = user_id;
        ev.connection_id = p.connection_id;
        ev.source_ip = source.ip;
        ev.user_agent = source.user_agent;
        ev.result_status = "success";
        ev.trace_id = trace_id;
        if (action == "provision.conflict" && conflict < p.conflicts.size())
            ev.changes_json = boost::json::serialize(boost::json::value_from(p.conflicts[conflict++]));
        else if (action == "provision.skipped" && skip < p.skipped.size())
            ev.changes_json = boost::json::serialize(boost::json::value_from(p.skipped[skip++]));
        else
            ev.changes_json = boost::json::serialize(boost::json::value_from(p));
        if (auto r = tx.audit().append(ev); !r)
            return r.error();
    }
    return {};
}

} // namespace ssogate::gateway::provisioning
