// The browser sign-in routes (DESIGN.md "Sign-in flow"): GET /, POST /sso/start,
// GET /sso/login/{connection}, POST /sso/acs/{connection}, GET /sso/metadata, GET /me,
// GET /auth/check, POST /logout, GET /assets/ssogate.css.
//
// Precise inside, generic outside (STYLE.md rule 7): every refusal has a reason code
// that goes to the log and to the audit log (sso.login.denied, result.reason) with a
// trace ID; the browser sees a human sentence and the same trace ID, never the detail.
#include <ssogate/gateway/audit.hpp>
#include <ssogate/gateway/connections.hpp>
#include <ssogate/gateway/logger.hpp>
#include <ssogate/gateway/provisioning.hpp>
#include <ssogate/gateway/routes.hpp>
#include <ssogate/gateway/write_batcher.hpp>
#include <ssogate/jit/plan_json.hpp>
#include <ssogate/jit/planner.hpp>
#include <ssogate/saml/authn_request.hpp>
#include <ssogate/saml/sp_metadata.hpp>
#include <ssogate/saml/verify.hpp>
#include <ssogate/store/owner.hpp>

#include "provisioning/scim_match.hpp"
#include "routes/acs_write.hpp"
#include "routes/sso_support.hpp"
#include "routes/store_outage.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace ssogate::gateway {

using namespace sso_detail;

