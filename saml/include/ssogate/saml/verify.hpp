#pragma once
// saml::verify_response — the strict SAML 2.0 Web Browser SSO Response verifier.
//
// Decides who someone is. Implements DESIGN.md "Security rules" and issue 3: the
// known SAML breaks (signature wrapping, comment injection, parser differentials,
// KeyInfo trust, algorithm confusion, DTD/entity attacks, duplicate IDs) each fail
// here with one precise saml::errc and a detail string for the audit log.
#include <ssogate/saml/errc.hpp>
#include <ssogate/saml/trust.hpp>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssogate::saml {

/// One `saml:Attribute` of the assertion, in document order.
/// Repeated Attribute elements with the same Name stay separate entries.
struct saml_attribute {
    std::string name;          ///< `Name` (required)
    std::string name_format;   ///< `NameFormat` (empty when absent)
    std::string friendly_name; ///< `FriendlyName` (empty when absent)
    /// Every `AttributeValue`, in order, each the full text content of the element
    /// (comments cannot truncate it); an `xsi:nil` value is an empty string.
    std::vector<std::string> values;
};

/// What a verified assertion says. Every field comes from signed content.
struct verified_assertion {
    std::string issuer;                    ///< the IdP entity ID (equal to idp_trust::entity_id)
    std::string name_id;                   ///< Subject/NameID, full text content
    std::string name_id_format;            ///< NameID `Format` (empty when absent)
    std::string name_id_sp_name_qualifier; ///< NameID `SPNameQualifier` (empty when absent)
    std::string name_id_name_qualifier;    ///< NameID `NameQualifier` (empty when absent)
    std::string session_index;             ///< AuthnStatement `SessionIndex` (empty when absent)
    std::string authn_context_class_ref;   ///< AuthnContext/AuthnContextClassRef (empty when absent)
    std::string assertion_id;              ///< Assertion `ID`: the replay-cache key
    std::string response_id;               ///< Response `ID`
    /// Empty for an unsolicited response; otherwise the AuthnRequest ID answered.
    std::string in_response_to;
    /// The earliest NotOnOrAfter of Conditions and the bearer SubjectConfirmationData:
    /// keep `assertion_id` in the replay cache until `not_on_or_after + clock_skew`.
    std::chrono::system_clock::time_point not_on_or_after;
    std::chrono::system_clock::time_point authn_instant;
    std::optional<std::chrono::system_clock::time_point> session_not_on_or_after;
    std::vector<saml_attribute> attributes;
    bool assertion_signed = false; ///< the assertion carried a valid signature of its own
    bool response_signed = false;  ///< the Response carried a valid signature
    bool was_encrypted = false;    ///< the assertion arrived as an EncryptedAssertion
    /// SHA-256 fingerprint of the configured certificate that verified the signature
    /// (the assertion's if it is signed, else the Response's): shows rollover progress.
    std::string signing_cert_fingerprint;

    /// All values of the attributes whose Name is `name`, in document order
    /// (across repeated Attribute elements).
    [[nodiscard]] std::vector<std::string> values_of(std::string_view name) const;
};

/// Why a response was refused: `code` goes to the audit log as `result.reason`
/// (via to_reason_code), `detail` is for the admin (never shown to the browser).
struct verify_error {
    errc code;
    std::string detail;

    friend bool operator==(verify_error const& e, errc c) noexcept { return e.code == c; }
};

std::ostream& operator<<(std::ostream& os, verify_error const& e);

/// boost::system::result<T, verify_error>::value() on an error throws
/// boost::system::system_error carrying the code and the detail.
[[noreturn]] void throw_exception_from_error(verify_error const& e, boost::source_location const& loc);

using verify_result = boost::system::result<verified_assertion, verify_error>;

/// Verifies the `SAMLResponse` form value of the HTTP-POST binding (base64 of the
/// XML; line breaks allowed).
///
/// Its size is checked against `sp.max_response_bytes` before decoding
/// (errc::too_large); invalid base64 is errc::malformed. Then as verify_response_xml.
///
/// @par Specification SAML 2.0 Bindings §3.5.4 (HTTP-POST message encoding)
/// @par Thread safety
/// Reentrant; requires a live saml::library_guard.
[[nodiscard]] verify_result verify_response(std::string_view saml_response_form_value, idp_trust const& idp,
                                            sp_options const& sp, response_expectation const& expected,
                                            std::chrono::system_clock::time_point now);

/// Verifies a SAML Response given as XML text (for `ssogate saml verify` and tests).
///
/// In order: size bound; hardened parse (no DTD, no entities, no network, depth
/// bound, unique IDs); document structure (root samlp:Response, exactly one
/// Assertion or EncryptedAssertion as its direct child and none anywhere else, no
/// ds:Object/ds:Manifest, every ds:Signature a direct child of the Response or the
/// Assertion and at most one each); Status; the Response signature; decryption;
/// the Assertion signature; the trust decision (a trusted signature over the
/// assertion or over the Response that contains it; `want_assertions_signed`
/// demands the former); Issuer, Destination, Subject, bearer
/// SubjectConfirmation, Conditions (time window with skew, audience),
/// InResponseTo; then the result is read from the very nodes that were verified.
///
/// @par Specification SAML 2.0 Core §2–3, Profiles §4.1.4.2–4.1.4.3, Bindings
///      §3.5.5.2, XML Signature §3.2, XML Encryption §4.2; see verify.cpp for
///      the section and the attack behind each rule.
/// @par Thread safety
/// Reentrant; requires a live saml::library_guard.
[[nodiscard]] verify_result verify_response_xml(std::string_view xml, idp_trust const& idp, sp_options const& sp,
                                                response_expectation const& expected,
                                                std::chrono::system_clock::time_point now);

/// True when `input` looks like raw XML (first non-whitespace byte is '<') rather
/// than the base64 form value; `ssogate saml verify` accepts either.
[[nodiscard]] bool looks_like_xml(std::string_view input) noexcept;

/// Parses an xs:dateTime in the form SAML requires (UTC with `Z`, optional
/// fractional seconds), e.g. "2026-01-01T00:00:00Z". nullopt if malformed.
/// @par Specification SAML 2.0 Core §1.3.3
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> parse_saml_time(std::string_view text);

} // namespace ssogate::saml
