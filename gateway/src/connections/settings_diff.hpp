#pragma once
// Before → after of connection settings for audit events: the JSON form flattened to
// dotted keys, the IdP metadata XML replaced by its SHA-256 and size.
#include <boost/json/object.hpp>

namespace ssogate::gateway::connections_detail {

/// Dotted keys → leaf values (arrays and empty objects are leaves); the metadata XML
/// (`idp_metadata`) becomes "sha256:<hex> (<n> bytes)".
[[nodiscard]] boost::json::object audit_form(boost::json::object const& settings);

/// The keys whose values differ: `before` and `after` get them (null where absent).
void diff(boost::json::object const& before_form, boost::json::object const& after_form, boost::json::object& before,
          boost::json::object& after);

} // namespace ssogate::gateway::connections_detail
