#include "config/values.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <vector>

namespace ssogate::gateway::config_detail {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_lower(char c) noexcept { return c >= 'a' && c <= 'z'; }

std::string to_lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    });
    return out;
}

std::optional<std::uint16_t> parse_port(std::string_view text)
{
    if (text.empty() || text.size() > 5 || !std::all_of(text.begin(), text.end(), is_digit))
        return std::nullopt;
    unsigned value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    if (value > 65535)
        return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

// The authority part shared by https URLs and origins: scheme https, a host, an
// optional numeric port 1..65535, no userinfo; returns "https://host[:port]".
std::optional<std::string> https_authority(boost::urls::url_view const& u, std::string& why)
{
    if (u.scheme_id() != boost::urls::scheme::https) {
        why = "must use the https scheme";
        return std::nullopt;
    }
    if (!u.has_authority() || u.encoded_host().empty()) {
        why = "must name a host";
        return std::nullopt;
    }
    if (u.has_userinfo()) {
        why = "must not carry a user name or password";
        return std::nullopt;
    }
    std::string host = to_lower(u.encoded_host());
    if (host.find('%') != std::string::npos) {
        why = "must name a plain host";
        return std::nullopt;
    }
    std::string out = "https://" + host;
    if (u.has_port()) {
        auto const port = parse_port(u.port());
        if (!port || *port == 0) {
            why = "must have a port between 1 and 65535";
            return std::nullopt;
        }
        if (*port != 443)
            out += ":" + std::to_string(*port);
    }
    return out;
}

} // namespace

std::optional<std::chrono::seconds> parse_duration(std::string_view text)
{
    if (text.empty())
        return std::nullopt;
    constexpr std::int64_t limit = std::numeric_limits<std::int32_t>::max(); // ~68 years
    std::int64_t total = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t const start = i;
        while (i < text.size() && is_digit(text[i]))
            ++i;
        if (i == start || i - start > 9 || i == text.size())
            return std::nullopt;
        std::int64_t number = 0;
        std::from_chars(text.data() + start, text.data() + i, number);
        std::int64_t unit = 0;
        switch (text[i]) {
        case 'd': unit = 86400; break;
        case 'h': unit = 3600; break;
        case 'm': unit = 60; break;
        case 's': unit = 1; break;
        default: return std::nullopt;
        }
        ++i;
        total += number * unit;
        if (total > limit)
            return std::nullopt;
    }
    return std::chrono::seconds{total};
}

std::string format_duration(std::chrono::seconds d)
{
    auto s = d.count();
    if (s == 0)
        return "0s";
    std::string out;
    for (auto [unit, name] : std::array<std::pair<long long, char>, 4>{{{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}}}) {
        if (s >= unit) {
            out += std::to_string(s / unit);
            out += name;
            s %= unit;
        }
    }
    return out;
}

std::optional<listen_address> parse_listen(std::string_view text)
{
    listen_address out;
    std::string_view port_text;
    if (!text.empty() && text.front() == '[') {
        auto const close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
            return std::nullopt;
        out.host = std::string(text.substr(1, close - 1));
        out.ipv6 = true;
        port_text = text.substr(close + 2);
        in6_addr addr{};
        if (inet_pton(AF_INET6, out.host.c_str(), &addr) != 1)
            return std::nullopt;
    } else {
        auto const colon = text.rfind(':');
        if (colon == std::string_view::npos)
            return std::nullopt;
        out.host = std::string(text.substr(0, colon));
        port_text = text.substr(colon + 1);
        in_addr addr{};
        if (inet_pton(AF_INET, out.host.c_str(), &addr) != 1)
            return std::nullopt;
    }
    auto const port = parse_port(port_text);
    if (!port)
        return std::nullopt;
    out.port = *port;
    return out;
}

std::string authority_of(listen_address const& a)
{
    std::string host = a.ipv6 ? "[" + a.host + "]" : a.host;
    return host + ":" + std::to_string(a.port);
}

std::optional<std::string> normalize_https_url(std::string_view text, std::string& why)
{
    auto parsed = boost::urls::parse_absolute_uri(text);
    if (!parsed) {
        why = "must be an absolute URL";
        return std::nullopt;
    }
    auto const& u = *parsed;
    auto out = https_authority(u, why);
    if (!out)
        return std::nullopt;
    if (text.find('?') != std::string_view::npos || text.find('#') != std::string_view::npos) {
        why = "must not have a query or fragment";
        return std::nullopt;
    }
    std::string path(u.encoded_path());
    while (!path.empty() && path.back() == '/')
        path.pop_back();
    return *out + path;
}

std::optional<std::string> normalize_https_origin(std::string_view text, std::string& why)
{
    auto parsed = boost::urls::parse_absolute_uri(text);
    if (!parsed) {
        why = "must be an https origin such as \"https://app.example.com\"";
        return std::nullopt;
    }
    auto const& u = *parsed;
    auto out = https_authority(u, why);
    if (!out)
        return std::nullopt;
    if (text.find('?') != std::string_view::npos || text.find('#') != std::string_view::npos
        || !(u.encoded_path().empty() || u.encoded_path() == "/")) {
        why = "must be an origin only (scheme, host and port; no path, query or fragment)";
        return std::nullopt;
    }
    return out;
}

bool is_absolute_uri(std::string_view text)
{
    return !text.empty() && static_cast<bool>(boost::urls::parse_absolute_uri(text));
}

bool is_postgresql_url(std::string_view text, std::string& why)
{
    auto parsed = boost::urls::parse_uri(text);
    if (!parsed) {
        why = "must be a URL such as \"postgresql://user@host:5432/db\"";
        return false;
    }
    auto const scheme = to_lower(parsed->scheme());
    if (scheme != "postgresql" && scheme != "postgres") {
        why = "must use the postgresql:// scheme";
        return false;
    }
    if (!parsed->has_authority()) {
        why = "must be of the form postgresql://[user@]host[:port]/db or postgresql:///db?host=/socket/dir";
        return false;
    }
    if (parsed->has_port() && !parse_port(parsed->port())) {
        why = "must have a port between 1 and 65535";
        return false;
    }
    return true;
}

std::optional<std::string> normalize_domain(std::string_view text)
{
    if (text.empty() || text.size() > 253)
        return std::nullopt;
    std::string out = to_lower(text);
    std::size_t label_start = 0;
    for (std::size_t i = 0; i <= out.size(); ++i) {
        if (i == out.size() || out[i] == '.') {
            auto const length = i - label_start;
            if (length == 0 || length > 63 || out[label_start] == '-' || out[i - 1] == '-')
                return std::nullopt;
            label_start = i + 1;
            continue;
        }
        char const c = out[i];
        if (!is_lower(c) && !is_digit(c) && c != '-')
            return std::nullopt;
    }
    return out;
}

namespace {
bool is_slug_tail(std::string_view text) noexcept
{
    return text.size() <= 62 && std::all_of(text.begin(), text.end(), [](char c) {
               return is_lower(c) || is_digit(c) || c == '_' || c == '-';
           });
}
} // namespace

bool is_connection_id(std::string_view text)
{
    return !text.empty() && (is_lower(text[0]) || is_digit(text[0])) && is_slug_tail(text.substr(1));
}

bool is_role_name(std::string_view text)
{
    return !text.empty() && is_lower(text[0]) && is_slug_tail(text.substr(1));
}

bool is_plain_name(std::string_view text, std::size_t max_length)
{
    return !text.empty() && text.size() <= max_length
        && std::none_of(text.begin(), text.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

std::size_t edit_distance(std::string_view a, std::string_view b)
{
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t const above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

} // namespace ssogate::gateway::config_detail
