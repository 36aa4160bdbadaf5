// The console's audit log: GET /admin/audit (newest first, filters), GET
// /admin/audit/stream (the admin API's SSE stream, for the admin session) and POST
// /admin/audit/verify (the chain check of `ssogate audit verify`).
//
// Events are rendered from audit_event_to_json — the very JSON the API and the stream
// send — so the page and console.js (which renders live events) show the same thing.
#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/audit.hpp>
#include <ssogate/gateway/logger.hpp>

#include "console/console_support.hpp"
#include "routes/sso_support.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>

namespace ssogate::gateway::console_detail {

using sso_detail::parse_form;

namespace {

/// Events shown on the page at most, and how far back (in seq) the page looks for them.
constexpr std::size_t page_events = 100;
constexpr std::int64_t window = 1000;
constexpr int max_windows = 20;

struct page_filter {
    std::string action;
    std::string connection;
    std::string actor;   ///< "type:id" or the id alone
    std::string result;  ///< result.status
};

std::string str(boost::json::value const& v)
{
    if (auto const* s = v.if_string())
        return std::string(*s);
    if (v.is_null())
        return {};
    return boost::json::serialize(v);
}

std::string field(boost::json::object const& o, std::string_view key)
{
    auto const* v = o.if_contains(key);
    return v ? str(*v) : std::string();
}

std::string sub(boost::json::object const& o, std::string_view key, std::string_view inner)
{
    auto const* v = o.if_contains(key);
    if (!v || !v->is_object())
        return {};
    return field(v->as_object(), inner);
}

void pretty(boost::json::value const& v, std::string& out, int indent)
{
    auto pad = [&](int n) { out.append(static_cast<std::size_t>(n) * 2, ' '); };
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
            out += boost::json::serialize(boost::json::value(kv.key()));
            out += ": ";
            pretty(kv.value(), out, indent + 1);
        }
        out += '\n';
        pad(indent);
        out += '}';
    } else if (auto const* a = v.if_array()) {
        if (a->empty()) {
            out += "[]";
            return;
        }
        out += "[\n";
        for (std::size_t i = 0; i < a->size(); ++i) {
            if (i)
                out += ",\n";
            pad(indent + 1);
            pretty((*a)[i], out, indent + 1);
        }
        out += '\n';
        pad(indent);
        out += ']';
    } else {
        out += boost::json::serialize(v);
    }
}

std::string actor_of(boost::json::object const& e)
{
    auto type = sub(e, "actor", "type");
    auto id = sub(e, "actor", "id");
    if (type.empty() && id.empty())
        return "—";
    return id.empty() ? type : type + ":" + id;
}

bool matches(boost::json::object const& e, page_filter const& f)
{
    if (!f.actor.empty() && f.actor != sub(e, "actor", "id") && f.actor != actor_of(e))
        return false;
    if (!f.result.empty() && f.result != sub(e, "result", "status"))
        return false;
    return true;
}

std::string dd_row(std::string_view term, std::string const& value, bool code = false)
{
    if (value.empty())
        return {};
    std::string out = "<dt>";
    out += term;
    out += "</dt><dd>";
    out += code ? "<code>" + escape_markup(value) + "</code>" : escape_markup(value);
    out += "</dd>\n";
    return out;
}

} // namespace

/// One event as a list item (console.js builds the same structure for live events).
std::string render_audit_event(boost::json::object const& e)
{
    auto const status = sub(e, "result", "status");
    auto const action = field(e, "action");
    std::string out = "<li class=\"event\" data-seq=\"" + escape_markup(field(e, "seq")) + "\" data-actor=\""
                      + escape_markup(actor_of(e)) + "\" data-result=\"" + escape_markup(status) + "\">\n<details>\n"
                      + "<summary><span class=\"seq\">#" + escape_markup(field(e, "seq")) + "</span> <time>"
                      + escape_markup(field(e, "time")) + "</time> <span class=\"action\">" + escape_markup(action)
                      + "</span> <span class=\"actor\">" + escape_markup(actor_of(e)) + "</span> <span class=\"conn\">"
                      + escape_markup(field(e, "connection")) + "</span> <span class=\"target\">"
                      + escape_markup(field(e, "target")) + "</span> <span class=\"result "
                      + (status == "success" ? "ok" : status.empty() ? "none" : "bad") + "\">"
                      + escape_markup(status.empty() ? "—" : status) + "</span></summary>\n<dl>\n";
    out += dd_row("Reason", sub(e, "result", "reason"), true);
    out += dd_row("Trace ID", field(e, "trace_id"), true);
    out += dd_row("Event ID", field(e, "id"), true);
    out += dd_row("Source IP", sub(e, "source", "ip"));
    out += dd_row("User agent", sub(e, "source", "user_agent"));
    if (auto const* c = e.if_contains("changes"); c && !c->is_null()) {
        std::string text;
        pretty(*c, text, 0);
        out += "<dt>Changes</dt><dd><pre>" + escape_markup(text) + "</pre></dd>\n";
    }
    out += dd_row("Hash", field(e, "hash"), true);
    out += dd_row("Previous hash", field(e, "prev_hash"), true);
    out += "</dl>\n</details>\n</li>\n";
    return out;
}

