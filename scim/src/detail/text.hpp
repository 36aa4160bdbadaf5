#pragma once
// ASCII case-insensitive text helpers shared by the scim sources. SCIM attribute
// names, operators and schema URNs are ASCII and compared case-insensitively
// (RFC 7643 §2.1); values of caseExact=false attributes likewise.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <string>
#include <string_view>

namespace ssogate::scim::detail {

constexpr char ascii_lower(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool iequals(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i]))
            return false;
    return true;
}

constexpr bool istarts_with(std::string_view s, std::string_view prefix) noexcept
{
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

inline std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
    return out;
}

/// The member of `o` whose key equals `key` ignoring ASCII case (exact match first).
inline boost::json::value const* find_ci(boost::json::object const& o, std::string_view key) noexcept
{
    if (auto const* v = o.if_contains(key))
        return v;
    for (auto const& kv : o)
        if (iequals(kv.key(), key))
            return &kv.value();
    return nullptr;
}

inline boost::json::value* find_ci(boost::json::object& o, std::string_view key) noexcept
{
    return const_cast<boost::json::value*>(find_ci(static_cast<boost::json::object const&>(o), key));
}

/// Erase every member of `o` whose key equals `key` ignoring case; true when one was erased.
inline bool erase_ci(boost::json::object& o, std::string_view key)
{
    bool erased = false;
    for (auto it = o.begin(); it != o.end();) {
        if (iequals(it->key(), key)) {
            it = o.erase(it);
            erased = true;
        } else {
            ++it;
        }
    }
    return erased;
}

/// Set `o[key]` to `v`, replacing a member whose key differs only in case (the
/// stored spelling becomes `key`, the schema's canonical name).
inline boost::json::value& set_ci(boost::json::object& o, std::string_view key, boost::json::value v)
{
    if (auto* exact = o.if_contains(key)) {
        *exact = std::move(v);
        for (auto it = o.begin(); it != o.end();) {
            if (it->key() != key && iequals(it->key(), key))
                it = o.erase(it);
            else
                ++it;
        }
        return o[key];
    }
    erase_ci(o, key);
    return o[key] = std::move(v);
}

} // namespace ssogate::scim::detail
