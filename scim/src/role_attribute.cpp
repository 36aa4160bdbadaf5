#include <ssogate/scim/role_attribute.hpp>

#include "detail/text.hpp"

#include <ssogate/scim/attribute_path.hpp>

namespace ssogate::scim {

namespace {

constexpr std::string_view custom_description = "The user's role in ssogate (a connection's scim.role_attribute).";

std::string enterprise_string_attributes()
{
    std::string out;
    for (auto const& a : enterprise_user_schema().attributes()) {
        if (a.type != attribute_type::string || a.multi_valued)
            continue;
        if (!out.empty())
            out += ", ";
        out += a.name;
    }
    return out;
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

} // namespace

bool role_attribute::is_custom() const noexcept
{
    return !schema.empty() && !detail::iequals(schema, enterprise_user_schema_urn);
}

result<role_attribute> parse_role_attribute(std::string_view text)
{
    if (detail::iequals(text, "roles"))
        return role_attribute{};
    auto const expected = "must be \"roles\" or an extension attribute \"urn:…:User:NAME\" (got " + quoted(text) + ")";
    if (!detail::istarts_with(text, "urn:"))
        return make_error(errc::invalid_path, expected);
    auto p = parse_attribute_path(text);
    if (!p || p->schema.empty() || !p->sub_attribute.empty())
        return make_error(errc::invalid_path, expected);
    if (detail::iequals(p->schema, user_schema_urn) || detail::iequals(p->schema, group_schema_urn))
        return make_error(errc::invalid_path, "must name an extension attribute, not one of the core schema " +
                                                  quoted(p->schema) + " (use \"roles\" for the core attribute; got " +
                                                  quoted(text) + ")");
    if (detail::iequals(p->schema, enterprise_user_schema_urn)) {
        auto const* a = find_attribute(enterprise_user_schema().attributes(), p->attribute);
        if (!a || a->type != attribute_type::string || a->multi_valued)
            return make_error(errc::invalid_path, "names no string attribute of the enterprise extension (one of " +
                                                      enterprise_string_attributes() + "; got " + quoted(text) + ")");
        return role_attribute{std::string(enterprise_user_schema_urn), std::string(a->name)};
    }
    return role_attribute{std::move(p->schema), std::move(p->attribute)};
}

std::string to_string(role_attribute const& a)
{
    return a.is_core_roles() ? a.attribute : a.schema + ":" + a.attribute;
}

std::optional<std::string> role_of(user const& u, role_attribute const& where)
{
    boost::json::value const* value = nullptr;
    if (where.is_core_roles()) {
        auto const* roles = detail::find_ci(u.other, "roles");
        if (!roles || !roles->is_array())
            return std::nullopt;
        boost::json::object const* chosen = nullptr;
        for (auto const& r : roles->get_array()) {
            if (!r.is_object())
                continue;
            if (!chosen)
                chosen = &r.get_object();
            if (auto const* p = r.get_object().if_contains("primary"); p && p->is_bool() && p->get_bool()) {
                chosen = &r.get_object();
                break;
            }
        }
        if (chosen)
            value = chosen->if_contains("value");
    } else if (!where.is_custom()) {
        auto const& e = u.enterprise;
        std::string const* s = detail::iequals(where.attribute, "employeeNumber") ? &e.employee_number
                               : detail::iequals(where.attribute, "costCenter")   ? &e.cost_center
                               : detail::iequals(where.attribute, "organization") ? &e.organization
                               : detail::iequals(where.attribute, "division")     ? &e.division
                               : detail::iequals(where.attribute, "department")   ? &e.department
                                                                                  : nullptr;
        if (!s || s->empty())
            return std::nullopt;
        return *s;
    } else if (auto const* ext = detail::find_ci(u.extensions, where.schema); ext && ext->is_object()) {
        value = detail::find_ci(ext->get_object(), where.attribute);
    }
    if (!value || !value->is_string() || value->get_string().empty())
        return std::nullopt;
    return std::string(value->get_string());
}

user_type_with_role::user_type_with_role(role_attribute where)
    : where_(std::move(where)), description_(custom_description),
      attribute_{}, schema_{}, extensions_{&enterprise_user_schema(), nullptr}, custom_type_(user_resource_type()),
      type_(&user_resource_type())
{
    if (!where_.is_custom())
        return;
    attribute_.name = where_.attribute;
    attribute_.description = description_;
    schema_.id = where_.schema;
    schema_.name = "ssogate role";
    schema_.description = "The custom User extension that carries this connection's role.";
    schema_.attr_begin = &attribute_;
    schema_.attr_count = 1;
    extensions_[1] = &schema_;
    custom_type_.extension_begin = extensions_.data();
    custom_type_.extension_count = extensions_.size();
    type_ = &custom_type_;
}

schema_def const* user_type_with_role::custom_schema() const noexcept
{
    return where_.is_custom() ? &schema_ : nullptr;
}

} // namespace ssogate::scim