namespace {

using time_point = std::chrono::system_clock::time_point;

// ---------------------------------------------------------------------------------
// Sessions

/// A live session with the user it belongs to.
struct signed_in {
    std::string secret;
    store::session_record session;
    std::string user_id;
    std::string email;
    std::string name;
    std::vector<std::string> roles;
    std::vector<std::string> teams;
};

/// Ends a session found dead on use (expired, idle, user gone) and records
/// `session.ended` with `reason` in the same transaction (audit: DESIGN.md "Audit log").
/// Best effort: on a store error the request is refused all the same.
void end_dead_session(app_context const& ctx, store::transaction& tx, http_request const& req,
                      store::session_record const& session, std::string const& secret, std::string_view reason)
{
    auto ended = tx.sessions().end(secret);
    if (!ended || !*ended)
        return;
    audit_origin const origin{"system", "", req.remote_address,
                              std::string(req.headers.get("User-Agent").value_or("")), random_hex(ctx, 16)};
    if (!tx.audit().append(session_ended_event(session, reason, origin, random_hex(ctx, 16), ctx.clock()))
        || !tx.commit()) {
        ctx.log.warn("session.ended: not recorded", {{"reason", reason}, {"detail", tx.last_error_detail()}});
        return;
    }
    process_audit_notifier().notify();
}

/// How stale a session's stored last_seen_at may get before a use refreshes it:
/// min(60 s, idle_timeout / 10). A session therefore ends between idle_timeout - this
/// bound and idle_timeout after its last use, never later (README "Sessions").
std::chrono::milliseconds session_refresh_interval(std::chrono::seconds idle_timeout)
{
    return std::min<std::chrono::milliseconds>(std::chrono::seconds(60), idle_timeout / 10);
}

/// The session of this request; nullopt when there is no cookie, the cookie is unknown
/// or tampered, the session is no longer live, or the user is deactivated (the last two
/// end the session: `session.ended`). Reads in a read transaction; only when it must
/// write (last_seen_at older than session_refresh_interval, or a dead session to end)
/// does it start over in a write transaction (`mode` = write). `store_down`, when given,
/// is set when the answer is nullopt because the store could not be read (issue 10: the
/// route then answers 503 instead of "not signed in").
std::optional<signed_in> current_session(app_context const& ctx, http_request const& req,
                                         store::access mode = store::access::read, bool* store_down = nullptr)
{
    auto secret = cookie_value(req, session_cookie);
    if (!secret || !is_hex(*secret, 64))
        return std::nullopt;
    auto const now = ctx.clock();
    auto began = ctx.store.begin(mode);
    if (!began) {
        ctx.log.warn("session: store unavailable", {{"error", began.error().message()}});
        if (store_down)
            *store_down = true;
        return std::nullopt;
    }
    auto& tx = **began;
    auto found = tx.sessions().find(*secret);
    if (!found && store_down)
        *store_down = true;
    if (!found || !*found)
        return std::nullopt;
    if (!store::is_live(**found, now, ctx.cfg.session.idle_timeout)) {
        if (mode == store::access::read) {
            began->reset(); // start over in a write transaction to end it
            return current_session(ctx, req, store::access::write, store_down);
        }
        end_dead_session(ctx, tx, req, **found, *secret,
                         now >= (*found)->expires_at ? session_end_reason::expired : session_end_reason::idle_timeout);
        return std::nullopt;
    }
    signed_in s;
    s.secret = *secret;
    s.session = **found;
    auto user = tx.users().find(s.session.user_id);
    if (!user) {
        if (store_down)
            *store_down = true;
        return std::nullopt;
    }
    if (!*user || !(*user)->active) {
        if (mode == store::access::read) {
            began->reset(); // start over in a write transaction to end it
            return current_session(ctx, req, store::access::write, store_down);
        }
        end_dead_session(ctx, tx, req, s.session, *secret,
                         *user ? session_end_reason::user_deactivated : session_end_reason::user_deleted);
        return std::nullopt;
    }
    s.user_id = (*user)->id;
    s.email = (*user)->email.value_or("");
    std::string given, family, display;
    if (auto attrs = tx.users().attributes(s.user_id)) {
        for (auto const& a : *attrs) {
            if (a.name == "display_name")
                display = a.value;
            else if (a.name == "given_name")
                given = a.value;
            else if (a.name == "family_name")
                family = a.value;
        }
    }
    s.name = !display.empty() ? display : (given + (given.empty() || family.empty() ? "" : " ") + family);
    if (auto roles = tx.users().roles(s.user_id))
        for (auto const& r : *roles)
            s.roles.push_back(r.role);
    if (auto ms = tx.teams().memberships_of(s.user_id))
        for (auto const& m : *ms)
            if (auto t = tx.teams().find(m.team_id); t && *t)
                s.teams.push_back((*t)->name);
    std::sort(s.teams.begin(), s.teams.end());
    if (mode == store::access::read) {
        if (now - s.session.last_seen_at < session_refresh_interval(ctx.cfg.session.idle_timeout))
            return s; // fresh enough: no write
        began->reset();
        return current_session(ctx, req, store::access::write, store_down);
    }
    if (auto t = tx.sessions().touch(*secret, now); !t || !tx.commit()) {
        if (store_down)
            *store_down = true;
        return std::nullopt;
    }
    s.session.last_seen_at = now;
    return s;
}

/// The CSRF token of the sign-out form: bound to the session secret, so that another
/// site cannot know it.
std::string csrf_token(std::string_view session_secret)
{
    return sha256_hex("ssogate-logout:" + std::string(session_secret));
}

std::string cookie_header(std::string_view name, std::string_view value, std::string_view same_site,
                          std::optional<long long> max_age)
{
    std::string c(name);
    c += '=';
    c += value;
    c += "; Secure; HttpOnly; SameSite=";
    c += same_site;
    c += "; Path=/";
    if (max_age)
        c += "; Max-Age=" + std::to_string(*max_age);
    return c;
}

std::string iso8601(time_point t)
{
    return jit::to_iso8601(t);
}

std::string join(std::vector<std::string> const& v, std::string_view sep)
{
    std::string out;
    for (auto const& s : v) {
        if (!out.empty())
            out += sep;
        out += s;
    }
    return out;
}

/// A header value without CR, LF or other control characters.
std::string header_safe(std::string_view v)
{
    std::string out;
    for (char c : v)
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f)
            out += c;
    return out;
}

http_response redirect(int status, std::string location)
{
    http_response res;
    res.status = status;
    res.headers.set("Location", std::move(location));
    return res;
}

// ---------------------------------------------------------------------------------
// Denials

/// reason (precise code: audit result.reason, log), detail (log and audit event, never
/// the browser), email and user_id when known (acs_write.hpp).
using denial_info = acs_refusal;

