// The console's connections: GET /admin/connections (the table with the JIT switch),
// GET /admin/connections/{id} (one connection), POST /admin/connections/{id}/jit (the
// switch) and POST /admin/connections/{id} (a settings change as a JSON merge patch).
//
// Every read and change goes through connection_admin.hpp — the functions behind
// /admin/v1/connections and `ssogate connection …` — so the refusals the console shows
// are the API's messages, word for word.
#include <ssogate/gateway/audit.hpp>
#include <ssogate/gateway/config.hpp>
#include <ssogate/gateway/connection_admin.hpp>
#include <ssogate/gateway/connections.hpp>
#include <ssogate/gateway/logger.hpp>

#include "console/console_support.hpp"
#include "routes/sso_support.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <map>

namespace ssogate::gateway::console_detail {

using sso_detail::parse_form;

namespace {

namespace json = boost::json;
using time_point = std::chrono::system_clock::time_point;

/// A certificate within this many days of its end is shown in the warning colour.
constexpr auto expiry_warning = std::chrono::hours(24 * 30);

connection_admin_context admin_context(app_context const& ctx, admitted const& a)
{
    return connection_admin_context{ctx.store, ctx.connections, a.admin.actor, ctx.random, ctx.clock()};
}

int status_of(connection_admin_errc code) noexcept
{
    switch (code) {
    case connection_admin_errc::invalid: return 400;
    case connection_admin_errc::not_found: return 404;
    case connection_admin_errc::id_taken:
    case connection_admin_errc::in_use:
    case connection_admin_errc::file_owned: return 409;
    case connection_admin_errc::store_failed: return 503;
    }
    return 500;
}

bool wants_json(http_request const& req)
{
    auto accept = req.headers.get("Accept");
    return accept && accept->find("application/json") != std::string_view::npos;
}

std::string join(std::vector<std::string> const& v)
{
    std::string out;
    for (auto const& s : v)
        out += (out.empty() ? "" : ", ") + s;
    return out;
}

/// The newest successful sign-in per connection, from the audit log (newest first,
/// at most `max_windows` windows of `window` events back).
std::map<std::string, std::string, std::less<>> last_sign_ins(app_context const& ctx)
{
    constexpr std::int64_t window = 2000;
    constexpr int max_windows = 10;
    std::map<std::string, std::string, std::less<>> out;
    auto began = ctx.store.begin(store::access::read);
    if (!began)
        return out;
    auto& tx = **began;
    auto last = tx.audit().last_seq();
    if (!last)
        return out;
    store::audit_filter f{"sso.login.succeeded", ""};
    std::int64_t upper = *last;
    for (int w = 0; w < max_windows && upper > 0; ++w) {
        auto const from = std::max<std::int64_t>(0, upper - window);
        auto events = tx.audit().after(from, static_cast<std::size_t>(upper - from), f);
        if (!events)
            break;
        for (auto it = events->rbegin(); it != events->rend(); ++it)
            if (it->seq <= upper && !it->event.connection_id.empty())
                out.try_emplace(it->event.connection_id, show_time(it->event.time));
        upper = from;
    }
    return out;
}

/// The earliest end of the connection's IdP signing certificates, if it has any.
std::optional<time_point> first_cert_expiry(sso_connection const& c)
{
    std::optional<time_point> out;
    for (auto const& cert : c.trust.signing_certs)
        if (!out || cert.not_after() < *out)
            out = cert.not_after();
    return out;
}

std::string expiry_cell(std::optional<time_point> t, time_point now)
{
    if (!t)
        return "<span class=\"muted\">—</span>";
    auto const text = show_time(*t);
    if (*t <= now)
        return "<span class=\"warn\">expired " + escape_markup(text) + "</span>";
    if (*t - now < expiry_warning)
        return "<span class=\"warn\">" + escape_markup(text) + " (within 30 days)</span>";
    return escape_markup(text);
}

/// The JIT switch of one connection: live for store-owned ones, disabled with the
/// file and line to edit for file-owned ones.
std::string jit_switch(connection_view const& v, std::string const& hint_id)
{
    bool const on = v.row.jit_enabled;
    bool const scim = v.settings && v.settings->scim.enabled;
    std::string const id = escape_markup(v.row.id);
    std::string out = "<div class=\"switch-cell\">";
    out += "<button type=\"button\" role=\"switch\" id=\"jit-" + id + "\" aria-checked=\"" + (on ? "true" : "false")
           + "\" aria-label=\"Just-in-Time provisioning for " + id + "\" data-label=\"jit-state-" + id
           + "\" data-message=\"jit-msg-" + id + "\"";
    if (v.row.owner == store::connection_owner::file) {
        out += " disabled aria-describedby=\"" + hint_id + "\"";
    } else {
        out += " data-url=\"/admin/connections/" + id + "/jit\"";
        if (!scim)
            out += " data-confirm-off=\"SCIM is off for " + id
                   + ": with JIT off too, nobody new can sign in through this connection. Turn JIT off?\"";
    }
    out += "></button> <span id=\"jit-state-" + id + "\">" + (on ? "on" : "off") + "</span>";
    out += " <span id=\"jit-msg-" + id + "\" role=\"status\" aria-live=\"polite\" class=\"hint\"></span>";
    if (v.row.owner == store::connection_owner::file)
        out += "<span class=\"hint\" id=\"" + hint_id + "\">"
               + escape_markup(file_owned_message(v.row, v.settings ? &*v.settings : nullptr, "jit.enabled"))
               + "</span>";
    out += "</div>";
    return out;
}

std::string where_defined(connection_view const& v)
{
    if (v.row.owner == store::connection_owner::store)
        return "store";
    std::string out = "file <code>" + escape_markup(v.row.source_file) + "</code>";
    if (v.settings && v.settings->declared_at.line > 0)
        out += " line " + std::to_string(v.settings->declared_at.line);
    return out;
}

http_response refusal_page(admitted const& a, http_request const& req, connection_admin_error const& e,
                           std::string_view back)
{
    if (wants_json(req)) {
        json::object o{{"error", e.message}};
        if (!e.field.empty())
            o["field"] = e.field;
        return json_response(status_of(e.code), json::serialize(o));
    }
    std::string body = "<p class=\"banner bad\" role=\"alert\">" + escape_markup(e.message) + "</p>\n";
    if (!e.field.empty())
        body += "<p>Field: <code>" + escape_markup(e.field) + "</code></p>\n";
    body += "<p><a href=\"" + std::string(back) + "\">Back</a></p>\n";
    return console_page(a, status_of(e.code), "Change refused", "connections", body);
}

} // namespace

http_response handle_connections_page(app_context const& ctx, http_request const& req, route_params const&)
{
    auto admitted_or = admit_page(ctx, req);
    if (auto* res = std::get_if<http_response>(&admitted_or))
        return std::move(*res);
    auto const& a = std::get<admitted>(admitted_or);
    auto listed = list_connections(admin_context(ctx, a));
    if (auto* e = std::get_if<connection_admin_error>(&listed))
        return console_page(a, status_of(e->code), "Connections", "connections",
                            "<p class=\"banner bad\" role=\"alert\">" + escape_markup(e->message) + "</p>");
    auto const& views = std::get<std::vector<connection_view>>(listed);
    auto const now = ctx.clock();
    auto const signins = last_sign_ins(ctx);

    std::string body;
    if (views.empty()) {
        body = "<p class=\"empty\">No connections yet. Declare one in the configuration file "
               "(<code>[[connection]]</code>) or create one with <code>ssogate connection create</code> "
               "or <code>POST /admin/v1/connections</code>.</p>\n";
        return console_page(a, 200, "Connections", "connections", body);
    }
    body = "<table>\n<thead><tr><th scope=\"col\">ID</th><th scope=\"col\">Name</th><th scope=\"col\">Domains</th>"
           "<th scope=\"col\">Defined in</th><th scope=\"col\">JIT</th><th scope=\"col\">SCIM</th>"
           "<th scope=\"col\">IdP certificate expires</th><th scope=\"col\">Last sign-in</th></tr></thead>\n<tbody>\n";
    int n = 0;
    for (auto const& v : views) {
        auto const id = escape_markup(v.row.id);
        body += "<tr><td><a href=\"/admin/connections/" + id + "\">" + id + "</a></td><td>"
                + escape_markup(v.row.display_name) + "</td><td>"
                + escape_markup(v.settings ? join(v.settings->domains) : std::string()) + "</td><td>" + where_defined(v)
                + "</td><td>" + jit_switch(v, "jit-hint-" + std::to_string(++n)) + "</td><td>"
                + (v.settings ? (v.settings->scim.enabled ? "on" : "off") : "—") + "</td><td>";
        auto built = ctx.connections.find(v.row.id);
        body += built ? expiry_cell(first_cert_expiry(*built), now) : "<span class=\"muted\">—</span>";
        body += "</td><td>";
        auto s = signins.find(v.row.id);
        body += s == signins.end() ? "<span class=\"muted\">never</span>" : escape_markup(s->second);
        body += "</td></tr>\n";
        if (!v.problem.empty())
            body += "<tr><td colspan=\"8\" class=\"warn\">" + escape_markup(v.problem) + "</td></tr>\n";
    }
    body += "</tbody>\n</table>\n";
    return console_page(a, 200, "Connections", "connections", body);
}

http_response handle_connection_jit(app_context const& ctx, http_request const& req, route_params const& params)
{
    auto form = parse_form(req.body);
    auto admitted_or = admit_change(ctx, req, form ? &*form : nullptr);
    if (auto* res = std::get_if<http_response>(&admitted_or))
        return std::move(*res);
    auto const& a = std::get<admitted>(admitted_or);
    auto const id = std::string(params.get("id"));
    std::string const back = "/admin/connections";
    std::string enabled = form && form->contains("enabled") ? form->at("enabled") : std::string();
    if (enabled != "true" && enabled != "false")
        return refusal_page(a, req, {connection_admin_errc::invalid, "enabled must be true or false", "enabled"}, back);
    bool const on = enabled == "true";
    auto actx = admin_context(ctx, a);
    if (!on) {
        // Turning JIT off while SCIM is off locks new people out: ask first.
        auto shown = show_connection(actx, id);
        if (auto* e = std::get_if<connection_admin_error>(&shown))
            return refusal_page(a, req, *e, back);
        auto const& v = std::get<connection_view>(shown);
        bool const scim = v.settings && v.settings->scim.enabled;
        bool const confirmed = form && form->contains("confirm") && form->at("confirm") == "yes";
        if (!scim && !confirmed && v.row.owner == store::connection_owner::store) {
            std::string const msg = "SCIM is off for " + id
                                    + ": with JIT off too, nobody new can sign in through this connection.";
            if (wants_json(req))
                return json_response(409, json::serialize(json::object{{"error", msg + " Confirm to go on."},
                                                                       {"confirm_required", true}}));
            std::string body = "<p class=\"banner warn\" role=\"alert\">" + escape_markup(msg) + "</p>\n"
                               "<form method=\"post\" action=\"/admin/connections/" + escape_markup(id) + "/jit\">"
                               + csrf_input(a) + "<input type=\"hidden\" name=\"enabled\" value=\"false\">"
                               "<input type=\"hidden\" name=\"confirm\" value=\"yes\">"
                               "<button type=\"submit\">Turn JIT off</button> <a href=\"" + back
                               + "\">Cancel</a></form>\n";
            return console_page(a, 200, "Turn JIT off?", "connections", body);
        }
    }
    auto changed = set_connection_jit(actx, id, on);
    if (auto* e = std::get_if<connection_admin_error>(&changed))
        return refusal_page(a, req, *e, back);
    auto const& c = std::get<connection_change>(changed);
    ctx.log.info("console: JIT switched", {{"connection", id}, {"enabled", on}, {"actor", a.admin.actor.id}});
    if (wants_json(req))
        return json_response(200, json::serialize(json::object{
                                      {"connection", id},
                                      {"jit", json::object{{"enabled", c.view.row.jit_enabled}}},
                                      {"message", std::string("JIT provisioning is now ") + (on ? "on." : "off.")}}));
    http_response res;
    res.status = 303;
    res.headers.set("Location", back);
    set_console_headers(res);
    return res;
}

namespace {

/// Pretty JSON for the settings view and the edit box.
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
        out += json::serialize(*arr);
    } else {
        out += json::serialize(v);
    }
}

