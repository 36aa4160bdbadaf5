#include "support/sso_fixture.hpp"

#include <ssogate/gateway/routes.hpp>
#include <ssogate/jit/plan_json.hpp>
#include <ssogate/saml/keys.hpp>
#include <ssogate/saml/sign.hpp>

#include <openssl/evp.h>

#include <atomic>
#include <stdexcept>

namespace ssogate::test::sso {

namespace {

std::string pem(std::string const& file)
{
    return read_file(data_path("saml/keys/" + file));
}

saml::private_key test_key(std::string const& name)
{
    auto k = saml::private_key::from_pem(pem(name + ".key"));
    if (!k)
        throw std::runtime_error("cannot load test key " + name);
    return *k;
}

std::string idp_metadata()
{
    auto cert = saml::certificate::from_pem(pem("idp.crt"));
    if (!cert)
        throw std::runtime_error("cannot load idp.crt");
    return std::string("<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" "
                       "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"")
           + idp_entity
           + "\"><md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
             "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>"
           + cert->base64_der()
           + "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
             "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\""
           + idp_sso_url + "\"/></md:IDPSSODescriptor></md:EntityDescriptor>";
}

gateway::config test_config()
{
    auto cfg = gateway::default_config();
    cfg.server.public_url = public_url;
    cfg.server.public_url_from_listen = false;
    cfg.sp.entity_id = std::string(public_url) + "/sso/metadata";

    gateway::connection_config okta;
    okta.id = "okta";
    okta.name = "Okta";
    okta.domains = {"example.com", "shared.test"};
    okta.idp.xml = idp_metadata();
    okta.sp.allowed_return_origins = {"https://app.example.com"};
    cfg.connections.push_back(okta);

    gateway::connection_config partner = okta;
    partner.id = "partner";
    partner.name = "Partner <IdP>";
    partner.domains = {"partner.test", "shared.test"};
    partner.sp.allow_idp_initiated = true;
    partner.sp.allowed_return_origins.clear();
    cfg.connections.push_back(partner);
    return cfg;
}

std::unique_ptr<store::store> open_store(std::filesystem::path const& path)
{
    auto s = store::open_sqlite(path);
    if (!s)
        throw std::runtime_error("open_sqlite: " + s.error().message);
    return std::move(*s);
}

gateway::random_fn unique_random()
{
    auto counter = std::make_shared<std::atomic<std::uint64_t>>(1);
    return [counter](std::span<std::byte> out) {
        // SplitMix64 over a counter: deterministic, and no two calls return the same bytes.
        for (std::size_t i = 0; i < out.size(); i += 8) {
            std::uint64_t z = (counter->fetch_add(1) + 1) * 0x9e3779b97f4a7c15ull;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
            z ^= z >> 31;
            for (std::size_t j = 0; j < 8 && i + j < out.size(); ++j)
                out[i + j] = static_cast<std::byte>(z >> (8 * j));
        }
    };
}

std::string base64(std::string const& in)
{
    std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<unsigned char const*>(in.data()), static_cast<int>(in.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string xml_escape(std::string const& s)
{
    std::string out;
    for (char c : s) {
        if (c == '&')
            out += "&amp;";
        else if (c == '<')
            out += "&lt;";
        else if (c == '"')
            out += "&quot;";
        else
            out += c;
    }
    return out;
}

} // namespace

std::string url_encode(std::string_view s)
{
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
            || c == '_' || c == '~')
            out += static_cast<char>(c);
        else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}

void browser::take_cookies(gateway::http_response const& res)
{
    for (auto const& [name, value] : res.headers) {
        if (name != "Set-Cookie")
            continue;
        auto semi = value.find(';');
        auto pair = value.substr(0, semi);
        auto eq = pair.find('=');
        auto cname = pair.substr(0, eq);
        auto cvalue = pair.substr(eq + 1);
        if (value.find("Max-Age=0") != std::string::npos)
            cookies.erase(cname);
        else
            cookies[cname] = cvalue;
    }
}

std::string browser::cookie_header() const
{
    std::string h;
    for (auto const& [n, v] : cookies) {
        if (!h.empty())
            h += "; ";
        h += n + "=" + v;
    }
    return h;
}

sso_app::sso_app()
    : cfg(test_config()),
      store(open_store(dir / "ssogate.db")),
      connections(gateway::connection_registry::build(cfg)),
      now(std::make_shared<std::chrono::system_clock::time_point>(
          std::chrono::system_clock::time_point(std::chrono::seconds(1767225600)))), // 2026-01-01T00:00:00Z
      ctx{cfg, *store, [n = now] { return *n; }, unique_random(), log.logger(), connections}
{
    gateway::sync_file_connections(cfg, *store, *now);
}

gateway::http_response sso_app::get(browser& b, std::string const& target)
{
    gateway::http_request req;
    req.method = gateway::http_method::get;
    req.target = target;
    req.remote_address = "192.0.2.10";
    if (!b.cookies.empty())
        req.headers.set("Cookie", b.cookie_header());
    auto res = gateway::handle_request(ctx, req);
    b.take_cookies(res);
    return res;
}

gateway::http_response sso_app::post(browser& b, std::string const& target, std::string const& form_body,
                                     std::optional<std::string> origin)
{
    gateway::http_request req;
    req.method = gateway::http_method::post;
    req.target = target;
    req.body = form_body;
    req.remote_address = "192.0.2.10";
    req.headers.set("Content-Type", "application/x-www-form-urlencoded");
    if (origin)
        req.headers.set("Origin", *origin);
    if (!b.cookies.empty())
        req.headers.set("Cookie", b.cookie_header());
    auto res = gateway::handle_request(ctx, req);
    b.take_cookies(res);
    return res;
}

std::string sso_app::start_login(browser& b, std::string const& connection, std::string const& return_to)
{
    auto res = get(b, "/sso/login/" + connection + "?return_to=" + url_encode(return_to));
    if (res.status != 302)
        throw std::runtime_error("login did not redirect: " + std::to_string(res.status) + " " + res.body);
    std::string location(res.headers.get("Location").value_or(""));
    auto pos = location.find("RelayState=");
    if (pos == std::string::npos)
        throw std::runtime_error("no RelayState in " + location);
    auto relay = location.substr(pos + 11);
    return relay.substr(0, relay.find('&'));
}

std::string sso_app::saml_response(idp_response const& r) const
{
    auto t = [&](std::chrono::seconds offset) { return jit::to_iso8601(*now + offset); };
    std::string const acs = std::string(public_url) + "/sso/acs/" + r.connection;
    std::string const irt = r.in_response_to ? " InResponseTo=\"" + *r.in_response_to + "\"" : std::string();
    std::string attrs = "<saml:Attribute Name=\"email\"><saml:AttributeValue>" + xml_escape(r.email)
                        + "</saml:AttributeValue></saml:Attribute>"
                          "<saml:Attribute Name=\"displayName\"><saml:AttributeValue>"
                        + xml_escape(r.display_name)
                        + "</saml:AttributeValue></saml:Attribute>"
                          "<saml:Attribute Name=\"role\"><saml:AttributeValue>"
                        + xml_escape(r.role) + "</saml:AttributeValue></saml:Attribute><saml:Attribute Name=\"groups\">";
    for (auto const& g : r.groups)
        attrs += "<saml:AttributeValue>" + xml_escape(g) + "</saml:AttributeValue>";
    attrs += "</saml:Attribute>";
    std::string xml =
        "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
        "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_response-"
        + r.assertion_id.substr(1) + "\" Version=\"2.0\" IssueInstant=\"" + t(std::chrono::seconds(-1))
        + "\" Destination=\"" + acs + "\"" + irt + "><saml:Issuer>" + idp_entity
        + "</saml:Issuer><samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/>"
          "</samlp:Status><saml:Assertion ID=\""
        + r.assertion_id + "\" Version=\"2.0\" IssueInstant=\"" + t(std::chrono::seconds(-1))
        + "\"><saml:Issuer>" + idp_entity
        + "</saml:Issuer><saml:Subject><saml:NameID "
          "Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress\">"
        + xml_escape(r.name_id)
        + "</saml:NameID><saml:SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\">"
          "<saml:SubjectConfirmationData"
        + irt + " NotOnOrAfter=\"" + t(r.valid_for) + "\" Recipient=\"" + acs
        + "\"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore=\"" + t(std::chrono::seconds(-60))
        + "\" NotOnOrAfter=\"" + t(r.valid_for) + "\"><saml:AudienceRestriction><saml:Audience>" + public_url
        + "/sso/metadata</saml:Audience></saml:AudienceRestriction></saml:Conditions>"
          "<saml:AuthnStatement AuthnInstant=\""
        + t(std::chrono::seconds(-2))
        + "\" SessionIndex=\"_session-1\"><saml:AuthnContext><saml:AuthnContextClassRef>"
          "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef>"
          "</saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement>"
        + attrs + "</saml:AttributeStatement></saml:Assertion></samlp:Response>";
    auto signed_xml = saml::sign_element(xml, r.assertion_id, test_key(r.signing_key));
    if (!signed_xml)
        throw std::runtime_error("signing failed: " + signed_xml.error().message());
    return base64(*signed_xml);
}

gateway::http_response sso_app::post_acs(browser& b, idp_response const& r, std::string const& relay_state)
{
    std::string body = "SAMLResponse=" + url_encode(saml_response(r));
    if (!relay_state.empty())
        body += "&RelayState=" + url_encode(relay_state);
    return post(b, "/sso/acs/" + r.connection, body);
}

std::vector<store::audit_event> sso_app::audit(std::string const& action)
{
    std::vector<store::audit_event> out;
    auto tx = store->begin(store::access::read);
    if (!tx)
        throw std::runtime_error("store");
    store::audit_filter f;
    f.action = action;
    auto events = (*tx)->audit().after(0, 1000, f);
    if (!events)
        throw std::runtime_error("audit");
    for (auto const& e : *events)
        out.push_back(e.event);
    return out;
}

} // namespace ssogate::test::sso
