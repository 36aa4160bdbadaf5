#pragma once
// The development IdP behind `ssogate dev-idp` (issue 4): a minimal SAML 2.0 identity
// provider that signs assertions for whatever user you type in, so that a newcomer can
// see a full browser sign-in on one machine. For development only: it authenticates
// nobody.
//
// Pieces, from pure to I/O:
// - build_response_xml: the signed SAML Response from typed inputs, `now` and IDs
//   (no clock, no randomness, no socket: testable alone);
// - idp_metadata_xml, is_loopback_host, acs_allowed: small pure helpers;
// - ensure_signing_keys: the RSA-2048 signing key and self-signed certificate in the
//   data directory, generated once and reused;
// - identity_provider: the HTTP handler (GET /metadata, GET /sso, POST /sso/login,
//   GET /idp-initiated), holding the pending sign-ins; `ssogate dev-idp`
//   (gateway/src/cli/dev_idp_command.cpp) puts it behind a gateway::server.
#include <ssogate/gateway/app_context.hpp>
#include <ssogate/gateway/http.hpp>
#include <ssogate/saml/keys.hpp>

#include <boost/system/result.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ssogate::gateway::dev_idp {

/// NameID format of every response (SAML 2.0 Core §8.3.2).
inline constexpr std::string_view name_id_format_email = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";

/// File names inside the data directory.
inline constexpr std::string_view signing_key_name = "dev-idp-signing-key.pem";
inline constexpr std::string_view signing_cert_name = "dev-idp-signing-cert.pem";
inline constexpr std::string_view metadata_file_name = "dev-idp-metadata.xml";

/// The user typed into the login form.
struct dev_user {
    /// NameID (emailAddress format) and the `email` attribute.
    std::string email;
    /// `displayName` and `givenName` attributes (omitted when empty).
    std::string display_name;
    /// `groups` attribute, one AttributeValue each (omitted when empty).
    std::vector<std::string> groups;
    /// `role` attribute (omitted when empty).
    std::string role;
};

/// Everything a response depends on. A plain value.
struct response_input {
    std::string idp_entity_id;
    /// Audience: the SP's entity ID (the AuthnRequest's Issuer).
    std::string sp_entity_id;
    /// Destination and Recipient.
    std::string acs_url;
    /// The AuthnRequest ID answered; empty for an unsolicited (IdP-initiated) response.
    std::string in_response_to;
    dev_user user;
    std::chrono::system_clock::time_point now;
    /// xs:IDs ("_" + hex), unique per response.
    std::string response_id;
    std::string assertion_id;
    std::string session_index;
};

/// The SAML 2.0 Response, Assertion and Response each signed (RSA-SHA256, SHA-256
/// digest, exclusive c14n, X509Certificate in KeyInfo): InResponseTo (when set),
/// Destination, Issuer, bearer SubjectConfirmation (Recipient = ACS, NotOnOrAfter
/// now+5min), Conditions (now-1min .. now+5min) with the SP as Audience,
/// AuthnStatement with SessionIndex, NameID in emailAddress format, attributes email,
/// givenName, displayName, groups, role. Text is XML-escaped.
///
/// Fails as saml::sign_element does (errc::malformed for an ID that is not an xs:ID).
/// @par Specification SAML 2.0 Core §2.3–2.7, §3.3.3; Profiles §4.1.4.2 (Web SSO Response)
/// @par Thread safety Reentrant; requires a live saml::library_guard.
[[nodiscard]] boost::system::result<std::string> build_response_xml(response_input const& input,
                                                                    saml::private_key const& key,
                                                                    saml::certificate const& cert);

/// The IdP's metadata: EntityDescriptor `entity_id`, an IDPSSODescriptor with the
/// signing certificate, the emailAddress NameID format and a SingleSignOnService
/// (HTTP-Redirect) at `sso_url`.
/// @par Specification SAML 2.0 Metadata §2.4.3
[[nodiscard]] std::string idp_metadata_xml(std::string_view entity_id, std::string_view sso_url,
                                           saml::certificate const& cert);

