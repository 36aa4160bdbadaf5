#pragma once
// saml::authn_request — the SP's request for authentication, sent with the HTTP-Redirect
// binding (deflate + base64 + URL encoding, optionally signed over the query bytes).
//
// Everything here is a pure function of its inputs: the request ID (randomness) and the
// IssueInstant (time) are supplied by the caller (STYLE.md rule 2). The types are plain
// values; the functions keep no state and are safe to call from any thread.
#include <ssogate/saml/errc.hpp>
#include <ssogate/saml/keys.hpp>

#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ssogate::saml {

/// The fields of an AuthnRequest that ssogate sends.
struct authn_request {
    /// The request's ID: an xs:ID (letter or '_' first), unique and unguessable, e.g. "_" +
    /// 32 hex digits from a CSPRNG. The IdP echoes it as InResponseTo.
    std::string id;
    /// IssueInstant (written in UTC, whole seconds).
    std::chrono::system_clock::time_point issue_instant;
    /// Destination: the IdP's SingleSignOnService URL for the HTTP-Redirect binding. It
    /// may carry a query string of its own; it must not carry a fragment.
    std::string destination;
    /// AssertionConsumerServiceURL; the response comes back with the HTTP-POST binding.
    std::string acs_url;
    /// Issuer: the SP's entity ID.
    std::string sp_entity_id;
    /// NameIDPolicy Format; empty omits it (the IdP picks). AllowCreate is always "true".
    std::string name_id_format;
    /// ForceAuthn="true": the IdP must authenticate the user afresh.
    bool force_authn = false;
    /// IsPassive="true": the IdP must not interact with the user.
    bool is_passive = false;
};

/// The AuthnRequest as XML (no XML declaration, no signature: with the HTTP-Redirect
/// binding the signature covers the query, not the XML).
///
/// Fails with `errc::malformed` when a field cannot make a valid request: an ID that is
/// not an xs:ID, a destination or ACS URL that is not an absolute http(s) URL without a
/// fragment, an empty SP entity ID, or an IssueInstant outside years 1–9999.
///
/// @par Specification SAML 2.0 Core §3.4.1
[[nodiscard]] boost::system::result<std::string> authn_request_xml(authn_request const& request);

/// The URL to redirect the browser to: `destination` + `SAMLRequest=…` (+ `&RelayState=…`
/// when `relay_state` is not empty), unsigned. Appended with `&` when the destination
/// already has a query string.
///
/// `relay_state` is opaque to the IdP and comes back unchanged; the binding caps it at
/// 80 bytes (`errc::too_large` beyond), so pass a reference to server-side state, never a
/// URL. Other failures as `authn_request_xml`.
///
/// @par Specification SAML 2.0 Bindings §3.4.4 (DEFLATE encoding)
[[nodiscard]] boost::system::result<std::string> redirect_url(
    authn_request const& request, std::string_view relay_state);

/// As `redirect_url`, then signed with the SP's key: `&SigAlg=` (RSA-SHA256) and
/// `&Signature=` (base64 RSA PKCS#1 v1.5 signature) over the query bytes
/// `SAMLRequest=…[&RelayState=…]&SigAlg=…` exactly as they appear in the URL.
///
/// Fails with `errc::algorithm_forbidden` for a non-RSA key (ECDSA signature encodings
/// for this binding differ between IdPs), `errc::signing_failed` if OpenSSL fails, and
/// as `redirect_url` otherwise. Requires a live `saml::library_guard`.
///
/// @par Specification SAML 2.0 Bindings §3.4.4.1
[[nodiscard]] boost::system::result<std::string> signed_redirect_url(
    authn_request const& request, std::string_view relay_state, private_key const& key);