/// The sentence the browser sees for a reason code.
std::string human_reason(std::string_view reason, sso_connection const& conn)
{
    if (reason == "jit_disabled")
        return "You do not have an account here yet, and accounts are not created automatically when you sign in "
               "with " + conn.name + ". Ask your administrator to give you access (for them: automatic "
               "provisioning is off for connection " + conn.id + ").";
    if (reason == "user_inactive")
        return "Your account is deactivated. Ask your administrator.";
    if (reason == "link_denied")
        return "An account with your email address already exists and cannot be linked to this sign-in "
               "automatically. Ask your administrator.";
    if (reason == "link_pending_approval")
        return "An account with your email address already exists; linking it to this sign-in is waiting for an "
               "administrator's approval.";
    if (reason == "email_missing" || reason == "subject_missing" || reason == "role_unmapped"
        || reason == "team_unknown")
        return "Your identity provider did not send what this organization needs to sign you in. Ask your "
               "administrator.";
    if (reason == "request_expired")
        return "The sign-in took too long. Please start again.";
    if (reason == "flow_cookie_missing" || reason == "request_other_browser" || reason == "request_unknown"
        || reason == "request_other_connection" || reason == "replayed")
        return "This sign-in was not started in this browser, or it was already used. Please start again.";
    if (reason == "unsolicited_refused")
        return "Sign-in must start here, not at the identity provider. Please start again.";
    return "Sign-in failed.";
}

/// Logs, audits (in `tx` when given, else in a fresh transaction; not at all when
/// `audited`: the ACS's write job wrote the event already) and renders a denial.
http_response deny(app_context const& ctx, http_request const& req, sso_connection const& conn,
                   std::string const& trace_id, denial_info const& d, store::transaction* tx = nullptr,
                   bool audited = false)
{
    auto const now = ctx.clock();
    ctx.metrics->count_signin(conn.id, signin_outcome::denied, d.reason);
    ctx.log.warn("sso.login.denied", {{"connection", conn.id},
                                      {"reason", d.reason},
                                      {"detail", d.detail},
                                      {"trace_id", trace_id}});
    auto const ev = login_denied_event(conn.id, req.remote_address,
                                       std::string(req.headers.get("User-Agent").value_or("")), trace_id, d, now,
                                       random_hex(ctx, 16));

    auto write = [&](store::transaction& t) { return t.audit().append(ev).has_value() && t.commit().has_value(); };
    bool const store_outage = d.reason == "store_unavailable" || d.reason == "store_error";
    bool written = false;
    if (audited) {
        written = true; // committed with the sign-in's batch, which woke the tailers
    } else if (tx) {
        written = write(*tx);
    } else if (d.reason == "store_unavailable") {
        // No transaction could be begun: do not wait for another one (issue 10).
    } else if (auto began = ctx.store.begin(store::access::write)) {
        written = write(**began);
    }
    if (written && !audited)
        process_audit_notifier().notify(); // wake live tailers (SSE) now, not at their next poll
    else
        ctx.log.error("sso.login.denied: audit event not written", {{"trace_id", trace_id}});
    if (store_outage) // the database, not the person: 503 and "try again" (issue 10)
        return store_unavailable_page("Sign-in failed", trace_id);

    std::string body = "<p role=\"alert\">" + escape_markup(human_reason(d.reason, conn)) + "</p>\n"
                       "<p>If you contact your administrator, give them this reference: <span class=\"trace\">"
                       + escape_markup(trace_id) + "</span></p>\n<p><a href=\"/\">Back to sign-in</a></p>";
    auto res = html_page(403, "Sign-in failed", body);
    res.headers.set("X-Ssogate-Trace-Id", trace_id);
    return res;
}

http_response unknown_connection_page()
{
    return html_page(404, "Unknown connection", "<p>There is no sign-in connection with this name.</p>"
                                                "<p><a href=\"/\">Back to sign-in</a></p>");
}

// ---------------------------------------------------------------------------------
// Applying a plan: gateway/src/provisioning/ (provisioning.hpp)

