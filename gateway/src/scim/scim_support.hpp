#pragma once
// Shared pieces of the SCIM handlers (gateway/src/scim/*.cpp): authentication of a
// request to its connection, SCIM JSON responses and errors, query parameters, audit
// events. Private to gateway/src/scim and gateway/src/routes/scim.cpp.
#include <ssogate/gateway/app_context.hpp>
#include <ssogate/gateway/config.hpp>
#include <ssogate/gateway/connections.hpp>
#include <ssogate/gateway/http.hpp>
#include <ssogate/gateway/router.hpp>
#include <ssogate/scim/errc.hpp>
#include <ssogate/scim/filter.hpp>
#include <ssogate/scim/list.hpp>
#include <ssogate/scim/projection.hpp>
#include <ssogate/scim/role_attribute.hpp>
#include <ssogate/store/transaction.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

/// The authenticated call of a handler `(ctx, req, params)`, or return its 401/404/413.
#define SCIM_AUTH(call_name)                                                                                          \
    auto auth_ = ::ssogate::gateway::scim_api::authenticate(ctx, req, params);                                        \
    if (auto* res_ = std::get_if<::ssogate::gateway::http_response>(&auth_))                                          \
        return std::move(*res_);                                                                                       \
    auto& call_name = std::get<::ssogate::gateway::scim_api::scim_call>(auth_)

namespace ssogate::gateway::scim_api {

/// An authenticated SCIM request: its connection, the token that signed it, and what
/// every handler needs to write responses and audit events.
struct scim_call {
    app_context const& ctx;
    http_request const& req;
    connection_config const& connection;
    std::string token_id;
    std::string base_url; ///< {public_url}/scim/v2/{connection}
    std::chrono::system_clock::time_point now;
    std::string trace_id;
    /// The User resource type of this connection (with its custom role extension, if any).
    std::shared_ptr<scim::user_type_with_role const> user_type;
    /// Keeps a store-owned connection's settings (`connection`) alive for the call.
    std::shared_ptr<sso_connection const> held;

    /// `scim:<connection>`.
    [[nodiscard]] std::string owner() const;
};

/// The call, or the 404/401/413 response to send. Checks, in order: the connection
/// exists (the registry's view: file-owned and store-owned connections; else the
/// configuration's) and has SCIM enabled (404), the bearer token is an active SCIM token of this
/// connection (401), the body is within scim_max_body_bytes (413).
[[nodiscard]] std::variant<scim_call, http_response> authenticate(app_context const& ctx, http_request const& req,
                                                                  route_params const& params);

/// A response with `Content-Type: application/scim+json`.
[[nodiscard]] http_response scim_json(int status, boost::json::value const& body);
/// The SCIM error response (RFC 7644 §3.12) of `e`.
[[nodiscard]] http_response scim_error_response(scim::scim_error const& e);
[[nodiscard]] http_response scim_error_response(scim::errc code, std::string detail);
/// A store failure: logged with the backend detail; 503 when busy, else 500.
[[nodiscard]] http_response store_failure(scim_call const& call, boost::system::error_code const& ec,
                                          std::string_view what, store::transaction* tx = nullptr);

/// The decoded query parameters (last one wins); nullopt for a malformed escape.
[[nodiscard]] std::optional<std::map<std::string, std::string, std::less<>>> query_parameters(std::string_view query);
[[nodiscard]] std::optional<std::string_view> parameter(std::map<std::string, std::string, std::less<>> const& q,
                                                        std::string_view name);

/// Parses the body as JSON; invalidSyntax naming the position otherwise.
[[nodiscard]] scim::result<boost::json::value> parse_body(http_request const& req);

/// An audit event of this call: actor {scim, token id}, connection, source, trace id,
/// result success, changes {before, after} (null sides omitted) followed by the keys of
/// `extra` (e.g. owners, members_added).
[[nodiscard]] store::audit_event scim_event(scim_call const& call, std::string action, std::string target,
                                            boost::json::value before, boost::json::value after,
                                            boost::json::object extra = {});

/// A single resource (`body` rendered with `meta`): `Location` and `ETag` (= meta.version,
/// RFC 7644 §3.14) headers from its meta.
[[nodiscard]] http_response single_resource(int status, boost::json::object body);

/// The same for a resource shown projected (attributes / excludedAttributes): the
/// headers come from the whole `resource`'s meta, which `shown` may leave out (RFC 7644
/// §3.14: the ETag is the resource's version whatever the projection).
[[nodiscard]] http_response single_resource(int status, boost::json::object const& resource,
                                            boost::json::object const& shown);

/// RFC 7644 §3.14 preconditions of the call (If-Match / If-None-Match) against the
/// resource's current entity tag: nullopt to go on, else the 304 (GET with a matching
/// If-None-Match, with the ETag and no body) or 412 (SCIM error, no scimType: the RFC
/// defines none for it) to send. `is_read` for GET.
[[nodiscard]] std::optional<http_response> check_preconditions(scim_call const& call, std::string const& current_etag,
                                                               bool is_read);

/// Appends `e`, commits, and wakes the audit tailers. A failure is the response to send.
[[nodiscard]] std::optional<http_response> commit_with(scim_call const& call, store::transaction& tx,
                                                       store::audit_event const& e);

/// The parsed query of a list request (GET /Users, GET /Groups).
struct list_query {
    scim::page_request page;
    scim::projection projection;
    std::optional<scim::filter> filter;
};

/// Parses startIndex, count (≤ scim_max_results), attributes/excludedAttributes and
/// filter (bounded, validated against `type`); the SCIM error response otherwise.
[[nodiscard]] std::variant<list_query, http_response> parse_list_query(scim_call const& call,
                                                                       scim::resource_type_def const& type);

/// The ListResponse of `matched` (already filtered): paged here unless the store paged
/// it (`store_total` = the store's total count then), each resource projected.
[[nodiscard]] http_response list_response(std::vector<boost::json::object> matched,
                                          std::optional<std::size_t> store_total, list_query const& q,
                                          scim::resource_type_def const& type);

/// Lowercase hex of `bytes` random bytes.
[[nodiscard]] std::string random_hex(random_fn const& random, std::size_t bytes);

// Handlers (scim_users.cpp, scim_groups.cpp, scim_discovery.cpp).
http_response handle_service_provider_config(app_context const&, http_request const&, route_params const&);
http_response handle_resource_types(app_context const&, http_request const&, route_params const&);
http_response handle_resource_type(app_context const&, http_request const&, route_params const&);
http_response handle_schemas(app_context const&, http_request const&, route_params const&);
http_response handle_schema(app_context const&, http_request const&, route_params const&);

http_response handle_users_list(app_context const&, http_request const&, route_params const&);
http_response handle_users_create(app_context const&, http_request const&, route_params const&);
http_response handle_user_get(app_context const&, http_request const&, route_params const&);
http_response handle_user_replace(app_context const&, http_request const&, route_params const&);
http_response handle_user_patch(app_context const&, http_request const&, route_params const&);
http_response handle_user_delete(app_context const&, http_request const&, route_params const&);

http_response handle_groups_list(app_context const&, http_request const&, route_params const&);
http_response handle_groups_create(app_context const&, http_request const&, route_params const&);
http_response handle_group_get(app_context const&, http_request const&, route_params const&);
http_response handle_group_replace(app_context const&, http_request const&, route_params const&);
http_response handle_group_patch(app_context const&, http_request const&, route_params const&);
http_response handle_group_delete(app_context const&, http_request const&, route_params const&);

} // namespace ssogate::gateway::scim_api
