#pragma once
// scim discovery — the bodies of `ServiceProviderConfig`, `ResourceTypes` and `Schemas`
// (RFC 7644 §4, RFC 7643 §5–7), rendered from the one schema table (schema.hpp) and
// from capability flags that say what this server actually does. Pure functions.
#include <ssogate/scim/schema.hpp>

#include <boost/json/object.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace ssogate::scim {

/// What the server supports, as the gateway configures it.
struct service_provider_options {
    std::size_t max_results = 100;  ///< filter.maxResults: the largest page
    bool etag_supported = false;    ///< whether responses carry ETag and If-Match is honoured
    std::string documentation_uri;  ///< optional; omitted when empty
};

/// `/ServiceProviderConfig`: patch supported; filter supported with maxResults; bulk,
/// changePassword and sort not supported; etag as configured; OAuth bearer token auth.
/// @par Specification RFC 7643 §5
[[nodiscard]] boost::json::object service_provider_config(service_provider_options const& options,
                                                          std::string_view base_url);

/// One ResourceType resource (`/ResourceTypes/User`). @par Specification RFC 7643 §6
[[nodiscard]] boost::json::object render_resource_type(resource_type_def const& type, std::string_view base_url);

/// `/ResourceTypes`: a ListResponse of User and Group.
[[nodiscard]] boost::json::object resource_types_list(std::string_view base_url);
/// The same with `user_type` for User (a connection's custom role extension listed).
[[nodiscard]] boost::json::object resource_types_list(std::string_view base_url, resource_type_def const& user_type);

/// One Schema resource (`/Schemas/{urn}`), attributes with all their characteristics.
/// @par Specification RFC 7643 §7
[[nodiscard]] boost::json::object render_schema(schema_def const& schema, std::string_view base_url);

/// `/Schemas`: a ListResponse of the core User, enterprise User and core Group schemas.
[[nodiscard]] boost::json::object schemas_list(std::string_view base_url);
/// The same followed by `extra` (a connection's custom role extension) when not null.
[[nodiscard]] boost::json::object schemas_list(std::string_view base_url, schema_def const* extra);

/// The resource type named `name` ("User", "Group"; case-insensitive) or nullptr.
resource_type_def const* find_resource_type(std::string_view name) noexcept;

/// The schema whose id is `urn` (case-insensitive), or nullptr.
schema_def const* find_schema_by_id(std::string_view urn) noexcept;

} // namespace ssogate::scim