boost::json::object assertion_summary(saml::verified_assertion const& a)
{
    boost::json::object attrs;
    for (auto const& at : a.attributes) {
        auto& arr = attrs[at.name];
        if (!arr.is_array())
            arr = boost::json::array();
        for (auto const& v : at.values)
            arr.as_array().push_back(boost::json::value(v));
    }
    return boost::json::object{{"name_id", a.name_id},
                               {"name_id_format", a.name_id_format},
                               {"assertion_id", a.assertion_id},
                               {"issuer", a.issuer},
                               {"attributes", std::move(attrs)}};
}

bool looks_like_request_id(std::string_view s) noexcept
{
    return s.size() == 33 && s.front() == '_' && is_hex(s.substr(1), 32);
}

} // namespace

// -------------------------------------------------------------------------------------
// Handlers

http_response handle_home(app_context const& ctx, http_request const& req, route_params const&)
{
    bool store_down = false;
    auto const session = current_session(ctx, req, store::access::read, &store_down);
    if (store_down)
        return store_unavailable_page("Sign in", log_store_outage(ctx, "home: read session", "session unreadable"));
    if (auto const& s = session) {
        auto row = [](std::string_view k, std::string_view v) {
            return "<dt>" + escape_markup(k) + "</dt><dd>" + escape_markup(v) + "</dd>\n";
        };
        std::string body = "<p>You are signed in.</p>\n<dl>\n";
        body += row("Name", s->name.empty() ? "—" : s->name);
        body += row("Email", s->email);
        body += row("Roles", s->roles.empty() ? "—" : join(s->roles, ", "));
        body += row("Teams", s->teams.empty() ? "—" : join(s->teams, ", "));
        body += row("Connection", s->session.connection_id);
        body += "</dl>\n<form method=\"post\" action=\"/logout\">\n"
                "<input type=\"hidden\" name=\"csrf\" value=\"" + csrf_token(s->secret) + "\">\n"
                "<button type=\"submit\">Sign out</button>\n</form>";
        return html_page(200, "Signed in", body);
    }
    std::string body = "<form method=\"post\" action=\"/sso/start\">\n"
                       "<label for=\"email\">Work email</label>\n"
                       "<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"email\" required "
                       "autofocus>\n";
    if (auto q = parse_form(req.query()); q)
        if (auto it = q->find("return_to"); it != q->end())
            if (auto r = validate_return_to(it->second, {}, ctx.cfg.server.public_url))
                body += "<input type=\"hidden\" name=\"return_to\" value=\"" + escape_markup(*r) + "\">\n";
    body += "<button type=\"submit\">Continue</button>\n</form>";
    return html_page(200, "Sign in", body);
}

http_response handle_sso_start(app_context const& ctx, http_request const& req, route_params const&)
{
    auto form = parse_form(req.body);
    if (!form)
        return html_page(400, "Sign in", "<p>The form could not be read. <a href=\"/\">Try again</a>.</p>");
    auto email_it = form->find("email");
    std::string email = email_it == form->end() ? std::string() : email_it->second;
    auto at = email.rfind('@');
    if (at == std::string::npos || at == 0 || at + 1 >= email.size())
        return html_page(400, "Sign in",
                         "<p role=\"alert\">Enter your work email address, like name@example.com.</p>"
                         "<p><a href=\"/\">Back to sign-in</a></p>");
    auto domain = email.substr(at + 1);
    std::string return_to = "/";
    if (auto it = form->find("return_to"); it != form->end())
        if (auto r = validate_return_to(it->second, {}, ctx.cfg.server.public_url))
            return_to = *r;
    auto matches = ctx.connections.for_domain(domain);
    if (matches.empty())
        return html_page(404, "Sign in",
                         "<p role=\"alert\">Single sign-on is not set up for the domain <strong>" + escape_markup(domain)
                             + "</strong>. Check the address, or ask your administrator.</p>"
                               "<p><a href=\"/\">Back to sign-in</a></p>");
    auto encoded_return = [&] {
        std::string out;
        static constexpr char digits[] = "0123456789ABCDEF";
        for (unsigned char c : return_to) {
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                || c == '_' || c == '~' || c == '/')
                out += static_cast<char>(c);
            else {
                out += '%';
                out += digits[c >> 4];
                out += digits[c & 15];
            }
        }
        return out;
    }();
    auto login_url = [&](sso_connection const& c) { return "/sso/login/" + c.id + "?return_to=" + encoded_return; };
    if (matches.size() == 1)
        return redirect(303, login_url(*matches.front()));
    std::string body = "<p>Several organizations use <strong>" + escape_markup(domain)
                       + "</strong>. Choose yours:</p>\n<ul class=\"choices\">\n";
    for (auto const& c : matches)
        body += "<li><a href=\"" + escape_markup(login_url(*c)) + "\">" + escape_markup(c->name) + "</a></li>\n";
    body += "</ul>";
    return html_page(200, "Choose your organization", body);
}

