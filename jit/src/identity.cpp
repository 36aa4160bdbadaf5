#include <ssogate/jit/identity.hpp>

#include "text.hpp"

namespace ssogate::jit {

bool attribute_name_matches(std::string_view accepted, std::string_view sent) noexcept
{
    if (accepted.find(':') != std::string_view::npos)
        return accepted == sent;
    return detail::iequals_ascii(accepted, sent);
}

std::optional<matched_attribute> find_attribute(identity const& id, std::span<std::string const> accepted)
{
    for (auto const& name : accepted) {
        std::optional<matched_attribute> found;
        for (auto const& attribute : id.attributes) {
            if (!attribute_name_matches(name, attribute.name))
                continue;
            if (!found)
                found = matched_attribute{attribute.name, {}};
            found->values.insert(found->values.end(), attribute.values.begin(), attribute.values.end());
        }
        if (found)
            return found;
    }
    return std::nullopt;
}

} // namespace ssogate::jit