std::string dl_row(std::string_view term, std::string const& html)
{
    return "<dt>" + std::string(term) + "</dt><dd>" + html + "</dd>\n";
}

/// SCIM tokens of the connection: list, create (the secret is shown once), revoke —
/// create_scim_token / revoke_scim_token, as `ssogate scim token create|revoke`.
std::string scim_tokens_section(app_context const& ctx, admitted const& a, connection_view const& v)
{
    auto const id = escape_markup(v.row.id);
    std::string out = "<h2>SCIM tokens</h2>\n";
    std::vector<store::token_record> tokens;
    if (auto began = ctx.store.begin(store::access::read))
        if (auto listed = (*began)->tokens().list(store::token_kind::scim))
            for (auto const& t : *listed)
                if (t.connection_id == v.row.id)
                    tokens.push_back(t);
    if (tokens.empty()) {
        out += "<p class=\"empty\">No SCIM token for this connection.</p>\n";
    } else {
        out += "<table>\n<thead><tr><th scope=\"col\">Token</th><th scope=\"col\">Name</th><th scope=\"col\">Created</th>"
               "<th scope=\"col\">State</th></tr></thead>\n<tbody>\n";
        for (auto const& t : tokens) {
            out += "<tr><td><code>" + escape_markup(t.id) + "</code></td><td>" + escape_markup(t.name) + "</td><td>"
                   + escape_markup(show_time(t.created_at)) + "</td><td>";
            if (t.revoked_at)
                out += "revoked " + escape_markup(show_time(*t.revoked_at));
            else
                out += "<form method=\"post\" action=\"/admin/connections/" + id + "/scim-tokens/"
                       + escape_markup(t.id) + "/revoke\" data-confirm=\"Revoke this SCIM token? The IdP using it stops "
                       "provisioning.\">" + csrf_input(a) + "<button type=\"submit\">Revoke</button></form>";
            out += "</td></tr>\n";
        }
        out += "</tbody>\n</table>\n";
    }
    out += "<form method=\"post\" action=\"/admin/connections/" + id + "/scim-tokens\" class=\"filters\">" + csrf_input(a)
           + "<label>Token name <input name=\"name\" required></label><button type=\"submit\">Create SCIM token</button>"
             "</form>\n";
    return out;
}