http_response handle_sso_login(app_context const& ctx, http_request const& req, route_params const& params)
{
    auto const conn = ctx.connections.find(params.get("connection"));
    if (!conn)
        return store_outage_page_if_down(ctx, "Sign in").value_or(unknown_connection_page());
    auto q = parse_form(req.query());
    if (!q)
        return html_page(400, "Sign in", "<p>The sign-in link is malformed. <a href=\"/\">Start again</a>.</p>");
    std::string return_to = "/";
    if (auto it = q->find("return_to"); it != q->end() && !it->second.empty()) {
        auto r = validate_return_to(it->second, conn->allowed_return_origins, ctx.cfg.server.public_url);
        if (!r) {
            ctx.log.warn("sso.login: return_to refused", {{"connection", conn->id}, {"return_to", it->second}});
            return html_page(400, "Sign in",
                             "<p role=\"alert\">The address to return to after sign-in is not allowed.</p>"
                             "<p><a href=\"/\">Back to sign-in</a></p>");
        }
        return_to = *r;
    }

    auto const now = ctx.clock();
    // Reuse this browser's flow secret when it has one (several tabs may sign in at once).
    auto flow = cookie_value(req, flow_cookie);
    if (!flow || !is_hex(*flow, 64))
        flow = random_hex(ctx, 32);
    std::string const request_id = "_" + random_hex(ctx, 16);

    saml::authn_request ar;
    ar.id = request_id;
    ar.issue_instant = now;
    ar.destination = conn->sso_redirect_url;
    ar.acs_url = conn->sp.acs_url;
    ar.sp_entity_id = conn->sp.entity_id;
    auto url = conn->sign_requests && ctx.connections.sp_key()
                   ? saml::signed_redirect_url(ar, request_id, *ctx.connections.sp_key())
                   : saml::redirect_url(ar, request_id);
    if (!url) {
        ctx.log.error("sso.login: cannot build the AuthnRequest",
                      {{"connection", conn->id}, {"error", url.error().message()}});
        return html_page(500, "Sign in", "<p>Sign-in is unavailable right now. Please try again later.</p>");
    }

    auto began = ctx.store.begin(store::access::write);
    if (!began) {
        return store_unavailable_page("Sign in", log_store_outage(ctx, "sso.login: begin", began.error().message()));
    }
    auto& tx = **began;
    store::pending_request pr{request_id, conn->id, return_to, now, now + request_lifetime};
    auto created = tx.requests().create(pr, *flow);
    // Sweep on write: expired pending requests, replay entries and sessions go here,
    // once per sign-in started, in the same transaction.
    auto swept = created ? tx.requests().sweep(now) : store::result<std::size_t>(std::size_t{0});
    if (created && swept) {
        (void)tx.replay().sweep(now);
        (void)tx.sessions().sweep(now, ctx.cfg.session.idle_timeout);
    }
    if (!created || !swept || !tx.commit()) {
        return store_unavailable_page(
            "Sign in", log_store_outage(ctx, "sso.login: cannot store the pending request", tx.last_error_detail()));
    }
    auto res = redirect(302, std::move(*url));
    res.headers.add("Set-Cookie", cookie_header(flow_cookie, *flow, "None", request_lifetime.count()));
    return res;
}

