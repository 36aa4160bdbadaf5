#pragma once
// scim::user — a SCIM User (core schema + enterprise extension) parsed from a request
// body into typed fields, and rendered back with `meta`.
//
// Parsing accepts what Okta and Entra send: `active` as a boolean or "True"/"False",
// Okta's `password` and `groups: []` (accepted and ignored: ssogate stores no
// passwords, and group membership is changed through Groups), readOnly `id`/`meta`
// (ignored), unknown attributes and unknown extensions (ignored). Uniqueness of
// `userName` is the store's concern. Plain value types; pure functions.
#include <ssogate/scim/errc.hpp>
#include <ssogate/scim/resource.hpp>
#include <ssogate/scim/schema.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssogate::scim {

/// RFC 7643 §4.1.1 `name`. Empty strings are unassigned.
struct person_name {
    std::string formatted;
    std::string family_name;
    std::string given_name;
    std::string middle_name;
    std::string honorific_prefix;
    std::string honorific_suffix;

    bool empty() const noexcept;
    friend bool operator==(person_name const&, person_name const&) = default;
};

/// One value of `emails` or `phoneNumbers` (RFC 7643 §4.1.2).
struct contact_value {
    std::string value;
    std::string type; ///< work, home, mobile, ... (empty when not given)
    std::string display;
    bool primary = false;

    friend bool operator==(contact_value const&, contact_value const&) = default;
};

/// The enterprise extension's `manager` (RFC 7643 §4.3); `value` empty → no manager.
struct manager_ref {
    std::string value; ///< the manager's id
    std::string ref;   ///< `$ref`
    std::string display_name;

    friend bool operator==(manager_ref const&, manager_ref const&) = default;
};

/// urn:ietf:params:scim:schemas:extension:enterprise:2.0:User (RFC 7643 §4.3).
struct enterprise_user {
    std::string employee_number;
    std::string cost_center;
    std::string organization;
    std::string division;
    std::string department;
    manager_ref manager;

    bool empty() const noexcept;
    friend bool operator==(enterprise_user const&, enterprise_user const&) = default;
};

struct user {
    std::string user_name; ///< required, non-empty; unique case-insensitively (the store checks)
    std::string external_id;
    std::string display_name;
    person_name name;
    bool active = true;
    std::vector<contact_value> emails;
    std::vector<contact_value> phone_numbers;
    enterprise_user enterprise;
    /// The other core User attributes the client sent (title, nickName, addresses, roles, ...),
    /// validated and coerced against the schema, keyed by their canonical names.
    boost::json::object other;
    /// Custom extensions of the resource type parsed with (role_attribute.hpp), keyed by
    /// their schema URN as the type spells it, each an object of coerced attributes.
    boost::json::object extensions;

    friend bool operator==(user const&, user const&) = default;
};

/// Parse a POST/PUT body (or a patched resource) into a user. Fails with invalidSyntax
/// when the body is not an object or lists no User schema, invalidValue when `userName`
/// is missing or empty or a value has the wrong type.
/// @par Specification RFC 7643 §4.1, §4.3; RFC 7644 §3.3
[[nodiscard]] result<user> parse_user(boost::json::value const& body);
/// The same for a User type with extensions beyond the enterprise one (a connection's
/// custom role extension, role_attribute.hpp): their attributes are kept in `extensions`.
[[nodiscard]] result<user> parse_user(boost::json::value const& body, resource_type_def const& type);

/// The JSON form of a user, with `id` and `meta` (location under `base_url`). Empty
/// fields are omitted; `password` never appears.
[[nodiscard]] boost::json::object render_user(user const& u, resource_meta const& meta, std::string_view base_url);

/// The email marked primary, else the first one, else std::nullopt.
std::optional<std::string_view> primary_email(user const& u) noexcept;

} // namespace ssogate::scim
