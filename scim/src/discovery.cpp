#include <ssogate/scim/discovery.hpp>

#include <ssogate/scim/list.hpp>

#include "detail/text.hpp"

#include <boost/json/array.hpp>

#include <vector>

namespace ssogate::scim {
namespace {

std::string base(std::string_view base_url)
{
    while (!base_url.empty() && base_url.back() == '/')
        base_url.remove_suffix(1);
    return std::string(base_url);
}

std::string_view type_name(attribute_type t) noexcept
{
    switch (t) {
    case attribute_type::string: return "string";
    case attribute_type::boolean: return "boolean";
    case attribute_type::decimal: return "decimal";
    case attribute_type::integer: return "integer";
    case attribute_type::date_time: return "dateTime";
    case attribute_type::binary: return "binary";
    case attribute_type::reference: return "reference";
    case attribute_type::complex: return "complex";
    }
    return "string";
}

std::string_view mutability_name(mutability_kind m) noexcept
{
    switch (m) {
    case mutability_kind::read_only: return "readOnly";
    case mutability_kind::read_write: return "readWrite";
    case mutability_kind::immutable: return "immutable";
    case mutability_kind::write_only: return "writeOnly";
    }
    return "readWrite";
}

std::string_view returned_name(returned_kind r) noexcept
{
    switch (r) {
    case returned_kind::always: return "always";
    case returned_kind::never: return "never";
    case returned_kind::by_default: return "default";
    case returned_kind::request: return "request";
    }
    return "default";
}

std::string_view uniqueness_name(uniqueness_kind u) noexcept
{
    switch (u) {
    case uniqueness_kind::none: return "none";
    case uniqueness_kind::server: return "server";
    case uniqueness_kind::global: return "global";
    }
    return "none";
}

boost::json::object render_attribute(attribute_def const& a)
{
    boost::json::object o;
    o["name"] = a.name;
    o["type"] = type_name(a.type);
    o["multiValued"] = a.multi_valued;
    o["description"] = a.description;
    o["required"] = a.required;
    o["caseExact"] = a.case_exact;
    o["mutability"] = mutability_name(a.mutability);
    o["returned"] = returned_name(a.returned);
    o["uniqueness"] = uniqueness_name(a.uniqueness);
    if (!a.canonical_values().empty()) {
        boost::json::array values;
        for (auto v : a.canonical_values())
            values.emplace_back(v);
        o["canonicalValues"] = std::move(values);
    }
    if (!a.reference_types().empty()) {
        boost::json::array values;
        for (auto v : a.reference_types())
            values.emplace_back(v);
        o["referenceTypes"] = std::move(values);
    }
    if (!a.sub_attributes().empty()) {
        boost::json::array subs;
        for (auto const& s : a.sub_attributes())
            subs.push_back(render_attribute(s));
        o["subAttributes"] = std::move(subs);
    }
    return o;
}

boost::json::object supported(bool yes) { return boost::json::object{{"supported", yes}}; }

} // namespace

boost::json::object service_provider_config(service_provider_options const& options, std::string_view base_url)
{
    boost::json::object o;
    o["schemas"] = boost::json::array{"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"};
    if (!options.documentation_uri.empty())
        o["documentationUri"] = options.documentation_uri;
    o["patch"] = supported(true);
    o["bulk"] = boost::json::object{{"supported", false}, {"maxOperations", 0}, {"maxPayloadSize", 0}};
    o["filter"] = boost::json::object{{"supported", true}, {"maxResults", options.max_results}};
    o["changePassword"] = supported(false);
    o["sort"] = supported(false);
    o["etag"] = supported(options.etag_supported);
    o["authenticationSchemes"] = boost::json::array{boost::json::object{
        {"type", "oauthbearertoken"},
        {"name", "OAuth Bearer Token"},
        {"description", "A per-connection bearer token created with `ssogate scim token create`."},
        {"primary", true},
    }};
    o["meta"] = boost::json::object{{"resourceType", "ServiceProviderConfig"},
                                    {"location", base(base_url) + "/ServiceProviderConfig"}};
    return o;
}

boost::json::object render_resource_type(resource_type_def const& type, std::string_view base_url)
{
    boost::json::object o;
    o["schemas"] = boost::json::array{"urn:ietf:params:scim:schemas:core:2.0:ResourceType"};
    o["id"] = type.id;
    o["name"] = type.id;
    o["endpoint"] = type.endpoint;
    o["description"] = type.description;
    o["schema"] = type.schema->id;
    if (!type.extensions().empty()) {
        boost::json::array exts;
        for (auto const* e : type.extensions())
            exts.push_back(boost::json::object{{"schema", e->id}, {"required", false}});
        o["schemaExtensions"] = std::move(exts);
    }
    o["meta"] = boost::json::object{{"resourceType", "ResourceType"},
                                    {"location", base(base_url) + "/ResourceTypes/" + std::string(type.id)}};
    return o;
}

boost::json::object resource_types_list(std::string_view base_url)
{
    return resource_types_list(base_url, user_resource_type());
}

boost::json::object resource_types_list(std::string_view base_url, resource_type_def const& user_type)
{
    std::vector<boost::json::value> items{render_resource_type(user_type, base_url),
                                          render_resource_type(group_resource_type(), base_url)};
    return render_list_response(std::move(items), 2, 1);
}

boost::json::object render_schema(schema_def const& schema, std::string_view base_url)
{
    boost::json::object o;
    o["schemas"] = boost::json::array{"urn:ietf:params:scim:schemas:core:2.0:Schema"};
    o["id"] = schema.id;
    o["name"] = schema.name;
    o["description"] = schema.description;
    boost::json::array attrs;
    for (auto const& a : schema.attributes())
        attrs.push_back(render_attribute(a));
    o["attributes"] = std::move(attrs);
    o["meta"] = boost::json::object{{"resourceType", "Schema"},
                                    {"location", base(base_url) + "/Schemas/" + std::string(schema.id)}};
    return o;
}

boost::json::object schemas_list(std::string_view base_url) { return schemas_list(base_url, nullptr); }

boost::json::object schemas_list(std::string_view base_url, schema_def const* extra)
{
    std::vector<boost::json::value> items;
    for (auto const* s : all_schemas())
        items.emplace_back(render_schema(*s, base_url));
    if (extra)
        items.emplace_back(render_schema(*extra, base_url));
    auto const n = items.size();
    return render_list_response(std::move(items), n, 1);
}

resource_type_def const* find_resource_type(std::string_view name) noexcept
{
    if (detail::iequals(name, user_resource_type().id))
        return &user_resource_type();
    if (detail::iequals(name, group_resource_type().id))
        return &group_resource_type();
    return nullptr;
}

schema_def const* find_schema_by_id(std::string_view urn) noexcept
{
    for (auto const* s : all_schemas())
        if (detail::iequals(s->id, urn))
            return s;
    return nullptr;
}

} // namespace ssogate::scim
