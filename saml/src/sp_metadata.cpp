#include <ssogate/saml/sp_metadata.hpp>

#include "detail/library_state.hpp"
#include "detail/url.hpp"
#include "metadata/protocol_text.hpp"

#include <algorithm>
#include <set>

namespace ssogate::saml {
namespace {

constexpr std::size_t max_entity_id = 1024; // Metadata §2.3.2: entityID "MUST NOT exceed 1024 characters"

// Encryption algorithms the verifier decrypts (DESIGN.md "Security rules"); listing them
// lets IdPs that read EncryptionMethod (Shibboleth, SimpleSAMLphp) avoid rsa-1_5.
constexpr char const* encryption_methods[] = {
    "http://www.w3.org/2009/xmlenc11#aes256-gcm",
    "http://www.w3.org/2009/xmlenc11#aes128-gcm",
    "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
    "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
    "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
};

void key_descriptor(std::string& xml, char const* use, certificate const& cert, bool with_methods)
{
    xml += "    <md:KeyDescriptor use=\"";
    xml += use;
    xml += "\">\n      <ds:KeyInfo>\n        <ds:X509Data>\n          <ds:X509Certificate>";
    xml += cert.base64_der();
    xml += "</ds:X509Certificate>\n        </ds:X509Data>\n      </ds:KeyInfo>\n";
    if (with_methods) {
        for (char const* method : encryption_methods) {
            xml += "      <md:EncryptionMethod Algorithm=\"";
            xml += method;
            xml += "\"/>\n";
        }
    }
    xml += "    </md:KeyDescriptor>\n";
}

} // namespace

boost::system::result<std::string> sp_metadata_xml(sp_metadata_params const& params)
{
    detail::require_library();
    if (params.entity_id.empty() || params.entity_id.size() > max_entity_id || params.acs.empty())
        return errc::malformed;
    if (params.authn_requests_signed && params.signing_certs.empty())
        return errc::malformed;
    std::set<unsigned> indices;
    for (auto const& acs : params.acs)
        if (!detail::is_absolute_http_url(acs.location) || !indices.insert(acs.index).second)
            return errc::malformed;
    if (std::any_of(params.name_id_formats.begin(), params.name_id_formats.end(),
            [](std::string const& f) { return f.empty(); }))
        return errc::malformed;

    std::string xml;
    xml.reserve(4096);
    xml += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" "
           "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"";
    xml += detail::xml_escape(params.entity_id);
    xml += "\">\n  <md:SPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
           "AuthnRequestsSigned=\"";
    xml += params.authn_requests_signed ? "true" : "false";
    xml += "\" WantAssertionsSigned=\"";
    xml += params.want_assertions_signed ? "true" : "false";
    xml += "\">\n";
    // Schema order (Metadata §2.4.1, §2.4.2, §2.4.4): KeyDescriptor*, ..., NameIDFormat*,
    // AssertionConsumerService+.
    for (auto const& cert : params.signing_certs)
        key_descriptor(xml, "signing", cert, false);
    for (auto const& cert : params.encryption_certs)
        key_descriptor(xml, "encryption", cert, true);
    for (auto const& format : params.name_id_formats) {
        xml += "    <md:NameIDFormat>";
        xml += detail::xml_escape(format);
        xml += "</md:NameIDFormat>\n";
    }
    bool first = true;
    for (auto const& acs : params.acs) {
        xml += "    <md:AssertionConsumerService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"";
        xml += detail::xml_escape(acs.location);
        xml += "\" index=\"";
        xml += std::to_string(acs.index);
        xml += '"';
        if (first)
            xml += " isDefault=\"true\"";
        first = false;
        xml += "/>\n";
    }
    xml += "  </md:SPSSODescriptor>\n</md:EntityDescriptor>\n";
    return xml;
}

} // namespace ssogate::saml
