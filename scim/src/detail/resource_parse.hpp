#pragma once
// Shared steps of parse_user / parse_group: check the body and its `schemas`, and
// read typed strings out of coerced JSON.
#include <ssogate/scim/errc.hpp>
#include <ssogate/scim/schema.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace ssogate::scim::detail {

/// The body as an object whose `schemas` (when present) lists the core schema of `type`.
result<boost::json::object const*> check_body(boost::json::value const& body, resource_type_def const& type);

/// The string member `key` of `o` (case-insensitive), or "".
std::string string_of(boost::json::object const& o, std::string_view key);

} // namespace ssogate::scim::detail
