// GET /admin/v1/audit and GET /admin/v1/audit/stream: the audit tail (issue 6).
#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/logger.hpp>
#include <ssogate/gateway/routes.hpp>

#include <boost/json.hpp>
#include <boost/url/parse_query.hpp>

#include <charconv>

namespace ssogate::gateway {

void add_admin_routes(router& r)
{
    r.add(http_method::get, "/admin/v1/audit", handle_admin_audit);
    r.add(http_method::get, "/admin/v1/audit/stream", handle_admin_audit_stream);
}

namespace {

/// A decimal integer in [min, max], whole string.
std::optional<std::int64_t> parse_int(std::string_view s, std::int64_t min, std::int64_t max)
{
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || s.empty() || v < min || v > max)
        return std::nullopt;
    return v;
}

} // namespace

std::variant<audit_query, http_response> parse_audit_query(std::string_view query)
{
    audit_query q;
    if (query.empty())
        return q;
    auto parsed = boost::urls::parse_query(boost::core::string_view(query.data(), query.size()));
    if (!parsed)
        return admin_json_error(400, "malformed query string");
    bool seen_after = false, seen_limit = false, seen_action = false, seen_connection = false;
    auto once = [](bool& seen) { return !std::exchange(seen, true); };
    for (auto const& p : *parsed) {
        std::string const key = p.key.decode();
        std::string const value = p.has_value ? p.value.decode() : std::string();
        if (key == "after") {
            auto v = parse_int(value, 0, INT64_MAX);
            if (!v || !once(seen_after))
                return admin_json_error(400, "after must be one non-negative integer (an event seq)", "after");
            q.after = *v;
        } else if (key == "limit") {
            auto v = parse_int(value, 1, static_cast<std::int64_t>(audit_page_max_limit));
            if (!v || !once(seen_limit))
                return admin_json_error(400, "limit must be one integer from 1 to 1000", "limit");
            q.limit = static_cast<std::size_t>(*v);
        } else if (key == "action") {
            if (value.empty() || !once(seen_action))
                return admin_json_error(400, "action must be one non-empty action name", "action");
            q.filter.action = value;
        } else if (key == "connection") {
            if (value.empty() || !once(seen_connection))
                return admin_json_error(400, "connection must be one non-empty connection id", "connection");
            q.filter.connection_id = value;
        } else {
            return admin_json_error(400, "unknown parameter " + key + " (expected after, limit, action, connection)",
                                    key);
        }
    }
    return q;
}

http_response handle_admin_audit(app_context const& ctx, http_request const& req, route_params const&)
{
    auto auth = authenticate_admin(ctx, req);
    if (auto* res = std::get_if<http_response>(&auth))
        return std::move(*res);
    auto parsed = parse_audit_query(req.query());
    if (auto* res = std::get_if<http_response>(&parsed))
        return std::move(*res);
    auto const& q = std::get<audit_query>(parsed);

    auto began = ctx.store.begin(store::access::read);
    if (!began) {
        ctx.log.warn("admin audit: store unavailable", {{"error", began.error().message()}});
        return admin_json_error(503, "store unavailable");
    }
    auto events = (*began)->audit().after(q.after, q.limit, q.filter);
    if (!events) {
        ctx.log.warn("admin audit: read failed",
                     {{"error", events.error().message()}, {"detail", (*began)->last_error_detail()}});
        return admin_json_error(503, "store unavailable");
    }
    boost::json::array list;
    list.reserve(events->size());
    for (auto const& e : *events)
        list.push_back(audit_event_to_json(e));
    auto const next = events->empty() ? q.after : events->back().seq;

    http_response res;
    res.headers.set("Content-Type", "application/json");
    res.body = boost::json::serialize(boost::json::object{{"events", std::move(list)}, {"next_after", next}});
    res.body += '\n';
    return res;
}

http_response handle_admin_audit_stream(app_context const& ctx, http_request const& req, route_params const&)
{
    auto auth = authenticate_admin(ctx, req);
    if (auto* res = std::get_if<http_response>(&auth))
        return std::move(*res);
    auto parsed = parse_audit_query(req.query());
    if (auto* res = std::get_if<http_response>(&parsed))
        return std::move(*res);
    auto q = std::get<audit_query>(std::move(parsed));
    // The browser's EventSource sends Last-Event-ID on reconnect; it wins over ?after=
    // (which the page used on its first connect).
    if (auto last = req.headers.get("Last-Event-ID")) {
        auto v = parse_int(*last, 0, INT64_MAX);
        if (!v)
            return admin_json_error(400, "Last-Event-ID must be a non-negative integer (an event seq)",
                                    "Last-Event-ID");
        q.after = *v;
    }
    http_response res;
    res.headers.set("Content-Type", "text/event-stream");
    res.headers.set("Cache-Control", "no-store");
    res.headers.set("X-Accel-Buffering", "no"); // nginx: do not buffer the stream
    res.stream = make_audit_stream(ctx, process_audit_notifier(), q.after, std::move(q.filter));
    return res;
}

} // namespace ssogate::gateway
