#pragma once
// saml::errc — one value per reason a SAML message is refused.
//
// Precise inside, generic outside (STYLE.md rule 7): these codes go to the audit
// log as `result.reason` (see `to_reason_code`), the browser sees only "sign-in
// failed" and a trace ID. The names are a contract: admins search the audit log
// for them, so never rename one.
#include <boost/system/error_category.hpp>
#include <boost/system/error_code.hpp>

#include <string_view>
#include <type_traits>

namespace ssogate::saml {

enum class errc {
    /// The input is larger than the configured bound (before or after base64 decoding).
    too_large = 1,
    /// Not base64, not well-formed XML, or not the SAML shape expected.
    malformed,
    /// The document carries a DTD (internal or external subset); SAML never needs one.
    dtd_forbidden,
    /// The document nests deeper than the configured bound.
    too_deep,
    /// Two elements in the document carry the same ID attribute value.
    duplicate_id,
    /// The Response holds more than one Assertion / EncryptedAssertion.
    multiple_assertions,
    /// The Response holds no Assertion / EncryptedAssertion.
    assertion_missing,
    /// No trusted signature covers the assertion (or an assertion signature is required and absent).
    signature_missing,
    /// A signature did not verify with any of the connection's keys.
    signature_invalid,
    /// The Signature's Reference does not point at the element it sits in, or there are several references.
    reference_mismatch,
    /// A signature, digest, transform, key-transport or encryption algorithm outside the allow-list.
    algorithm_forbidden,
    /// A construct the verifier never accepts (Object, Manifest, RetrievalMethod to elsewhere, several Signatures, ...).
    structure_forbidden,
    /// The top-level Status is not urn:oasis:names:tc:SAML:2.0:status:Success.
    status_not_success,
    /// Response or Assertion Issuer is not the IdP's entity ID.
    issuer_mismatch,
    /// Response Destination is present and is not this connection's ACS URL.
    destination_mismatch,
    /// The Response is signed and carries no Destination (SAML Bindings §3.5.5.2: a
    /// signed message MUST name where it is to be delivered).
    destination_missing,
    /// No bearer SubjectConfirmation whose Recipient is this connection's ACS URL.
    recipient_mismatch,
    /// No AudienceRestriction, or none that names this SP's entity ID.
    audience_mismatch,
    /// The current time is before NotBefore minus the allowed clock skew.
    not_yet_valid,
    /// The current time is at or after a NotOnOrAfter plus the allowed clock skew.
    expired,
    /// InResponseTo does not match the request this browser started.
    in_response_to_mismatch,
    /// An unsolicited (IdP-initiated) response arrived and the connection does not allow them.
    unsolicited_forbidden,
    /// The assertion has no usable Subject/NameID.
    subject_missing,
    /// An EncryptedAssertion could not be decrypted with the SP's keys.
    decryption_failed,
    /// An EncryptedAssertion arrived and no SP decryption key is configured.
    decryption_key_missing,
    /// IdP metadata is unusable (no IdP role, no signing key, no SSO endpoint, ...).
    metadata_invalid,
    /// A key or certificate could not be read.
    key_invalid,
    /// Producing a signature or a message failed.
    signing_failed,
};

/// The error category of saml::errc ("ssogate.saml").
boost::system::error_category const& saml_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), saml_category()};
}

/// The stable snake_case name of a code (`audience_mismatch`), as written to the audit log.
std::string_view to_reason_code(errc e) noexcept;

} // namespace ssogate::saml

template <>
struct boost::system::is_error_code_enum<ssogate::saml::errc> : std::true_type {};
