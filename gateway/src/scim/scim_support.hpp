#pragma once
// Shared pieces of the SCIM handlers (gateway/src/scim/*.cpp): authentication of a
// request to its connection, SCIM JSON responses and errors, query parameters, audit
// events. Private to gateway/src/scim and gateway/src/routes/scim.cpp.
#include <ssogate/gateway/app_context.hpp>
#include <ssogate/gateway/config.hpp>
#include <ssogate/gateway/http.hpp>
#include <ssogate/gateway/router.hpp>
#include <ssogate/scim/errc.hpp>
#include <ssogate/store/transaction.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

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

    /// `scim:<connection>`.
    [[nodiscard]] std::string owner() const;
};

/// The call, or the 404/401/413 response to send. Checks, in order: the connection
/// exists and has SCIM enabled (404), the bearer token is an active SCIM token of this
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
/// result success, changes {before, after} (null sides omitted).
[[nodiscard]] store::audit_event scim_event(scim_call const& call, std::string action, std::string target,
                                            boost::json::value before, boost::json::value after);

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