http_response handle_sso_acs(app_context const& ctx, http_request const& req, route_params const& params)
{
    auto const conn = ctx.connections.find(params.get("connection"));
    if (!conn)
        return store_outage_page_if_down(ctx, "Sign-in failed").value_or(unknown_connection_page());
    // ssogate_acs_duration_seconds: observed when the answer is built, whatever the outcome
    // (when this handler returns, or when the finisher of a group-committed sign-in has run).
    struct acs_timer {
        metrics_registry& m;
        std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
        ~acs_timer() { m.observe_acs(std::chrono::steady_clock::now() - start); }
    };
    auto const timer = std::make_shared<acs_timer>(*ctx.metrics);
    auto const now = ctx.clock();
    std::string const trace_id = random_hex(ctx, 16);

    auto form = parse_form(req.body);
    if (!form || !form->contains("SAMLResponse"))
        return deny(ctx, req, *conn, trace_id, {"saml_response_missing", "no SAMLResponse form field", {}, {}});
    std::string const relay_state = form->contains("RelayState") ? form->at("RelayState") : std::string();

    // A RelayState of ours names the pending request; anything else (or none) makes
    // the response unsolicited, and such a RelayState is at most a return_to candidate.
    bool const solicited = looks_like_request_id(relay_state);
    if (!solicited && !conn->sp.allow_unsolicited)
        return deny(ctx, req, *conn, trace_id,
                    {"unsolicited_refused", "no pending request named in RelayState and allow_idp_initiated is off",
                     {}, {}});
    auto expectation =
        solicited ? saml::response_expectation::solicited(relay_state) : saml::response_expectation::unsolicited();

    auto verified = saml::verify_response(form->at("SAMLResponse"), conn->trust, conn->sp, expectation, now);
    if (!verified)
        return deny(ctx, req, *conn, trace_id,
                    {std::string(saml::to_reason_code(verified.error().code)), verified.error().detail, {}, {}});
    auto const& a = *verified;
    if (conn->want_encrypted_assertions && !a.was_encrypted)
        return deny(ctx, req, *conn, trace_id,
                    {"assertion_not_encrypted", "want_encrypted_assertions is on and the assertion was plain", {}, {}});

    // Everything that needs no store is done, on this worker thread and under no lock.
    // The writes (acs_write.hpp) go to the write_batcher when there is one: one
    // transaction and one fsync for many sign-ins, each answered after that commit
    // (group commit, issue 8); otherwise to a transaction of their own.
    auto in = std::make_shared<acs_signin>();
    in->conn = conn;
    in->assertion = std::move(*verified);
    in->trace_id = trace_id;
    in->relay_state = relay_state;
    in->solicited = solicited;
    if (auto flow = cookie_value(req, flow_cookie))
        in->flow = std::move(*flow);
    in->source_ip = req.remote_address;
    in->user_agent = std::string(req.headers.get("User-Agent").value_or(""));
    in->now = now;
    in->assertion_json = boost::json::serialize(assertion_summary(in->assertion));
    in->session_secret = random_hex(ctx, 32);
    auto out = std::make_shared<acs_result>();

    // The answer, once the writes are committed (or not): deny() needs only these of the request.
    http_request origin;
    origin.remote_address = in->source_ip;
    origin.headers.set("User-Agent", in->user_agent);
    auto finish = [&ctx, in, out, origin = std::move(origin), timer](store::result<void> const& written) {
        auto const& c = *in->conn;
        if (!written) // nothing of this sign-in was written: refuse, audited in a fresh transaction
            return deny(ctx, origin, c, in->trace_id,
                        {"store_error", "write the sign-in: " + written.error().message(), {}, {}});
        if (out->refused)
            return deny(ctx, origin, c, in->trace_id, *out->refused, nullptr, out->refusal_audited);
        ctx.metrics->count_signin(c.id, signin_outcome::succeeded, "ok");
        ctx.log.info("sso.login.succeeded", {{"connection", c.id}, {"user_id", out->user_id}, {"trace_id", in->trace_id}});
        auto res = redirect(303, out->return_to);
        res.headers.add("Set-Cookie", cookie_header(session_cookie, in->session_secret, "Lax", std::nullopt));
        return res;
    };

    if (ctx.batcher) {
        auto pending = std::make_shared<pending_response>();
        ctx.batcher->submit([&ctx, in, out](store::transaction& tx) { return write_signin(ctx, tx, *in, *out); },
                            [pending, finish = std::move(finish)](store::result<void> written) mutable {
                                pending->complete([finish = std::move(finish), written = std::move(written)] {
                                    return finish(written);
                                });
                            });
        http_response res;
        res.pending = std::move(pending);
        return res;
    }
    store::result<void> written;
    {
        auto began = ctx.store.begin(store::access::write);
        if (!began)
            return deny(ctx, req, *conn, trace_id, {"store_unavailable", began.error().message(), {}, {}});
        written = write_signin(ctx, **began, *in, *out);
        if (written)
            written = (*began)->commit();
    } // rolled back here unless committed
    if (written)
        process_audit_notifier().notify();
    return finish(written);
}

