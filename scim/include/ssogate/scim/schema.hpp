#pragma once
// scim schema table — what ssogate knows about the attributes of the resources it
// serves: the core User (RFC 7643 §4.1), the enterprise User extension (§4.3) and
// the core Group (§4.2), plus the common attributes id/externalId/meta (§3.1).
//
// One table, used everywhere: filters read caseExact and types from it, PATCH reads
// multiValued/type/mutability/required, resource parsing coerces with it, and the
// `Schemas` endpoint renders it (discovery.hpp). Everything here is immutable static
// data with static storage duration; safe to read from any thread.
#include <cstddef>
#include <span>
#include <string_view>

namespace ssogate::scim {

/// RFC 7643 §2.3 attribute data types.
enum class attribute_type { string, boolean, decimal, integer, date_time, binary, reference, complex };
/// RFC 7643 §7 "mutability".
enum class mutability_kind { read_only, read_write, immutable, write_only };
/// RFC 7643 §7 "returned".
enum class returned_kind { always, never, by_default, request };
/// RFC 7643 §7 "uniqueness".
enum class uniqueness_kind { none, server, global };

/// One attribute (or sub-attribute) of a schema, as RFC 7643 §7 describes it.
struct attribute_def {
    std::string_view name;
    attribute_type type = attribute_type::string;
    bool multi_valued = false;
    bool required = false;
    bool case_exact = false;
    mutability_kind mutability = mutability_kind::read_write;
    returned_kind returned = returned_kind::by_default;
    uniqueness_kind uniqueness = uniqueness_kind::none;
    std::string_view description;
    attribute_def const* sub_begin = nullptr; ///< sub-attributes of a complex attribute
    std::size_t sub_count = 0;
    std::string_view const* canonical_begin = nullptr; ///< canonicalValues, e.g. work/home/other
    std::size_t canonical_count = 0;
    std::string_view const* reference_begin = nullptr; ///< referenceTypes of a reference attribute
    std::size_t reference_count = 0;

    std::span<attribute_def const> sub_attributes() const noexcept { return {sub_begin, sub_count}; }
    std::span<std::string_view const> canonical_values() const noexcept { return {canonical_begin, canonical_count}; }
    std::span<std::string_view const> reference_types() const noexcept { return {reference_begin, reference_count}; }
};

/// One schema (RFC 7643 §7): its URN id and attributes.
struct schema_def {
    std::string_view id;
    std::string_view name;
    std::string_view description;
    attribute_def const* attr_begin = nullptr;
    std::size_t attr_count = 0;

    std::span<attribute_def const> attributes() const noexcept { return {attr_begin, attr_count}; }
};

/// One resource type (RFC 7643 §6): endpoint, core schema, extensions.
struct resource_type_def {
    std::string_view id;       ///< "User", "Group"
    std::string_view endpoint; ///< "/Users", "/Groups"
    std::string_view description;
    schema_def const* schema = nullptr;
    schema_def const* const* extension_begin = nullptr; ///< schema extensions (all optional here)
    std::size_t extension_count = 0;

    std::span<schema_def const* const> extensions() const noexcept { return {extension_begin, extension_count}; }
};

inline constexpr std::string_view user_schema_urn = "urn:ietf:params:scim:schemas:core:2.0:User";
inline constexpr std::string_view group_schema_urn = "urn:ietf:params:scim:schemas:core:2.0:Group";
inline constexpr std::string_view enterprise_user_schema_urn =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
inline constexpr std::string_view patch_op_urn = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
inline constexpr std::string_view list_response_urn = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
inline constexpr std::string_view error_urn = "urn:ietf:params:scim:api:messages:2.0:Error";

/// The core User schema, RFC 7643 §4.1 (all of its attributes, so that what Entra's
/// default mapping sends — title, addresses, preferredLanguage — is a known path).
schema_def const& user_schema() noexcept;
/// The enterprise User extension, RFC 7643 §4.3.
schema_def const& enterprise_user_schema() noexcept;
/// The core Group schema, RFC 7643 §4.2. `displayName` is required and server-unique
/// here (ssogate's groups are teams, named uniquely), stricter than the RFC's table.
schema_def const& group_schema() noexcept;
/// id, externalId and meta (RFC 7643 §3.1): part of every resource, not of a schema.
std::span<attribute_def const> common_attributes() noexcept;

/// The User resource type (core User + enterprise extension).
resource_type_def const& user_resource_type() noexcept;
/// The Group resource type.
resource_type_def const& group_resource_type() noexcept;
/// Every schema ssogate serves, in the order the `Schemas` endpoint lists them.
std::span<schema_def const* const> all_schemas() noexcept;

/// The attribute called `name` (ASCII case-insensitive) in `attrs`, or nullptr.
attribute_def const* find_attribute(std::span<attribute_def const> attrs, std::string_view name) noexcept;

/// The schema (core or extension) of `type` whose id equals `urn` ignoring case, or nullptr.
schema_def const* find_schema(resource_type_def const& type, std::string_view urn) noexcept;

/// Where a top-level attribute name lives for a resource type.
struct resolved_attribute {
    schema_def const* schema = nullptr;     ///< nullptr for the common attributes id/externalId/meta
    attribute_def const* attribute = nullptr;
    bool in_extension = false;              ///< stored under the extension URN key of the resource
};

/// Resolve `[schema_urn ":"] attribute` for `type`. An empty `schema_urn` searches the
/// common attributes, then the core schema, then the extensions (a lenient reading of
/// RFC 7644 §3.10 that real clients rely on). Returns an empty result when unknown.
resolved_attribute resolve_attribute(resource_type_def const& type, std::string_view schema_urn,
                                     std::string_view attribute) noexcept;

} // namespace ssogate::scim
