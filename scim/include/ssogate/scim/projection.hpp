#pragma once
// scim projection — the `attributes` and `excludedAttributes` query parameters
// (RFC 7644 §3.4.2.5, §3.9), e.g. `excludedAttributes=members` that Entra sends when it
// looks a group up. Value types and pure functions.
#include <ssogate/scim/attribute_path.hpp>
#include <ssogate/scim/errc.hpp>
#include <ssogate/scim/schema.hpp>

#include <boost/json/object.hpp>

#include <optional>
#include <string_view>
#include <vector>

namespace ssogate::scim {

struct projection {
    std::vector<attribute_path> attributes;          ///< return only these (plus "always" ones)
    std::vector<attribute_path> excluded_attributes; ///< return all but these (never "always" ones)

    bool empty() const noexcept { return attributes.empty() && excluded_attributes.empty(); }
};

/// Parse the two comma-separated parameters (absent → empty). A malformed name fails
/// with invalidPath; names the schema does not know are kept and simply match nothing.
[[nodiscard]] result<projection> parse_projection(std::optional<std::string_view> attributes,
                                                  std::optional<std::string_view> excluded_attributes);

/// Apply a projection to a rendered resource. `schemas` and `id` (returned "always")
/// are kept; `attributes` wins when both lists are given. Names match case-insensitively;
/// `name.givenName` and `emails.value` select sub-attributes; an extension attribute is
/// written with its URN prefix, the bare extension URN selects the whole extension.
/// @par Specification RFC 7644 §3.9
[[nodiscard]] boost::json::object apply_projection(boost::json::object const& resource, projection const& p,
                                                   resource_type_def const& type);

} // namespace ssogate::scim
