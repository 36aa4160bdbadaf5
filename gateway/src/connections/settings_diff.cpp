// Audit before → after of connection settings (settings_diff.hpp).
#include "connections/settings_diff.hpp"

#include <boost/json.hpp>

#include <openssl/evp.h>

#include <array>
#include <string>
#include <string_view>

namespace ssogate::gateway::connections_detail {

namespace json = boost::json;

namespace {

std::string hex_sha256(std::string_view text)
{
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int len = 0;
    if (EVP_Digest(text.data(), text.size(), md.data(), &len, EVP_sha256(), nullptr) != 1)
        return "?";
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out += digits[md[i] >> 4];
        out += digits[md[i] & 15];
    }
    return out;
}

void flatten(json::object const& o, std::string const& prefix, json::object& out)
{
    for (auto const& [k, v] : o) {
        std::string key = prefix.empty() ? std::string(k) : prefix + "." + std::string(k);
        if (auto const* sub = v.if_object(); sub && !sub->empty())
            flatten(*sub, key, out);
        else
            out[key] = v;
    }
}

} // namespace

json::object audit_form(json::object const& settings)
{
    json::object flat;
    flatten(settings, "", flat);
    if (auto* xml = flat.if_contains("idp_metadata"); xml && xml->is_string())
        *xml = "sha256:" + hex_sha256(xml->get_string()) + " (" + std::to_string(xml->get_string().size()) + " bytes)";
    return flat;
}

/// Before/after of the keys that differ (the audit `changes`).
void diff(json::object const& before, json::object const& after, json::object& out_before, json::object& out_after)
{
    for (auto const& [k, v] : before) {
        auto const* a = after.if_contains(k);
        if (!a || *a != v) {
            out_before[k] = v;
            out_after[k] = a ? *a : json::value();
        }
    }
    for (auto const& [k, v] : after)
        if (!before.contains(k)) {
            out_before[k] = nullptr;
            out_after[k] = v;
        }
}

} // namespace ssogate::gateway::connections_detail
