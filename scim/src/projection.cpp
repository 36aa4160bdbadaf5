#include <ssogate/scim/projection.hpp>

#include "detail/text.hpp"

#include <boost/json/array.hpp>

#include <string>

namespace ssogate::scim {
namespace {

result<std::vector<attribute_path>> split_paths(std::optional<std::string_view> text)
{
    std::vector<attribute_path> out;
    if (!text)
        return out;
    std::string_view rest = *text;
    while (!rest.empty()) {
        auto const comma = rest.find(',');
        auto token = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        while (!token.empty() && token.front() == ' ')
            token.remove_prefix(1);
        while (!token.empty() && token.back() == ' ')
            token.remove_suffix(1);
        if (token.empty())
            continue;
        bool whole_schema = false;
        for (auto const* s : all_schemas())
            if (detail::iequals(s->id, token)) {
                out.push_back(attribute_path{std::string(s->id), "", ""});
                whole_schema = true;
            }
        if (whole_schema)
            continue;
        auto p = parse_attribute_path(token);
        if (!p)
            return p.error();
        out.push_back(std::move(*p));
    }
    return out;
}

bool always_returned(std::string_view key) noexcept
{
    return detail::iequals(key, "schemas") || detail::iequals(key, "id");
}

/// The object that holds `res`'s attribute in `doc` (the resource or its extension object).
boost::json::object* holder(boost::json::object& doc, resolved_attribute const& res, bool create)
{
    if (!res.in_extension)
        return &doc;
    if (auto* v = detail::find_ci(doc, res.schema->id); v && v->is_object())
        return &v->get_object();
    if (!create)
        return nullptr;
    return &doc[res.schema->id].emplace_object();
}

void copy_path(boost::json::object const& from, boost::json::object& to, attribute_path const& p,
               resource_type_def const& type)
{
    if (p.attribute.empty()) { // a whole extension
        if (auto const* v = detail::find_ci(from, p.schema))
            to[p.schema] = *v;
        return;
    }
    auto const res = resolve_attribute(type, p.schema, p.attribute);
    if (!res.attribute)
        return;
    auto const* src_holder = holder(const_cast<boost::json::object&>(from), res, false);
    if (!src_holder)
        return;
    auto const* v = detail::find_ci(*src_holder, res.attribute->name);
    if (!v)
        return;
    auto* dst = holder(to, res, true);
    std::string_view const name = res.attribute->name;
    if (p.sub_attribute.empty()) {
        (*dst)[name] = *v;
        return;
    }
    if (auto const* o = v->if_object()) {
        auto const* sv = detail::find_ci(*o, p.sub_attribute);
        if (!sv)
            return;
        auto& target = (*dst)[name];
        if (!target.is_object())
            target = boost::json::object{};
        target.get_object()[p.sub_attribute] = *sv;
    } else if (auto const* a = v->if_array()) {
        auto& target = (*dst)[name];
        if (!target.is_array() || target.get_array().size() != a->size()) {
            boost::json::array fresh;
            fresh.resize(a->size());
            for (auto& e : fresh)
                e = boost::json::object{};
            target = std::move(fresh);
        }
        for (std::size_t i = 0; i < a->size(); ++i)
            if (auto const* eo = (*a)[i].if_object())
                if (auto const* sv = detail::find_ci(*eo, p.sub_attribute))
                    target.get_array()[i].get_object()[p.sub_attribute] = *sv;
    }
}

void erase_path(boost::json::object& doc, attribute_path const& p, resource_type_def const& type)
{
    if (p.attribute.empty()) {
        detail::erase_ci(doc, p.schema);
        return;
    }
    auto const res = resolve_attribute(type, p.schema, p.attribute);
    if (!res.attribute || (!res.in_extension && p.sub_attribute.empty() && always_returned(res.attribute->name)))
        return;
    auto* h = holder(doc, res, false);
    if (!h)
        return;
    if (p.sub_attribute.empty()) {
        detail::erase_ci(*h, res.attribute->name);
        return;
    }
    auto* v = detail::find_ci(*h, res.attribute->name);
    if (!v)
        return;
    if (auto* o = v->if_object())
        detail::erase_ci(*o, p.sub_attribute);
    else if (auto* a = v->if_array())
        for (auto& e : *a)
            if (auto* eo = e.if_object())
                detail::erase_ci(*eo, p.sub_attribute);
}

} // namespace

result<projection> parse_projection(std::optional<std::string_view> attributes,
                                    std::optional<std::string_view> excluded_attributes)
{
    projection p;
    auto a = split_paths(attributes);
    if (!a)
        return a.error();
    auto e = split_paths(excluded_attributes);
    if (!e)
        return e.error();
    p.attributes = std::move(*a);
    p.excluded_attributes = std::move(*e);
    return p;
}

boost::json::object apply_projection(boost::json::object const& resource, projection const& p,
                                     resource_type_def const& type)
{
    if (!p.attributes.empty()) {
        boost::json::object out;
        for (auto const& kv : resource)
            if (always_returned(kv.key()))
                out[kv.key()] = kv.value();
        for (auto const& path : p.attributes)
            copy_path(resource, out, path, type);
        return out;
    }
    boost::json::object out = resource;
    for (auto const& path : p.excluded_attributes)
        erase_path(out, path, type);
    return out;
}

} // namespace ssogate::scim
