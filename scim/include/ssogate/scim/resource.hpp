#pragma once
// scim resource metadata — what the store knows about a resource that the client did
// not send (id, timestamps, version), and its `meta` rendering (RFC 7643 §3.1).
// Time is a parameter: nothing here reads the clock. Plain value types.
#include <ssogate/scim/schema.hpp>

#include <boost/json/object.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace ssogate::scim {

struct resource_meta {
    std::string id;                                      ///< the server-issued id
    std::chrono::system_clock::time_point created;       ///< when the resource was created
    std::chrono::system_clock::time_point last_modified; ///< when it last changed
    std::string version; ///< opaque version token (e.g. a revision counter); empty → no `version`
};

/// RFC 3339 UTC with second precision, or milliseconds when the time has them:
/// `2024-05-01T12:00:00Z`, `2024-05-01T12:00:00.250Z`. Filters compare such values as
/// instants (filter.hpp), not as text.
std::string format_timestamp(std::chrono::system_clock::time_point t);

/// The weak entity tag for a version token: `W/"token"` (RFC 7644 §3.14).
std::string weak_etag(std::string_view version);

/// `{base_url}{endpoint}/{id}`, e.g. `https://sso.example.com/scim/v2/okta/Users/2819c223`;
/// a trailing '/' on `base_url` is ignored.
std::string resource_location(std::string_view base_url, resource_type_def const& type, std::string_view id);

/// The `meta` object: resourceType, created, lastModified, location, version (when set).
/// @par Specification RFC 7643 §3.1
boost::json::object render_meta(resource_type_def const& type, resource_meta const& meta, std::string_view base_url);

} // namespace ssogate::scim
