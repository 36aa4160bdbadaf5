#pragma once
// scim PATCH — apply a PatchOp message (RFC 7644 §3.5.2) to the JSON form of a User or
// Group, as Okta and Microsoft Entra actually send it.
//
// Pure: the caller renders the current resource (user.hpp / group.hpp), applies the
// patch, then parses the result back (`parse_user` / `parse_group`) to validate and
// store it. The whole message is applied to a copy: one bad operation leaves the
// input untouched and returns the error (atomicity, RFC 7644 §3.5.2).
#include <ssogate/scim/attribute_path.hpp>
#include <ssogate/scim/errc.hpp>
#include <ssogate/scim/filter.hpp>
#include <ssogate/scim/schema.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ssogate::scim {

/// A PATCH `path`: `attrPath`, or `attrPath "[" valFilter "]" ["." subAttr]`.
struct patch_path {
    attribute_path attribute;           ///< may carry a sub-attribute (`name.givenName`)
    std::optional<filter> value_filter; ///< the filter between the brackets, if any
    std::string sub_attribute;          ///< the sub-attribute after "].", if any
};

/// Parse a PATCH path; malformed text fails with invalidPath naming the position.
/// @par Specification RFC 7644 §3.5.2 (PATH = attrPath / valuePath [subAttr])
[[nodiscard]] result<patch_path> parse_patch_path(std::string_view text, filter_limits const& limits = {});

struct patch_limits {
    std::size_t max_operations = 100; ///< more operations in one message → tooMany
    filter_limits path_limits;        ///< bounds on each path and its value filter
};

/// Apply a PatchOp message to `resource` (the resource's JSON form) and return the
/// patched copy. Accepted as real clients send it:
/// - `op` in any case (`Add`, `Replace`, `Remove`), `Operations` key in any case;
/// - booleans as strings `"True"`/`"False"` wherever the schema says boolean;
/// - no `path` with an object value whose keys are attribute names, dotted paths
///   (`name.givenName`), value-filter paths (`emails[type eq "work"].value`), extension
///   URN keys (`urn:…:enterprise:2.0:User:employeeNumber`) or the extension URN with an
///   object; readOnly keys in such a value (Okta sends the group's `id`) are ignored,
///   and a `password` is accepted and dropped, never stored;
/// - `add`/`replace` through a value filter that matches nothing creates the element
///   from the filter's `eq` terms (`emails[type eq "work"].value` → a work email);
/// - `remove` with a value filter (`members[value eq "id"]`) removes the matching
///   elements; `remove` of a multi-valued attribute with a `value` list (Entra's
///   default for members) removes only the listed elements; removing what is not
///   there succeeds (idempotent).
/// Refused: a path naming no attribute (invalidPath), remove without path (noTarget),
/// a value filter that matches nothing and cannot describe a new element (noTarget),
/// changing a readOnly/immutable attribute or removing a required one (mutability),
/// a value of the wrong type (invalidValue), a message that is not a PatchOp
/// (invalidSyntax), more than max_operations (tooMany).
/// @par Specification RFC 7644 §3.5.2
[[nodiscard]] result<boost::json::object> apply_patch(boost::json::object const& resource,
                                                      boost::json::value const& request,
                                                      resource_type_def const& type,
                                                      patch_limits const& limits = {});

} // namespace ssogate::scim