std::string connection_body(app_context const& ctx, admitted const& a, connection_view const& v,
                            std::string const& patch_text, std::string const& error_html)
{
    auto const id = escape_markup(v.row.id);
    auto const now = ctx.clock();
    std::string body = error_html;
    body += "<dl>\n";
    body += dl_row("Name", escape_markup(v.row.display_name));
    body += dl_row("Defined in", where_defined(v));
    body += dl_row("JIT provisioning", jit_switch(v, "jit-hint-1"));
    body += dl_row("SCIM", v.settings ? (v.settings->scim.enabled ? "on" : "off") : "—");
    body += "</dl>\n";

    body += "<h2>Identity provider</h2>\n";
    auto built = ctx.connections.find(v.row.id);
    if (!built) {
        body += "<p class=\"warn\">This connection cannot be used for sign-in right now"
                + (v.problem.empty() ? std::string(".") : ": " + escape_markup(v.problem)) + "</p>\n";
    } else {
        body += "<dl>\n";
        body += dl_row("Entity ID", "<code>" + escape_markup(built->trust.entity_id) + "</code>");
        body += dl_row("SSO URL", "<code>" + escape_markup(built->sso_redirect_url) + "</code>");
        body += "</dl>\n<table>\n<thead><tr><th scope=\"col\">Signing certificate</th><th scope=\"col\">SHA-256 "
                "fingerprint</th><th scope=\"col\">Expires</th></tr></thead>\n<tbody>\n";
        for (auto const& cert : built->trust.signing_certs)
            body += "<tr><td>" + escape_markup(cert.subject()) + "</td><td><code>"
                    + escape_markup(cert.sha256_fingerprint()) + "</code></td><td>"
                    + expiry_cell(cert.not_after(), now) + "</td></tr>\n";
        body += "</tbody>\n</table>\n";
        body += "<h2>This service provider</h2>\n<dl>\n";
        body += dl_row("ACS URL", "<code>" + escape_markup(built->sp.acs_url) + "</code>");
        body += dl_row("SP entity ID", "<code>" + escape_markup(built->sp.entity_id) + "</code>");
        body += dl_row("SP metadata", "<a href=\"/sso/metadata\" download=\"ssogate-sp-metadata.xml\">Download</a>");
        body += "</dl>\n";
    }

    body += scim_tokens_section(ctx, a, v);
    body += "<h2>Settings</h2>\n";
    std::string settings_text;
    pretty(json::value(connection_view_to_json(v, true)), settings_text, 0);
    body += "<pre class=\"settings\">" + escape_markup(settings_text) + "</pre>\n";
    if (v.row.owner == store::connection_owner::store) {
        body += "<form method=\"post\" action=\"/admin/connections/" + id + "\" class=\"stack\">\n" + csrf_input(a)
                + "\n<label for=\"patch\">Change settings (JSON merge patch, as <code>PATCH "
                  "/admin/v1/connections/" + id + "</code>; e.g. <code>{\"jit\":{\"update\":\"on_create\"}}</code>)</label>\n"
                  "<textarea id=\"patch\" name=\"patch\" rows=\"6\" spellcheck=\"false\">"
                + escape_markup(patch_text) + "</textarea>\n<button type=\"submit\">Apply</button>\n</form>\n";
    } else {
        body += "<p class=\"hint\">"
                + escape_markup(file_owned_message(v.row, v.settings ? &*v.settings : nullptr, "")) + "</p>\n";
    }
    return body;
}

} // namespace

