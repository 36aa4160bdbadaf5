#pragma once
// JSON for provisioning plans, through Boost.JSON's `value_from` customisation point:
// `boost::json::value_from(plan)` for the whole plan (`user explain --json`, debugging),
// `boost::json::value_from(plan.conflicts[i])` for the body of one `provision.conflict`
// audit event, and so on for each record type.
//
// Shapes (keys always present; absent optionals are null; times are UTC ISO 8601
// with a `Z`; enumerations and owners are their `to_string` texts):
//   field_change      {"field","before","after","owner_before","owner_after"}
//   role_change       {"role","owner"}            membership_change {"team","owner"}
//   link_action       {"kind","user_id","detail"}  denial {"reason","message","detail"}
//   conflict          {"kind","item","assertion_value","stored_value","stored_owner","detail"}
//   skipped_item      {"source","attribute","value","reason","detail"}
//   provisioning_plan {"decision","denied","connection","subject","user_id","email","link",
//                      "profile_changes","roles_added","roles_removed","memberships_added",
//                      "memberships_removed","teams_created","conflicts","skipped","at"}
#include <ssogate/jit/owner.hpp>
#include <ssogate/jit/plan.hpp>

#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>

#include <string>

namespace ssogate::jit {

/// `2024-03-01T12:00:00Z` (whole seconds, UTC).
[[nodiscard]] std::string to_iso8601(time_point t);

void tag_invoke(boost::json::value_from_tag, boost::json::value& out, owner const& o);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, denial const& d);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, field_change const& c);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, role_change const& c);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, membership_change const& c);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, link_action const& l);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, conflict const& c);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, skipped_item const& s);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, provisioning_plan const& p);

} // namespace ssogate::jit
