#pragma once
// saml::sp_metadata_xml — this SP's SAML 2.0 metadata, the document administrators upload
// to their IdP (Entra ID, Keycloak, SimpleSAMLphp, Shibboleth, ADFS import it; Okta and
// Google read the same values from it by hand).
//
// A pure function of its inputs; safe to call from any thread while a
// saml::library_guard is alive (certificates are read through it).
#include <ssogate/saml/errc.hpp>
#include <ssogate/saml/keys.hpp>

#include <boost/system/result.hpp>

#include <string>
#include <vector>

namespace ssogate::saml {

/// NameID formats (SAML 2.0 Core §8.3).
inline constexpr char name_id_format_email[] = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
inline constexpr char name_id_format_persistent[] = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
inline constexpr char name_id_format_unspecified[] = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";

/// One AssertionConsumerService (HTTP-POST binding), e.g. one per connection at
/// `{public_url}/sso/acs/{connection}`.
struct assertion_consumer_service {
    /// Absolute http(s) URL.
    std::string location;
    /// The endpoint's index, unique within the document (keep it stable per
    /// connection so that an IdP that cached the metadata keeps resolving it).
    unsigned index = 0;
};

/// What goes into the SP metadata.
struct sp_metadata_params {
    /// The SP's entityID (ssogate's default: `{public_url}/sso/metadata`); at most 1024
    /// characters (Metadata §2.3.2).
    std::string entity_id;
    /// At least one; the first is marked isDefault="true".
    std::vector<assertion_consumer_service> acs;
    /// Certificates the SP signs AuthnRequests with (current, then next during rollover):
    /// one KeyDescriptor use="signing" each.
    std::vector<certificate> signing_certs;
    /// Certificates IdPs should encrypt assertions to (current, then next): one
    /// KeyDescriptor use="encryption" each, with the encryption algorithms ssogate accepts.
    std::vector<certificate> encryption_certs;
    /// AuthnRequestsSigned; requires at least one signing certificate.
    bool authn_requests_signed = false;
    /// WantAssertionsSigned.
    bool want_assertions_signed = true;
    /// NameIDFormat elements, in order of preference.
    std::vector<std::string> name_id_formats{
        name_id_format_email, name_id_format_persistent, name_id_format_unspecified};
};

/// The SP metadata: an `md:EntityDescriptor` with one `md:SPSSODescriptor`
/// (protocolSupportEnumeration SAML 2.0, AuthnRequestsSigned, WantAssertionsSigned),
/// its KeyDescriptors (base64 DER `ds:X509Certificate`), NameIDFormats and
/// AssertionConsumerServices, in the element order of the metadata schema, every value
/// XML-escaped; UTF-8 with an XML declaration, indented.
///
/// Fails with `errc::malformed` when the entity ID is empty or longer than 1024
/// characters, there is no ACS, an ACS location is not an absolute http(s) URL, two ACS
/// share an index, a NameID format is empty, or AuthnRequestsSigned is asked without a
/// signing certificate.
///
/// @par Specification SAML 2.0 Metadata §2.3.2 (EntityDescriptor), §2.4.4
/// (SPSSODescriptor), §2.4.1.1 (KeyDescriptor), §2.2.3 (IndexedEndpointType)
[[nodiscard]] boost::system::result<std::string> sp_metadata_xml(sp_metadata_params const& params);

} // namespace ssogate::saml
