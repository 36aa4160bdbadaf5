// The console's users: GET /admin/users?q= (search by email, id or name) and
// GET /admin/users/{id} (the user's explanation).
//
// The user page renders user_explanation_to_json — the very value of
// `GET /admin/v1/users/{id}/explain` and `ssogate user explain` — so the three faces
// cannot disagree about why a user holds a value.
#include <ssogate/gateway/audit.hpp>
#include <ssogate/gateway/connections.hpp>
#include <ssogate/gateway/logger.hpp>
#include <ssogate/gateway/users.hpp>

#include "console/console_support.hpp"
#include "routes/sso_support.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace ssogate::gateway::console_detail {

using sso_detail::parse_form;

namespace {

namespace json = boost::json;

/// Users a name search looks through at most (the store has no name index yet).
constexpr std::size_t name_search_scan = 5000;
constexpr std::size_t search_results = 50;

std::string str(json::value const* v)
{
    if (!v || v->is_null())
        return {};
    if (auto const* s = v->if_string())
        return std::string(*s);
    return json::serialize(*v);
}

std::string get(json::object const& o, std::string_view k)
{
    return str(o.if_contains(k));
}

std::string lower(std::string s)
{
    for (auto& c : s)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return s;
}

void pretty(json::value const& v, std::string& out, int indent)
{
    auto pad = [&](int k) { out.append(static_cast<std::size_t>(k) * 2, ' '); };
    if (auto const* o = v.if_object()) {
        if (o->empty()) {
            out += "{}";
            return;
        }
        out += "{\n";
        bool first = true;
        for (auto const& kv : *o) {
            if (!first)
                out += ",\n";
            first = false;
            pad(indent + 1);
            out += json::serialize(json::value(kv.key())) + ": ";
            pretty(kv.value(), out, indent + 1);
        }
        out += '\n';
        pad(indent);
        out += '}';
    } else if (auto const* arr = v.if_array()) {
        bool scalars = std::all_of(arr->begin(), arr->end(), [](json::value const& x) { return !x.is_structured(); });
        if (scalars) {
            out += json::serialize(*arr);
            return;
        }
        out += "[\n";
        for (std::size_t i = 0; i < arr->size(); ++i) {
            if (i)
                out += ",\n";
            pad(indent + 1);
            pretty((*arr)[i], out, indent + 1);
        }
        out += '\n';
        pad(indent);
        out += ']';
    } else {
        out += json::serialize(v);
    }
}

std::string pre(json::value const& v)
{
    std::string text;
    pretty(v, text, 0);
    return "<pre>" + escape_markup(text) + "</pre>";
}

/// A list of the strings in `o[key]` (kept / may_set of a first sign-in), escaped.
std::string string_list(json::object const& o, std::string_view key, std::string_view heading)
{
    auto const* a = o.if_contains(key);
    if (!a || !a->is_array() || a->as_array().empty())
        return {};
    std::string out = "<p>" + std::string(heading) + "</p>\n<ul>\n";
    for (auto const& item : a->as_array())
        out += "<li>" + escape_markup(str(&item)) + "</li>\n";
    return out + "</ul>\n";
}

/// users.hpp first_sign_in: how a SCIM-provisioned user's first sign-in will link, and
/// what JIT will keep and may set then.
std::string render_first_sign_in(json::object const& first)
{
    std::string out = "<p>First sign-in: ";
    if (auto on = get(first, "match_on"); !on.empty())
        out += "the identity links to this user when the assertion's <code>" + escape_markup(on)
               + "</code> matches <strong>" + escape_markup(get(first, "match_value")) + "</strong>.";
    else
        out += "the connection's SCIM settings are unknown.";
    out += "</p>\n";
    out += string_list(first, "kept", "JIT keeps (another source owns them):");
    out += string_list(first, "may_set", "JIT may set:");
    return out;
}

/// "#12 jit.user.updated" linking to the audit log, or "—".
std::string event_cell(json::value const* ev)
{
    if (!ev || !ev->is_object())
        return "<span class=\"muted\">—</span>";
    auto const& e = ev->as_object();
    std::string out = "<a href=\"/admin/audit?action=" + escape_markup(get(e, "action")) + "\">#"
                      + escape_markup(get(e, "seq")) + " " + escape_markup(get(e, "action")) + "</a>";
    if (auto t = get(e, "trace_id"); !t.empty())
        out += " <span class=\"hint\">trace <code>" + escape_markup(t) + "</code></span>";
    return out;
}

/// A table of owned values: name column, value column (optional), owner, set at, event.
std::string owned_table(json::value const* list, std::string_view name_key, std::string_view name_title,
                        std::string_view value_key, std::string_view value_title)
{
    if (!list || !list->is_array() || list->as_array().empty())
        return "<p class=\"empty\">None.</p>\n";
    std::string out = "<table>\n<thead><tr><th scope=\"col\">" + std::string(name_title) + "</th>";
    if (!value_key.empty())
        out += "<th scope=\"col\">" + std::string(value_title) + "</th>";
    out += "<th scope=\"col\">Owner</th><th scope=\"col\">Set at</th><th scope=\"col\">By event</th></tr></thead>\n<tbody>\n";
    for (auto const& item : list->as_array()) {
        if (!item.is_object())
            continue;
        auto const& o = item.as_object();
        out += "<tr><td>" + escape_markup(get(o, name_key)) + "</td>";
        if (!value_key.empty())
            out += "<td>" + escape_markup(get(o, value_key)) + "</td>";
        out += "<td><code>" + escape_markup(get(o, "owner")) + "</code></td><td>" + escape_markup(get(o, "set_at"))
               + "</td><td>" + event_cell(o.if_contains("event")) + "</td></tr>\n";
    }
    out += "</tbody>\n</table>\n";
    return out;
}

struct found_user {
    std::string id;
    std::string email;
    std::string name;
    bool active = true;
};

std::string name_of(std::vector<store::attribute_record> const& attrs)
{
    std::string display, given, family;
    for (auto const& a : attrs) {
        if (a.name == "display_name")
            display = a.value;
        else if (a.name == "given_name")
            given = a.value;
        else if (a.name == "family_name")
            family = a.value;
    }
    if (!display.empty())
        return display;
    return given + (given.empty() || family.empty() ? "" : " ") + family;
}

} // namespace

