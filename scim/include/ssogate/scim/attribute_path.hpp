#pragma once
// scim::attribute_path — a reference to an attribute, as filters, PATCH paths and
// the attributes/excludedAttributes parameters write it:
//     attrPath = [URI ":"] ATTRNAME *1subAttr        (RFC 7644 §3.10, §3.4.2.2)
// e.g. `userName`, `name.givenName`,
// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber`.
// A plain value type.
#include <ssogate/scim/errc.hpp>

#include <string>
#include <string_view>

namespace ssogate::scim {

struct attribute_path {
    std::string schema;        ///< schema URN prefix as written, or empty
    std::string attribute;     ///< top-level attribute name as written (compare case-insensitively)
    std::string sub_attribute; ///< sub-attribute name, or empty

    friend bool operator==(attribute_path const&, attribute_path const&) = default;
};

/// True for a valid ATTRNAME: ALPHA *(ALPHA / DIGIT / "-" / "_"), plus the RFC's `$ref`.
bool is_attribute_name(std::string_view s) noexcept;

/// Parse one attribute path. A URN prefix is everything up to the last ':' when the text
/// starts with "urn:" (case-insensitive); the rest must be ATTRNAME [ "." ATTRNAME ].
/// Fails with errc::invalid_path, naming the text.
/// @par Specification RFC 7644 §3.10
[[nodiscard]] result<attribute_path> parse_attribute_path(std::string_view text);

/// The path written back in canonical form: `urn:...:User:manager.value`.
std::string to_string(attribute_path const& p);

} // namespace ssogate::scim
