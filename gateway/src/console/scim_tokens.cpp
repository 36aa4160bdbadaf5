// SCIM tokens from the console: POST /admin/connections/{id}/scim-tokens and
// POST /admin/connections/{id}/scim-tokens/{token}/revoke — create_scim_token and
// revoke_scim_token, the functions behind `ssogate scim token create|revoke`. The list
// and the forms are on the connection page (connections_page.cpp).
#include <ssogate/gateway/scim.hpp>

#include "console/console_support.hpp"
#include "routes/sso_support.hpp"

namespace ssogate::gateway::console_detail {

using sso_detail::parse_form;

http_response handle_scim_token_create(app_context const& ctx, http_request const& req, route_params const& params)
{
    auto form = parse_form(req.body);
    auto admitted_or = admit_change(ctx, req, form ? &*form : nullptr);
    if (auto* res = std::get_if<http_response>(&admitted_or))
        return std::move(*res);
    auto const& a = std::get<admitted>(admitted_or);
    std::string const id(params.get("id"));
    std::string const name = form && form->contains("name") ? form->at("name") : std::string();
    auto created = create_scim_token(ctx.store, id, name, a.admin.actor, ctx.random, ctx.clock());
    if (!created) {
        bool const unknown = created.error() == store::errc::missing_reference;
        return console_page(a, unknown ? 404 : 503, "SCIM token", "connections",
                            unknown ? "<p role=\"alert\">There is no such connection.</p>"
                                    : "<p role=\"alert\">The store is unavailable.</p>");
    }
    std::string body = "<p>The SCIM token <code>" + escape_markup(created->record.id) + "</code> for connection <strong>"
                       + escape_markup(id) + "</strong> is below. It is shown <strong>once</strong>: copy it into the "
                       "IdP's SCIM settings now.</p>\n<p class=\"secret\"><code id=\"scim-secret\">"
                       + escape_markup(created->secret) + "</code></p>\n<p>SCIM base URL: <code>"
                       + escape_markup(ctx.cfg.server.public_url + "/scim/v2/" + id + "/") + "</code></p>\n"
                       "<p><a href=\"/admin/connections/" + escape_markup(id) + "\">Back to the connection</a></p>\n";
    return console_page(a, 201, "SCIM token created", "connections", body);
}

http_response handle_scim_token_revoke(app_context const& ctx, http_request const& req, route_params const& params)
{
    auto form = parse_form(req.body);
    auto admitted_or = admit_change(ctx, req, form ? &*form : nullptr);
    if (auto* res = std::get_if<http_response>(&admitted_or))
        return std::move(*res);
    auto const& a = std::get<admitted>(admitted_or);
    std::string const id(params.get("id"));
    auto revoked = revoke_scim_token(ctx.store, std::string(params.get("token")), a.admin.actor, ctx.random, ctx.clock());
    if (!revoked)
        return console_page(a, 503, "SCIM token", "connections", "<p role=\"alert\">The store is unavailable.</p>");
    if (!*revoked)
        return console_page(a, 404, "SCIM token", "connections",
                            "<p role=\"alert\">There is no such active SCIM token.</p>");
    http_response res;
    res.status = 303;
    res.headers.set("Location", "/admin/connections/" + id);
    set_console_headers(res);
    return res;
}

} // namespace ssogate::gateway::console_detail