http_response handle_users_page(app_context const& ctx, http_request const& req, route_params const&)
{
    auto admitted_or = admit_page(ctx, req);
    if (auto* res = std::get_if<http_response>(&admitted_or))
        return std::move(*res);
    auto const& a = std::get<admitted>(admitted_or);
    std::string q;
    if (auto f = parse_form(req.query()); f && f->contains("q"))
        q = f->at("q");

    std::string body = "<form method=\"get\" action=\"/admin/users\" class=\"filters\" role=\"search\">\n"
                       "<label>Email, name or user ID <input name=\"q\" type=\"search\" value=\""
                       + escape_markup(q) + "\" autofocus></label>\n<button type=\"submit\">Search</button>\n</form>\n";
    std::vector<found_user> found;
    bool truncated = false;
    auto began = ctx.store.begin(store::access::read);
    if (!began)
        return console_page(a, 503, "Users", "users", body + "<p role=\"alert\">The store is unavailable.</p>");
    auto& tx = **began;
    auto add = [&](store::user_record const& u) {
        auto attrs = tx.users().attributes(u.id);
        found.push_back({u.id, u.email.value_or(""), attrs ? name_of(*attrs) : std::string(), u.active});
    };
    if (!q.empty()) {
        // Exactly as the API and the CLI find a user (id, else email)…
        if (auto u = find_user(tx, q); u && *u)
            add(**u);
        // …and, for a name or part of an email, the first users whose name or email contains it.
        if (found.empty()) {
            auto const needle = lower(q);
            std::string after;
            std::size_t scanned = 0;
            while (scanned < name_search_scan && found.size() < search_results) {
                auto page = tx.users().list(after, 500);
                if (!page || page->empty())
                    break;
                for (auto const& u : *page) {
                    ++scanned;
                    auto attrs = tx.users().attributes(u.id);
                    auto name = attrs ? name_of(*attrs) : std::string();
                    if (lower(name).find(needle) != std::string::npos
                        || lower(u.email.value_or("")).find(needle) != std::string::npos)
                        found.push_back({u.id, u.email.value_or(""), name, u.active});
                    if (found.size() >= search_results)
                        break;
                }
                after = page->back().id;
            }
            truncated = scanned >= name_search_scan;
        }
    } else {
        auto page = tx.users().list("", search_results);
        if (page)
            for (auto const& u : *page)
                add(u);
        truncated = page && page->size() == search_results;
    }
    if (found.empty()) {
        body += q.empty() ? "<p class=\"empty\">No users yet.</p>\n"
                          : "<p class=\"empty\">No user matches " + escape_markup(q) + ".</p>\n";
    } else {
        body += "<table>\n<thead><tr><th scope=\"col\">Email</th><th scope=\"col\">Name</th><th scope=\"col\">ID</th>"
                "<th scope=\"col\">Active</th></tr></thead>\n<tbody>\n";
        for (auto const& u : found)
            body += "<tr><td><a href=\"/admin/users/" + escape_markup(u.id) + "\">"
                    + escape_markup(u.email.empty() ? u.id : u.email) + "</a></td><td>" + escape_markup(u.name)
                    + "</td><td><code>" + escape_markup(u.id) + "</code></td><td>" + (u.active ? "yes" : "no")
                    + "</td></tr>\n";
        body += "</tbody>\n</table>\n";
        if (truncated)
            body += "<p class=\"hint\">Showing the first matches only; search by email for one user.</p>\n";
    }
    return console_page(a, 200, "Users", "users", body);
}

