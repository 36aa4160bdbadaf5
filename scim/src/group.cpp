#include <ssogate/scim/group.hpp>

#include "detail/coerce.hpp"
#include "detail/resource_parse.hpp"
#include "detail/text.hpp"

#include <boost/json/array.hpp>

namespace ssogate::scim {

result<group> parse_group(boost::json::value const& body)
{
    auto const& type = group_resource_type();
    auto checked = detail::check_body(body, type);
    if (!checked)
        return checked.error();
    group g;
    for (auto const& kv : **checked) {
        auto const res = resolve_attribute(type, "", kv.key());
        if (!res.attribute || res.attribute->mutability == mutability_kind::read_only)
            continue; // id, meta, unknown attributes: ignored
        auto const& a = *res.attribute;
        auto c = detail::coerce(kv.value(), a, a.name);
        if (!c)
            return c.error();
        if (c->is_null())
            continue;
        if (a.name == "displayName") {
            g.display_name = std::string(c->get_string());
        } else if (a.name == "externalId") {
            g.external_id = std::string(c->get_string());
        } else if (a.name == "members") {
            for (auto const& e : c->get_array()) {
                auto const& m = e.get_object();
                group_member member{detail::string_of(m, "value"), detail::string_of(m, "display"),
                                    detail::string_of(m, "type")};
                if (member.value.empty())
                    return make_error(errc::invalid_value, "every member needs a \"value\"");
                if (!member.type.empty() && !detail::iequals(member.type, "User") &&
                    !detail::iequals(member.type, "Group"))
                    return make_error(errc::invalid_value, "a member's \"type\" must be User or Group");
                if (detail::iequals(member.type, "User"))
                    member.type = "User";
                else if (detail::iequals(member.type, "Group"))
                    member.type = "Group";
                bool duplicate = false;
                for (auto const& existing : g.members)
                    duplicate = duplicate || existing.value == member.value;
                if (!duplicate)
                    g.members.push_back(std::move(member));
            }
        }
    }
    if (g.display_name.empty())
        return make_error(errc::invalid_value, "\"displayName\" is required");
    return g;
}

boost::json::object render_group(group const& g, resource_meta const& meta, std::string_view base_url)
{
    boost::json::object o;
    o["schemas"] = boost::json::array{group_schema_urn};
    o["id"] = meta.id;
    if (!g.external_id.empty())
        o["externalId"] = g.external_id;
    o["displayName"] = g.display_name;
    boost::json::array members;
    for (auto const& m : g.members) {
        boost::json::object e;
        e["value"] = m.value;
        bool const is_group = m.type == "Group";
        e["$ref"] = resource_location(base_url, is_group ? group_resource_type() : user_resource_type(), m.value);
        e["type"] = is_group ? "Group" : "User";
        if (!m.display.empty())
            e["display"] = m.display;
        members.push_back(std::move(e));
    }
    o["members"] = std::move(members);
    o["meta"] = render_meta(group_resource_type(), meta, base_url);
    return o;
}

} // namespace ssogate::scim
