#pragma once
// The handlers that SCIM Users and Groups share — GET one, PUT, PATCH, DELETE and the
// list — written once over a resource kind. A kind (`user_kind` in scim_users.cpp,
// `group_kind` in scim_groups.cpp) supplies what differs: how its resource is loaded,
// rendered, parsed, replaced, removed and listed. These templates do the rest, in this
// order:
//
//   GET     query (attributes) → read tx → load (404) → If-None-Match/If-Match (304/412)
//           → render, project → 200
//   PUT     body → parse (400) → write tx → load (404) → If-Match (412) → K::replace
//   PATCH   body is JSON (400) → write tx → load (404) → If-Match (412) → apply the
//           operations to the rendered resource (400) → parse (400) → K::replace
//   DELETE  write tx → load (404) → If-Match (412) → K::remove → event → 204
//   list    query (400) → read tx → the store's page (no filter), an indexed eq lookup,
//           or a scan of at most scim_max_filter_scan (tooMany beyond) → filter → page
//
// Private to gateway/src/scim.
#include "scim/scim_support.hpp"

#include <ssogate/gateway/scim.hpp>
#include <ssogate/scim/etag.hpp>
#include <ssogate/scim/filter.hpp>
#include <ssogate/scim/patch.hpp>
#include <ssogate/scim/projection.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ssogate::gateway::scim_api {

/// What a SCIM resource kind supplies to the shared handlers. `K::loaded` is a resource
/// as read in the call's transaction; `K::parsed` one as the client wrote it.
template <class K>
concept resource_kind = requires(scim_call const& call, store::transaction& tx, std::string_view id,
                                 typename K::loaded const& current, typename K::parsed const& next,
                                 boost::json::value const& body) {
    // The resource `id` of the call's connection, or the 404 / store failure to send.
    { K::load(call, tx, id) } -> std::same_as<std::variant<typename K::loaded, http_response>>;
    // Its id (the audit target) and its meta.version (the ETag is etag_of(version)).
    { K::id(current) } -> std::convertible_to<std::string>;
    { K::version(current) } -> std::same_as<std::int64_t>;
    // The resource as SCIM shows it, with id and meta.
    { K::render(call, current) } -> std::same_as<boost::json::object>;
    // The resource type its attributes resolve against (projection, PATCH paths).
    { K::type(call) } -> std::same_as<scim::resource_type_def const&>;
    // A body (POST, PUT, or a patched resource) as the kind's typed resource.
    { K::parse(call, body) } -> std::same_as<scim::result<typename K::parsed>>;
    // Writes `next` over `current`, records the event and commits: the 200 or a refusal.
    { K::replace(call, tx, current, next) } -> std::same_as<http_response>;
    // Deletes `current` in `tx`: nullopt, or the store failure to send.
    { K::remove(call, tx, current) } -> std::same_as<std::optional<http_response>>;
    // The audit action of a DELETE (scim.user.deleted, scim.group.deleted).
    { K::deleted_action } -> std::convertible_to<std::string_view>;
};

/// The request body of a POST or PUT as the kind's resource, or the 400 to send.
template <resource_kind K>
[[nodiscard]] std::variant<typename K::parsed, http_response> parse_request_body(scim_call const& call)
{
    auto body = parse_body(call.req);
    if (!body)
        return scim_error_response(body.error());
    auto parsed = K::parse(call, *body);
    if (!parsed)
        return scim_error_response(parsed.error());
    return std::move(*parsed);
}

/// A resource opened for a request: the transaction it was read in, and the resource.
template <resource_kind K>
struct opened_resource {
    std::unique_ptr<store::transaction> tx;
    typename K::loaded current;
};

/// Begins a transaction (`mode`: read for GET, write for the others) and loads the
/// resource `id` in it, if the call's If-Match / If-None-Match admit its version: the
/// opened resource, or the store failure, 404, 304 (GET) or 412 to send.
template <resource_kind K>
[[nodiscard]] std::variant<opened_resource<K>, http_response> open_resource(scim_call const& call,
                                                                            store::access mode, std::string_view id)
{
    auto began = call.ctx.store.begin(mode);
    if (!began)
        return store_failure(call, began.error(), "begin");
    auto loaded = K::load(call, **began, id);
    if (auto* res = std::get_if<http_response>(&loaded))
        return std::move(*res);
    auto& current = std::get<typename K::loaded>(loaded);
    bool const is_read = mode == store::access::read;
    if (auto refused = check_preconditions(call, scim::etag_of(K::version(current)), is_read))
        return std::move(*refused);
    return opened_resource<K>{std::move(*began), std::move(current)};
}