http_response handle_user_page(app_context const& ctx, http_request const& req, route_params const& params)
{
    auto admitted_or = admit_page(ctx, req);
    if (auto* res = std::get_if<http_response>(&admitted_or))
        return std::move(*res);
    auto const& a = std::get<admitted>(admitted_or);
    auto unavailable = [&] {
        return console_page(a, 503, "User", "users", "<p role=\"alert\">The store is unavailable.</p>");
    };
    auto began = ctx.store.begin(store::access::read);
    if (!began)
        return unavailable();
    auto& tx = **began;
    auto user = find_user(tx, params.get("id"));
    if (!user)
        return unavailable();
    if (!*user)
        return console_page(a, 404, "User", "users", "<p>There is no such user.</p>");
    auto explained = explain_user(tx, **user, registry_policies(ctx.connections),
                                  registry_scim_settings(ctx.connections), ctx.clock());
    if (!explained)
        return unavailable();
    auto const e = user_explanation_to_json(*explained);

    std::string body = "<dl>\n";
    body += "<dt>ID</dt><dd><code>" + escape_markup(get(e, "id")) + "</code></dd>\n";
    body += "<dt>Email</dt><dd>" + escape_markup(get(e, "email")) + "</dd>\n";
    body += "<dt>Active</dt><dd>" + escape_markup(get(e, "active")) + "</dd>\n";
    body += "<dt>Created by</dt><dd><code>" + escape_markup(get(e, "created_by")) + "</code> at "
            + escape_markup(get(e, "created_at")) + "</dd>\n";
    body += "<dt>Updated</dt><dd>" + escape_markup(get(e, "updated_at")) + "</dd>\n</dl>\n";

    body += "<h2>Profile</h2>\n" + owned_table(e.if_contains("profile"), "field", "Field", "value", "Value");
    body += "<h2>Roles</h2>\n" + owned_table(e.if_contains("roles"), "role", "Role", "", "");
    body += "<h2>Teams</h2>\n" + owned_table(e.if_contains("teams"), "team", "Team", "team_id", "Team ID");

    body += "<h2>Identities</h2>\n";
    if (auto const* ids = e.if_contains("identities"); ids && ids->is_array() && !ids->as_array().empty()) {
        body += "<table>\n<thead><tr><th scope=\"col\">Connection</th><th scope=\"col\">Subject</th>"
                "<th scope=\"col\">Linked</th><th scope=\"col\">Last sign-in</th></tr></thead>\n<tbody>\n";
        for (auto const& i : ids->as_array())
            if (i.is_object())
                body += "<tr><td>" + escape_markup(get(i.as_object(), "connection")) + "</td><td><code>"
                        + escape_markup(get(i.as_object(), "subject")) + "</code></td><td>"
                        + escape_markup(get(i.as_object(), "created_at")) + "</td><td>"
                        + escape_markup(get(i.as_object(), "last_login_at")) + "</td></tr>\n";
        body += "</tbody>\n</table>\n";
    } else {
        body += "<p class=\"empty\">None.</p>\n";
    }

    body += "<h2>Conflicts</h2>\n";
    if (auto const* cs = e.if_contains("conflicts"); cs && cs->is_array() && !cs->as_array().empty()) {
        body += "<table>\n<thead><tr><th scope=\"col\">Item</th><th scope=\"col\">Assertion value</th>"
                "<th scope=\"col\">Stored value</th><th scope=\"col\">Stored owner</th><th scope=\"col\">Connection</th>"
                "<th scope=\"col\">Event</th></tr></thead>\n<tbody>\n";
        for (auto const& c : cs->as_array()) {
            if (!c.is_object())
                continue;
            auto const& o = c.as_object();
            body += "<tr><td>" + escape_markup(get(o, "kind")) + " " + escape_markup(get(o, "item")) + "</td><td>"
                    + escape_markup(get(o, "assertion_value")) + "</td><td>" + escape_markup(get(o, "stored_value"))
                    + "</td><td><code>" + escape_markup(get(o, "stored_owner")) + "</code></td><td>"
                    + escape_markup(get(o, "connection")) + "</td><td>" + event_cell(o.if_contains("event"))
                    + "</td></tr>\n";
        }
        body += "</tbody>\n</table>\n";
    } else {
        body += "<p class=\"empty\">No conflict recorded.</p>\n";
    }

    body += "<h2>Last assertion</h2>\n";
    auto const* last = e.if_contains("last_assertion");
    if (last && last->is_object()) {
        auto const& l = last->as_object();
        body += "<p>Through <strong>" + escape_markup(get(l, "connection")) + "</strong> at "
                + escape_markup(get(l, "at")) + ".</p>\n";
        auto const* as = l.if_contains("assertion");
        auto const* attrs = as && as->is_object() ? as->as_object().if_contains("attributes") : nullptr;
        if (attrs && attrs->is_object()) {
            body += "<table>\n<thead><tr><th scope=\"col\">Attribute</th><th scope=\"col\">Values</th></tr></thead>\n<tbody>\n";
            for (auto const& kv : attrs->as_object()) {
                std::string values;
                if (auto const* arr = kv.value().if_array()) {
                    for (auto const& x : *arr)
                        values += "<li>" + escape_markup(str(&x)) + "</li>";
                } else {
                    values = "<li>" + escape_markup(str(&kv.value())) + "</li>";
                }
                body += "<tr><td><code>" + escape_markup(kv.key()) + "</code></td><td><ul>" + values + "</ul></td></tr>\n";
            }
            body += "</tbody>\n</table>\n";
        }
        if (as)
            body += "<details><summary>The whole assertion record</summary>" + pre(*as) + "</details>\n";
    } else {
        body += "<p class=\"empty\">No assertion seen yet.</p>\n";
    }

    body += "<h2>Next sign-in</h2>\n";
    if (auto const* ns = e.if_contains("next_sign_in"); ns && ns->is_array() && !ns->as_array().empty()) {
        for (auto const& n : ns->as_array()) {
            if (!n.is_object())
                continue;
            auto const& o = n.as_object();
            body += "<section class=\"next\"><h3>Through " + escape_markup(get(o, "connection")) + "</h3>\n<p>"
                    + escape_markup(get(o, "status"));
            if (auto d = get(o, "detail"); !d.empty())
                body += ": " + escape_markup(d);
            if (auto j = get(o, "jit_enabled"); !j.empty())
                body += " · JIT is " + std::string(j == "true" ? "on" : "off");
            body += "</p>\n";
            if (auto const* plan = o.if_contains("plan"); plan && !plan->is_null())
                body += pre(*plan);
            if (auto const* first = o.if_contains("first_sign_in"); first && first->is_object())
                body += render_first_sign_in(first->as_object());
            body += "</section>\n";
        }
    } else {
        body += "<p class=\"empty\">No identity to sign in with.</p>\n";
    }

    // Adoption (user_adoption.hpp): the form asks for the dry run; its answer carries
    // the "Apply" form (user_adopt.cpp).
    body += "<h2 id=\"adopt\">Adopt into SCIM</h2>\n";
    std::vector<std::string> adopted_by;
    if (auto views = tx.scim().user_connections((*user)->id))
        for (auto const& v : *views)
            adopted_by.push_back(v.connection_id);
    if (!adopted_by.empty()) {
        body += "<p>Provisioned by SCIM of: ";
        for (std::size_t i = 0; i < adopted_by.size(); ++i)
            body += (i ? ", " : "") + std::string("<strong>") + escape_markup(adopted_by[i]) + "</strong>";
        body += ".</p>\n";
    }
    std::string options;
    for (auto const& c : ctx.connections.all())
        if (std::find(adopted_by.begin(), adopted_by.end(), c.id) == adopted_by.end())
            options += "<option value=\"" + escape_markup(c.id) + "\">" + escape_markup(c.id)
                       + (c.settings.scim.enabled ? "" : " (SCIM off)") + "</option>";
    if (options.empty()) {
        body += "<p class=\"empty\">No other connection can adopt this user.</p>\n";
    } else {
        body += "<p>Hand this user to a connection's SCIM, keeping its id, identities, sessions and memberships: "
                "every value owned by <code>jit:&lt;connection&gt;</code> or <code>admin</code> becomes owned by "
                "<code>scim:&lt;connection&gt;</code>. You see the dry run first.</p>\n"
                "<form method=\"post\" action=\"/admin/users/" + escape_markup((*user)->id)
                + "/adopt\" class=\"filters\" id=\"adopt-form\">\n" + csrf_input(a)
                + "\n<input type=\"hidden\" name=\"step\" value=\"preview\">\n"
                  "<label>Connection <select name=\"connection\" id=\"adopt-connection\">" + options
                + "</select></label>\n<button type=\"submit\">Show what would change</button>\n</form>\n";
    }
    return console_page(a, 200, get(e, "email").empty() ? "User" : get(e, "email"), "users", body);
}

} // namespace ssogate::gateway::console_detail
