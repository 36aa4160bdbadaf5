#include <ssogate/scim/schema.hpp>

#include "detail/text.hpp"

namespace ssogate::scim {
namespace {

using at = attribute_type;
using mk = mutability_kind;
using rk = returned_kind;

// A constexpr builder so that the tables below read like RFC 7643 §8.7.1.
struct def {
    attribute_def d;
    constexpr explicit def(std::string_view name, at type = at::string)
    {
        d.name = name;
        d.type = type;
    }
    constexpr def multi() const { auto c = *this; c.d.multi_valued = true; return c; }
    constexpr def required() const { auto c = *this; c.d.required = true; return c; }
    constexpr def exact() const { auto c = *this; c.d.case_exact = true; return c; }
    constexpr def mut(mk m) const { auto c = *this; c.d.mutability = m; return c; }
    constexpr def ret(rk r) const { auto c = *this; c.d.returned = r; return c; }
    constexpr def unique() const { auto c = *this; c.d.uniqueness = uniqueness_kind::server; return c; }
    constexpr def desc(std::string_view s) const { auto c = *this; c.d.description = s; return c; }
    template <std::size_t N>
    constexpr def subs(attribute_def const (&s)[N]) const
    {
        auto c = *this;
        c.d.sub_begin = s;
        c.d.sub_count = N;
        return c;
    }
    template <std::size_t N>
    constexpr def canon(std::string_view const (&s)[N]) const
    {
        auto c = *this;
        c.d.canonical_begin = s;
        c.d.canonical_count = N;
        return c;
    }
    template <std::size_t N>
    constexpr def refs(std::string_view const (&s)[N]) const
    {
        auto c = *this;
        c.d.reference_begin = s;
        c.d.reference_count = N;
        return c;
    }
    constexpr operator attribute_def() const { return d; } // NOLINT: builder
};

constexpr std::string_view ref_external[] = {"external"};
constexpr std::string_view ref_user[] = {"User"};
constexpr std::string_view ref_user_group[] = {"User", "Group"};
constexpr std::string_view ref_uri[] = {"uri"};
constexpr std::string_view email_types[] = {"work", "home", "other"};
constexpr std::string_view phone_types[] = {"work", "home", "mobile", "fax", "pager", "other"};
constexpr std::string_view im_types[] = {"aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"};
constexpr std::string_view photo_types[] = {"photo", "thumbnail"};
constexpr std::string_view address_types[] = {"work", "home", "other"};
constexpr std::string_view group_membership_types[] = {"direct", "indirect"};
constexpr std::string_view member_types[] = {"User", "Group"};

// --- common attributes (RFC 7643 §3.1) ---------------------------------------------
constexpr attribute_def meta_subs[] = {
    def("resourceType").exact().mut(mk::read_only).desc("The name of the resource type of the resource."),
    def("created", at::date_time).mut(mk::read_only).desc("When the resource was added to the service provider."),
    def("lastModified", at::date_time).mut(mk::read_only).desc("When the resource was last modified."),
    def("location", at::reference).exact().mut(mk::read_only).refs(ref_uri).desc("The URI of the resource."),
    def("version").exact().mut(mk::read_only).desc("The version (weak entity tag) of the resource."),
};
constexpr attribute_def common_attrs[] = {
    def("id").exact().mut(mk::read_only).ret(rk::always).unique()
        .desc("Unique identifier of the resource, issued by the service provider."),
    def("externalId").exact().desc("Identifier of the resource as defined by the provisioning client."),
    def("meta", at::complex).mut(mk::read_only).subs(meta_subs).desc("Resource metadata."),
};

// --- core User (RFC 7643 §4.1) -------------------------------------------------------
constexpr attribute_def name_subs[] = {
    def("formatted").desc("The full name, formatted for display."),
    def("familyName").desc("The family name (last name)."),
    def("givenName").desc("The given name (first name)."),
    def("middleName").desc("The middle name(s)."),
    def("honorificPrefix").desc("The honorific prefix(es) (title), e.g. 'Ms.'."),
    def("honorificSuffix").desc("The honorific suffix(es), e.g. 'III'."),
};
constexpr attribute_def email_subs[] = {
    def("value").desc("The email address."),
    def("display").desc("A human-readable name, for display only."),
    def("type").canon(email_types).desc("A label for the address: work, home, other."),
    def("primary", at::boolean).desc("Whether this is the primary address."),
};
constexpr attribute_def phone_subs[] = {
    def("value").desc("The phone number."),
    def("display").desc("A human-readable name, for display only."),
    def("type").canon(phone_types).desc("A label for the number: work, home, mobile, fax, pager, other."),
    def("primary", at::boolean).desc("Whether this is the primary number."),
};
constexpr attribute_def im_subs[] = {
    def("value").desc("The instant messaging address."),
    def("display").desc("A human-readable name, for display only."),
    def("type").canon(im_types).desc("A label for the service."),
    def("primary", at::boolean).desc("Whether this is the primary address."),
};
constexpr attribute_def photo_subs[] = {
    def("value", at::reference).exact().refs(ref_external).desc("The URL of the photo."),
    def("display").desc("A human-readable name, for display only."),
    def("type").canon(photo_types).desc("photo or thumbnail."),
    def("primary", at::boolean).desc("Whether this is the primary photo."),
};
constexpr attribute_def address_subs[] = {
    def("formatted").desc("The full mailing address, formatted for display."),
    def("streetAddress").desc("The street address."),
    def("locality").desc("The city or locality."),
    def("region").desc("The state or region."),
    def("postalCode").desc("The zip or postal code."),
    def("country").desc("The country, as an ISO 3166-1 alpha-2 code."),
    def("type").canon(address_types).desc("A label for the address: work, home, other."),
    def("primary", at::boolean).desc("Whether this is the primary address."),
};
constexpr attribute_def user_group_subs[] = {
    def("value").mut(mk::read_only).desc("The id of the group."),
    def("$ref", at::reference).mut(mk::read_only).refs(ref_user_group).desc("The URI of the group."),
    def("display").mut(mk::read_only).desc("The display name of the group."),
    def("type").mut(mk::read_only).canon(group_membership_types).desc("direct or indirect membership."),
};
constexpr attribute_def value_display_type_primary_subs[] = {
    def("value").desc("The value."),
    def("display").desc("A human-readable name, for display only."),
    def("type").desc("A label for the value's function."),
    def("primary", at::boolean).desc("Whether this is the primary value."),
};
constexpr attribute_def certificate_subs[] = {
    def("value", at::binary).desc("The DER-encoded X.509 certificate, base64."),
    def("display").desc("A human-readable name, for display only."),
    def("type").desc("A label for the certificate's function."),
    def("primary", at::boolean).desc("Whether this is the primary certificate."),
};
constexpr attribute_def user_attrs[] = {
    def("userName").required().unique()
        .desc("Unique identifier for the user, used to sign in; compared case-insensitively."),
    def("name", at::complex).subs(name_subs).desc("The components of the user's name."),
    def("displayName").desc("The name of the user, suitable for display."),
    def("nickName").desc("The casual way to address the user."),
    def("profileUrl", at::reference).refs(ref_external).desc("A URL of the user's online profile."),
    def("title").desc("The user's title, e.g. 'Vice President'."),
    def("userType").desc("The relationship between the organization and the user."),
    def("preferredLanguage").desc("The user's preferred written or spoken language."),
    def("locale").desc("The user's default location for localization."),
    def("timezone").desc("The user's time zone, in IANA form."),
    def("active", at::boolean).desc("The user's administrative status; false means deactivated."),
    def("password").mut(mk::write_only).ret(rk::never)
        .desc("Accepted for compatibility and ignored: ssogate never stores passwords."),
    def("emails", at::complex).multi().subs(email_subs).desc("Email addresses of the user."),
    def("phoneNumbers", at::complex).multi().subs(phone_subs).desc("Phone numbers of the user."),
    def("ims", at::complex).multi().subs(im_subs).desc("Instant messaging addresses of the user."),
    def("photos", at::complex).multi().subs(photo_subs).desc("URLs of photos of the user."),
    def("addresses", at::complex).multi().subs(address_subs).desc("Physical mailing addresses of the user."),
    def("groups", at::complex).multi().mut(mk::read_only).subs(user_group_subs)
        .desc("The groups the user belongs to; change them through the Group resource."),
    def("entitlements", at::complex).multi().subs(value_display_type_primary_subs)
        .desc("Entitlements of the user."),
    def("roles", at::complex).multi().subs(value_display_type_primary_subs).desc("Roles of the user."),
    def("x509Certificates", at::complex).multi().subs(certificate_subs).desc("Certificates of the user."),
};

// --- enterprise User extension (RFC 7643 §4.3) ---------------------------------------
constexpr attribute_def manager_subs[] = {
    def("value").desc("The id of the user's manager."),
    def("$ref", at::reference).refs(ref_user).desc("The URI of the manager's User resource."),
    def("displayName").mut(mk::read_only).desc("The display name of the manager."),
};
constexpr attribute_def enterprise_attrs[] = {
    def("employeeNumber").desc("Numeric or alphanumeric identifier assigned by the organization."),
    def("costCenter").desc("Name of a cost center."),
    def("organization").desc("Name of an organization."),
    def("division").desc("Name of a division."),
    def("department").desc("Name of a department."),
    def("manager", at::complex).subs(manager_subs).desc("The user's manager."),
};

// --- core Group (RFC 7643 §4.2) ------------------------------------------------------
constexpr attribute_def member_subs[] = {
    def("value").mut(mk::immutable).desc("The id of the member."),
    def("$ref", at::reference).mut(mk::immutable).refs(ref_user_group).desc("The URI of the member."),
    def("type").mut(mk::immutable).canon(member_types).desc("User or Group."),
    def("display").desc("A human-readable name of the member, for display only."),
};
constexpr attribute_def group_attrs[] = {
    def("displayName").required().unique().desc("The name of the group (a team in ssogate); unique."),
    def("members", at::complex).multi().subs(member_subs).desc("The members of the group."),
};

constexpr schema_def user_schema_v{user_schema_urn, "User", "User Account", user_attrs, std::size(user_attrs)};
constexpr schema_def enterprise_schema_v{enterprise_user_schema_urn, "EnterpriseUser", "Enterprise User",
                                         enterprise_attrs, std::size(enterprise_attrs)};
constexpr schema_def group_schema_v{group_schema_urn, "Group", "Group", group_attrs, std::size(group_attrs)};

constexpr schema_def const* user_extensions[] = {&enterprise_schema_v};
constexpr resource_type_def user_type_v{"User", "/Users", "User Account", &user_schema_v, user_extensions,
                                        std::size(user_extensions)};
constexpr resource_type_def group_type_v{"Group", "/Groups", "Group", &group_schema_v, nullptr, 0};

constexpr schema_def const* every_schema[] = {&user_schema_v, &enterprise_schema_v, &group_schema_v};

} // namespace

schema_def const& user_schema() noexcept { return user_schema_v; }
schema_def const& enterprise_user_schema() noexcept { return enterprise_schema_v; }
schema_def const& group_schema() noexcept { return group_schema_v; }
std::span<attribute_def const> common_attributes() noexcept { return common_attrs; }
resource_type_def const& user_resource_type() noexcept { return user_type_v; }
resource_type_def const& group_resource_type() noexcept { return group_type_v; }
std::span<schema_def const* const> all_schemas() noexcept { return every_schema; }

attribute_def const* find_attribute(std::span<attribute_def const> attrs, std::string_view name) noexcept
{
    for (auto const& a : attrs)
        if (detail::iequals(a.name, name))
            return &a;
    return nullptr;
}

schema_def const* find_schema(resource_type_def const& type, std::string_view urn) noexcept
{
    if (detail::iequals(type.schema->id, urn))
        return type.schema;
    for (auto const* ext : type.extensions())
        if (detail::iequals(ext->id, urn))
            return ext;
    return nullptr;
}

resolved_attribute resolve_attribute(resource_type_def const& type, std::string_view schema_urn,
                                     std::string_view attribute) noexcept
{
    if (schema_urn.empty() || detail::iequals(schema_urn, type.schema->id)) {
        if (auto const* a = find_attribute(common_attributes(), attribute))
            return {nullptr, a, false};
        if (auto const* a = find_attribute(type.schema->attributes(), attribute))
            return {type.schema, a, false};
        if (!schema_urn.empty())
            return {};
        for (auto const* ext : type.extensions())
            if (auto const* a = find_attribute(ext->attributes(), attribute))
                return {ext, a, true};
        return {};
    }
    for (auto const* ext : type.extensions())
        if (detail::iequals(ext->id, schema_urn))
            if (auto const* a = find_attribute(ext->attributes(), attribute))
                return {ext, a, true};
    return {};
}

} // namespace ssogate::scim
