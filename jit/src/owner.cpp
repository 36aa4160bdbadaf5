#include <ssogate/jit/owner.hpp>

#include <utility>

namespace ssogate::jit {
namespace {

constexpr std::string_view jit_prefix = "jit:";
constexpr std::string_view scim_prefix = "scim:";
constexpr std::string_view admin_text = "admin";

bool is_connection_id_char(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
        || c == '_' || c == '-';
}

} // namespace

bool is_valid_connection_id(std::string_view id) noexcept
{
    if (id.empty() || id.size() > 64)
        return false;
    for (char c : id)
        if (!is_connection_id_char(c))
            return false;
    return true;
}

owner owner::jit(std::string connection_id) { return {owner_kind::jit, std::move(connection_id)}; }

owner owner::scim(std::string connection_id) { return {owner_kind::scim, std::move(connection_id)}; }

owner owner::admin() { return {owner_kind::admin, {}}; }

std::optional<owner> owner::parse(std::string_view text)
{
    if (text == admin_text)
        return admin();
    if (text.starts_with(jit_prefix)) {
        auto const id = text.substr(jit_prefix.size());
        if (is_valid_connection_id(id))
            return jit(std::string(id));
    }
    else if (text.starts_with(scim_prefix)) {
        auto const id = text.substr(scim_prefix.size());
        if (is_valid_connection_id(id))
            return scim(std::string(id));
    }
    return std::nullopt;
}

std::string owner::to_string() const
{
    switch (kind) {
    case owner_kind::jit: return std::string(jit_prefix) + connection_id;
    case owner_kind::scim: return std::string(scim_prefix) + connection_id;
    case owner_kind::admin: return std::string(admin_text);
    }
    return {}; // not a kind: an empty text that `parse` refuses
}

} // namespace ssogate::jit