/// Reads the fields of an AuthnRequest (e.g. the XML that `parse_redirect_query`
/// inflated), for the development IdP and for tests. The document is parsed as strictly
/// as a response (no DTD, no entities, no network, bounded depth).
///
/// `destination`, `acs_url` and `name_id_format` are empty when the request omits them
/// (an IdP then uses the SP's metadata). Fails with `errc::too_large` beyond
/// `default_max_inflated_size`, `errc::dtd_forbidden` for a DTD, `errc::duplicate_id`
/// and `errc::too_deep` as the parser finds them, and `errc::malformed` when it is not a
/// SAML 2.0 `samlp:AuthnRequest` with an xs:ID `ID`, a valid `IssueInstant` and an
/// `Issuer`, or ForceAuthn/IsPassive is not an xs:boolean.
///
/// @par Specification SAML 2.0 Core §3.4.1
[[nodiscard]] boost::system::result<authn_request> read_authn_request(std::string_view xml);

/// Default bound on the inflated size of a redirect-binding message.
inline constexpr std::size_t default_max_inflated_size = 256 * 1024;

/// Decodes one `SAMLRequest`/`SAMLResponse` value of the HTTP-Redirect binding (already
/// URL-decoded, i.e. base64 text) back to its XML: base64, then raw DEFLATE.
///
/// Fails with `errc::too_large` when the inflated message would exceed `max_xml_size`
/// (inflation stops there: a zip bomb costs at most that much memory) or the input is
/// absurdly long, `errc::malformed` for bad base64, a corrupt, truncated or empty DEFLATE
/// stream, or bytes after its end.
[[nodiscard]] boost::system::result<std::string> inflate_saml_message(
    std::string_view base64_value, std::size_t max_xml_size = default_max_inflated_size);

/// A redirect-binding query as an IdP receives it.
struct redirect_message {
    /// The inflated XML of `SAMLRequest`.
    std::string saml_request;
    /// `RelayState`, URL-decoded, when present.
    std::optional<std::string> relay_state;
    /// `SigAlg`, URL-decoded (an algorithm URI), when present.
    std::optional<std::string> sig_alg;
    /// `Signature`, URL- and base64-decoded (the raw signature bytes); empty when absent.
    std::string signature;
    /// What the signature covers: `SAMLRequest=…[&RelayState=…]&SigAlg=…` with each
    /// value exactly as it appeared in the query (still URL-encoded).
    std::string signed_octets;
};

/// Splits a raw query string (the bytes after `?`, a leading `?` is skipped) into the
/// redirect-binding parameters and inflates `SAMLRequest`. Parameters other than
/// `SAMLRequest`, `RelayState`, `SigAlg` and `Signature` are ignored.
///
/// Fails with `errc::malformed` when `SAMLRequest` is missing, any of the four is
/// repeated (which copy was signed would be ambiguous), or a value is badly encoded;
/// `errc::too_large` when the query is longer than 64 KiB or the XML inflates past
/// `max_xml_size`. The signature is not checked here: see `verify_redirect_signature`.
///
/// @par Specification SAML 2.0 Bindings §3.4.4.1
[[nodiscard]] boost::system::result<redirect_message> parse_redirect_query(
    std::string_view raw_query, std::size_t max_xml_size = default_max_inflated_size);

/// Checks the `Signature` of a parsed redirect query against the trusted certificates
/// (any one of them may have signed: key rollover). Certificates are pinned keys: their
/// dates are not checked.
///
/// Fails with `errc::signature_missing` when `SigAlg` or `Signature` is absent,
/// `errc::algorithm_forbidden` when `SigAlg` is not RSA-SHA256/384/512 (SHA-1 and HMAC
/// are refused), `errc::signature_invalid` when no trusted certificate verifies it (also
/// when `trusted` is empty). Requires a live `saml::library_guard`.
///
/// @par Specification SAML 2.0 Bindings §3.4.4.1
[[nodiscard]] boost::system::result<void> verify_redirect_signature(
    redirect_message const& message, std::span<certificate const> trusted);

} // namespace ssogate::saml
