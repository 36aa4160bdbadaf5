// The pure pieces of the development IdP: the signed Response, the metadata, and the
// loopback and ACS checks. No clock, no randomness, no socket.
#include <ssogate/gateway/dev_idp.hpp>

#include "text/escape.hpp"

#include <ssogate/saml/sign.hpp>

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace ssogate::gateway::dev_idp {

namespace {

std::string attribute(std::string_view name, std::span<std::string const> values)
{
    std::string a = "<saml:Attribute Name=\"" + escape_markup(name) +
                    "\" NameFormat=\"urn:oasis:names:tc:SAML:2.0:attrname-format:basic\">";
    for (auto const& v : values)
        a += "<saml:AttributeValue xsi:type=\"xs:string\">" + escape_markup(v) + "</saml:AttributeValue>";
    a += "</saml:Attribute>";
    return a;
}

std::string attribute(std::string_view name, std::string const& value)
{
    return attribute(name, std::span<std::string const>(&value, 1));
}

} // namespace

std::string saml_time(std::chrono::system_clock::time_point t)
{
    auto tt = std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(t));
    std::tm tm{};
    ::gmtime_r(&tt, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

boost::system::result<std::string> build_response_xml(response_input const& in, saml::private_key const& key,
                                                      saml::certificate const& cert)
{
    using namespace std::chrono_literals;
    auto const issue = saml_time(in.now);
    auto const not_before = saml_time(in.now - 1min);
    auto const not_after = saml_time(in.now + 5min);
    auto const in_response_to =
        in.in_response_to.empty() ? std::string() : " InResponseTo=\"" + escape_markup(in.in_response_to) + "\"";
    auto const issuer = "<saml:Issuer>" + escape_markup(in.idp_entity_id) + "</saml:Issuer>";

    std::string attrs = attribute("email", in.user.email);
    if (!in.user.display_name.empty()) {
        // The first word of the display name doubles as the given name.
        auto given = in.user.display_name.substr(0, in.user.display_name.find(' '));
        attrs += attribute("givenName", given);
        attrs += attribute("displayName", in.user.display_name);
    }
    if (!in.user.groups.empty())
        attrs += attribute("groups", in.user.groups);
    if (!in.user.role.empty())
        attrs += attribute("role", in.user.role);

    std::string const assertion =
        "<saml:Assertion ID=\"" + escape_markup(in.assertion_id) + "\" Version=\"2.0\" IssueInstant=\"" + issue + "\">" +
        issuer + "<saml:Subject><saml:NameID Format=\"" + std::string(name_id_format_email) + "\">" +
        escape_markup(in.user.email) +
        "</saml:NameID><saml:SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\">"
        "<saml:SubjectConfirmationData" + in_response_to + " NotOnOrAfter=\"" + not_after + "\" Recipient=\"" +
        escape_markup(in.acs_url) + "\"/></saml:SubjectConfirmation></saml:Subject>"
        "<saml:Conditions NotBefore=\"" + not_before + "\" NotOnOrAfter=\"" + not_after +
        "\"><saml:AudienceRestriction><saml:Audience>" + escape_markup(in.sp_entity_id) +
        "</saml:Audience></saml:AudienceRestriction></saml:Conditions>"
        "<saml:AuthnStatement AuthnInstant=\"" + issue + "\" SessionIndex=\"" + escape_markup(in.session_index) +
        "\"><saml:AuthnContext><saml:AuthnContextClassRef>"
        "urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified</saml:AuthnContextClassRef></saml:AuthnContext>"
        "</saml:AuthnStatement><saml:AttributeStatement>" + attrs + "</saml:AttributeStatement></saml:Assertion>";

    std::string const response =
        "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
        "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" "
        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ID=\"" + escape_markup(in.response_id) +
        "\" Version=\"2.0\" IssueInstant=\"" + issue + "\" Destination=\"" + escape_markup(in.acs_url) + "\"" +
        in_response_to + ">" + issuer +
        "<samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status>" +
        assertion + "</samlp:Response>";

    saml::sign_options opts;
    opts.key_info = saml::key_info_content::x509_certificate;
    opts.cert = cert;
    // Assertion first: the Response signature then covers the signed assertion.
    auto signed_assertion = saml::sign_element(response, in.assertion_id, key, opts);
    if (!signed_assertion)
        return signed_assertion.error();
    return saml::sign_element(*signed_assertion, in.response_id, key, opts);
}

std::string idp_metadata_xml(std::string_view entity_id, std::string_view sso_url, saml::certificate const& cert)
{
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" "
           "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"" + escape_markup(entity_id) + "\">\n"
           "  <md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
           "WantAuthnRequestsSigned=\"false\">\n"
           "    <md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>" +
           cert.base64_der() +
           "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>\n"
           "    <md:NameIDFormat>" + std::string(name_id_format_email) + "</md:NameIDFormat>\n"
           "    <md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"" +
           escape_markup(sso_url) + "\"/>\n"
           "  </md:IDPSSODescriptor>\n"
           "</md:EntityDescriptor>\n";
}

bool is_loopback_host(std::string_view host) noexcept
{
    if (host == "localhost")
        return true;
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    char buf[64];
    if (host.size() >= sizeof buf)
        return false;
    std::copy(host.begin(), host.end(), buf);
    buf[host.size()] = '\0';
    unsigned char a[16];
    if (::inet_pton(AF_INET, buf, a) == 1)
        return a[0] == 127;
    if (::inet_pton(AF_INET6, buf, a) == 1) {
        static constexpr unsigned char loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        static constexpr unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (std::equal(a, a + 16, loopback))
            return true;
        return std::equal(a, a + 12, mapped) && a[12] == 127;
    }
    return false;
}

bool acs_allowed(std::string_view acs_url, std::span<std::string const> allowed) noexcept
{
    return !acs_url.empty() && std::find(allowed.begin(), allowed.end(), acs_url) != allowed.end();
}

} // namespace ssogate::gateway::dev_idp