namespace {

http_response render(app_context const& ctx, admitted const& a, page_filter const& f, std::string const& banner)
{
    // Newest first: walk back from the last seq in windows until the page is full.
    std::vector<boost::json::object> shown;
    std::int64_t last = 0;
    {
        auto began = ctx.store.begin(store::access::read);
        if (!began)
            return console_page(a, 503, "Audit log", "audit", "<p role=\"alert\">The store is unavailable.</p>");
        auto& tx = **began;
        auto ls = tx.audit().last_seq();
        if (!ls)
            return console_page(a, 503, "Audit log", "audit", "<p role=\"alert\">The store is unavailable.</p>");
        last = *ls;
        store::audit_filter sf{f.action, f.connection};
        std::int64_t upper = last;
        for (int w = 0; w < max_windows && upper > 0 && shown.size() < page_events; ++w) {
            auto const from = std::max<std::int64_t>(0, upper - window);
            auto events = tx.audit().after(from, static_cast<std::size_t>(upper - from), sf);
            if (!events)
                return console_page(a, 503, "Audit log", "audit", "<p role=\"alert\">The store is unavailable.</p>");
            for (auto it = events->rbegin(); it != events->rend() && shown.size() < page_events; ++it) {
                if (it->seq > upper)
                    continue;
                auto j = audit_event_to_json(*it);
                if (matches(j, f))
                    shown.push_back(std::move(j));
            }
            upper = from;
        }
    }

    auto input = [](std::string_view id, std::string_view label, std::string const& value) {
        return "<label>" + std::string(label) + " <input name=\"" + std::string(id) + "\" value=\""
               + escape_markup(value) + "\"></label>\n";
    };
    std::string body = banner;
    body += "<form method=\"get\" action=\"/admin/audit\" class=\"filters\" aria-label=\"Filters\">\n";
    body += input("action", "Action", f.action);
    body += input("connection", "Connection", f.connection);
    body += input("actor", "Actor", f.actor);
    body += "<label>Result <select name=\"result\">";
    for (std::string_view r : {"", "success", "failure"}) {
        body += "<option value=\"" + std::string(r) + "\"" + (f.result == r ? " selected" : "") + ">"
                + (r.empty() ? std::string("any") : std::string(r)) + "</option>";
    }
    body += "</select></label>\n<button type=\"submit\">Filter</button>\n</form>\n";

    // The live stream: the admin API's stream with the same filters it supports; actor
    // and result are applied by console.js as they are here.
    std::string stream = "/admin/audit/stream?after=" + std::to_string(last);
    auto enc = [](std::string const& s) {
        std::string out;
        static constexpr char digits[] = "0123456789ABCDEF";
        for (unsigned char c : s) {
            if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
                out += static_cast<char>(c);
            else {
                out += '%';
                out += digits[c >> 4];
                out += digits[c & 15];
            }
        }
        return out;
    };
    if (!f.action.empty())
        stream += "&action=" + enc(f.action);
    if (!f.connection.empty())
        stream += "&connection=" + enc(f.connection);

    body += "<div class=\"toolbar\">\n<button type=\"button\" id=\"live-toggle\" aria-pressed=\"false\" hidden>Pause</button>\n"
            "<span id=\"live-status\" role=\"status\" aria-live=\"polite\">Live updates need JavaScript.</span>\n"
            "<form method=\"post\" action=\"/admin/audit/verify\">" + csrf_input(a)
            + "<button type=\"submit\">Verify chain</button></form>\n</div>\n";
    body += "<ol id=\"events\" class=\"events\" data-stream=\"" + escape_markup(stream) + "\" data-after=\""
            + std::to_string(last) + "\" data-actor=\"" + escape_markup(f.actor) + "\" data-result=\""
            + escape_markup(f.result) + "\">\n";
    for (auto const& e : shown)
        body += render_audit_event(e);
    body += "</ol>\n";
    if (shown.empty())
        body += "<p class=\"empty\" id=\"events-empty\">No events match.</p>\n";
    return console_page(a, 200, "Audit log", "audit", body);
}

page_filter filter_of(http_request const& req)
{
    page_filter f;
    if (auto q = parse_form(req.query())) {
        auto get = [&](std::string_view k) {
            auto it = q->find(k);
            return it == q->end() ? std::string() : it->second;
        };
        f.action = get("action");
        f.connection = get("connection");
        f.actor = get("actor");
        f.result = get("result");
    }
    return f;
}

} // namespace