/// GET /{Users|Groups}/{id}: the resource projected by attributes / excludedAttributes,
/// with its Location and ETag.
template <resource_kind K>
[[nodiscard]] http_response get_resource(app_context const& ctx, http_request const& req, route_params const& params)
{
    SCIM_AUTH(call);
    auto q = query_parameters(req.query());
    if (!q)
        return scim_error_response(scim::errc::invalid_syntax, "the query string has a malformed escape");
    auto proj = scim::parse_projection(parameter(*q, "attributes"), parameter(*q, "excludedAttributes"));
    if (!proj)
        return scim_error_response(proj.error());
    auto opened = open_resource<K>(call, store::access::read, params.get("id"));
    if (auto* res = std::get_if<http_response>(&opened))
        return std::move(*res);
    auto body = K::render(call, std::get<opened_resource<K>>(opened).current);
    return single_resource(200, body, scim::apply_projection(body, *proj, K::type(call)));
}

/// PUT /{Users|Groups}/{id}: the body replaces the resource.
template <resource_kind K>
[[nodiscard]] http_response replace_resource(app_context const& ctx, http_request const& req,
                                             route_params const& params)
{
    SCIM_AUTH(call);
    auto next = parse_request_body<K>(call);
    if (auto* res = std::get_if<http_response>(&next))
        return std::move(*res);
    auto opened = open_resource<K>(call, store::access::write, params.get("id"));
    if (auto* res = std::get_if<http_response>(&opened))
        return std::move(*res);
    auto& [tx, current] = std::get<opened_resource<K>>(opened);
    return K::replace(call, *tx, current, std::get<typename K::parsed>(next));
}

/// PATCH /{Users|Groups}/{id} (RFC 7644 §3.5.2): the operations, applied to the resource
/// as rendered, give the resource that replaces it; one bad operation changes nothing.
template <resource_kind K>
[[nodiscard]] http_response patch_resource(app_context const& ctx, http_request const& req,
                                           route_params const& params)
{
    SCIM_AUTH(call);
    auto body = parse_body(req);
    if (!body)
        return scim_error_response(body.error());
    auto opened = open_resource<K>(call, store::access::write, params.get("id"));
    if (auto* res = std::get_if<http_response>(&opened))
        return std::move(*res);
    auto& [tx, current] = std::get<opened_resource<K>>(opened);
    scim::patch_limits limits;
    limits.path_limits = {scim_max_filter_length, scim_max_filter_depth};
    auto patched = scim::apply_patch(K::render(call, current), *body, K::type(call), limits);
    if (!patched)
        return scim_error_response(patched.error());
    auto next = K::parse(call, *patched);
    if (!next)
        return scim_error_response(next.error());
    return K::replace(call, *tx, current, *next);
}

/// DELETE /{Users|Groups}/{id}: 204, and an event recording the resource before.
template <resource_kind K>
[[nodiscard]] http_response delete_resource(app_context const& ctx, http_request const& req,
                                            route_params const& params)
{
    SCIM_AUTH(call);
    auto opened = open_resource<K>(call, store::access::write, params.get("id"));
    if (auto* res = std::get_if<http_response>(&opened))
        return std::move(*res);
    auto& [tx, current] = std::get<opened_resource<K>>(opened);
    auto before = K::render(call, current);
    if (auto failed = K::remove(call, *tx, current))
        return std::move(*failed);
    auto e = scim_event(call, std::string(K::deleted_action), K::id(current), before, nullptr);
    if (auto failed = commit_with(call, *tx, e))
        return std::move(*failed);
    http_response res;
    res.status = 204;
    return res;
}

