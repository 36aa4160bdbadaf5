#pragma once
// scim::group — a SCIM Group (ssogate's team) parsed from a request body and rendered
// back with `meta`. `displayName` is required; its uniqueness is the store's concern.
// Plain value types; pure functions.
#include <ssogate/scim/errc.hpp>
#include <ssogate/scim/resource.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace ssogate::scim {

struct group_member {
    std::string value;   ///< the member's id
    std::string display; ///< as the client sent it (Okta sends the user's login)
    std::string type;    ///< "User" or "Group"; empty means User

    friend bool operator==(group_member const&, group_member const&) = default;
};

struct group {
    std::string display_name;
    std::string external_id;
    std::vector<group_member> members; ///< unique by value, in the order first given

    friend bool operator==(group const&, group const&) = default;
};

/// Parse a POST/PUT body (or a patched resource) into a group. Fails with invalidSyntax
/// when the body is not an object, invalidValue when `displayName` is missing or empty,
/// a member has no `value`, or a member `type` is neither User nor Group.
/// Duplicate members collapse into one.
/// @par Specification RFC 7643 §4.2
[[nodiscard]] result<group> parse_group(boost::json::value const& body);

/// The JSON form of a group with `id`, `meta` and members (each with `$ref` under
/// `base_url`). Leave members out with a projection (`excludedAttributes=members`).
[[nodiscard]] boost::json::object render_group(group const& g, resource_meta const& meta, std::string_view base_url);

} // namespace ssogate::scim
