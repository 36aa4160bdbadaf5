#include "support/response_builder.hpp"

#include "support/keys.hpp"

#include <cstdio>
#include <stdexcept>

namespace ssogate::test::saml_fixture {

using namespace std::chrono;

system_clock::time_point now()
{
    return *ssogate::saml::parse_saml_time("2026-01-01T00:00:00Z");
}

std::string at(seconds offset)
{
    // 2026-01-01T00:00:00Z + offset, offsets within one day either side.
    long long s = offset.count();
    int day = 1;
    int month = 1;
    int year = 2026;
    if (s < 0) {
        s += 86400;
        day = 31;
        month = 12;
        year = 2025;
    }
    day += static_cast<int>(s / 86400);
    s %= 86400;
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02lld:%02lld:%02lldZ", year, month, day, s / 3600, s / 60 % 60,
                  s % 60);
    return buf;
}

ssogate::saml::idp_trust trust()
{
    return {idp_entity, {saml_keys::cert("idp")}};
}

ssogate::saml::idp_trust trust_with_rollover()
{
    return {idp_entity, {saml_keys::cert("idp"), saml_keys::cert("idp_rollover")}};
}

ssogate::saml::sp_options options()
{
    ssogate::saml::sp_options o;
    o.entity_id = sp_entity;
    o.acs_url = acs_url;
    o.decryption_keys = {saml_keys::key("sp")};
    return o;
}

ssogate::saml::response_expectation expectation()
{
    return ssogate::saml::response_expectation::solicited(request_id);
}

std::string response_builder::default_attributes()
{
    return "<saml:Attribute Name=\"email\" NameFormat=\"urn:oasis:names:tc:SAML:2.0:attrname-format:basic\">"
           "<saml:AttributeValue xsi:type=\"xs:string\">alice@example.com</saml:AttributeValue></saml:Attribute>"
           "<saml:Attribute Name=\"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname\" "
           "NameFormat=\"urn:oasis:names:tc:SAML:2.0:attrname-format:uri\" FriendlyName=\"givenName\">"
           "<saml:AttributeValue>Alice</saml:AttributeValue></saml:Attribute>"
           "<saml:Attribute Name=\"surname\"><saml:AttributeValue>Liddell</saml:AttributeValue></saml:Attribute>"
           "<saml:Attribute Name=\"displayName\"><saml:AttributeValue xsi:type=\"xs:string\">Alice Liddell</saml:AttributeValue></saml:Attribute>"
           "<saml:Attribute Name=\"groups\"><saml:AttributeValue>engineering</saml:AttributeValue>"
           "<saml:AttributeValue>acme:platform</saml:AttributeValue></saml:Attribute>"
           "<saml:Attribute Name=\"groups\"><saml:AttributeValue>oncall</saml:AttributeValue></saml:Attribute>"
           "<saml:Attribute Name=\"role\"><saml:AttributeValue>editor</saml:AttributeValue></saml:Attribute>"
           "<saml:Attribute Name=\"department\"><saml:AttributeValue>R&amp;D</saml:AttributeValue></saml:Attribute>";
}

std::string response_builder::assertion() const
{
    std::string a = "<saml:Assertion ID=\"" + assertion_id + "\" Version=\"2.0\" IssueInstant=\"" + issue_instant +
                    "\">" + ws + "<saml:Issuer>" + assertion_issuer + "</saml:Issuer>" + ws + "<saml:Subject>" + ws +
                    "<saml:NameID Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress\" "
                    "SPNameQualifier=\"" + std::string(sp_entity) + "\">" + name_id + "</saml:NameID>" + ws +
                    "<saml:SubjectConfirmation Method=\"" + confirmation_method + "\">" + ws +
                    "<saml:SubjectConfirmationData";
    if (confirmation_in_response_to)
        a += " InResponseTo=\"" + *confirmation_in_response_to + "\"";
    a += " NotOnOrAfter=\"" + confirmation_not_on_or_after + "\" Recipient=\"" + recipient + "\"/>" + ws +
         "</saml:SubjectConfirmation>" + ws + "</saml:Subject>" + ws + "<saml:Conditions";
    if (not_before)
        a += " NotBefore=\"" + *not_before + "\"";
    if (not_on_or_after)
        a += " NotOnOrAfter=\"" + *not_on_or_after + "\"";
    a += ">" + ws + "<saml:AudienceRestriction><saml:Audience>" + audience + "</saml:Audience></saml:AudienceRestriction>" +
         ws + "</saml:Conditions>" + ws + "<saml:AuthnStatement AuthnInstant=\"" + authn_instant +
         "\" SessionIndex=\"_session-77\"" +
         (session_not_on_or_after ? " SessionNotOnOrAfter=\"" + *session_not_on_or_after + "\"" : std::string()) + ">" + ws +
         "<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
         "</saml:AuthnContextClassRef></saml:AuthnContext>" + ws + "</saml:AuthnStatement>" + ws +
         "<saml:AttributeStatement>" + attributes + "</saml:AttributeStatement>" + ws + "</saml:Assertion>";
    return a;
}

std::string response_builder::response(std::optional<std::string> assertion_xml) const
{
    std::string r = "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
                    "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" "
                    "xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" "
                    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ID=\"" +
                    response_id + "\" Version=\"2.0\" IssueInstant=\"" + issue_instant + "\"";
    if (destination)
        r += " Destination=\"" + *destination + "\"";
    if (response_in_response_to)
        r += " InResponseTo=\"" + *response_in_response_to + "\"";
    r += ">" + ws;
    if (response_issuer)
        r += "<saml:Issuer>" + *response_issuer + "</saml:Issuer>" + ws;
    if (!response_extensions.empty())
        r += "<samlp:Extensions>" + response_extensions + "</samlp:Extensions>" + ws;
    r += "<samlp:Status><samlp:StatusCode Value=\"" + status + "\"/></samlp:Status>" + ws;
    r += assertion_xml ? *assertion_xml : assertion();
    r += ws + "</samlp:Response>";
    return r;
}

std::string sign(std::string const& xml, std::string const& id, std::string const& key_name,
                 ssogate::saml::sign_options const& options)
{
    auto r = ssogate::saml::sign_element(xml, id, saml_keys::key(key_name), options);
    if (!r)
        throw std::runtime_error("fixture signing failed: " + r.error().message());
    return *r;
}

std::string signed_assertion_response(response_builder const& b)
{
    return sign(b.response(), b.assertion_id);
}

std::string signed_response_only(response_builder const& b)
{
    return sign(b.response(), b.response_id);
}

std::string encrypt(std::string const& xml, ssogate::saml::encrypt_options const& options)
{
    auto r = ssogate::saml::encrypt_assertion(xml, saml_keys::cert("sp"), options);
    if (!r)
        throw std::runtime_error("fixture encryption failed: " + r.error().message());
    return *r;
}

std::string replace_once(std::string s, std::string const& from, std::string const& to)
{
    auto const pos = s.find(from);
    if (pos == std::string::npos)
        throw std::runtime_error("fixture edit: \"" + from + "\" not found");
    s.replace(pos, from.size(), to);
    return s;
}

ssogate::saml::verify_result verify(std::string const& xml)
{
    return verify(xml, options());
}

ssogate::saml::verify_result verify(std::string const& xml, ssogate::saml::sp_options const& sp)
{
    return ssogate::saml::verify_response_xml(xml, trust(), sp, expectation(), now());
}

} // namespace ssogate::test::saml_fixture
