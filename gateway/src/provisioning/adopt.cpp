// SCIM writes and adoption (adopt.hpp).
#include "provisioning/adopt.hpp"

#include <ssogate/store/owner.hpp>

#include <boost/json.hpp>

#include <array>
#include <map>

namespace ssogate::gateway::provisioning {

namespace {

constexpr std::array<std::string_view, 4> profile_attributes{"email", "given_name", "family_name", "display_name"};

std::optional<std::string> const& sent_value(scim_values const& v, std::string_view name)
{
    if (name == "email")
        return v.email;
    if (name == "given_name")
        return v.given_name;
    if (name == "family_name")
        return v.family_name;
    return v.display_name;
}

bool is_jit_owner(std::string_view owner)
{
    return owner.substr(0, 4) == "jit:";
}

} // namespace

store::result<std::vector<owner_change>> plan_scim_writes(store::transaction& tx, std::string const& user_id,
                                                          std::string const& owner, scim_values const& sent,
                                                          bool remove_unsent)
{
    std::vector<owner_change> out;
    auto attrs = tx.users().attributes(user_id);
    if (!attrs)
        return attrs.error();
    std::map<std::string, store::attribute_record, std::less<>> by_name;
    for (auto const& a : *attrs)
        by_name.emplace(a.name, a);
    for (auto const name : profile_attributes) {
        auto const it = by_name.find(name);
        auto const& value = sent_value(sent, name);
        if (value && !value->empty()) {
            if (it != by_name.end() && it->second.value == *value && it->second.owner == owner)
                continue;
            out.push_back({"attribute", std::string(name), "", it == by_name.end() ? "" : it->second.value, *value,
                           it == by_name.end() ? "" : it->second.owner, owner});
        } else if (remove_unsent && it != by_name.end() && it->second.owner == owner) {
            out.push_back({"attribute", std::string(name), "", it->second.value, "", owner, ""});
        }
    }

    auto roles = tx.users().roles(user_id);
    if (!roles)
        return roles.error();
    bool have_sent_role = false;
    for (auto const& g : *roles) {
        if (sent.role && g.role == *sent.role) {
            have_sent_role = true;
            if (g.owner != owner)
                out.push_back({"role", g.role, "", g.role, g.role, g.owner, owner});
            continue;
        }
        bool const scim_owned = g.owner == owner;
        if ((sent.role && (scim_owned || is_jit_owner(g.owner))) || (!sent.role && remove_unsent && scim_owned))
            out.push_back({"role", g.role, "", g.role, "", g.owner, ""});
    }
    if (sent.role && !have_sent_role)
        out.push_back({"role", *sent.role, "", "", *sent.role, "", owner});
    return out;
}

store::result<std::vector<owner_change>> plan_admin_adoption(store::transaction& tx, std::string const& user_id,
                                                             std::string const& connection_id)
{
    auto const owner = store::owner_scim(connection_id);
    auto const jit = store::owner_jit(connection_id);
    auto const moves = [&](std::string const& o) { return o == jit || o == store::owner_admin; };
    std::vector<owner_change> out;
    auto attrs = tx.users().attributes(user_id);
    if (!attrs)
        return attrs.error();
    for (auto const& a : *attrs)
        if (moves(a.owner))
            out.push_back({"attribute", a.name, "", a.value, a.value, a.owner, owner});
    auto roles = tx.users().roles(user_id);
    if (!roles)
        return roles.error();
    for (auto const& g : *roles)
        if (moves(g.owner))
            out.push_back({"role", g.role, "", g.role, g.role, g.owner, owner});
    auto ms = tx.teams().memberships_of(user_id);
    if (!ms)
        return ms.error();
    for (auto const& m : *ms) {
        if (!moves(m.owner))
            continue;
        auto team = tx.teams().find(m.team_id);
        if (!team)
            return team.error();
        auto const name = *team ? (*team)->name : m.team_id;
        out.push_back({"membership", name, m.team_id, name, name, m.owner, owner});
    }
    return out;
}

store::result<void> apply_owner_changes(store::transaction& tx, std::string const& user_id,
                                        std::vector<owner_change> const& changes, store::time_point now)
{
    for (auto const& c : changes) {
        if (c.kind == "attribute") {
            if (c.owner_after.empty()) {
                if (auto r = tx.users().remove_attribute(user_id, c.name, now); !r)
                    return r.error();
            } else {
                store::attribute_record a{c.name, c.value_after, c.owner_after, now, std::nullopt};
                if (auto r = tx.users().set_attribute(user_id, a); !r)
                    return r.error();
            }
        } else if (c.kind == "role") {
            if (c.owner_after.empty()) {
                if (auto r = tx.users().revoke_role(user_id, c.name, now); !r)
                    return r.error();
            } else if (auto r = tx.users().grant_role(user_id, {c.name, c.owner_after, now, std::nullopt}); !r) {
                return r.error();
            }
        } else if (c.kind == "membership") {
            if (c.owner_after.empty()) {
                if (auto r = tx.teams().remove_member(user_id, c.team_id, now); !r)
                    return r.error();
            } else if (auto r = tx.teams().add_member({user_id, c.team_id, c.owner_after, now, std::nullopt}); !r) {
                return r.error();
            }
        }
    }
    return {};
}

boost::json::array to_json(std::vector<owner_change> const& changes)
{
    boost::json::array out;
    for (auto const& c : changes) {
        boost::json::object o{{"kind", c.kind},
                              {"name", c.name},
                              {"value_before", c.value_before.empty() ? boost::json::value() : boost::json::value(c.value_before)},
                              {"value_after", c.value_after.empty() ? boost::json::value() : boost::json::value(c.value_after)},
                              {"owner_before", c.owner_before.empty() ? boost::json::value() : boost::json::value(c.owner_before)},
                              {"owner_after", c.owner_after.empty() ? boost::json::value() : boost::json::value(c.owner_after)}};
        if (!c.team_id.empty())
            o["team_id"] = c.team_id;
        out.push_back(std::move(o));
    }
    return out;
}

std::string describe(owner_change const& c)
{
    auto quoted = [](std::string const& s) { return s.empty() ? std::string("(none)") : "\"" + s + "\""; };
    auto owner = [](std::string const& s) { return s.empty() ? std::string("(none)") : s; };
    std::string line = c.kind + " " + c.name;
    if (c.kind == "attribute" && c.value_before != c.value_after)
        line += " " + quoted(c.value_before) + " -> " + quoted(c.value_after);
    else if (c.kind == "attribute")
        line += " " + quoted(c.value_after);
    line += ": " + owner(c.owner_before) + " -> " + owner(c.owner_after);
    return line;
}

std::string adoption_hint(std::string_view email, std::string_view connection_id, std::string_view created_by)
{
    std::string s = "a user with this userName already exists";
    if (!created_by.empty())
        s += " (created by " + std::string(created_by) + ")";
    s += "; to let SCIM take it over, keeping its id, memberships and sessions, set scim.adopt_existing = true "
         "for connection \"" +
         std::string(connection_id) + "\" or run: ssogate user adopt " + std::string(email) + " --connection " +
         std::string(connection_id) + " (add --dry-run to see what changes owner)";
    return s;
}

} // namespace ssogate::gateway::provisioning
