// SCIM Groups (= teams): POST, GET (one, list with filter/pagination/projection), PUT,
// PATCH, DELETE.
//
// A team is in connection C's SCIM view when it has a scim_groups row for C. Members
// are the team's members that are in C's SCIM view of users; SCIM adds and removes only
// those, and a membership SCIM adds (or keeps through PUT) is owned by scim:<C>.
// Nested groups are refused (invalidValue). displayName is the team name, unique
// case-insensitively across the store.
#include "scim/scim_resource_flow.hpp"
#include "scim/scim_support.hpp"

#include <ssogate/gateway/audit.hpp>
#include <ssogate/gateway/scim.hpp>
#include <ssogate/scim/etag.hpp>
#include <ssogate/scim/filter.hpp>
#include <ssogate/scim/group.hpp>
#include <ssogate/scim/list.hpp>
#include <ssogate/scim/patch.hpp>
#include <ssogate/scim/projection.hpp>
#include <ssogate/scim/resource.hpp>

#include <boost/json.hpp>

#include <set>

namespace ssogate::gateway::scim_api {

namespace {

namespace json = boost::json;

struct loaded_group {
    store::team_record team;
    store::scim_group_record scim;
    std::vector<store::membership_record> members; ///< only users in the connection's SCIM view
    std::vector<std::string> member_names;         ///< their userNames, same order
};

/// Groups for the shared single-resource handlers (scim_resource_flow.hpp), and the
/// loading and rendering that POST and the list use too.
struct group_kind {
    using loaded = loaded_group;
    using parsed = scim::group;
    static constexpr std::string_view deleted_action = "scim.group.deleted";

    static std::variant<loaded_group, http_response> load(scim_call const& call, store::transaction& tx,
                                                          std::string_view id)
    {
        auto row = tx.scim().find_group(call.connection.id, id);
        if (!row)
            return store_failure(call, row.error(), "find scim group", &tx);
        if (!*row)
            return scim_error_response(scim::errc::not_found, "no such group");
        auto team = tx.teams().find(id);
        if (!team)
            return store_failure(call, team.error(), "find team", &tx);
        if (!*team)
            return scim_error_response(scim::errc::not_found, "no such group");
        loaded_group g{std::move(**team), std::move(**row), {}, {}};
        auto members = tx.teams().members(id);
        if (!members)
            return store_failure(call, members.error(), "members", &tx);
        for (auto& m : *members) {
            auto u = tx.scim().find_user(call.connection.id, m.user_id);
            if (!u)
                return store_failure(call, u.error(), "find scim user", &tx);
            if (!*u)
                continue;
            g.member_names.push_back((*u)->user_name);
            g.members.push_back(std::move(m));
        }
        return g;
    }
    static std::string const& id(loaded_group const& g) { return g.team.id; }
    static std::int64_t version(loaded_group const& g) { return g.scim.version; }
    static json::object render(scim_call const& call, loaded_group const& g)
    {
        scim::group sg;
        sg.display_name = g.team.name;
        sg.external_id = g.scim.external_id.value_or("");
        for (std::size_t i = 0; i < g.members.size(); ++i)
            sg.members.push_back({g.members[i].user_id, g.member_names[i], "User"});
        scim::resource_meta meta{g.team.id, g.scim.created_at, g.scim.updated_at, std::to_string(g.scim.version)};
        return scim::render_group(sg, meta, call.base_url);
    }
    static scim::resource_type_def const& type(scim_call const&) { return scim::group_resource_type(); }
    static scim::result<scim::group> parse(scim_call const&, json::value const& body)
    {
        return scim::parse_group(body);
    }
    static http_response replace(scim_call const& call, store::transaction& tx, loaded_group const& current,
                                 scim::group const& next);
    static std::optional<http_response> remove(scim_call const& call, store::transaction& tx, loaded_group const& g)
    {
        if (auto r = tx.teams().remove(g.team.id); !r)
            return store_failure(call, r.error(), "delete team", &tx);
        return std::nullopt;
    }

