#pragma once
// scim::role_attribute — where a connection's SCIM client carries a user's role
// (`[connection.scim] role_attribute`): the core multi-valued `roles` (the default), an
// attribute of the enterprise User extension (e.g. `department`), or one string attribute
// of a custom User extension (e.g. `urn:example:scim:schemas:extension:app:2.0:User:role`).
//
// A custom extension is not in the static schema table (schema.hpp), so a connection that
// names one gets its own User resource type: user_type_with_role owns a one-attribute
// schema for it and a resource_type_def listing the enterprise extension and it, so that
// parsing, PATCH paths (URN-prefixed or as `{"urn:…:User": {…}}` objects), filters,
// projections and the discovery endpoints treat it like any other extension attribute.
// Plain value types and pure functions; user_type_with_role is immutable after
// construction and safe to share between threads.
#include <ssogate/scim/errc.hpp>
#include <ssogate/scim/schema.hpp>
#include <ssogate/scim/user.hpp>

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace ssogate::scim {

/// A parsed role attribute: `schema` empty with `attribute` "roles" for the core
/// attribute, else the extension's URN and the attribute's name, as written.
struct role_attribute {
    std::string schema;
    std::string attribute = "roles";

    /// True for the core `roles` attribute.
    [[nodiscard]] bool is_core_roles() const noexcept { return schema.empty(); }
    /// True for an attribute of an extension other than the enterprise one.
    [[nodiscard]] bool is_custom() const noexcept;

    friend bool operator==(role_attribute const&, role_attribute const&) = default;
};

/// Parses `roles`, or `URN:NAME` where URN is the enterprise User extension and NAME one
/// of its string attributes (employeeNumber, costCenter, organization, division,
/// department), or URN is another `urn:` schema id (a custom extension; not the core
/// User or Group schema) and NAME an ATTRNAME (RFC 7644 §3.10). Fails with
/// errc::invalid_path and a sentence naming what is wrong.
[[nodiscard]] result<role_attribute> parse_role_attribute(std::string_view text);

/// The text form: "roles" or "URN:NAME".
[[nodiscard]] std::string to_string(role_attribute const& a);

/// The role a user carries in `where`: for `roles` the value of the entry marked primary,
/// else of the first entry; for an extension attribute its string value. std::nullopt
/// when absent or empty.
[[nodiscard]] std::optional<std::string> role_of(user const& u, role_attribute const& where);

/// The User resource type of a connection whose role lives in `where`: the static
/// user_resource_type() extended by a one-attribute schema when `where` is custom.
/// Not copyable or movable (the type points into the object).
class user_type_with_role {
public:
    explicit user_type_with_role(role_attribute where);
    user_type_with_role(user_type_with_role const&) = delete;
    user_type_with_role& operator=(user_type_with_role const&) = delete;

    /// The resource type to parse, patch, filter and project Users with.
    [[nodiscard]] resource_type_def const& type() const noexcept { return *type_; }
    /// The custom extension's schema, or nullptr when `where` is not custom.
    [[nodiscard]] schema_def const* custom_schema() const noexcept;
    [[nodiscard]] role_attribute const& where() const noexcept { return where_; }

private:
    role_attribute where_;
    std::string description_;
    attribute_def attribute_;
    schema_def schema_;
    std::array<schema_def const*, 2> extensions_;
    resource_type_def custom_type_;
    resource_type_def const* type_;
};

} // namespace ssogate::scim