/// What a SCIM resource kind supplies to list_resources. `K::listed` is what the store
/// lists of it (a scim_users row, a team id); `K::plural` names it in log lines and
/// messages ("users", "groups").
template <class K>
concept listable_kind = requires(scim_call const& call, store::transaction& tx, std::string const& connection_id,
                                 std::size_t n, scim::indexed_lookup const& lookup,
                                 typename K::listed const& listed) {
    { K::type(call) } -> std::same_as<scim::resource_type_def const&>;
    { K::plural } -> std::convertible_to<std::string_view>;
    // How many the connection's SCIM view holds, and `n` of them after skipping `n`.
    { K::count(tx, connection_id) } -> std::same_as<store::result<std::size_t>>;
    { K::list(tx, connection_id, n, n) } -> std::same_as<store::result<std::vector<typename K::listed>>>;
    // Whether the store answers `attribute eq "x"` for this kind, and its answer.
    { K::indexes(lookup.attribute) } -> std::same_as<bool>;
    { K::find_indexed(call, tx, lookup) } -> std::same_as<std::variant<std::vector<typename K::listed>, http_response>>;
    // The attributes it indexes, as the tooMany message names them.
    { K::indexed_attributes } -> std::convertible_to<std::string_view>;
    // The resource of one listed item; nullopt when it is outside the connection's view.
    { K::render_listed(call, tx, listed) } -> std::same_as<std::variant<std::optional<boost::json::object>, http_response>>;
};

/// GET /{Users|Groups} (RFC 7644 §3.4.2): the ListResponse. Without a filter the store
/// counts and pages; an `eq` filter the kind indexes is answered from the store; any other
/// filter scans at most scim_max_filter_scan resources (tooMany beyond). Either way the
/// filter is then matched here, and the page cut here unless the store cut it.
template <listable_kind K>
[[nodiscard]] http_response list_resources(app_context const& ctx, http_request const& req,
                                           route_params const& params)
{
    SCIM_AUTH(call);
    auto const& type = K::type(call);
    auto parsed = parse_list_query(call, type);
    if (auto* res = std::get_if<http_response>(&parsed))
        return std::move(*res);
    auto const& q = std::get<list_query>(parsed);
    auto began = ctx.store.begin(store::access::read);
    if (!began)
        return store_failure(call, began.error(), "begin");
    auto& tx = **began;
    auto const& conn = call.connection.id;
    std::string const plural(K::plural);

    std::vector<typename K::listed> listed;
    std::optional<std::size_t> store_total;
    std::optional<scim::indexed_lookup> lookup;
    if (q.filter)
        lookup = scim::as_indexed_lookup(*q.filter);
    if (!q.filter) {
        auto count = K::count(tx, conn);
        if (!count)
            return store_failure(call, count.error(), "count " + plural, &tx);
        store_total = *count;
        auto page = K::list(tx, conn, q.page.start_index - 1, q.page.count);
        if (!page)
            return store_failure(call, page.error(), "list " + plural, &tx);
        listed = std::move(*page);
    } else if (lookup && K::indexes(lookup->attribute)) {
        auto found = K::find_indexed(call, tx, *lookup);
        if (auto* res = std::get_if<http_response>(&found))
            return std::move(*res);
        listed = std::move(std::get<std::vector<typename K::listed>>(found));
    } else {
        auto count = K::count(tx, conn);
        if (!count)
            return store_failure(call, count.error(), "count " + plural, &tx);
        if (*count > scim_max_filter_scan)
            return scim_error_response(scim::errc::too_many, "this filter needs a scan of more than " +
                                                                 std::to_string(scim_max_filter_scan) + " " + plural +
                                                                 "; filter on " + std::string(K::indexed_attributes) +
                                                                 " with eq");
        auto all = K::list(tx, conn, 0, scim_max_filter_scan);
        if (!all)
            return store_failure(call, all.error(), "list " + plural, &tx);
        listed = std::move(*all);
    }

    std::vector<boost::json::object> matched;
    for (auto const& item : listed) {
        auto rendered = K::render_listed(call, tx, item);
        if (auto* res = std::get_if<http_response>(&rendered))
            return std::move(*res);
        auto& body = std::get<std::optional<boost::json::object>>(rendered);
        if (!body || (q.filter && !scim::matches(*q.filter, *body, type)))
            continue;
        matched.push_back(std::move(*body));
    }
    return list_response(std::move(matched), store_total, q, type);
}

} // namespace ssogate::gateway::scim_api