http_response handle_audit_page(app_context const& ctx, http_request const& req, route_params const&)
{
    auto admitted_or = admit_page(ctx, req);
    if (auto* res = std::get_if<http_response>(&admitted_or))
        return std::move(*res);
    return render(ctx, std::get<admitted>(admitted_or), filter_of(req), {});
}

http_response handle_audit_verify(app_context const& ctx, http_request const& req, route_params const&)
{
    auto form = parse_form(req.body);
    auto admitted_or = admit_change(ctx, req, form ? &*form : nullptr);
    if (auto* res = std::get_if<http_response>(&admitted_or))
        return std::move(*res);
    auto const& a = std::get<admitted>(admitted_or);
    // The same call as `ssogate audit verify`.
    std::string banner;
    auto began = ctx.store.begin(store::access::read);
    auto v = began ? (*began)->audit().verify_chain() : store::result<store::chain_verification>(began.error());
    if (!v) {
        banner = "<p class=\"banner bad\" role=\"alert\">Could not read the audit log: " + escape_markup(v.error().message())
                 + "</p>\n";
    } else if (!v->first_break) {
        banner = "<p class=\"banner ok\" role=\"status\" id=\"verify-result\">Audit chain ok: "
                 + std::to_string(v->events_checked) + " events checked.</p>\n";
    } else {
        auto const& b = *v->first_break;
        banner = "<p class=\"banner bad\" role=\"alert\" id=\"verify-result\">Audit chain broken at seq "
                 + std::to_string(b.seq) + ": " + escape_markup(b.field) + " differs (expected <code>"
                 + escape_markup(b.expected) + "</code>, found <code>" + escape_markup(b.actual) + "</code>).</p>\n";
    }
    return render(ctx, a, {}, banner);
}

http_response handle_audit_stream(app_context const& ctx, http_request const& req, route_params const&)
{
    auto admitted_or = admit_session(ctx, req);
    if (auto* res = std::get_if<http_response>(&admitted_or))
        return std::move(*res);
    auto parsed = parse_audit_query(req.query());
    if (auto* res = std::get_if<http_response>(&parsed)) {
        set_console_headers(*res);
        return std::move(*res);
    }
    auto q = std::get<audit_query>(std::move(parsed));
    // EventSource sends Last-Event-ID when it reconnects: resume after it (it wins over
    // the ?after= of the first connect), so nothing is missed or repeated.
    if (auto last = req.headers.get("Last-Event-ID")) {
        std::int64_t v = 0;
        auto [end, ec] = std::from_chars(last->data(), last->data() + last->size(), v);
        if (ec != std::errc{} || end != last->data() + last->size() || v < 0)
            return json_response(400, R"j({"error":"Last-Event-ID must be a non-negative integer (an event seq)"})j");
        q.after = v;
    }
    http_response res;
    res.headers.set("Content-Type", "text/event-stream");
    res.headers.set("Cache-Control", "no-store");
    res.headers.set("X-Accel-Buffering", "no");
    set_console_headers(res);
    res.stream = make_audit_stream(ctx, process_audit_notifier(), q.after, std::move(q.filter));
    return res;
}

} // namespace ssogate::gateway::console_detail
