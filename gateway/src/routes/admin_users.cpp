// GET /admin/v1/users, GET /admin/v1/users/{id}, GET /admin/v1/users/{id}/explain
// (issue 6 "Users (admin)", issue 7 "Troubleshooting tools"). Bearer admin token.
#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/connections.hpp>
#include <ssogate/gateway/logger.hpp>
#include <ssogate/gateway/routes.hpp>
#include <ssogate/gateway/users.hpp>

#include <boost/json.hpp>
#include <boost/url/parse_query.hpp>

#include <charconv>

namespace ssogate::gateway {

void add_admin_user_routes(router& r)
{
    r.add(http_method::get, "/admin/v1/users", handle_admin_users);
    r.add(http_method::get, "/admin/v1/users/{id}", handle_admin_user);
    r.add(http_method::get, "/admin/v1/users/{id}/explain", handle_admin_user_explain);
}

namespace {

http_response json_ok(boost::json::value const& v)
{
    http_response res;
    res.headers.set("Content-Type", "application/json");
    res.body = boost::json::serialize(v);
    return res;
}

http_response store_unavailable(app_context const& ctx, std::string_view what, std::string const& detail)
{
    ctx.log.error("admin users: store error", {{"what", what}, {"detail", detail}});
    return admin_json_error(503, "the store is unavailable");
}

} // namespace

std::variant<user_list_query, http_response> parse_user_list_query(std::string_view query)
{
    user_list_query q;
    if (query.empty())
        return q;
    auto parsed = boost::urls::parse_query(boost::core::string_view(query.data(), query.size()));
    if (!parsed)
        return admin_json_error(400, "malformed query string");
    bool seen_email = false, seen_after = false, seen_limit = false;
    auto once = [](bool& seen) { return !std::exchange(seen, true); };
    for (auto const& p : *parsed) {
        std::string const key = p.key.decode();
        std::string const value = p.has_value ? p.value.decode() : std::string();
        if (key == "email") {
            if (value.empty() || value.find('@') == std::string::npos || !once(seen_email))
                return admin_json_error(400, "email must be one email address", "email");
            q.email = value;
        } else if (key == "after") {
            if (value.empty() || !once(seen_after))
                return admin_json_error(400, "after must be one user id (the previous page's next_after)", "after");
            q.after = value;
        } else if (key == "limit") {
            std::size_t v = 0;
            auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
            if (ec != std::errc{} || end != value.data() + value.size() || value.empty() || v < 1
                || v > user_page_max_limit || !once(seen_limit))
                return admin_json_error(400, "limit must be one integer from 1 to 1000", "limit");
            q.limit = v;
        } else {
            return admin_json_error(400, "unknown parameter " + key + " (expected email, after, limit)", key);
        }
    }
    if (q.email && (seen_after || seen_limit))
        return admin_json_error(400, "email cannot be combined with after or limit", "email");
    return q;
}

http_response handle_admin_users(app_context const& ctx, http_request const& req, route_params const&)
{
    auto auth = authenticate_admin(ctx, req);
    if (auto* res = std::get_if<http_response>(&auth))
        return std::move(*res);
    auto parsed = parse_user_list_query(req.query());
    if (auto* res = std::get_if<http_response>(&parsed))
        return std::move(*res);
    auto const& q = std::get<user_list_query>(parsed);

    auto began = ctx.store.begin(store::access::read);
    if (!began)
        return store_unavailable(ctx, "begin", began.error().message());
    auto& tx = **began;
    std::vector<store::user_record> users;
    if (q.email) {
        auto u = tx.users().find_by_email(*q.email);
        if (!u)
            return store_unavailable(ctx, "find_by_email", tx.last_error_detail());
        if (*u)
            users.push_back(std::move(**u));
    } else {
        auto page = tx.users().list(q.after, q.limit);
        if (!page)
            return store_unavailable(ctx, "list", tx.last_error_detail());
        users = std::move(*page);
    }
    boost::json::array out;
    for (auto const& u : users) {
        auto d = read_user_details(tx, u, false);
        if (!d)
            return store_unavailable(ctx, "read user", tx.last_error_detail());
        out.push_back(user_details_to_json(*d));
    }
    // The cursor: the last id of a full page; null when this page is the last.
    boost::json::value next = nullptr;
    if (!q.email && users.size() == q.limit)
        next = boost::json::value(users.back().id);
    return json_ok(boost::json::object{{"users", std::move(out)}, {"next_after", std::move(next)}});
}

namespace {

/// The user named by the {id} segment (an id, or an email for convenience), or the
/// response to send instead.
std::variant<store::user_record, http_response> user_of(app_context const& ctx, store::transaction& tx,
                                                        route_params const& params)
{
    auto const id = params.get("id");
    if (id.empty() || id.size() > 320)
        return admin_json_error(400, "the user id is malformed", "id");
    auto u = find_user(tx, id);
    if (!u)
        return store_unavailable(ctx, "find user", tx.last_error_detail());
    if (!*u)
        return admin_json_error(404, "no such user");
    return std::move(**u);
}

} // namespace

http_response handle_admin_user(app_context const& ctx, http_request const& req, route_params const& params)
{
    auto auth = authenticate_admin(ctx, req);
    if (auto* res = std::get_if<http_response>(&auth))
        return std::move(*res);
    if (!req.query().empty())
        return admin_json_error(400, "this route takes no parameters");
    auto began = ctx.store.begin(store::access::read);
    if (!began)
        return store_unavailable(ctx, "begin", began.error().message());
    auto& tx = **began;
    auto user = user_of(ctx, tx, params);
    if (auto* res = std::get_if<http_response>(&user))
        return std::move(*res);
    auto d = read_user_details(tx, std::get<store::user_record>(user), true);
    if (!d)
        return store_unavailable(ctx, "read user", tx.last_error_detail());
    return json_ok(user_details_to_json(*d));
}

policy_lookup registry_policies(connection_registry const& connections)
{
    return [&connections](std::string_view id) -> std::optional<jit::connection_policy> {
        if (auto c = connections.find(id))
            return c->policy;
        return std::nullopt;
    };
}

http_response handle_admin_user_explain(app_context const& ctx, http_request const& req, route_params const& params)
{
    auto auth = authenticate_admin(ctx, req);
    if (auto* res = std::get_if<http_response>(&auth))
        return std::move(*res);
    if (!req.query().empty())
        return admin_json_error(400, "this route takes no parameters");
    auto began = ctx.store.begin(store::access::read);
    if (!began)
        return store_unavailable(ctx, "begin", began.error().message());
    auto& tx = **began;
    auto user = user_of(ctx, tx, params);
    if (auto* res = std::get_if<http_response>(&user))
        return std::move(*res);
    auto e = explain_user(tx, std::get<store::user_record>(user), registry_policies(ctx.connections),
                          registry_scim_settings(ctx.connections), ctx.clock());
    if (!e)
        return store_unavailable(ctx, "explain", tx.last_error_detail());
    return json_ok(user_explanation_to_json(*e));
}

} // namespace ssogate::gateway
