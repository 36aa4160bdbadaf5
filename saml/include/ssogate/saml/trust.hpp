#pragma once
// saml::idp_trust, saml::sp_options, saml::response_expectation — the inputs that
// decide whether a SAML Response is accepted, besides the response itself and the
// current time.
//
// These are plain values built once per connection from validated configuration
// (STYLE.md rule 4); the verifier never clamps or repairs them.
#include <ssogate/saml/keys.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace ssogate::saml {

/// What this SP trusts about one identity provider (from its metadata).
struct idp_trust {
    /// The IdP's entityID; every Issuer must equal it exactly.
    std::string entity_id;
    /// Pinned signing certificates; a signature is accepted if any one of them
    /// verifies it (rollover: metadata lists old and new). Dates are not checked.
    /// Empty means nothing verifies: every response is refused.
    std::vector<certificate> signing_certs;
};

/// This SP's side of one connection.
struct sp_options {
    /// This SP's entityID; must appear in the assertion's AudienceRestriction.
    std::string entity_id;
    /// The Assertion Consumer Service URL of this connection; compared exactly
    /// with Response `Destination` and SubjectConfirmationData `Recipient`.
    std::string acs_url;
    /// Allowed difference between our clock and the IdP's, applied to every
    /// NotBefore / NotOnOrAfter.
    std::chrono::seconds clock_skew{180};
    /// Demand the assertion's own signature (a signed Response alone is not enough).
    bool want_assertions_signed = false;
    /// Accept RSA-SHA1 signatures and SHA-1 digests (legacy IdPs only).
    bool allow_sha1 = false;
    /// Accept unsolicited (IdP-initiated) responses, i.e. ones without InResponseTo,
    /// when the caller passes response_expectation::unsolicited().
    bool allow_unsolicited = false;
    /// Keys to try on an EncryptedAssertion (current and next, for rollover).
    std::vector<private_key> decryption_keys;
    /// Bound on the SAMLResponse form value (base64) or raw XML, checked before
    /// decoding or parsing.
    std::size_t max_response_bytes = 512 * 1024;
    /// Bound on element nesting in the document (SAML responses need ~10).
    std::size_t max_depth = 48;
};

/// What the caller knows about the request a response should answer.
///
/// @par Specification SAML 2.0 Profiles §4.1.4.2, Core §3.2.2 (InResponseTo)
class response_expectation {
public:
    enum class mode {
        /// The browser started a request; InResponseTo must equal its ID.
        solicited = 1,
        /// No request is pending for this browser: the response must carry no
        /// InResponseTo, and sp_options::allow_unsolicited must be true.
        unsolicited,
        /// Diagnostics only (`ssogate saml verify` without --in-response-to or
        /// --allow-unsolicited): InResponseTo is checked for shape, not value.
        /// Never use on the sign-in path.
        shape_only,
    };

    /// The response must answer the AuthnRequest whose ID is `request_id`.
    static response_expectation solicited(std::string request_id)
    {
        return response_expectation(mode::solicited, std::move(request_id));
    }
    /// The response must be unsolicited (IdP-initiated).
    static response_expectation unsolicited() { return response_expectation(mode::unsolicited, {}); }
    /// For diagnostics: accept any InResponseTo (or none).
    static response_expectation shape_only() { return response_expectation(mode::shape_only, {}); }

    [[nodiscard]] mode kind() const noexcept { return mode_; }
    /// The expected request ID (empty unless kind() == mode::solicited).
    [[nodiscard]] std::string const& request_id() const noexcept { return request_id_; }

private:
    response_expectation(mode m, std::string id) : mode_(m), request_id_(std::move(id)) {}
    mode mode_;
    std::string request_id_;
};

} // namespace ssogate::saml
