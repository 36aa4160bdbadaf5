// The console's page layout and response headers (console_support.hpp). Every
// dynamic value that reaches a page goes through escape_markup; pages carry no inline
// script or style (the CSP forbids both), only /admin/assets/console.{css,js}.
#include <ssogate/gateway/console.hpp>
#include <ssogate/jit/plan_json.hpp>

#include "console/console_support.hpp"

namespace ssogate::gateway::console_detail {

void set_console_headers(http_response& res)
{
    res.headers.set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
    res.headers.set("X-Content-Type-Options", "nosniff");
    res.headers.set("Referrer-Policy", "same-origin");
}

namespace {

std::string head(std::string_view title)
{
    std::string out = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
    out += escape_markup(title);
    out += " · ssogate admin</title>\n<link rel=\"stylesheet\" href=\"/admin/assets/console.css\">\n"
           "<script src=\"/admin/assets/console.js\" defer></script>\n";
    return out;
}

} // namespace

http_response console_page(admitted const& a, int status, std::string_view title, std::string_view nav,
                           std::string_view body_html)
{
    http_response res;
    res.status = status;
    res.headers.set("Content-Type", "text/html; charset=utf-8");
    set_console_headers(res);
    if (!a.set_cookie.empty())
        res.headers.add("Set-Cookie", a.set_cookie);
    auto item = [&](std::string_view id, std::string_view href, std::string_view label) {
        std::string li = "<li><a href=\"";
        li += href;
        li += "\"";
        if (id == nav)
            li += " aria-current=\"page\"";
        li += ">";
        li += label;
        li += "</a></li>";
        return li;
    };
    res.body = head(title);
    res.body += "<meta name=\"csrf-token\" content=\"" + a.csrf + "\">\n</head>\n<body>\n<header class=\"top\">\n"
                "<a class=\"brand\" href=\"/admin/\">ssogate admin</a>\n<nav aria-label=\"Console\"><ul>";
    res.body += item("connections", "/admin/connections", "Connections");
    res.body += item("users", "/admin/users", "Users");
    res.body += item("audit", "/admin/audit", "Audit log");
    res.body += "</ul></nav>\n<form method=\"post\" action=\"/admin/logout\" class=\"who\">\n<span>";
    res.body += escape_markup(a.admin.label);
    res.body += "</span>\n" + csrf_input(a) + "\n<button type=\"submit\">Sign out</button>\n</form>\n</header>\n"
                "<main>\n<h1>";
    res.body += escape_markup(title);
    res.body += "</h1>\n";
    res.body += body_html;
    res.body += "\n</main>\n</body>\n</html>\n";
    return res;
}

http_response bare_page(int status, std::string_view title, std::string_view body_html)
{
    http_response res;
    res.status = status;
    res.headers.set("Content-Type", "text/html; charset=utf-8");
    set_console_headers(res);
    res.body = head(title);
    res.body += "</head>\n<body>\n<main class=\"narrow\">\n<h1>";
    res.body += escape_markup(title);
    res.body += "</h1>\n";
    res.body += body_html;
    res.body += "\n</main>\n</body>\n</html>\n";
    return res;
}

http_response json_response(int status, std::string body)
{
    http_response res;
    res.status = status;
    res.headers.set("Content-Type", "application/json");
    set_console_headers(res);
    res.body = std::move(body);
    res.body += '\n';
    return res;
}

std::string show_time(std::chrono::system_clock::time_point t)
{
    auto s = jit::to_iso8601(t); // 2024-05-01T12:00:00Z
    if (s.size() > 10 && s[10] == 'T')
        s[10] = ' ';
    return s;
}

} // namespace ssogate::gateway::console_detail
