// The development IdP's HTTP handler: metadata, the login form, and the page that
// POSTs the signed response to the SP.
#include <ssogate/gateway/dev_idp.hpp>

#include "text/escape.hpp"
#include "text/form.hpp"

#include <ssogate/saml/authn_request.hpp>

#include <openssl/evp.h>

#include <array>
#include <optional>
#include <utility>

namespace ssogate::gateway::dev_idp {

namespace {

using params = std::vector<std::pair<std::string, std::string>>;

/// application/x-www-form-urlencoded (also a query string); nullopt on a bad escape.
std::optional<params> parse_form(std::string_view s)
{
    params out;
    while (!s.empty()) {
        auto amp = s.find('&');
        auto pair = s.substr(0, amp);
        s = amp == std::string_view::npos ? std::string_view() : s.substr(amp + 1);
        if (pair.empty())
            continue;
        auto eq = pair.find('=');
        auto name = decode_form_component(pair.substr(0, eq));
        auto value = decode_form_component(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
        if (!name || !value)
            return std::nullopt;
        out.emplace_back(std::move(*name), std::move(*value));
    }
    return out;
}

std::string param(params const& p, std::string_view name)
{
    for (auto const& [k, v] : p)
        if (k == name)
            return v;
    return {};
}

std::string base64(std::string_view bytes)
{
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<unsigned char const*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

/// "https://host:port" of an absolute URL (for the CSP form-action of the POST page).
std::string origin_of(std::string_view url)
{
    auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos)
        return {};
    auto path = url.find_first_of("/?#", scheme_end + 3);
    return std::string(url.substr(0, path));
}

std::vector<std::string> split_groups(std::string_view s)
{
    std::vector<std::string> out;
    while (true) {
        auto comma = s.find(',');
        auto item = s.substr(0, comma);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
            item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
            item.remove_suffix(1);
        if (!item.empty())
            out.emplace_back(item);
        if (comma == std::string_view::npos)
            break;
        s.remove_prefix(comma + 1);
    }
    return out;
}

constexpr std::string_view style =
    "body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#222}"
    ".warn{background:#fff3cd;border:1px solid #e0b000;padding:.5rem 1rem;border-radius:4px}"
    "label{display:block;margin:.8rem 0 .2rem;font-weight:600}"
    "input,select{width:100%;padding:.4rem;font-size:1rem;box-sizing:border-box}"
    "button{margin-top:1.2rem;padding:.5rem 1.5rem;font-size:1rem}"
    "code{word-break:break-all}";

http_response page(int status, std::string_view title, std::string const& body, std::string_view form_action)
{
    http_response res;
    res.status = status;
    res.headers.set("Content-Type", "text/html; charset=utf-8");
    res.headers.set("Cache-Control", "no-store");
    res.headers.set("X-Content-Type-Options", "nosniff");
    res.headers.set("X-Frame-Options", "DENY");
    res.headers.set("Referrer-Policy", "no-referrer");
    res.headers.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action " +
                                                   std::string(form_action) + "; frame-ancestors 'none'");
    res.body = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape_markup(title) +
               "</title><style>" + std::string(style) + "</style></head><body>\n<h1>" + escape_markup(title) +
               "</h1>\n<p class=\"warn\"><strong>ssogate development IdP.</strong> For development only: it signs "
               "in whoever you type, without a password.</p>\n" +
               body + "</body></html>\n";
    return res;
}

http_response error_page(int status, std::string const& message)
{
    return page(status, "Development IdP: request refused", "<p>" + escape_markup(message) + "</p>\n", "'none'");
}

} // namespace

identity_provider::identity_provider(idp_settings settings, signing_keys keys, clock_fn clock, random_fn random)
    : settings_(std::move(settings)), keys_(std::move(keys)), clock_(std::move(clock)), random_(std::move(random))
{
    while (!settings_.base_url.empty() && settings_.base_url.back() == '/')
        settings_.base_url.pop_back();
    if (settings_.entity_id.empty())
        settings_.entity_id = settings_.base_url + "/metadata";
    metadata_ = idp_metadata_xml(settings_.entity_id, sso_url(), keys_.cert);
}

std::string identity_provider::random_hex(std::size_t bytes) const
{
    std::vector<std::byte> buf(bytes);
    random_(buf);
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (auto b : buf) {
        auto v = std::to_integer<unsigned>(b);
        out += digits[v >> 4];
        out += digits[v & 15];
    }
    return out;
}

http_response identity_provider::handle(http_request const& req)
{
    auto const path = req.path();
    bool const get = req.method == http_method::get || req.method == http_method::head;
    if (path == "/metadata" || path == "/sso" || path == "/idp-initiated") {
        if (!get) {
            auto res = http_response::text(405, "method not allowed\n");
            res.headers.set("Allow", "GET, HEAD");
            return res;
        }
        if (path == "/metadata") {
            http_response res;
            res.headers.set("Content-Type", "application/samlmetadata+xml");
            res.body = metadata_;
            return res;
        }
        return path == "/sso" ? handle_sso(req) : handle_idp_initiated(req);
    }
    if (path == "/sso/login") {
        if (req.method != http_method::post) {
            auto res = http_response::text(405, "method not allowed\n");
            res.headers.set("Allow", "POST");
            return res;
        }
        return handle_login(req);
    }
    if (path == "/" && get) {
        return page(200, "Development IdP",
                    "<p>Metadata: <a href=\"/metadata\"><code>" + escape_markup(metadata_url()) +
                        "</code></a></p>\n<p>Entity ID: <code>" + escape_markup(settings_.entity_id) +
                        "</code></p>\n<p>Sign in from the SP, or start an IdP-initiated sign-in at "
                        "<a href=\"/idp-initiated\">/idp-initiated</a>.</p>\n",
                    "'none'");
    }
    return http_response::text(404, "not found\n");
}

http_response identity_provider::handle_sso(http_request const& req)
{
    auto msg = saml::parse_redirect_query(req.query());
    if (!msg)
        return error_page(400, "The SAMLRequest could not be read: " + msg.error().message() + ".");
    auto request = saml::read_authn_request(msg->saml_request);
    if (!request)
        return error_page(400, "The AuthnRequest is not valid: " + request.error().message() + ".");

    std::string acs = request->acs_url;
    if (acs.empty() && settings_.allowed_acs_urls.size() == 1)
        acs = settings_.allowed_acs_urls.front();
    if (!acs_allowed(acs, settings_.allowed_acs_urls))
        return error_page(403, "The AuthnRequest asks for the assertion consumer service \"" + acs +
                                   "\", which this development IdP was not told to trust. Start it with --acs-url " +
                                   (acs.empty() ? std::string("URL") : acs) + ".");
    return login_form(pending{request->id, acs, request->sp_entity_id, msg->relay_state.value_or(""), {}});
}

http_response identity_provider::handle_idp_initiated(http_request const& req)
{
    auto q = parse_form(req.query());
    if (!q)
        return error_page(400, "The query string is badly encoded.");
    auto acs = param(*q, "acs");
    if (acs.empty() && !settings_.allowed_acs_urls.empty())
        acs = settings_.allowed_acs_urls.front();
    if (!acs_allowed(acs, settings_.allowed_acs_urls))
        return error_page(403, "The assertion consumer service \"" + acs +
                                   "\" is not one this development IdP was told to trust (--acs-url).");
    return login_form(pending{{}, acs, settings_.sp_entity_id, param(*q, "RelayState"), {}});
}

http_response identity_provider::login_form(pending p)
{
    auto const now = clock_();
    p.expires = now + settings_.pending_lifetime;
    auto token = random_hex(16);
    bool const unsolicited = p.request_id.empty();
    std::string sp = p.sp_entity_id;
    std::string acs = p.acs_url;
    {
        std::lock_guard lock(mutex_);
        std::erase_if(pending_, [&](auto const& e) { return e.second.expires <= now; });
        if (pending_.size() >= 10'000)
            return error_page(503, "Too many sign-ins in progress; try again in a few minutes.");
        pending_.emplace(token, std::move(p));
    }
    std::string body =
        "<p>" + std::string(unsolicited ? "IdP-initiated (unsolicited) sign-in" : "Sign-in requested") +
        " for <code>" + escape_markup(sp) + "</code>; the response goes to <code>" + escape_markup(acs) + "</code>.</p>\n"
        "<form method=\"post\" action=\"/sso/login\">\n"
        "<input type=\"hidden\" name=\"token\" value=\"" + token + "\">\n"
        "<label for=\"email\">Email</label><input id=\"email\" name=\"email\" type=\"email\" required "
        "value=\"alice@example.com\">\n"
        "<label for=\"display_name\">Display name</label><input id=\"display_name\" name=\"display_name\" "
        "value=\"Alice Example\">\n"
        "<label for=\"groups\">Groups (comma-separated)</label><input id=\"groups\" name=\"groups\" "
        "value=\"engineering\">\n"
        "<label for=\"role\">Role</label><select id=\"role\" name=\"role\">"
        "<option value=\"member\" selected>member</option><option value=\"editor\">editor</option>"
        "<option value=\"owner\">owner</option><option value=\"\">(none)</option></select>\n"
        "<button type=\"submit\">Sign in</button>\n</form>\n";
    return page(200, "Development IdP: sign in", body, "'self'");
}

http_response identity_provider::handle_login(http_request const& req)
{
    auto form = parse_form(req.body);
    if (!form)
        return error_page(400, "The form is badly encoded.");
    auto const token = param(*form, "token");
    auto const now = clock_();
    std::optional<pending> p;
    {
        std::lock_guard lock(mutex_);
        if (auto it = pending_.find(token); it != pending_.end()) {
            if (it->second.expires > now)
                p = std::move(it->second);
            pending_.erase(it); // single use
        }
    }
    if (!p)
        return error_page(400, "This sign-in form is unknown, was already used or has expired. Start again from "
                               "the application.");

    response_input in;
    in.idp_entity_id = settings_.entity_id;
    in.sp_entity_id = p->sp_entity_id;
    in.acs_url = p->acs_url;
    in.in_response_to = p->request_id;
    in.user.email = param(*form, "email");
    in.user.display_name = param(*form, "display_name");
    in.user.groups = split_groups(param(*form, "groups"));
    in.user.role = param(*form, "role");
    in.now = now;
    in.response_id = "_" + random_hex(16);
    in.assertion_id = "_" + random_hex(16);
    in.session_index = "_" + random_hex(16);
    if (in.user.email.empty())
        return error_page(400, "An email is required.");

    auto xml = build_response_xml(in, keys_.key, keys_.cert);
    if (!xml)
        return error_page(500, "The response could not be signed: " + xml.error().message() + ".");

    std::string body =
        "<p>Signed in as <code>" + escape_markup(in.user.email) + "</code>. Press Continue to send the signed "
        "response to <code>" + escape_markup(in.acs_url) + "</code>.</p>\n"
        "<form method=\"post\" action=\"" + escape_markup(in.acs_url) + "\">\n"
        "<input type=\"hidden\" name=\"SAMLResponse\" value=\"" + base64(*xml) + "\">\n";
    if (!p->relay_state.empty())
        body += "<input type=\"hidden\" name=\"RelayState\" value=\"" + escape_markup(p->relay_state) + "\">\n";
    body += "<button type=\"submit\">Continue</button>\n</form>\n";
    auto origin = origin_of(in.acs_url);
    return page(200, "Development IdP: continue", body, origin.empty() ? std::string_view("'none'") : origin);
}

} // namespace ssogate::gateway::dev_idp
