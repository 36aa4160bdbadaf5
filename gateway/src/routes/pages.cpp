// HTML pages of the sign-in routes and the helpers they share (sso_support.hpp).
// Plain, accessible HTML and one stylesheet served by ssogate: no external assets, no
// script; every dynamic value goes through html_escape.
#include "routes/sso_support.hpp"
#include "text/form.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstdio>

namespace ssogate::gateway::sso_detail {

namespace {

char lower(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lowered(std::string_view s)
{
    std::string out(s);
    for (auto& c : out)
        c = lower(c);
    return out;
}

/// "https://host[:port]" of an absolute URL, lower-cased; nullopt when it is not https
/// or carries userinfo.
std::optional<std::string> https_origin(std::string_view url)
{
    constexpr std::string_view scheme = "https://";
    if (url.size() <= scheme.size() || lowered(url.substr(0, scheme.size())) != scheme)
        return std::nullopt;
    auto rest = url.substr(scheme.size());
    auto end = rest.find_first_of("/?#");
    auto authority = rest.substr(0, end);
    if (authority.empty() || authority.find('@') != std::string_view::npos)
        return std::nullopt;
    return "https://" + lowered(authority);
}

} // namespace

std::optional<std::map<std::string, std::string, std::less<>>> parse_form(std::string_view body)
{
    std::map<std::string, std::string, std::less<>> out;
    while (!body.empty()) {
        auto amp = body.find('&');
        auto pair = body.substr(0, amp);
        body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
        if (pair.empty())
            continue;
        auto eq = pair.find('=');
        auto name = decode_form_component(pair.substr(0, eq));
        auto value = decode_form_component(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
        if (!name || !value)
            return std::nullopt;
        out.emplace(std::move(*name), std::move(*value));
    }
    return out;
}

std::optional<std::string> cookie_value(http_request const& req, std::string_view name)
{
    for (auto const& [field, value] : req.headers) {
        if (lowered(field) != "cookie")
            continue;
        std::string_view v = value;
        while (!v.empty()) {
            auto semi = v.find(';');
            auto item = v.substr(0, semi);
            v = semi == std::string_view::npos ? std::string_view() : v.substr(semi + 1);
            while (!item.empty() && item.front() == ' ')
                item.remove_prefix(1);
            auto eq = item.find('=');
            if (eq != std::string_view::npos && item.substr(0, eq) == name)
                return std::string(item.substr(eq + 1));
        }
    }
    return std::nullopt;
}

std::string random_hex(app_context const& ctx, std::size_t bytes)
{
    std::vector<std::byte> buf(bytes);
    ctx.random(buf);
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes * 2);
    for (auto b : buf) {
        auto v = std::to_integer<unsigned>(b);
        out += digits[v >> 4];
        out += digits[v & 15];
    }
    return out;
}

std::string sha256_hex(std::string_view data)
{
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_sha256(), nullptr) != 1)
        return {};
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out += digits[md[i] >> 4];
        out += digits[md[i] & 15];
    }
    return out;
}

bool equal_constant_time(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

bool is_hex(std::string_view s, std::size_t n) noexcept
{
    if (s.size() != n)
        return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return true;
}

std::optional<std::string> validate_return_to(std::string_view r, std::vector<std::string> const& allowed_origins,
                                              std::string_view public_url)
{
    if (r.empty() || r.size() > 2048)
        return std::nullopt;
    for (char c : r) {
        auto u = static_cast<unsigned char>(c);
        // Control characters and backslashes: browsers strip or reinterpret them
        // ("/\evil" and "https:\\evil" become other hosts).
        if (u < 0x20 || u == 0x7f || c == '\\')
            return std::nullopt;
    }
    if (r.front() == '/') {
        // "//host" is scheme-relative; "/%5c" and "/%2f" decode to the same in some stacks.
        if (r.size() >= 2 && r[1] == '/')
            return std::nullopt;
        if (r.size() >= 4 && r[1] == '%' && (lowered(r.substr(2, 2)) == "5c" || lowered(r.substr(2, 2)) == "2f"))
            return std::nullopt;
        return std::string(r);
    }
    // Absolute: only https to our own origin or an allowed one.
    auto origin = https_origin(r);
    if (!origin)
        return std::nullopt;
    auto own = https_origin(std::string(public_url) + "/");
    if (own && *origin == *own)
        return std::string(r);
    for (auto const& allowed : allowed_origins)
        if (*origin == lowered(allowed))
            return std::string(r);
    return std::nullopt;
}

http_response html_page(int status, std::string_view title, std::string_view body_html)
{
    http_response res;
    res.status = status;
    res.headers.set("Content-Type", "text/html; charset=utf-8");
    // Only our stylesheet; no script at all; forms may post to ourselves (and the
    // redirect chain to the IdP that follows /sso/start is not restricted by form-action).
    res.headers.set("Content-Security-Policy",
                    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'");
    // Not the default no-referrer: under it browsers send `Origin: null` with a page's
    // form posts, and POST /logout refuses any Origin but ours. same-origin still sends
    // nothing to other sites.
    res.headers.set("Referrer-Policy", "same-origin");
    res.body = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
    res.body += escape_markup(title);
    res.body += " · ssogate</title>\n<link rel=\"stylesheet\" href=\"/assets/ssogate.css\">\n</head>\n<body>\n"
                "<main>\n<h1>";
    res.body += escape_markup(title);
    res.body += "</h1>\n";
    res.body += body_html;
    res.body += "\n</main>\n</body>\n</html>\n";
    return res;
}

http_response stylesheet()
{
    http_response res;
    res.headers.set("Content-Type", "text/css; charset=utf-8");
    res.headers.set("Cache-Control", "public, max-age=3600");
    res.body = R"css(:root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5; }
body { margin: 0; padding: 2rem 1rem; background: Canvas; color: CanvasText; }
main { max-width: 32rem; margin: 0 auto; }
h1 { font-size: 1.5rem; }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
input[type=email] { width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem; }
button { margin-top: .75rem; padding: .5rem 1rem; font-size: 1rem; cursor: pointer; }
:focus-visible { outline: 3px solid Highlight; outline-offset: 2px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
.trace { font-family: ui-monospace, monospace; }
ul.choices { padding-left: 1.25rem; }
)css";
    return res;
}

} // namespace ssogate::gateway::sso_detail