/// True for 127.0.0.0/8, ::1 (also IPv4-mapped 127/8) and "localhost".
[[nodiscard]] bool is_loopback_host(std::string_view host) noexcept;

/// True when `acs_url` equals one of `allowed` exactly (a dev IdP must still not
/// POST signed assertions to any URL a request names: no open relay).
[[nodiscard]] bool acs_allowed(std::string_view acs_url, std::span<std::string const> allowed) noexcept;

/// "2026-01-01T00:00:00Z" (whole seconds, UTC).
[[nodiscard]] std::string saml_time(std::chrono::system_clock::time_point t);

/// The signing pair and what ensure_signing_keys did.
struct signing_keys {
    saml::private_key key;
    saml::certificate cert;
    std::filesystem::path key_file;
    std::filesystem::path cert_file;
    bool generated = false;
};

/// Reuses data_dir's signing pair when both files exist (they must parse and match:
/// otherwise startup_error, never a silent replacement), else generates an RSA-2048
/// key and a self-signed certificate (SHA-256, 10 years; dates do not matter, the SP
/// pins the key) and writes both atomically, the key with mode 0600. Creates
/// data_dir. Requires a live saml::library_guard.
/// @throws startup_error (exit 1) naming the file and the cause.
signing_keys ensure_signing_keys(std::filesystem::path const& data_dir, std::chrono::system_clock::time_point now);

/// Configuration of one identity_provider.
struct idp_settings {
    /// "https://127.0.0.1:9443" (no trailing slash): prefix of /metadata and /sso.
    std::string base_url;
    /// The IdP entity ID; empty: base_url + "/metadata".
    std::string entity_id;
    /// ACS URLs responses may be posted to; SP-initiated requests naming another are
    /// refused, IdP-initiated sign-ins pick one of these.
    std::vector<std::string> allowed_acs_urls;
    /// Audience of IdP-initiated responses (SP-initiated ones use the request's Issuer).
    std::string sp_entity_id;
    /// How long a login form stays usable.
    std::chrono::seconds pending_lifetime{600};
};

/// The dev IdP's HTTP face. Routes: GET /metadata, GET /sso (HTTP-Redirect
/// AuthnRequest → login form), POST /sso/login (form → page that POSTs the signed
/// response to the ACS with a visible Continue button, no script), GET /idp-initiated
/// (?acs=URL: login form for an unsolicited response). Each login form carries a
/// random 128-bit token naming server-side state (request ID, ACS, audience,
/// RelayState); a token is single-use and expires.
///
/// Thread-safety: `handle` may be called concurrently (the pending map is locked).
class identity_provider {
public:
    identity_provider(idp_settings settings, signing_keys keys, clock_fn clock, random_fn random);

    [[nodiscard]] http_response handle(http_request const& req);

    [[nodiscard]] std::string const& entity_id() const noexcept { return settings_.entity_id; }
    [[nodiscard]] std::string metadata_url() const { return settings_.base_url + "/metadata"; }
    [[nodiscard]] std::string sso_url() const { return settings_.base_url + "/sso"; }
    /// The metadata document served at /metadata.
    [[nodiscard]] std::string const& metadata() const noexcept { return metadata_; }

private:
    struct pending {
        std::string request_id;
        std::string acs_url;
        std::string sp_entity_id;
        std::string relay_state;
        std::chrono::system_clock::time_point expires;
    };

    http_response handle_sso(http_request const& req);
    http_response handle_idp_initiated(http_request const& req);
    http_response handle_login(http_request const& req);
    http_response login_form(pending p);
    std::string random_hex(std::size_t bytes) const;

    idp_settings settings_;
    signing_keys keys_;
    clock_fn clock_;
    random_fn random_;
    std::string metadata_;
    std::mutex mutex_;
    std::map<std::string, pending, std::less<>> pending_;
};

} // namespace ssogate::gateway::dev_idp
