#include <ssogate/gateway/http.hpp>

#include <algorithm>

namespace ssogate::gateway {

namespace {

bool iequals(std::string_view a, std::string_view b) noexcept
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
               return lower(x) == lower(y);
           });
}

} // namespace

std::string_view to_string(http_method m) noexcept
{
    switch (m) {
    case http_method::get: return "GET";
    case http_method::head: return "HEAD";
    case http_method::post: return "POST";
    case http_method::put: return "PUT";
    case http_method::patch: return "PATCH";
    case http_method::delete_: return "DELETE";
    case http_method::options: return "OPTIONS";
    case http_method::other: break;
    }
    return "OTHER";
}

std::optional<std::string_view> header_fields::get(std::string_view name) const
{
    for (auto const& [n, v] : fields_)
        if (iequals(n, name))
            return std::string_view(v);
    return std::nullopt;
}

void header_fields::set(std::string_view name, std::string value)
{
    erase(name);
    fields_.emplace_back(std::string(name), std::move(value));
}

void header_fields::add(std::string_view name, std::string value)
{
    fields_.emplace_back(std::string(name), std::move(value));
}

void header_fields::erase(std::string_view name)
{
    std::erase_if(fields_, [&](field const& f) { return iequals(f.first, name); });
}

std::string_view http_request::path() const noexcept
{
    std::string_view t = target;
    return t.substr(0, t.find('?'));
}

std::string_view http_request::query() const noexcept
{
    std::string_view t = target;
    auto q = t.find('?');
    return q == std::string_view::npos ? std::string_view() : t.substr(q + 1);
}

http_response http_response::text(int status, std::string body)
{
    http_response res;
    res.status = status;
    res.headers.set("Content-Type", "text/plain; charset=utf-8");
    res.body = std::move(body);
    return res;
}

} // namespace ssogate::gateway
