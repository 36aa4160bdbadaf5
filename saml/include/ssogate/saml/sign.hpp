#pragma once
// saml::sign_element — XML Signature (enveloped, exclusive c14n) over one element.
//
// Used by the development IdP to sign assertions and responses, and by the tests to
// make fixtures. Pure: XML text and a key in, signed XML text out.
#include <ssogate/saml/errc.hpp>
#include <ssogate/saml/keys.hpp>

#include <boost/system/result.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace ssogate::saml {

/// SignatureMethod algorithms. The verifier accepts RSA and ECDSA with SHA-256/384/512;
/// rsa_sha1 only when a connection allows SHA-1 (it is here for tests and legacy IdPs).
enum class signature_algorithm { rsa_sha256 = 1, rsa_sha384, rsa_sha512, ecdsa_sha256, ecdsa_sha384, ecdsa_sha512, rsa_sha1 };

/// DigestMethod algorithms (sha1 as above: tests and legacy only).
enum class digest_algorithm { sha256 = 1, sha384, sha512, sha1 };

/// Where the `ds:Signature` element goes inside its host element.
enum class signature_placement {
    /// Right after the host's `saml:Issuer` child — the position the SAML schema
    /// requires (Core §2.3.3 Assertion, §3.2.2 StatusResponseType); first child if
    /// there is no Issuer.
    after_issuer = 1,
    /// As the last child (some IdPs do this; schema-invalid, but common).
    last_child,
};

/// What `ds:KeyInfo` carries. The verifier ignores KeyInfo entirely (keys are
/// pinned), so this only matters for interoperability and for tests.
enum class key_info_content {
    none = 1,           ///< no KeyInfo element
    x509_certificate,   ///< KeyInfo/X509Data/X509Certificate (needs sign_options::cert)
    rsa_key_value,      ///< KeyInfo/KeyValue/RSAKeyValue (RSA keys only)
};

struct sign_options {
    signature_algorithm algorithm = signature_algorithm::rsa_sha256;
    digest_algorithm digest = digest_algorithm::sha256;
    signature_placement placement = signature_placement::after_issuer;
    key_info_content key_info = key_info_content::none;
    /// The certificate written into X509Data (when key_info == x509_certificate).
    std::optional<certificate> cert;
    /// ID of the element that receives the Signature; empty: the signed element
    /// itself (enveloped). Anything else produces a signature that ssogate's
    /// verifier refuses (reference to another element) — for tests only.
    std::string host_id;
};

/// Signs the element whose `ID` (or `Id`) attribute equals `id` with an enveloped
/// XML Signature: one Reference `URI="#id"`, transforms enveloped-signature and
/// exclusive c14n (no comments), SignedInfo canonicalised with exclusive c14n.
/// The rest of the document is returned byte-for-byte as libxml2 serialises it,
/// with an XML declaration.
///
/// @returns errc::malformed if `xml` does not parse (same hardened parser as the
///          verifier) or no single element has that ID; errc::key_invalid if the
///          key does not fit the algorithm or KeyInfo content; errc::signing_failed
///          if xmlsec fails.
/// @par Specification XML Signature Syntax and Processing (Second Edition) §3.1
///      (core generation), §6.6.4 (enveloped signature transform); Exclusive XML
///      Canonicalization 1.0; SAML 2.0 Core §5.4 (SAML signature profile: enveloped,
///      one Reference to the ID of the signed element, exclusive c14n).
/// @par Thread safety
/// Reentrant; requires a live saml::library_guard.
[[nodiscard]] boost::system::result<std::string> sign_element(std::string_view xml, std::string_view id,
                                                              private_key const& key,
                                                              sign_options const& options = {});

} // namespace ssogate::saml