http_response handle_connection_page(app_context const& ctx, http_request const& req, route_params const& params)
{
    auto admitted_or = admit_page(ctx, req);
    if (auto* res = std::get_if<http_response>(&admitted_or))
        return std::move(*res);
    auto const& a = std::get<admitted>(admitted_or);
    auto shown = show_connection(admin_context(ctx, a), params.get("id"));
    if (auto* e = std::get_if<connection_admin_error>(&shown))
        return console_page(a, status_of(e->code), "Connection", "connections",
                            "<p class=\"banner bad\" role=\"alert\">" + escape_markup(e->message) + "</p>");
    auto const& v = std::get<connection_view>(shown);
    return console_page(a, 200, "Connection " + v.row.id, "connections", connection_body(ctx, a, v, "", ""));
}

http_response handle_connection_change(app_context const& ctx, http_request const& req, route_params const& params)
{
    auto form = parse_form(req.body);
    auto admitted_or = admit_change(ctx, req, form ? &*form : nullptr);
    if (auto* res = std::get_if<http_response>(&admitted_or))
        return std::move(*res);
    auto const& a = std::get<admitted>(admitted_or);
    auto actx = admin_context(ctx, a);
    std::string const id(params.get("id"));
    std::string const text = form && form->contains("patch") ? form->at("patch") : std::string();

    // The API's own wording for a body that is not a JSON object.
    std::optional<connection_admin_error> refused;
    json::value patch;
    {
        boost::system::error_code ec;
        patch = json::parse(text, ec);
        if (ec)
            refused = connection_admin_error{connection_admin_errc::invalid,
                                             "the request body is not JSON: " + ec.message(), "body"};
        else if (!patch.is_object())
            refused = connection_admin_error{connection_admin_errc::invalid, "the request body must be a JSON object",
                                             "body"};
    }
    if (!refused) {
        auto changed = change_connection(actx, id, patch);
        if (auto* e = std::get_if<connection_admin_error>(&changed))
            refused = *e;
        else {
            http_response res;
            res.status = 303;
            res.headers.set("Location", "/admin/connections/" + id);
            set_console_headers(res);
            return res;
        }
    }
    auto shown = show_connection(actx, id);
    if (std::get_if<connection_admin_error>(&shown))
        return refusal_page(a, req, *refused, "/admin/connections");
    std::string error_html = "<p class=\"banner bad\" role=\"alert\">" + escape_markup(refused->message)
                             + (refused->field.empty() ? std::string() : " (field <code>" + escape_markup(refused->field) + "</code>)")
                             + "</p>\n";
    return console_page(a, status_of(refused->code), "Connection " + id, "connections",
                        connection_body(ctx, a, std::get<connection_view>(shown), text, error_html));
}

} // namespace ssogate::gateway::console_detail
