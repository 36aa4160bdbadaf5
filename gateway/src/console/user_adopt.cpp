// "Adopt into SCIM" on the console's user page: POST /admin/users/{id}/adopt shows the
// dry run of adopt_user (user_adoption.hpp, the function behind `ssogate user adopt`
// and POST /admin/v1/users/{id}/adopt) with an "Apply" form; the same POST with
// step=apply adopts, the admin as actor. Both carry the CSRF token.
#include <ssogate/gateway/user_adoption.hpp>

#include "console/console_support.hpp"
#include "routes/sso_support.hpp"

namespace ssogate::gateway::console_detail {

using sso_detail::parse_form;

namespace {

std::string value_cell(adoption_change const& c)
{
    if (c.kind != "attribute")
        return "<span class=\"muted\">—</span>";
    if (c.value_before == c.value_after)
        return escape_markup(c.value_after);
    return "<del>" + escape_markup(c.value_before) + "</del> → <ins>" + escape_markup(c.value_after) + "</ins>";
}

/// The diff: one row per value whose owner changes.
std::string changes_table(adoption_plan const& p)
{
    std::string out = "<p>The user enters the SCIM view of <strong>" + escape_markup(p.connection_id)
                      + "</strong> with userName <code>" + escape_markup(p.scim_user_name) + "</code>.</p>\n";
    if (p.changes.empty())
        return out + "<p class=\"empty\">No value changes owner: nothing is owned by <code>jit:"
               + escape_markup(p.connection_id) + "</code> or <code>admin</code>.</p>\n";
    out += "<table class=\"diff\">\n<thead><tr><th scope=\"col\">Kind</th><th scope=\"col\">Name</th>"
           "<th scope=\"col\">Value</th><th scope=\"col\">Owner before</th><th scope=\"col\">Owner after</th>"
           "</tr></thead>\n<tbody>\n";
    for (auto const& c : p.changes)
        out += "<tr><td>" + escape_markup(c.kind) + "</td><td>" + escape_markup(c.name) + "</td><td>" + value_cell(c)
               + "</td><td><code><del>" + escape_markup(c.owner_before.empty() ? "(none)" : c.owner_before)
               + "</del></code></td><td><code><ins>"
               + escape_markup(c.owner_after.empty() ? "(removed)" : c.owner_after) + "</ins></code></td></tr>\n";
    return out + "</tbody>\n</table>\n";
}

} // namespace

http_response handle_user_adopt(app_context const& ctx, http_request const& req, route_params const& params)
{
    auto form = parse_form(req.body);
    auto admitted_or = admit_change(ctx, req, form ? &*form : nullptr);
    if (auto* res = std::get_if<http_response>(&admitted_or))
        return std::move(*res);
    auto const& a = std::get<admitted>(admitted_or);
    std::string const user(params.get("id"));
    std::string const back = "<p><a href=\"/admin/users/" + escape_markup(user) + "\">Back to the user</a></p>\n";
    auto field = [&](std::string_view k) {
        if (form)
            if (auto it = form->find(k); it != form->end())
                return it->second;
        return std::string();
    };
    std::string const step = field("step").empty() ? std::string("preview") : field("step");
    if (step != "preview" && step != "apply")
        return console_page(a, 400, "Adopt into SCIM", "users",
                            "<p role=\"alert\">Unknown step: choose the dry run first, then apply it.</p>\n" + back);
    std::string const connection = field("connection");
    if (connection.empty())
        return console_page(a, 400, "Adopt into SCIM", "users",
                            "<p role=\"alert\">Choose the connection whose SCIM takes the user over.</p>\n" + back);

    bool const dry_run = step == "preview";
    adoption_context ac{ctx.store, registry_scim_switch(ctx.connections), a.admin.actor, ctx.random, ctx.clock()};
    auto outcome = adopt_user(ac, user, connection, dry_run);
    if (auto const* e = std::get_if<adoption_error>(&outcome)) {
        if (e->code == adoption_errc::store_failed)
            return console_page(a, 503, "Adopt into SCIM", "users",
                                "<p role=\"alert\">The store is unavailable.</p>\n" + back);
        return console_page(a, http_status_of(e->code), "Adopt into SCIM", "users",
                            "<p role=\"alert\">" + escape_markup(e->message) + "</p>\n" + back);
    }
    auto const& p = std::get<adoption_plan>(outcome);
    std::string const who = p.email.empty() ? p.user_id : p.email;
    if (p.already_adopted)
        return console_page(a, 200, "Adopt into SCIM", "users",
                            "<p role=\"status\">" + escape_markup(who) + " is already provisioned by SCIM of connection "
                                + escape_markup(p.connection_id) + " (userName <code>"
                                + escape_markup(p.scim_user_name) + "</code>); nothing to do.</p>\n" + back);
    std::string body;
    if (!p.scim_enabled)
        body += "<p class=\"warn\" role=\"note\">SCIM is not enabled for connection " + escape_markup(p.connection_id)
                + ": until it is, no SCIM client manages this user.</p>\n";
    if (dry_run) {
        body = "<p role=\"status\"><strong>Dry run</strong>: nothing has been written. Adopting " + escape_markup(who)
               + " (created by <code>" + escape_markup(p.created_by) + "</code>) into SCIM of connection <strong>"
               + escape_markup(p.connection_id) + "</strong> would change:</p>\n" + body + changes_table(p)
               + "<form method=\"post\" action=\"/admin/users/" + escape_markup(user) + "/adopt\" class=\"stack\" "
               "id=\"adopt-apply\">\n" + csrf_input(a) + "\n<input type=\"hidden\" name=\"connection\" value=\""
               + escape_markup(p.connection_id) + "\">\n<input type=\"hidden\" name=\"step\" value=\"apply\">\n"
               "<button type=\"submit\">Apply: adopt into SCIM of " + escape_markup(p.connection_id)
               + "</button>\n</form>\n" + back;
        return console_page(a, 200, "Adopt into SCIM: dry run", "users", body);
    }
    body = "<p role=\"status\">Adopted " + escape_markup(who) + " into SCIM of connection <strong>"
           + escape_markup(p.connection_id) + "</strong>: " + std::to_string(p.changes.size())
           + " value(s) now owned by <code>scim:" + escape_markup(p.connection_id) + "</code> (audit event <code>"
           + escape_markup(p.event_id) + "</code>, <a href=\"/admin/audit?action=scim.user.adopted\">scim.user.adopted</a>)."
             "</p>\n" + body + changes_table(p) + back;
    return console_page(a, 200, "Adopted into SCIM", "users", body);
}

} // namespace ssogate::gateway::console_detail
