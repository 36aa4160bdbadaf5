#include "detail/coerce.hpp"

#include "detail/text.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <string>

namespace ssogate::scim::detail {
namespace {

scim_error wrong(std::string_view where, std::string_view expected)
{
    return make_error(errc::invalid_value, "\"" + std::string(where) + "\" must be " + std::string(expected));
}

result<boost::json::value> coerce_simple(boost::json::value const& v, attribute_def const& def,
                                         std::string_view where)
{
    if (v.is_null())
        return boost::json::value(nullptr);
    switch (def.type) {
    case attribute_type::boolean:
        if (auto b = boolean_of(v))
            return boost::json::value(*b);
        return wrong(where, "a boolean");
    case attribute_type::integer:
        if (v.is_int64() || v.is_uint64())
            return v;
        return wrong(where, "an integer");
    case attribute_type::decimal:
        if (v.is_number())
            return v;
        return wrong(where, "a number");
    case attribute_type::complex: return wrong(where, "an object");
    default:
        if (v.is_string())
            return v;
        return wrong(where, "a string");
    }
}

result<boost::json::value> coerce_complex(boost::json::value const& v, attribute_def const& def,
                                          std::string_view where)
{
    if (v.is_null())
        return boost::json::value(nullptr);
    boost::json::value const* src = &v;
    // Entra sends a single-valued complex attribute (manager) as its id string or as a
    // one-element list.
    if (auto const* arr = v.if_array(); arr && arr->size() == 1)
        src = &arr->front();
    if (src->is_string() && find_attribute(def.sub_attributes(), "value"))
        return boost::json::value(boost::json::object{{"value", src->get_string()}});
    auto const* in = src->if_object();
    if (!in)
        return wrong(where, "an object");
    boost::json::object out;
    for (auto const& kv : *in) {
        auto const* sub = find_attribute(def.sub_attributes(), kv.key());
        if (!sub || sub->mutability == mutability_kind::read_only)
            continue; // unknown or server-set sub-attributes are ignored (RFC 7643 §2.2)
        auto c = coerce_simple(kv.value(), *sub, std::string(where) + "." + std::string(sub->name));
        if (!c)
            return c;
        if (!c->is_null())
            set_ci(out, sub->name, std::move(*c));
    }
    return boost::json::value(std::move(out));
}

} // namespace

std::optional<bool> boolean_of(boost::json::value const& v) noexcept
{
    if (v.is_bool())
        return v.get_bool();
    if (v.is_string()) {
        if (iequals(v.get_string(), "true"))
            return true;
        if (iequals(v.get_string(), "false"))
            return false;
    }
    return std::nullopt;
}

result<boost::json::value> coerce(boost::json::value const& v, attribute_def const& def, std::string_view where,
                                  bool as_element)
{
    if (def.multi_valued && !as_element) {
        if (v.is_null())
            return boost::json::value(nullptr);
        boost::json::array out;
        auto one = [&](boost::json::value const& e) -> result<void> {
            auto c = def.type == attribute_type::complex ? coerce_complex(e, def, where) : coerce_simple(e, def, where);
            if (!c)
                return c.error();
            if (!c->is_null())
                out.push_back(std::move(*c));
            return {};
        };
        if (auto const* arr = v.if_array()) {
            for (auto const& e : *arr)
                if (auto r = one(e); !r)
                    return r.error();
        } else if (auto r = one(v); !r) {
            return r.error();
        }
        return boost::json::value(std::move(out));
    }
    if (def.type == attribute_type::complex)
        return coerce_complex(v, def, where);
    return coerce_simple(v, def, where);
}

} // namespace ssogate::scim::detail