    // The list (list_resources): team ids, indexed by displayName (the team name, across
    // the store) and externalId.
    using listed = std::string;
    static constexpr std::string_view plural = "groups";
    static constexpr std::string_view indexed_attributes = "displayName or externalId";
    static store::result<std::size_t> count(store::transaction& tx, std::string const& connection_id)
    {
        return tx.scim().count_groups(connection_id);
    }
    static store::result<std::vector<std::string>> list(store::transaction& tx, std::string const& connection_id,
                                                        std::size_t offset, std::size_t limit)
    {
        auto rows = tx.scim().list_groups(connection_id, offset, limit);
        if (!rows)
            return rows.error();
        return team_ids(*rows);
    }
    static bool indexes(scim::indexed_attribute a)
    {
        return a == scim::indexed_attribute::display_name || a == scim::indexed_attribute::external_id;
    }
    static std::variant<std::vector<std::string>, http_response> find_indexed(scim_call const& call,
                                                                              store::transaction& tx,
                                                                              scim::indexed_lookup const& lookup)
    {
        if (lookup.attribute == scim::indexed_attribute::display_name) {
            std::vector<std::string> ids;
            auto team = tx.teams().find_by_name(lookup.value);
            if (!team)
                return store_failure(call, team.error(), "find team", &tx);
            if (*team)
                ids.push_back((*team)->id);
            return ids;
        }
        auto found = tx.scim().find_groups_by_external_id(call.connection.id, lookup.value);
        if (!found)
            return store_failure(call, found.error(), "find by externalId", &tx);
        return team_ids(*found);
    }
    static std::variant<std::optional<json::object>, http_response> render_listed(scim_call const& call,
                                                                                  store::transaction& tx,
                                                                                  std::string const& id)
    {
        auto row = tx.scim().find_group(call.connection.id, id);
        if (!row)
            return store_failure(call, row.error(), "find scim group", &tx);
        if (!*row)
            return std::nullopt; // a team outside this connection's SCIM view
        auto loaded = load(call, tx, id);
        if (auto* res = std::get_if<http_response>(&loaded))
            return std::move(*res);
        return render(call, std::get<loaded_group>(loaded));
    }
    static std::vector<std::string> team_ids(std::vector<store::scim_group_record> const& rows)
    {
        std::vector<std::string> ids;
        for (auto const& g : rows)
            ids.push_back(g.team_id);
        return ids;
    }
};

/// Checks that every member is a user of the connection's SCIM view.
std::optional<http_response> check_members(scim_call const& call, store::transaction& tx, scim::group const& g)
{
    for (auto const& m : g.members) {
        if (!m.type.empty() && m.type != "User")
            return scim_error_response(scim::errc::invalid_value, "members: nested groups are not supported");
        auto u = tx.scim().find_user(call.connection.id, m.value);
        if (!u)
            return store_failure(call, u.error(), "find scim user", &tx);
        if (!*u)
            return scim_error_response(scim::errc::invalid_value,
                                       "members: \"" + m.value + "\" is not a user of this SCIM endpoint");
    }
    return std::nullopt;
}

/// Makes the team's SCIM-visible members equal to `wanted` (owned by scim:<c>).
/// Returns (added, removed) user ids.
store::result<std::pair<std::vector<std::string>, std::vector<std::string>>> sync_members(
    scim_call const& call, store::transaction& tx, std::string const& team_id,
    std::vector<store::membership_record> const& current, scim::group const& wanted)
{
    std::set<std::string> want;
    for (auto const& m : wanted.members)
        want.insert(m.value);
    std::vector<std::string> added, removed;
    std::set<std::string> have;
    for (auto const& m : current) {
        have.insert(m.user_id);
        if (!want.contains(m.user_id)) {
            if (auto r = tx.teams().remove_member(m.user_id, team_id, call.now); !r)
                return r.error();
            removed.push_back(m.user_id);
        } else if (m.owner != call.owner()) {
            // A membership SCIM now asserts becomes SCIM's.
            if (auto r = tx.teams().add_member({m.user_id, team_id, call.owner(), call.now, std::nullopt}); !r)
                return r.error();
        }
    }
    for (auto const& id : want) {
        if (have.contains(id))
            continue;
        if (auto r = tx.teams().add_member({id, team_id, call.owner(), call.now, std::nullopt}); !r)
            return r.error();
        added.push_back(id);
    }
    return std::pair{std::move(added), std::move(removed)};
}

json::array to_array(std::vector<std::string> const& v)
{
    json::array a;
    for (auto const& s : v)
        a.push_back(json::value(s));
    return a;
}

/// PUT and PATCH: `next` replaces the group (name, members, externalId).
http_response group_kind::replace(scim_call const& call, store::transaction& tx, loaded_group const& current,
                                  scim::group const& next)
{
    if (auto bad = check_members(call, tx, next))
        return std::move(*bad);
    auto const before = render(call, current);
    if (next.display_name != current.team.name) {
        auto r = tx.teams().rename(current.team.id, next.display_name, call.now);
        if (!r && r.error() == store::errc::team_name_taken)
            return scim_error_response(scim::errc::uniqueness, "displayName is already taken");
        if (!r)
            return store_failure(call, r.error(), "rename team", &tx);
    }
    auto synced = sync_members(call, tx, current.team.id, current.members, next);
    if (!synced)
        return store_failure(call, synced.error(), "members", &tx);
    store::scim_group_record row = current.scim;
    row.external_id = next.external_id.empty() ? std::nullopt : std::optional<std::string>(next.external_id);
    row.updated_at = call.now;
    if (auto r = tx.scim().update_group(row); !r)
        return store_failure(call, r.error(), "update scim group", &tx);
    auto reloaded = load(call, tx, current.team.id);
    if (auto* res = std::get_if<http_response>(&reloaded))
        return std::move(*res);
    auto after = render(call, std::get<loaded_group>(reloaded));
    auto e = scim_event(call, "scim.group.updated", current.team.id, before, after,
                        {{"members_added", to_array(synced->first)}, {"members_removed", to_array(synced->second)}});
    if (auto failed = commit_with(call, tx, e))
        return std::move(*failed);
    return single_resource(200, std::move(after));
}

} // namespace

http_response handle_groups_create(app_context const& ctx, http_request const& req, route_params const& params)
{
    SCIM_AUTH(call);
    auto parsed = parse_request_body<group_kind>(call);
    if (auto* res = std::get_if<http_response>(&parsed))
        return std::move(*res);
    auto const& g = std::get<scim::group>(parsed);
    auto began = ctx.store.begin(store::access::write);
    if (!began)
        return store_failure(call, began.error(), "begin");
    auto& tx = **began;
    if (auto bad = check_members(call, tx, g))
        return std::move(*bad);
    auto existing = tx.teams().find_by_name(g.display_name);
    if (!existing)
        return store_failure(call, existing.error(), "find team", &tx);
    if (*existing)
        return scim_error_response(scim::errc::uniqueness, "displayName is already taken");
    auto const id = new_audit_event_id(ctx.random); // a UUID, unique even with a deterministic source
    if (auto r = tx.teams().create({id, g.display_name, call.owner(), call.now, call.now}); !r) {
        if (r.error() == store::errc::team_name_taken)
            return scim_error_response(scim::errc::uniqueness, "displayName is already taken");
        return store_failure(call, r.error(), "create team", &tx);
    }
    store::scim_group_record row{call.connection.id, id,
                                 g.external_id.empty() ? std::nullopt : std::optional<std::string>(g.external_id),
                                 1, call.now, call.now};
    if (auto r = tx.scim().create_group(row); !r)
        return store_failure(call, r.error(), "create scim group", &tx);
    auto synced = sync_members(call, tx, id, {}, g);
    if (!synced)
        return store_failure(call, synced.error(), "members", &tx);
    auto loaded = group_kind::load(call, tx, id);
    if (auto* res = std::get_if<http_response>(&loaded))
        return std::move(*res);
    auto after = group_kind::render(call, std::get<loaded_group>(loaded));
    auto e = scim_event(call, "scim.group.created", id, nullptr, after);
    if (auto failed = commit_with(call, tx, e))
        return std::move(*failed);
    return single_resource(201, std::move(after));
}

http_response handle_group_get(app_context const& ctx, http_request const& req, route_params const& params)
{
    return get_resource<group_kind>(ctx, req, params);
}

http_response handle_groups_list(app_context const& ctx, http_request const& req, route_params const& params)
{
    return list_resources<group_kind>(ctx, req, params);
}

http_response handle_group_replace(app_context const& ctx, http_request const& req, route_params const& params)
{
    return replace_resource<group_kind>(ctx, req, params);
}

http_response handle_group_patch(app_context const& ctx, http_request const& req, route_params const& params)
{
    return patch_resource<group_kind>(ctx, req, params);
}

http_response handle_group_delete(app_context const& ctx, http_request const& req, route_params const& params)
{
    return delete_resource<group_kind>(ctx, req, params);
}

} // namespace ssogate::gateway::scim_api