http_response handle_sso_metadata(app_context const& ctx, http_request const&, route_params const&)
{
    saml::sp_metadata_params p;
    p.entity_id = ctx.connections.sp_entity_id().empty() ? ctx.cfg.sp.entity_id : ctx.connections.sp_entity_id();
    unsigned index = 0;
    bool any_signed = false;
    bool all_want_signed = !ctx.connections.all().empty();
    for (auto const& c : ctx.connections.all()) {
        p.acs.push_back({c.sp.acs_url, index++});
        any_signed = any_signed || c.sign_requests;
        all_want_signed = all_want_signed && c.sp.want_assertions_signed;
    }
    if (p.acs.empty())
        return http_response::text(404, "no connection is configured\n");
    if (auto const& cert = ctx.connections.sp_cert()) {
        p.signing_certs.push_back(*cert);
        if (ctx.connections.sp_key())
            p.encryption_certs.push_back(*cert);
    }
    p.authn_requests_signed = any_signed && !p.signing_certs.empty();
    p.want_assertions_signed = all_want_signed;
    auto xml = saml::sp_metadata_xml(p);
    if (!xml) {
        ctx.log.error("sso.metadata: cannot build", {{"error", xml.error().message()}});
        return http_response::text(500, "metadata unavailable\n");
    }
    http_response res;
    res.headers.set("Content-Type", "application/samlmetadata+xml");
    res.body = std::move(*xml);
    return res;
}

http_response handle_me(app_context const& ctx, http_request const& req, route_params const&)
{
    bool store_down = false;
    auto s = current_session(ctx, req, store::access::read, &store_down);
    if (store_down)
        return store_unavailable_json(log_store_outage(ctx, "me: read session", "session unreadable"));
    http_response res;
    res.headers.set("Content-Type", "application/json");
    if (!s) {
        res.status = 401;
        res.body = R"({"error":"not signed in"})";
        return res;
    }
    boost::json::array roles, teams;
    for (auto const& r : s->roles)
        roles.emplace_back(r);
    for (auto const& t : s->teams)
        teams.emplace_back(t);
    res.body = boost::json::serialize(boost::json::object{{"user_id", s->user_id},
                                                          {"email", s->email},
                                                          {"name", s->name},
                                                          {"connection", s->session.connection_id},
                                                          {"roles", std::move(roles)},
                                                          {"teams", std::move(teams)},
                                                          {"session_expires_at", iso8601(s->session.expires_at)}});
    return res;
}

