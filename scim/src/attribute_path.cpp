#include <ssogate/scim/attribute_path.hpp>

#include "detail/text.hpp"

namespace ssogate::scim {
namespace {

constexpr bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

} // namespace

bool is_attribute_name(std::string_view s) noexcept
{
    if (detail::iequals(s, "$ref"))
        return true;
    if (s.empty() || !is_alpha(s.front()))
        return false;
    for (char c : s)
        if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '_')
            return false;
    return true;
}

result<attribute_path> parse_attribute_path(std::string_view text)
{
    attribute_path p;
    std::string_view rest = text;
    if (detail::istarts_with(text, "urn:")) {
        auto const colon = text.rfind(':');
        p.schema = std::string(text.substr(0, colon));
        rest = text.substr(colon + 1);
    }
    auto const dot = rest.find('.');
    std::string_view const attr = rest.substr(0, dot);
    std::string_view const sub = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
    if (!is_attribute_name(attr) || (dot != std::string_view::npos && !is_attribute_name(sub)))
        return make_error(errc::invalid_path, "\"" + std::string(text) + "\" is not a valid attribute path");
    p.attribute = std::string(attr);
    p.sub_attribute = std::string(sub);
    return p;
}

std::string to_string(attribute_path const& p)
{
    std::string s;
    if (!p.schema.empty())
        s = p.schema + ":";
    s += p.attribute;
    if (!p.sub_attribute.empty())
        s += "." + p.sub_attribute;
    return s;
}

} // namespace ssogate::scim
