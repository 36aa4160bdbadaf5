// Changing connections at runtime: create, change (and the JIT switch), delete, with
// their audit events in the same transaction (connection_admin.hpp).
#include <ssogate/gateway/audit.hpp>
#include <ssogate/gateway/connection_admin.hpp>

#include "connections/settings_diff.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>

namespace ssogate::gateway {

namespace json = boost::json;
using connections_detail::audit_form;
using connections_detail::diff;

namespace {

using errc = connection_admin_errc;

connection_admin_error refusal(errc code, std::string message, std::string field = {})
{
    return {code, std::move(message), std::move(field)};
}

connection_admin_error store_refusal(std::string const& what, boost::system::error_code const& ec)
{
    return refusal(errc::store_failed, "store: " + what + ": " + ec.message());
}

/// Keys an admin reads but never writes.
constexpr std::array read_only_keys{"owner", "source_file", "source_line", "created_at", "updated_at", "problem"};

/// RFC 7396 JSON merge patch.
void merge_patch(json::value& target, json::value const& patch)
{
    auto const* p = patch.if_object();
    if (!p) {
        target = patch;
        return;
    }
    if (!target.is_object())
        target = json::object();
    auto& t = target.get_object();
    for (auto const& [k, v] : *p) {
        if (v.is_null())
            t.erase(k);
        else
            merge_patch(t[k], v);
    }
}

/// settings_json of a store-owned connection: the JSON form without jit.enabled.
std::string stored_settings(connection_config const& c)
{
    auto o = connection_to_json(c);
    o["jit"].as_object().erase("enabled");
    return json::serialize(o);
}

store::audit_event connection_event(connection_admin_context const& ctx, std::string action, std::string const& id)
{
    store::audit_event e;
    e.id = new_audit_event_id(ctx.random);
    e.time = ctx.now;
    e.action = std::move(action);
    e.actor_type = ctx.actor.type;
    e.actor_id = ctx.actor.id;
    e.target = id;
    e.connection_id = id;
    e.source_ip = ctx.actor.source_ip;
    e.user_agent = ctx.actor.user_agent;
    e.result_status = "success";
    return e;
}

/// The settings of a row (see connection_view::settings).
connection_view view_of(connection_admin_context const& ctx, store::connection_record row)
{
    connection_view v;
    v.row = std::move(row);
    if (v.row.owner == store::connection_owner::file) {
        if (auto c = ctx.registry.find_file_connection(v.row.id))
            v.settings = c->settings;
        else
            v.problem = "declared in " + v.row.source_file + " when it was last loaded, but not in the running "
                        "configuration";
    } else {
        boost::system::error_code ec;
        auto parsed_json = json::parse(v.row.settings_json, ec);
        if (ec) {
            v.problem = "settings_json is not JSON: " + ec.message();
        } else if (auto parsed = connection_from_json(parsed_json, ctx.registry.sp().roles); !parsed) {
            v.problem = parsed.error().message;
        } else {
            v.settings = std::move(*parsed);
        }
    }
    if (v.settings)
        v.settings->jit.enabled = v.row.jit_enabled;
    return v;
}

/// Validates a JSON form for a store-owned connection: the file's checks, inline
/// metadata, and a full build (metadata parsed, options against the SP key, JIT policy).
connection_outcome<connection_config> validate(connection_admin_context const& ctx, json::value const& body)
{
    auto const* o = body.if_object();
    if (!o)
        return refusal(errc::invalid, "a connection must be a JSON object", "body");
    for (auto const* key : read_only_keys)
        if (o->contains(key))
            return refusal(errc::invalid, std::string(key) + " is read-only", key);
    auto parsed = connection_from_json(body, ctx.registry.sp().roles);
    if (!parsed)
        return refusal(errc::invalid, parsed.error().message, parsed.error().key);
    if (parsed->idp.file)
        return refusal(errc::invalid,
                       "connection \"" + parsed->id
                           + "\": idp_metadata_file is for connections declared in the configuration file; send the "
                             "IdP metadata XML as idp_metadata (ssogate connection create --idp-metadata FILE reads "
                             "the file for you)",
                       "idp_metadata_file");
    auto built = build_connection(*parsed, ctx.registry.sp());
    if (auto* p = std::get_if<connection_problem>(&built))
        return refusal(errc::invalid, p->message, p->field);
    return std::move(*parsed);
}

template <class T>
connection_admin_error* refused(connection_outcome<T>& o)
{
    return std::get_if<connection_admin_error>(&o);
}

} // namespace

std::string file_owned_message(store::connection_record const& row, connection_config const* settings,
                               std::string_view key)
{
    std::string where = row.source_file;
    if (settings && key == "jit.enabled") {
        if (settings->jit_enabled_line)
            where += " (jit.enabled at line " + std::to_string(settings->jit_enabled_line) + ")";
        else if (settings->declared_at.line)
            where += " (the [[connection]] at line " + std::to_string(settings->declared_at.line)
                     + "; add enabled under its [connection.jit])";
    } else if (settings && settings->declared_at.line) {
        where += " (the [[connection]] at line " + std::to_string(settings->declared_at.line) + ")";
    }
    return "connection \"" + row.id + "\" is declared in " + where
           + " and is read-only through the admin API and CLI; edit the file and run ssogate reload (or send SIGHUP)";
}

json::object connection_view_to_json(connection_view const& v, bool full)
{
    json::object o;
    auto const owner = v.row.owner == store::connection_owner::file ? "file" : "store";
    if (full && v.settings) {
        o = connection_to_json(*v.settings);
    } else {
        o["id"] = v.row.id;
        o["name"] = v.row.display_name;
        if (v.settings)
            o["domains"] = json::value_from(v.settings->domains);
        o["jit"] = json::object{{"enabled", v.row.jit_enabled}};
    }
    o["jit"].as_object()["enabled"] = v.row.jit_enabled;
    o["owner"] = owner;
    o["source_file"] = v.row.owner == store::connection_owner::file ? json::value(v.row.source_file) : json::value();
    if (full && v.row.owner == store::connection_owner::file && v.settings)
        o["source_line"] = v.settings->declared_at.line;
    o["created_at"] = format_audit_time(v.row.created_at);
    o["updated_at"] = format_audit_time(v.row.updated_at);
    if (!v.problem.empty())
        o["problem"] = v.problem;
    return o;
}

connection_outcome<std::vector<connection_view>> list_connections(connection_admin_context const& ctx)
{
    auto began = ctx.db.begin(store::access::read);
    if (!began)
        return store_refusal("begin", began.error());
    auto rows = (*began)->connections().list();
    if (!rows)
        return store_refusal("list connections", rows.error());
    std::vector<connection_view> out;
    for (auto& row : *rows)
        out.push_back(view_of(ctx, std::move(row)));
    return out;
}

connection_outcome<connection_view> show_connection(connection_admin_context const& ctx, std::string_view id)
{
    auto began = ctx.db.begin(store::access::read);
    if (!began)
        return store_refusal("begin", began.error());
    auto row = (*began)->connections().find(id);
    if (!row)
        return store_refusal("read connection", row.error());
    if (!*row)
        return refusal(errc::not_found, "no connection \"" + std::string(id) + "\"");
    return view_of(ctx, std::move(**row));
}

connection_outcome<connection_change> create_connection(connection_admin_context const& ctx,
                                                        json::value const& body)
{
    auto validated = validate(ctx, body);
    if (auto* r = refused(validated))
        return std::move(*r);
    auto const& c = std::get<connection_config>(validated);

    store::connection_record row;
    row.id = c.id;
    row.display_name = c.name.empty() ? c.id : c.name;
    row.owner = store::connection_owner::store;
    row.jit_enabled = c.jit.enabled;
    row.settings_json = stored_settings(c);
    row.created_at = store::time_point(std::chrono::floor<std::chrono::microseconds>(ctx.now));
    row.updated_at = row.created_at;

    auto began = ctx.db.begin(store::access::write);
    if (!began)
        return store_refusal("begin", began.error());
    auto& tx = **began;
    auto existing = tx.connections().find(c.id);
    if (!existing)
        return store_refusal("read connection", existing.error());
    if (*existing) {
        auto const& other = **existing;
        return refusal(errc::id_taken,
                       other.owner == store::connection_owner::file
                           ? "connection id \"" + c.id + "\" is taken by a connection declared in " + other.source_file
                           : "connection id \"" + c.id + "\" is taken",
                       "id");
    }
    if (auto r = tx.connections().create(row); !r) {
        if (r.error() == store::errc::already_exists)
            return refusal(errc::id_taken, "connection id \"" + c.id + "\" is taken", "id");
        return store_refusal("create connection", r.error());
    }
    connection_change change;
    change.after = audit_form(connection_to_json(c));
    auto ev = connection_event(ctx, "connection.created", c.id);
    ev.changes_json = json::serialize(json::object{{"after", change.after}});
    if (auto r = tx.audit().append(ev); !r)
        return store_refusal("audit", r.error());
    if (auto r = tx.commit(); !r)
        return store_refusal("commit", r.error());
    process_audit_notifier().notify();
    ctx.registry.invalidate(c.id);
    change.actions.push_back(ev.action);
    change.view = view_of(ctx, row);
    return change;
}

connection_outcome<connection_change> change_connection(connection_admin_context const& ctx, std::string_view id,
                                                        json::value const& patch)
{
    if (!patch.is_object())
        return refusal(errc::invalid, "a change must be a JSON object (a merge patch of the connection)", "body");
    auto began = ctx.db.begin(store::access::write);
    if (!began)
        return store_refusal("begin", began.error());
    auto& tx = **began;
    auto found = tx.connections().find(id);
    if (!found)
        return store_refusal("read connection", found.error());
    if (!*found)
        return refusal(errc::not_found, "no connection \"" + std::string(id) + "\"");
    auto row = **found;
    auto const before_view = view_of(ctx, row);
    if (row.owner == store::connection_owner::file) {
        auto const& p = patch.get_object();
        auto const* jit = p.if_contains("jit");
        bool const only_jit = p.size() == 1 && jit && jit->is_object() && jit->get_object().size() == 1
                              && jit->get_object().contains("enabled");
        return refusal(errc::file_owned,
                       file_owned_message(row, before_view.settings ? &*before_view.settings : nullptr,
                                          only_jit ? "jit.enabled" : ""));
    }
    if (!before_view.settings)
        return refusal(errc::store_failed, "connection \"" + row.id + "\" cannot be read: " + before_view.problem);
    if (auto const* new_id = patch.get_object().if_contains("id"); new_id && *new_id != json::value(row.id))
        return refusal(errc::invalid, "connection \"" + row.id + "\": id cannot be changed", "id");

    json::value merged = connection_to_json(*before_view.settings);
    merge_patch(merged, patch);
    auto validated = validate(ctx, merged);
    if (auto* r = refused(validated))
        return std::move(*r);
    auto const& c = std::get<connection_config>(validated);

    connection_change change;
    auto before_flat = audit_form(connection_to_json(*before_view.settings));
    auto after_flat = audit_form(connection_to_json(c));
    diff(before_flat, after_flat, change.before, change.after);
    if (change.before.empty()) {
        change.view = before_view;
        return change; // nothing to write, nothing to audit
    }

    row.display_name = c.name.empty() ? c.id : c.name;
    row.settings_json = stored_settings(c);
    row.jit_enabled = c.jit.enabled;
    // Strictly later, so that every change is visible as a new updated_at.
    row.updated_at = std::max<store::time_point>(std::chrono::floor<std::chrono::microseconds>(ctx.now),
                                                 row.updated_at + std::chrono::microseconds(1));
    auto updated = tx.connections().update(row);
    if (!updated)
        return store_refusal("update connection", updated.error());
    if (!*updated)
        return refusal(errc::not_found, "no connection \"" + std::string(id) + "\"");

    // connection.changed for the settings, connection.jit.* for the switch.
    json::object settings_before = change.before, settings_after = change.after;
    settings_before.erase("jit.enabled");
    settings_after.erase("jit.enabled");
    if (!settings_before.empty()) {
        auto ev = connection_event(ctx, "connection.changed", row.id);
        ev.changes_json = json::serialize(json::object{{"before", settings_before}, {"after", settings_after}});
        if (auto r = tx.audit().append(ev); !r)
            return store_refusal("audit", r.error());
        change.actions.push_back(ev.action);
    }
    if (before_view.settings->jit.enabled != c.jit.enabled) {
        auto ev = connection_event(ctx, c.jit.enabled ? "connection.jit.enabled" : "connection.jit.disabled", row.id);
        ev.changes_json = json::serialize(json::object{{"before", json::object{{"jit.enabled", !c.jit.enabled}}},
                                                       {"after", json::object{{"jit.enabled", c.jit.enabled}}}});
        if (auto r = tx.audit().append(ev); !r)
            return store_refusal("audit", r.error());
        change.actions.push_back(ev.action);
    }
    if (auto r = tx.commit(); !r)
        return store_refusal("commit", r.error());
    process_audit_notifier().notify();
    ctx.registry.invalidate(row.id);
    change.view = view_of(ctx, row);
    return change;
}

connection_outcome<connection_change> set_connection_jit(connection_admin_context const& ctx, std::string_view id,
                                                         bool enabled)
{
    return change_connection(ctx, id, json::object{{"jit", json::object{{"enabled", enabled}}}});
}

connection_outcome<connection_view> delete_connection(connection_admin_context const& ctx, std::string_view id)
{
    auto began = ctx.db.begin(store::access::write);
    if (!began)
        return store_refusal("begin", began.error());
    auto& tx = **began;
    auto found = tx.connections().find(id);
    if (!found)
        return store_refusal("read connection", found.error());
    if (!*found)
        return refusal(errc::not_found, "no connection \"" + std::string(id) + "\"");
    auto view = view_of(ctx, **found);
    if (view.row.owner == store::connection_owner::file)
        return refusal(errc::file_owned, file_owned_message(view.row, view.settings ? &*view.settings : nullptr, ""));
    auto removed = tx.connections().remove(id);
    if (!removed) {
        if (removed.error() == store::errc::in_use)
            return refusal(errc::in_use, "connection \"" + std::string(id)
                                             + "\" cannot be deleted: users still have identities on it");
        return store_refusal("delete connection", removed.error());
    }
    if (!*removed)
        return refusal(errc::not_found, "no connection \"" + std::string(id) + "\"");
    auto ev = connection_event(ctx, "connection.deleted", view.row.id);
    json::object before = view.settings ? audit_form(connection_to_json(*view.settings))
                                        : json::object{{"id", view.row.id}, {"name", view.row.display_name}};
    ev.changes_json = json::serialize(json::object{{"before", std::move(before)}});
    if (auto r = tx.audit().append(ev); !r)
        return store_refusal("audit", r.error());
    if (auto r = tx.commit(); !r)
        return store_refusal("commit", r.error());
    process_audit_notifier().notify();
    ctx.registry.invalidate(view.row.id);
    return view;
}

} // namespace ssogate::gateway
