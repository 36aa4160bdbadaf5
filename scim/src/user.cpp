#include <ssogate/scim/user.hpp>

#include "detail/coerce.hpp"
#include "detail/resource_parse.hpp"
#include "detail/text.hpp"

#include <boost/json/array.hpp>

namespace ssogate::scim {

namespace detail {

result<boost::json::object const*> check_body(boost::json::value const& body, resource_type_def const& type)
{
    auto const* o = body.if_object();
    if (!o)
        return make_error(errc::invalid_syntax, "the body must be a JSON object");
    if (auto const* schemas = find_ci(*o, "schemas")) {
        bool listed = false;
        if (auto const* arr = schemas->if_array())
            for (auto const& s : *arr)
                listed = listed || (s.is_string() && iequals(s.get_string(), type.schema->id));
        if (!listed)
            return make_error(errc::invalid_syntax, "\"schemas\" must list " + std::string(type.schema->id));
    }
    return o;
}

std::string string_of(boost::json::object const& o, std::string_view key)
{
    if (auto const* v = find_ci(o, key); v && v->is_string())
        return std::string(v->get_string());
    return {};
}

} // namespace detail

namespace {

result<std::vector<contact_value>> contact_values(boost::json::value const& v, std::string_view where)
{
    std::vector<contact_value> out;
    for (auto const& e : v.get_array()) {
        auto const& o = e.get_object();
        contact_value c;
        c.value = detail::string_of(o, "value");
        if (c.value.empty())
            return make_error(errc::invalid_value, "every value of \"" + std::string(where) + "\" needs a \"value\"");
        c.type = detail::string_of(o, "type");
        c.display = detail::string_of(o, "display");
        if (auto const* p = o.if_contains("primary"))
            c.primary = p->is_bool() && p->get_bool();
        out.push_back(std::move(c));
    }
    return out;
}

boost::json::array render_contacts(std::vector<contact_value> const& values)
{
    boost::json::array arr;
    for (auto const& c : values) {
        boost::json::object o;
        o["value"] = c.value;
        if (!c.type.empty())
            o["type"] = c.type;
        if (!c.display.empty())
            o["display"] = c.display;
        if (c.primary)
            o["primary"] = true;
        arr.push_back(std::move(o));
    }
    return arr;
}

void put(boost::json::object& o, std::string_view key, std::string const& value)
{
    if (!value.empty())
        o[key] = value;
}

result<void> read_enterprise(boost::json::value const& v, enterprise_user& e)
{
    if (!v.is_object())
        return make_error(errc::invalid_value, "\"" + std::string(enterprise_user_schema_urn) + "\" must be an object");
    for (auto const& kv : v.get_object()) {
        auto const* a = find_attribute(enterprise_user_schema().attributes(), kv.key());
        if (!a)
            continue;
        auto c = detail::coerce(kv.value(), *a, a->name);
        if (!c)
            return c.error();
        if (c->is_null())
            continue;
        if (a->name == "manager") {
            auto const& m = c->get_object();
            e.manager.value = detail::string_of(m, "value");
            e.manager.ref = detail::string_of(m, "$ref");
            // displayName is readOnly (server-set); coerce dropped it.
            continue;
        }
        std::string const s(c->get_string());
        if (a->name == "employeeNumber")
            e.employee_number = s;
        else if (a->name == "costCenter")
            e.cost_center = s;
        else if (a->name == "organization")
            e.organization = s;
        else if (a->name == "division")
            e.division = s;
        else if (a->name == "department")
            e.department = s;
    }
    return {};
}

/// A custom extension's object: its known attributes coerced, the others ignored.
result<void> read_custom(boost::json::value const& v, schema_def const& ext, boost::json::object& out)
{
    if (!v.is_object())
        return make_error(errc::invalid_value, "\"" + std::string(ext.id) + "\" must be an object");
    boost::json::object kept;
    for (auto const& kv : v.get_object()) {
        auto const* a = find_attribute(ext.attributes(), kv.key());
        if (!a)
            continue;
        auto c = detail::coerce(kv.value(), *a, a->name);
        if (!c)
            return c.error();
        if (!c->is_null())
            kept[a->name] = std::move(*c);
    }
    if (!kept.empty())
        out[ext.id] = std::move(kept);
    return {};
}

} // namespace

bool person_name::empty() const noexcept
{
    return formatted.empty() && family_name.empty() && given_name.empty() && middle_name.empty() &&
           honorific_prefix.empty() && honorific_suffix.empty();
}

bool enterprise_user::empty() const noexcept
{
    return employee_number.empty() && cost_center.empty() && organization.empty() && division.empty() &&
           department.empty() && manager.value.empty();
}

result<user> parse_user(boost::json::value const& body) { return parse_user(body, user_resource_type()); }

result<user> parse_user(boost::json::value const& body, resource_type_def const& type)
{
    auto checked = detail::check_body(body, type);
    if (!checked)
        return checked.error();
    auto const& o = **checked;
    user u;
    bool has_user_name = false;
    for (auto const& kv : o) {
        std::string_view const key = kv.key();
        if (detail::iequals(key, "schemas"))
            continue;
        if (detail::iequals(key, enterprise_user_schema_urn)) {
            if (auto r = read_enterprise(kv.value(), u.enterprise); !r)
                return r.error();
            continue;
        }
        if (auto const* ext = find_schema(type, key); ext && ext != type.schema) {
            if (auto r = read_custom(kv.value(), *ext, u.extensions); !r)
                return r.error();
            continue;
        }
        auto const res = resolve_attribute(type, "", key);
        // Unknown attributes and extensions are ignored; so are readOnly ones (id, meta,
        // groups: RFC 7643 §2.2) and the writeOnly password (never stored).
        if (!res.attribute || res.in_extension || res.attribute->mutability == mutability_kind::read_only ||
            res.attribute->mutability == mutability_kind::write_only)
            continue;
        auto const& a = *res.attribute;
        auto c = detail::coerce(kv.value(), a, a.name);
        if (!c)
            return c.error();
        if (c->is_null())
            continue;
        if (a.name == "userName") {
            u.user_name = std::string(c->get_string());
            has_user_name = true;
        } else if (a.name == "externalId") {
            u.external_id = std::string(c->get_string());
        } else if (a.name == "displayName") {
            u.display_name = std::string(c->get_string());
        } else if (a.name == "active") {
            u.active = c->get_bool();
        } else if (a.name == "name") {
            auto const& n = c->get_object();
            u.name.formatted = detail::string_of(n, "formatted");
            u.name.family_name = detail::string_of(n, "familyName");
            u.name.given_name = detail::string_of(n, "givenName");
            u.name.middle_name = detail::string_of(n, "middleName");
            u.name.honorific_prefix = detail::string_of(n, "honorificPrefix");
            u.name.honorific_suffix = detail::string_of(n, "honorificSuffix");
        } else if (a.name == "emails" || a.name == "phoneNumbers") {
            auto values = contact_values(*c, a.name);
            if (!values)
                return values.error();
            (a.name == "emails" ? u.emails : u.phone_numbers) = std::move(*values);
        } else if (!(a.multi_valued && c->get_array().empty())) {
            u.other[a.name] = std::move(*c);
        }
    }
    if (!has_user_name || u.user_name.empty())
        return make_error(errc::invalid_value, "\"userName\" is required");
    return u;
}

boost::json::object render_user(user const& u, resource_meta const& meta, std::string_view base_url)
{
    boost::json::object o;
    boost::json::array schemas{user_schema_urn};
    if (!u.enterprise.empty())
        schemas.emplace_back(enterprise_user_schema_urn);
    for (auto const& kv : u.extensions)
        schemas.emplace_back(kv.key());
    o["schemas"] = std::move(schemas);
    o["id"] = meta.id;
    put(o, "externalId", u.external_id);
    o["userName"] = u.user_name;
    if (!u.name.empty()) {
        boost::json::object n;
        put(n, "formatted", u.name.formatted);
        put(n, "familyName", u.name.family_name);
        put(n, "givenName", u.name.given_name);
        put(n, "middleName", u.name.middle_name);
        put(n, "honorificPrefix", u.name.honorific_prefix);
        put(n, "honorificSuffix", u.name.honorific_suffix);
        o["name"] = std::move(n);
    }
    put(o, "displayName", u.display_name);
    o["active"] = u.active;
    if (!u.emails.empty())
        o["emails"] = render_contacts(u.emails);
    if (!u.phone_numbers.empty())
        o["phoneNumbers"] = render_contacts(u.phone_numbers);
    for (auto const& kv : u.other)
        if (!o.contains(kv.key()))
            o[kv.key()] = kv.value();
    if (!u.enterprise.empty()) {
        boost::json::object e;
        put(e, "employeeNumber", u.enterprise.employee_number);
        put(e, "costCenter", u.enterprise.cost_center);
        put(e, "organization", u.enterprise.organization);
        put(e, "division", u.enterprise.division);
        put(e, "department", u.enterprise.department);
        if (!u.enterprise.manager.value.empty()) {
            boost::json::object m;
            m["value"] = u.enterprise.manager.value;
            m["$ref"] = u.enterprise.manager.ref.empty()
                            ? resource_location(base_url, user_resource_type(), u.enterprise.manager.value)
                            : u.enterprise.manager.ref;
            put(m, "displayName", u.enterprise.manager.display_name);
            e["manager"] = std::move(m);
        }
        o[enterprise_user_schema_urn] = std::move(e);
    }
    for (auto const& kv : u.extensions)
        o[kv.key()] = kv.value();
    o["meta"] = render_meta(user_resource_type(), meta, base_url);
    return o;
}

std::optional<std::string_view> primary_email(user const& u) noexcept
{
    for (auto const& e : u.emails)
        if (e.primary)
            return e.value;
    if (!u.emails.empty())
        return u.emails.front().value;
    return std::nullopt;
}

} // namespace ssogate::scim
