#pragma once
// saml::encrypt_assertion — turns a Response's Assertion into an EncryptedAssertion
// for an SP's certificate. Used by the development IdP (to exercise an SP's
// "want encrypted assertions") and by the tests to make encrypted fixtures.
#include <ssogate/saml/errc.hpp>
#include <ssogate/saml/keys.hpp>

#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace ssogate::saml {

/// Content encryption (XML Encryption 1.1 §5.2).
enum class content_encryption { aes128_cbc = 1, aes256_cbc, aes128_gcm, aes256_gcm };

/// Where the EncryptedKey goes, in the two forms real IdPs send.
enum class encrypted_key_placement {
    /// EncryptedData/KeyInfo/EncryptedKey (ADFS, Entra ID, Shibboleth IdP).
    inside_key_info = 1,
    /// EncryptedKey beside EncryptedData in the EncryptedAssertion, referenced by
    /// EncryptedData/KeyInfo/RetrievalMethod Type="...#EncryptedKey" URI="#id" (Okta).
    retrieval_method,
};

struct encrypt_options {
    content_encryption content = content_encryption::aes256_gcm;
    encrypted_key_placement placement = encrypted_key_placement::inside_key_info;
};

/// Encrypts the single saml:Assertion child of the samlp:Response in `response_xml`
/// for `sp_cert` (session key transported with RSA-OAEP-MGF1P, SHA-1 OAEP digest
/// as every IdP sends it), replacing it with saml:EncryptedAssertion. Sign the
/// assertion before, and the Response (if wanted) after.
///
/// @returns errc::malformed if there is no single Assertion child of a Response;
///          errc::key_invalid if `sp_cert` is not RSA; errc::signing_failed if
///          xmlsec fails.
/// @par Specification SAML 2.0 Core §2.3.4, §6.1; XML Encryption §4.1
/// @par Thread safety
/// Reentrant; requires a live saml::library_guard.
[[nodiscard]] boost::system::result<std::string> encrypt_assertion(std::string_view response_xml,
                                                                   certificate const& sp_cert,
                                                                   encrypt_options const& options = {});

} // namespace ssogate::saml