http_response handle_auth_check(app_context const& ctx, http_request const& req, route_params const&)
{
    bool store_down = false;
    auto s = current_session(ctx, req, store::access::read, &store_down);
    if (store_down) { // not "not signed in": the proxy must not send the user to sign in again
        auto res = http_response::text(503, "store unavailable\n");
        res.headers.set("Retry-After", std::to_string(store_retry_after_seconds));
        res.headers.set("X-Ssogate-Trace-Id", log_store_outage(ctx, "auth/check: read session", "session unreadable"));
        return res;
    }
    if (!s)
        return http_response::text(401, "not signed in\n");
    auto res = http_response::text(200, "ok\n");
    res.headers.set("X-Ssogate-User", header_safe(s->user_id));
    res.headers.set("X-Ssogate-Email", header_safe(s->email));
    res.headers.set("X-Ssogate-Roles", header_safe(join(s->roles, ",")));
    res.headers.set("X-Ssogate-Teams", header_safe(join(s->teams, ",")));
    return res;
}

http_response handle_logout(app_context const& ctx, http_request const& req, route_params const&)
{
    // Same-origin only: a present Origin must be ours; the form's token must match the session.
    if (auto origin = req.headers.get("Origin")) {
        if (*origin != ctx.cfg.server.public_url)
            return html_page(403, "Sign out", "<p role=\"alert\">Sign-out must come from this site.</p>");
    }
    bool store_down = false;
    auto s = current_session(ctx, req, store::access::read, &store_down);
    if (store_down) // keep the cookie: the session still exists and must be ended later
        return store_unavailable_page("Sign out", log_store_outage(ctx, "logout: read session", "session unreadable"));
    auto clear = cookie_header(session_cookie, "", "Lax", 0);
    if (!s) {
        auto res = redirect(303, "/");
        res.headers.add("Set-Cookie", clear);
        return res;
    }
    auto form = parse_form(req.body);
    auto token = form && form->contains("csrf") ? form->at("csrf") : std::string();
    if (!equal_constant_time(token, csrf_token(s->secret)))
        return html_page(403, "Sign out",
                         "<p role=\"alert\">The sign-out form expired. <a href=\"/\">Try again</a>.</p>");
    auto began = ctx.store.begin(store::access::write);
    if (!began)
        return store_unavailable_page("Sign out", log_store_outage(ctx, "logout: begin", began.error().message()));
    auto& tx = **began;
    auto ended = tx.sessions().end(s->secret);
    store::audit_event ev;
    ev.id = random_hex(ctx, 16);
    ev.time = ctx.clock();
    ev.action = "sso.logout";
    ev.actor_type = "user";
    ev.actor_id = s->user_id;
    ev.target = s->email;
    ev.connection_id = s->session.connection_id;
    ev.source_ip = req.remote_address;
    ev.user_agent = std::string(req.headers.get("User-Agent").value_or(""));
    ev.result_status = "success";
    ev.trace_id = random_hex(ctx, 16);
    // sso.logout is the user's request; session.ended (same trace) the session's end,
    // one action for every way a session ends (gateway/src/admin/AUDIT.md).
    audit_origin const origin{"user", s->user_id, ev.source_ip, ev.user_agent, ev.trace_id};
    if (!ended || !tx.audit().append(ev)
        || !tx.audit().append(
            session_ended_event(s->session, session_end_reason::logout, origin, random_hex(ctx, 16), ev.time))
        || !tx.commit())
        return html_page(503, "Sign out", "<p>Sign-out is unavailable right now. Please try again.</p>");
    process_audit_notifier().notify();
    auto res = redirect(303, "/");
    res.headers.add("Set-Cookie", clear);
    return res;
}

http_response handle_stylesheet(app_context const&, http_request const&, route_params const&)
{
    return stylesheet();
}

void add_sso_routes(router& r)
{
    r.add(http_method::get, "/", handle_home);
    r.add(http_method::get, "/assets/ssogate.css", handle_stylesheet);
    r.add(http_method::post, "/sso/start", handle_sso_start);
    r.add(http_method::get, "/sso/login/{connection}", handle_sso_login);
    r.add(http_method::post, "/sso/acs/{connection}", handle_sso_acs);
    r.add(http_method::get, "/sso/metadata", handle_sso_metadata);
    r.add(http_method::get, "/me", handle_me);
    r.add(http_method::get, "/auth/check", handle_auth_check);
    r.add(http_method::post, "/logout", handle_logout);
}

} // namespace ssogate::gateway
