// Who may use the admin console, and how (console.hpp "Access"): admin sessions,
// SSO entry, break-glass login with an admin token, CSRF, sign-out.
#include <ssogate/gateway/audit.hpp>
#include <ssogate/gateway/console.hpp>
#include <ssogate/gateway/logger.hpp>

#include "console/console_support.hpp"
#include "routes/sso_support.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace ssogate::gateway {

using namespace sso_detail;

namespace console_detail {

namespace {

constexpr std::string_view login_cookie = "__Host-ssogate_admin_login";

std::string console_cookie(std::string_view name, std::string_view value, std::optional<long long> max_age)
{
    std::string c(name);
    c += '=';
    c += value;
    c += "; Secure; HttpOnly; SameSite=Strict; Path=/";
    if (max_age)
        c += "; Max-Age=" + std::to_string(*max_age);
    return c;
}

std::string csrf_of(std::string_view secret)
{
    return sha256_hex("ssogate-admin-csrf:" + std::string(secret));
}

std::string user_agent(http_request const& req)
{
    return std::string(req.headers.get("User-Agent").value_or(""));
}

/// A user signed in through SSO, as far as the console needs to know.
struct sso_user {
    std::string user_id;
    std::string email;
    std::vector<std::string> roles;
};

/// The user of a live sign-in session (read only: the console does not extend it).
std::optional<sso_user> signed_in_user(app_context const& ctx, http_request const& req)
{
    auto secret = cookie_value(req, session_cookie);
    if (!secret || !is_hex(*secret, 64))
        return std::nullopt;
    auto began = ctx.store.begin(store::access::read);
    if (!began) {
        ctx.log.warn("console: store unavailable", {{"error", began.error().message()}});
        return std::nullopt;
    }
    auto& tx = **began;
    auto found = tx.sessions().find(*secret);
    if (!found || !*found || !store::is_live(**found, ctx.clock(), ctx.cfg.session.idle_timeout))
        return std::nullopt;
    auto user = tx.users().find((*found)->user_id);
    if (!user || !*user || !(*user)->active)
        return std::nullopt;
    sso_user u{(*user)->id, (*user)->email.value_or(""), {}};
    auto roles = tx.users().roles(u.user_id);
    if (!roles)
        return std::nullopt;
    for (auto const& r : *roles)
        u.roles.push_back(r.role);
    return u;
}

bool has_admin_role(app_context const& ctx, std::vector<std::string> const& roles)
{
    return std::any_of(roles.begin(), roles.end(), [&](std::string const& r) {
        return std::find(ctx.cfg.admin.roles.begin(), ctx.cfg.admin.roles.end(), r) != ctx.cfg.admin.roles.end();
    });
}

std::string join(std::vector<std::string> const& v)
{
    std::string out;
    for (auto const& s : v)
        out += (out.empty() ? "" : ", ") + s;
    return out;
}

http_response store_unavailable_page()
{
    return bare_page(503, "Unavailable", "<p>The store is unavailable. Try again in a moment.</p>\n");
}

/// Opens an admin session for `admin`: the row in the store (sweeping dead ones), the
/// `admin.console.entered` event in the same transaction, the Set-Cookie.
std::variant<admitted, http_response> open_session(app_context const& ctx, console_admin admin)
{
    auto const now = ctx.clock();
    admitted a;
    a.secret = random_hex(ctx, 32);
    a.csrf = csrf_of(a.secret);
    a.set_cookie = console_cookie(console_session_cookie, a.secret, std::nullopt);
    a.admin = std::move(admin);
    auto began = ctx.store.begin(store::access::write);
    if (!began) {
        ctx.log.warn("console: store unavailable", {{"error", began.error().message()}});
        return store_unavailable_page();
    }
    auto& tx = **began;
    store::new_admin_session row{a.admin.actor.type, a.admin.actor.id, a.admin.label, a.admin.method, now,
                                 now + ctx.cfg.session.lifetime};
    bool const ok = tx.admin_sessions().sweep(now, ctx.cfg.admin.session_idle_timeout)
                    && tx.admin_sessions().create(a.secret, row)
                    && append_console_event(ctx, tx, a.admin.actor, "admin.console.entered", "console", "success", "",
                                            boost::json::serialize(boost::json::object{{"method", a.admin.method}}))
                    && tx.commit();
    if (!ok) {
        ctx.log.warn("console: could not open an admin session", {{"detail", tx.last_error_detail()}});
        return store_unavailable_page();
    }
    process_audit_notifier().notify();
    ctx.log.info("console: admin session opened", {{"actor_type", a.admin.actor.type},
                                                   {"actor_id", a.admin.actor.id},
                                                   {"method", a.admin.method}});
    return a;
}

/// Whether the admin of a session may still be one: an SSO admin's user is active and
/// holds a role of [admin] roles (checked on every request: an owner demoted at the IdP
/// or by SCIM loses the console at once), a break-glass admin's token is not revoked.
store::result<bool> still_admin(app_context const& ctx, store::transaction& tx, store::admin_session_record const& s)
{
    if (s.method == "token") {
        auto t = tx.tokens().find(s.actor_id);
        if (!t)
            return store::result<bool>(boost::system::in_place_error, t.error());
        return *t && (*t)->kind == store::token_kind::admin && !(*t)->revoked_at;
    }
    auto user = tx.users().find(s.actor_id);
    if (!user)
        return store::result<bool>(boost::system::in_place_error, user.error());
    if (!*user || !(*user)->active)
        return false;
    auto roles = tx.users().roles(s.actor_id);
    if (!roles)
        return store::result<bool>(boost::system::in_place_error, roles.error());
    std::vector<std::string> names;
    for (auto const& r : *roles)
        names.push_back(r.role);
    return has_admin_role(ctx, names);
}

/// The admin session of the request's cookie (read from the store, so any node finds
/// it), its last-seen time written; a dead session, or one whose admin no longer may
/// be one, is ended and not returned.
std::optional<admitted> existing_session(app_context const& ctx, http_request const& req)
{
    auto secret = cookie_value(req, console_session_cookie);
    if (!secret || !is_hex(*secret, 64))
        return std::nullopt;
    auto const now = ctx.clock();
    auto began = ctx.store.begin(store::access::write);
    if (!began) {
        ctx.log.warn("console: store unavailable", {{"error", began.error().message()}});
        return std::nullopt;
    }
    auto& tx = **began;
    auto found = tx.admin_sessions().find(*secret);
    if (!found || !*found)
        return std::nullopt;
    auto const& s = **found;
    bool keep = store::is_live(s, now, ctx.cfg.admin.session_idle_timeout);
    if (keep) {
        auto allowed = still_admin(ctx, tx, s);
        if (!allowed) {
            ctx.log.warn("console: cannot check an admin session", {{"detail", tx.last_error_detail()}});
            return std::nullopt;
        }
        keep = *allowed;
    }
    if (!keep) {
        if (!tx.admin_sessions().end(*secret) || !tx.commit())
            ctx.log.warn("console: cannot end an admin session", {{"detail", tx.last_error_detail()}});
        return std::nullopt;
    }
    if (!tx.admin_sessions().touch(*secret, now) || !tx.commit()) {
        ctx.log.warn("console: cannot record an admin session's use", {{"detail", tx.last_error_detail()}});
        return std::nullopt;
    }
    admitted a;
    // This request's source, not the one that opened the session.
    a.admin.actor = admin_actor{s.actor_type, s.actor_id, req.remote_address, user_agent(req)};
    a.admin.label = s.label;
    a.admin.method = s.method;
    a.secret = *secret;
    a.csrf = csrf_of(*secret);
    return a;
}

http_response redirect_to(std::string location)
{
    http_response res;
    res.status = 303;
    res.headers.set("Location", std::move(location));
    set_console_headers(res);
    return res;
}

/// Percent-encodes a path for a query value (unreserved characters and '/' stay).
std::string encode_path(std::string_view s)
{
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/')
            out += static_cast<char>(c);
        else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}

http_response forbidden_page(std::string_view message)
{
    return bare_page(403, "Not allowed", "<p>" + escape_markup(message) + "</p>\n");
}

std::variant<admitted, http_response> refuse_csrf(app_context const& ctx, http_request const& req,
                                                  admin_actor const& actor, std::string_view reason)
{
    ctx.log.warn("console: request refused: CSRF check failed",
                 {{"path", std::string(req.path())}, {"reason", reason}, {"ip", req.remote_address}});
    audit_console_event(ctx, actor, "admin.console.csrf_failed", std::string(req.path()), "failure",
                        std::string(reason));
    return forbidden_page("This request was refused: it did not carry the console's security token. "
                          "Reload the page and try again.");
}

} // namespace

std::variant<admitted, http_response> admit_session(app_context const& ctx, http_request const& req)
{
    if (auto a = existing_session(ctx, req))
        return std::move(*a);
    auto res = bare_page(401, "Signed out", "<p>Your admin session has ended. <a href=\"/admin/\">Sign in again</a>.</p>\n");
    return res;
}

std::variant<admitted, http_response> admit_page(app_context const& ctx, http_request const& req)
{
    if (auto a = existing_session(ctx, req))
        return std::move(*a);
    auto user = signed_in_user(ctx, req);
    if (!user) {
        std::string back = "/admin/";
        if (auto p = req.path(); p.starts_with("/admin/"))
            back = std::string(p);
        return redirect_to("/?return_to=" + encode_path(back));
    }
    admin_actor actor{"user", user->user_id, req.remote_address, user_agent(req)};
    if (!has_admin_role(ctx, user->roles)) {
        audit_console_event(ctx, actor, "admin.console.denied", "console", "failure", "role_not_admin",
                            boost::json::serialize(boost::json::object{{"roles", boost::json::value_from(user->roles)}}));
        ctx.log.info("console: signed-in user without an admin role", {{"user", user->user_id}});
        return forbidden_page("You are signed in as " + user->email + ", but the admin console is only for "
                              + "users with the role " + join(ctx.cfg.admin.roles) + " (your roles: "
                              + (user->roles.empty() ? std::string("none") : join(user->roles))
                              + "). Ask an administrator if you need access.");
    }
    return open_session(ctx, console_admin{std::move(actor), user->email, "sso"});
}

std::variant<admitted, http_response> admit_change(app_context const& ctx, http_request const& req,
                                                   std::map<std::string, std::string, std::less<>> const* form)
{
    auto a = existing_session(ctx, req);
    if (!a)
        return admit_session(ctx, req);
    // Same-origin only: a present Origin must be ours (SameSite=Strict already keeps
    // other sites' requests from carrying the cookie; this is the second lock).
    if (auto origin = req.headers.get("Origin")) {
        std::string own = ctx.cfg.server.public_url;
        while (!own.empty() && own.back() == '/')
            own.pop_back();
        if (*origin != own)
            return refuse_csrf(ctx, req, a->admin.actor, "origin_mismatch");
    }
    std::string token;
    if (auto h = req.headers.get("X-CSRF-Token"))
        token = std::string(*h);
    else if (form)
        if (auto it = form->find("csrf"); it != form->end())
            token = it->second;
    if (token.empty())
        return refuse_csrf(ctx, req, a->admin.actor, "csrf_missing");
    if (!equal_constant_time(token, a->csrf))
        return refuse_csrf(ctx, req, a->admin.actor, "csrf_mismatch");
    return std::move(*a);
}

admin_actor anonymous_actor(http_request const& req)
{
    // As admin.auth.failed: type admin, no id (nobody is authenticated yet).
    return admin_actor{"admin", "", req.remote_address, user_agent(req)};
}

std::string csrf_input(admitted const& a)
{
    return "<input type=\"hidden\" name=\"csrf\" value=\"" + a.csrf + "\">";
}

bool append_console_event(app_context const& ctx, store::transaction& tx, admin_actor const& actor,
                          std::string action, std::string target, std::string status, std::string reason,
                          std::string changes_json)
{
    store::audit_event e;
    e.id = new_audit_event_id(ctx.random);
    e.time = ctx.clock();
    e.action = std::move(action);
    e.actor_type = actor.type;
    e.actor_id = actor.id;
    e.target = std::move(target);
    e.source_ip = actor.source_ip;
    e.user_agent = actor.user_agent;
    e.result_status = std::move(status);
    e.result_reason = std::move(reason);
    e.changes_json = std::move(changes_json);
    return tx.audit().append(e).has_value();
}

void audit_console_event(app_context const& ctx, admin_actor const& actor, std::string action, std::string target,
                         std::string status, std::string reason, std::string changes_json)
{
    std::string const what = action;
    auto began = ctx.store.begin(store::access::write);
    bool ok = false;
    if (began) {
        auto& tx = **began;
        ok = append_console_event(ctx, tx, actor, std::move(action), std::move(target), std::move(status),
                                  std::move(reason), std::move(changes_json))
             && tx.commit();
    }
    if (ok)
        process_audit_notifier().notify();
    else
        ctx.log.warn("console: could not record an audit event", {{"action", what}});
}

// ---------------------------------------------------------------------------------
// Handlers: GET /admin/login, POST /admin/login, POST /admin/logout

http_response handle_login_form(app_context const& ctx, http_request const& req, route_params const&)
{
    if (auto a = existing_session(ctx, req))
        return redirect_to("/admin/");
    // Login CSRF: a double-submit cookie bound to the form, so another site cannot sign
    // this browser into a console session of its choosing.
    auto nonce = random_hex(ctx, 32);
    std::string body =
        "<p>Break-glass access: paste an admin token created with <code>ssogate admin token create</code>. "
        "Administrators who can sign in through SSO open <a href=\"/admin/\">/admin/</a> instead.</p>\n"
        "<form method=\"post\" action=\"/admin/login\" class=\"stack\">\n"
        "<input type=\"hidden\" name=\"csrf\" value=\"" + sha256_hex("ssogate-admin-login:" + nonce) + "\">\n"
        "<label for=\"token\">Admin token</label>\n"
        "<input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"off\" required autofocus>\n"
        "<button type=\"submit\">Open the console</button>\n</form>\n";
    auto res = bare_page(200, "Admin console sign-in", body);
    res.headers.add("Set-Cookie", console_cookie(login_cookie, nonce, 600));
    return res;
}

http_response handle_login(app_context const& ctx, http_request const& req, route_params const&)
{
    auto form = parse_form(req.body);
    auto nonce = cookie_value(req, login_cookie);
    std::string sent = form && form->contains("csrf") ? form->at("csrf") : std::string();
    if (sent.empty() || !nonce || !equal_constant_time(sent, sha256_hex("ssogate-admin-login:" + *nonce))) {
        auto r = refuse_csrf(ctx, req, anonymous_actor(req), sent.empty() ? "csrf_missing" : "csrf_mismatch");
        return std::get<http_response>(std::move(r));
    }
    std::string token = form->contains("token") ? form->at("token") : std::string();
    // The admin API's own check: the same lookup by hash, the same rate-limited
    // admin.auth.failed event for a wrong token.
    http_request as_api = req;
    as_api.body.clear();
    as_api.headers.set("Authorization", "Bearer " + token);
    auto auth = authenticate_admin(ctx, as_api);
    if (auto* refused = std::get_if<http_response>(&auth)) {
        if (refused->status == 503)
            return store_unavailable_page();
        auto res = bare_page(401, "Admin console sign-in",
                             "<p role=\"alert\">That is not a valid admin token.</p>\n"
                             "<p><a href=\"/admin/login\">Try again</a></p>\n");
        return res;
    }
    auto actor = std::get<admin_actor>(std::move(auth));
    std::string label = "admin token " + actor.id;
    if (auto began = ctx.store.begin(store::access::read))
        if (auto t = (*began)->tokens().find(actor.id); t && *t && !(*t)->name.empty())
            label = "admin token " + (*t)->name;
    auto opened = open_session(ctx, console_admin{std::move(actor), std::move(label), "token"});
    if (auto* refused = std::get_if<http_response>(&opened))
        return std::move(*refused);
    auto res = redirect_to("/admin/");
    res.headers.add("Set-Cookie", std::get<admitted>(opened).set_cookie);
    res.headers.add("Set-Cookie", console_cookie(login_cookie, "", 0));
    return res;
}

http_response handle_logout(app_context const& ctx, http_request const& req, route_params const&)
{
    auto form = parse_form(req.body);
    auto admitted_or = admit_change(ctx, req, form ? &*form : nullptr);
    if (auto* res = std::get_if<http_response>(&admitted_or))
        return std::move(*res);
    auto& a = std::get<admitted>(admitted_or);
    // The session ends and the event is written in one transaction.
    auto began = ctx.store.begin(store::access::write);
    if (!began)
        return store_unavailable_page();
    auto& tx = **began;
    if (!tx.admin_sessions().end(a.secret)
        || !append_console_event(ctx, tx, a.admin.actor, "admin.console.left", "console", "success", "")
        || !tx.commit()) {
        ctx.log.warn("console: could not end an admin session", {{"detail", tx.last_error_detail()}});
        return store_unavailable_page();
    }
    process_audit_notifier().notify();
    auto res = bare_page(200, "Signed out of the console",
                         "<p>Your admin session has ended.</p>\n<p><a href=\"/\">ssogate</a></p>\n");
    res.headers.add("Set-Cookie", console_cookie(console_session_cookie, "", 0));
    return res;
}

} // namespace console_detail

} // namespace ssogate::gateway
