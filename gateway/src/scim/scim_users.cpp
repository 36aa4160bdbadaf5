// SCIM Users: POST, GET (one, list with filter/pagination/projection), PUT, PATCH, DELETE.
//
// A user is in connection C's SCIM view when it has a scim_users row for C. Its
// provenance-tracked values (email, names, role) are written owned by scim:<C> through
// provisioning::plan_scim_writes; `active` is the users row's flag (false ends the
// user's sessions and blocks sign-in); the rest of the resource is kept as SCIM sent it.
#include "scim/scim_resource_flow.hpp"
#include "scim/scim_support.hpp"

#include "provisioning/adopt.hpp"

#include <ssogate/gateway/audit.hpp>
#include <ssogate/gateway/logger.hpp>
#include <ssogate/gateway/scim.hpp>
#include <ssogate/scim/etag.hpp>
#include <ssogate/scim/filter.hpp>
#include <ssogate/scim/list.hpp>
#include <ssogate/scim/patch.hpp>
#include <ssogate/scim/projection.hpp>
#include <ssogate/scim/resource.hpp>
#include <ssogate/scim/user.hpp>
#include <ssogate/store/owner.hpp>

#include <boost/json.hpp>

namespace ssogate::gateway::scim_api {

namespace {

namespace json = boost::json;

bool email_shaped(std::string_view s)
{
    auto const at = s.find('@');
    return at != std::string_view::npos && at > 0 && at + 1 < s.size() && s.find('@', at + 1) == std::string_view::npos;
}

/// The provenance-tracked values of a SCIM user (adopt.hpp scim_values); the role from
/// the connection's scim.role_attribute.
provisioning::scim_values values_of(scim::user const& u, scim::role_attribute const& role_attribute)
{
    provisioning::scim_values v;
    if (auto e = scim::primary_email(u))
        v.email = std::string(*e);
    else if (email_shaped(u.user_name))
        v.email = u.user_name;
    if (!u.name.given_name.empty())
        v.given_name = u.name.given_name;
    if (!u.name.family_name.empty())
        v.family_name = u.name.family_name;
    if (!u.display_name.empty())
        v.display_name = u.display_name;
    else if (!u.name.formatted.empty())
        v.display_name = u.name.formatted;
    v.role = scim::role_of(u, role_attribute);
    return v;
}

/// 400 invalidValue when the role SCIM sends is not one of [roles] order.
std::optional<http_response> unknown_role(scim_call const& call, provisioning::scim_values const& values)
{
    for (auto const& r : call.ctx.cfg.roles.order)
        if (values.role && r == *values.role)
            return std::nullopt;
    if (!values.role)
        return std::nullopt;
    return scim_error_response(scim::errc::invalid_value,
                               scim::to_string(call.connection.scim.role_attribute) + ": \"" + *values.role +
                                   "\" is not a role of this server (one of the [roles] order)");
}

/// The resource as stored: the rendered user without id and meta.
std::string stored_resource(scim::user const& u, std::string const& base_url)
{
    auto o = scim::render_user(u, scim::resource_meta{}, base_url);
    o.erase("id");
    o.erase("meta");
    return json::serialize(o);
}

/// The resource of a scim_users row: as stored, with id, active (the users row's flag)
/// and meta.
json::object render_row(store::scim_user_record const& r, bool active, std::string const& base_url)
{
    json::object o;
    boost::system::error_code ec;
    auto v = json::parse(r.resource_json, ec);
    if (!ec && v.is_object())
        o = std::move(v.as_object());
    o["id"] = r.user_id;
    o["active"] = active;
    scim::resource_meta meta{r.user_id, r.created_at, r.updated_at, std::to_string(r.version)};
    o["meta"] = scim::render_meta(scim::user_resource_type(), meta, base_url);
    return o;
}

/// A user of the call's connection: its scim_users row and its users row.
struct loaded_user {
    store::scim_user_record scim;
    store::user_record user;
};

/// A store error of a write as the client sees it.
http_response write_failure(scim_call const& call, store::transaction& tx, boost::system::error_code const& ec,
                            std::string_view what)
{
    if (ec == store::errc::user_name_taken)
        return scim_error_response(scim::errc::uniqueness, "userName is already taken");
    if (ec == store::errc::email_taken)
        return scim_error_response(scim::errc::uniqueness, "the email belongs to another user");
    return store_failure(call, ec, what, &tx);
}

std::optional<std::string> optional_of(std::string const& s)
{
    return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

/// Creates the connection's scim_users row of `user_id` for `u` (POST, adoption).
std::optional<http_response> create_scim_row(scim_call const& call, store::transaction& tx,
                                             std::string const& user_id, scim::user const& u)
{
    store::scim_user_record row;
    row.connection_id = call.connection.id;
    row.user_id = user_id;
    row.user_name = u.user_name;
    row.external_id = optional_of(u.external_id);
    row.resource_json = stored_resource(u, call.base_url);
    row.created_at = call.now;
    row.updated_at = call.now;
    if (auto r = tx.scim().create_user(row); !r)
        return write_failure(call, tx, r.error(), "create scim user");
    return std::nullopt;
}

/// Users for the shared single-resource handlers (scim_resource_flow.hpp).
struct user_kind {
    using loaded = loaded_user;
    using parsed = scim::user;
    static constexpr std::string_view deleted_action = "scim.user.deleted";

    static std::variant<loaded_user, http_response> load(scim_call const& call, store::transaction& tx,
                                                         std::string_view id)
    {
        auto row = tx.scim().find_user(call.connection.id, id);
        if (!row)
            return store_failure(call, row.error(), "find scim user", &tx);
        if (!*row)
            return scim_error_response(scim::errc::not_found, "no such user");
        auto user = tx.users().find(id);
        if (!user)
            return store_failure(call, user.error(), "find user", &tx);
        if (!*user)
            return scim_error_response(scim::errc::not_found, "no such user");
        return loaded_user{std::move(**row), std::move(**user)};
    }
    static std::string const& id(loaded_user const& l) { return l.user.id; }
    static std::int64_t version(loaded_user const& l) { return l.scim.version; }
    static json::object render(scim_call const& call, loaded_user const& l)
    {
        return render_row(l.scim, l.user.active, call.base_url);
    }
    static scim::resource_type_def const& type(scim_call const& call) { return call.user_type->type(); }
    static scim::result<scim::user> parse(scim_call const& call, json::value const& body)
    {
        return scim::parse_user(body, call.user_type->type());
    }
    static http_response replace(scim_call const& call, store::transaction& tx, loaded_user const& current,
                                 scim::user const& next);
    static std::optional<http_response> remove(scim_call const& call, store::transaction& tx, loaded_user const& l)
    {
        if (auto r = tx.users().remove(l.user.id); !r)
            return store_failure(call, r.error(), "delete user", &tx);
        return std::nullopt;
    }

    // The list (list_resources): scim_users rows, indexed by userName and externalId.
    using listed = store::scim_user_record;
    static constexpr std::string_view plural = "users";
    static constexpr std::string_view indexed_attributes = "userName or externalId";
    static store::result<std::size_t> count(store::transaction& tx, std::string const& connection_id)
    {
        return tx.scim().count_users(connection_id);
    }
    static store::result<std::vector<listed>> list(store::transaction& tx, std::string const& connection_id,
                                                   std::size_t offset, std::size_t limit)
    {
        return tx.scim().list_users(connection_id, offset, limit);
    }
    static bool indexes(scim::indexed_attribute a)
    {
        return a == scim::indexed_attribute::user_name || a == scim::indexed_attribute::external_id;
    }
    static std::variant<std::vector<listed>, http_response> find_indexed(scim_call const& call,
                                                                         store::transaction& tx,
                                                                         scim::indexed_lookup const& lookup)
    {
        std::vector<listed> rows;
        if (lookup.attribute == scim::indexed_attribute::user_name) {
            auto found = tx.scim().find_user_by_user_name(call.connection.id, lookup.value);
            if (!found)
                return store_failure(call, found.error(), "find by userName", &tx);
            if (*found)
                rows.push_back(std::move(**found));
            return rows;
        }
        auto found = tx.scim().find_users_by_external_id(call.connection.id, lookup.value);
        if (!found)
            return store_failure(call, found.error(), "find by externalId", &tx);
        return std::move(*found);
    }
    static std::variant<std::optional<json::object>, http_response> render_listed(scim_call const& call,
                                                                                  store::transaction& tx,
                                                                                  listed const& r)
    {
        auto user = tx.users().find(r.user_id);
        if (!user)
            return store_failure(call, user.error(), "find user", &tx);
        return render_row(r, *user && (*user)->active, call.base_url);
    }
};

/// PUT and PATCH: `next` replaces the user's SCIM resource.
http_response user_kind::replace(scim_call const& call, store::transaction& tx, loaded_user const& current,
                                 scim::user const& next)
{
    auto const values = values_of(next, call.connection.scim.role_attribute);
    if (auto refused = unknown_role(call, values))
        return std::move(*refused);
    auto const before = render_row(current.scim, current.user.active, call.base_url);
    auto changes = provisioning::plan_scim_writes(tx, current.user.id, call.owner(), values, true);
    if (!changes)
        return store_failure(call, changes.error(), "plan scim writes", &tx);
    if (auto r = provisioning::apply_owner_changes(tx, current.user.id, *changes, call.now); !r)
        return write_failure(call, tx, r.error(), "write values");

    store::scim_user_record row = current.scim;
    row.user_name = next.user_name;
    row.external_id = optional_of(next.external_id);
    row.resource_json = stored_resource(next, call.base_url);
    row.updated_at = call.now;
    if (auto r = tx.scim().update_user(row); !r)
        return write_failure(call, tx, r.error(), "update scim user");

    std::string action = "scim.user.updated";
    json::object extra{{"owners", provisioning::to_json(*changes)}};
    if (next.active != current.user.active) {
        if (auto r = tx.users().set_active(current.user.id, next.active, call.now); !r)
            return store_failure(call, r.error(), "set active", &tx);
        if (!next.active) {
            action = "scim.user.deactivated";
            auto ended = tx.sessions().end_all_for_user(current.user.id);
            if (!ended)
                return store_failure(call, ended.error(), "end sessions", &tx);
            extra["sessions_ended"] = *ended;
        }
    }
    auto stored = tx.scim().find_user(call.connection.id, current.user.id);
    if (!stored || !*stored)
        return store_failure(call, stored ? store::errc::corrupt : stored.error(), "reread scim user", &tx);
    auto after = render_row(**stored, next.active, call.base_url);
    auto e = scim_event(call, action, current.user.id, before, after, std::move(extra));
    if (auto failed = commit_with(call, tx, e))
        return std::move(*failed);
    return single_resource(200, std::move(after));
}

/// Adopts `existing` (a JIT- or admin-created user holding the POSTed userName/email).
http_response adopt(scim_call const& call, store::transaction& tx, store::user_record const& existing,
                    scim::user const& u)
{
    auto const values = values_of(u, call.connection.scim.role_attribute);
    auto before_state = json::object{{"created_by", existing.created_by}, {"active", existing.active}};
    auto changes = provisioning::plan_scim_writes(tx, existing.id, call.owner(), values, false);
    if (!changes)
        return store_failure(call, changes.error(), "plan adoption", &tx);
    if (auto r = provisioning::apply_owner_changes(tx, existing.id, *changes, call.now); !r)
        return write_failure(call, tx, r.error(), "adopt values");
    if (auto failed = create_scim_row(call, tx, existing.id, u))
        return std::move(*failed);
    if (u.active != existing.active) {
        if (auto r = tx.users().set_active(existing.id, u.active, call.now); !r)
            return store_failure(call, r.error(), "set active", &tx);
        if (!u.active)
            if (auto r = tx.sessions().end_all_for_user(existing.id); !r)
                return store_failure(call, r.error(), "end sessions", &tx);
    }
    auto stored = tx.scim().find_user(call.connection.id, existing.id);
    if (!stored || !*stored)
        return store_failure(call, stored ? store::errc::corrupt : stored.error(), "reread scim user", &tx);
    auto after = render_row(**stored, u.active, call.base_url);
    auto e = scim_event(call, "scim.user.adopted", existing.id, before_state, after,
                        {{"owners", provisioning::to_json(*changes)}});
    if (auto failed = commit_with(call, tx, e))
        return std::move(*failed);
    return single_resource(201, std::move(after));
}

} // namespace

http_response handle_users_create(app_context const& ctx, http_request const& req, route_params const& params)
{
    SCIM_AUTH(call);
    auto parsed = parse_request_body<user_kind>(call);
    if (auto* res = std::get_if<http_response>(&parsed))
        return std::move(*res);
    auto const& u = std::get<scim::user>(parsed);
    auto const values = values_of(u, call.connection.scim.role_attribute);
    if (auto refused = unknown_role(call, values))
        return std::move(*refused);

    auto began = ctx.store.begin(store::access::write);
    if (!began)
        return store_failure(call, began.error(), "begin");
    auto& tx = **began;
    auto taken = tx.scim().find_user_by_user_name(call.connection.id, u.user_name);
    if (!taken)
        return store_failure(call, taken.error(), "find by userName", &tx);
    if (*taken)
        return scim_error_response(scim::errc::uniqueness, "userName is already taken");

    // An existing user that is not in this connection's SCIM view, found by the email
    // the resource carries (the userName when it is an email): adopt it or refuse.
    std::optional<store::user_record> existing;
    for (auto const& candidate : {std::optional<std::string>(u.user_name), values.email}) {
        if (!candidate || existing)
            continue;
        auto found = tx.users().find_by_email(*candidate);
        if (!found)
            return store_failure(call, found.error(), "find by email", &tx);
        existing = std::move(*found);
    }
    if (existing) {
        auto row = tx.scim().find_user(call.connection.id, existing->id);
        if (!row)
            return store_failure(call, row.error(), "find scim user", &tx);
        if (*row)
            return scim_error_response(scim::errc::uniqueness,
                                       "the email belongs to another user of this connection");
        if (!call.connection.scim.adopt_existing)
            return scim_error_response(
                scim::errc::uniqueness,
                provisioning::adoption_hint(existing->email.value_or(u.user_name), call.connection.id,
                                            existing->created_by));
        return adopt(call, tx, *existing, u);
    }

    auto const id = new_audit_event_id(ctx.random); // a UUID, unique even with a deterministic source
    if (auto r = tx.users().create({id, call.owner(), u.active, call.now}); !r)
        return store_failure(call, r.error(), "create user", &tx);
    auto changes = provisioning::plan_scim_writes(tx, id, call.owner(), values, false);
    if (!changes)
        return store_failure(call, changes.error(), "plan scim writes", &tx);
    if (auto r = provisioning::apply_owner_changes(tx, id, *changes, call.now); !r)
        return write_failure(call, tx, r.error(), "write values");
    if (auto failed = create_scim_row(call, tx, id, u))
        return std::move(*failed);
    auto stored = tx.scim().find_user(call.connection.id, id);
    if (!stored || !*stored)
        return store_failure(call, stored ? store::errc::corrupt : stored.error(), "reread scim user", &tx);
    auto after = render_row(**stored, u.active, call.base_url);
    auto e = scim_event(call, "scim.user.created", id, nullptr, after);
    if (auto failed = commit_with(call, tx, e))
        return std::move(*failed);
    return single_resource(201, std::move(after));
}

http_response handle_user_get(app_context const& ctx, http_request const& req, route_params const& params)
{
    return get_resource<user_kind>(ctx, req, params);
}

http_response handle_users_list(app_context const& ctx, http_request const& req, route_params const& params)
{
    return list_resources<user_kind>(ctx, req, params);
}

http_response handle_user_replace(app_context const& ctx, http_request const& req, route_params const& params)
{
    return replace_resource<user_kind>(ctx, req, params);
}

http_response handle_user_patch(app_context const& ctx, http_request const& req, route_params const& params)
{
    return patch_resource<user_kind>(ctx, req, params);
}

http_response handle_user_delete(app_context const& ctx, http_request const& req, route_params const& params)
{
    return delete_resource<user_kind>(ctx, req, params);
}

} // namespace ssogate::gateway::scim_api
