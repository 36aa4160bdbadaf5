#pragma once
// Bring a client-sent JSON value to the shape the schema table describes: booleans
// from "True"/"False" (Entra), a single value wrapped for a multi-valued attribute,
// a string wrapped as {"value": s} for a complex attribute with a `value`
// (Entra's manager), canonical attribute-name spelling, unknown and readOnly
// sub-attributes dropped. Wrong types fail with invalidValue naming `where`.
#include <ssogate/scim/errc.hpp>
#include <ssogate/scim/schema.hpp>

#include <boost/json/value.hpp>

#include <optional>
#include <string_view>

namespace ssogate::scim::detail {

/// Coerce `v` for attribute `def`. With `as_element`, a multi-valued attribute is
/// treated as one of its elements. Null stays null.
result<boost::json::value> coerce(boost::json::value const& v, attribute_def const& def, std::string_view where,
                                  bool as_element = false);

/// Parse "true"/"false" in any case, or a JSON boolean.
std::optional<bool> boolean_of(boost::json::value const& v) noexcept;

} // namespace ssogate::scim::detail
