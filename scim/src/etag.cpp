#include <ssogate/scim/etag.hpp>

#include <vector>

namespace ssogate::scim {

namespace {

/// The opaque tag of one entity-tag: `W/"x"` and `"x"` → `x`; nullopt when malformed.
std::optional<std::string_view> opaque(std::string_view t)
{
    if (t.starts_with("W/") || t.starts_with("w/"))
        t.remove_prefix(2);
    if (t.size() < 2 || t.front() != '"' || t.back() != '"')
        return std::nullopt;
    t = t.substr(1, t.size() - 2);
    if (t.find('"') != std::string_view::npos)
        return std::nullopt;
    return t;
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

/// Whether the header's list names `current` (or is `*`).
bool names(std::string_view header, std::string_view current)
{
    header = trim(header);
    if (header == "*")
        return true;
    auto const want = opaque(current);
    if (!want)
        return false;
    while (!header.empty()) {
        auto const comma = header.find(',');
        auto const item = trim(header.substr(0, comma));
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
        if (auto const tag = opaque(item); tag && *tag == *want)
            return true;
    }
    return false;
}

} // namespace

std::string etag_of(std::int64_t version)
{
    return "W/\"" + std::to_string(version) + "\"";
}

precondition evaluate_preconditions(std::optional<std::string_view> if_match,
                                    std::optional<std::string_view> if_none_match, std::string_view current,
                                    bool is_read)
{
    if (if_match && !names(*if_match, current))
        return precondition::precondition_failed;
    if (if_none_match && names(*if_none_match, current))
        return is_read ? precondition::not_modified : precondition::precondition_failed;
    return precondition::proceed;
}

} // namespace ssogate::scim
