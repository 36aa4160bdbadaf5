#pragma once
// saml::idp_metadata — what ssogate reads from an identity provider's SAML metadata:
// its entityID, SSO/SLO endpoints, signing certificates (pinned keys),
// WantAuthnRequestsSigned and NameID formats; and `parse_idp_metadata`, which reads it.
//
// The document is parsed as strictly as a SAML response (no network, no DTD, no entity
// substitution, bounded size and depth). The metadata's own XML signature, if any, is
// not checked: the file is trusted because an administrator configured it, and what it
// yields (the signing certificates) is pinned from then on.
//
// The types are plain values; the functions keep no state and are safe to call from
// any thread while a saml::library_guard is alive.
#include <ssogate/saml/errc.hpp>
#include <ssogate/saml/keys.hpp>
#include <ssogate/saml/trust.hpp>

#include <boost/system/result.hpp>
#include <boost/system/system_error.hpp>
#include <boost/throw_exception.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssogate::saml {

/// Binding URIs (SAML 2.0 Bindings §3.4, §3.5).
inline constexpr std::string_view binding_http_redirect = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
inline constexpr std::string_view binding_http_post = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

/// One protocol endpoint of a metadata role (md:EndpointType).
struct endpoint {
    /// Binding URI, e.g. `binding_http_redirect`.
    std::string binding;
    /// Location URL (surrounding whitespace removed).
    std::string location;
    /// ResponseLocation, when present (SingleLogoutService).
    std::optional<std::string> response_location;

    friend bool operator==(endpoint const&, endpoint const&) = default;
};

/// An identity provider as described by its SAML 2.0 metadata.
///
/// Invariants when returned by `parse_idp_metadata`: `entity_id` is not empty,
/// `signing_certs` holds at least one certificate (no duplicates), `sso_endpoints` at
/// least one endpoint. A plain value: copy it freely.
struct idp_metadata {
    /// The EntityDescriptor's entityID.
    std::string entity_id;
    /// Every SingleSignOnService, in document order.
    std::vector<endpoint> sso_endpoints;
    /// Every SingleLogoutService, in document order.
    std::vector<endpoint> slo_endpoints;
    /// The certificates of every KeyDescriptor with `use="signing"` or without `use`,
    /// in document order, duplicates removed. Encryption-only keys are not here.
    std::vector<certificate> signing_certs;
    /// The IDPSSODescriptor's WantAuthnRequestsSigned (false when absent).
    bool want_authn_requests_signed = false;
    /// The IDPSSODescriptor's NameIDFormat values, in document order.
    std::vector<std::string> name_id_formats;

    /// Location of the first SingleSignOnService with `binding`, if any.
    [[nodiscard]] std::optional<std::string> sso_url(std::string_view binding) const;

    /// Location of the first SingleLogoutService with `binding`, if any.
    [[nodiscard]] std::optional<std::string> slo_url(std::string_view binding) const;

    /// What the verifier trusts: this entityID and these signing certificates.
    [[nodiscard]] idp_trust trust() const;
};

/// Options of `parse_idp_metadata`.
struct metadata_options {
    /// The entity to read from an EntitiesDescriptor (or to require of an
    /// EntityDescriptor). Unset: the single IdP of the document.
    std::optional<std::string> entity_id;
    /// Bound on the document size, checked before parsing.
    std::size_t max_bytes = 4 * 1024 * 1024;
    /// Bound on element nesting.
    std::size_t max_depth = 48;
};

/// Why metadata was refused: one code and a sentence for the administrator.
struct metadata_error {
    /// `metadata_invalid` (not SAML metadata, not a SAML 2.0 IdP, no signing key, no SSO
    /// endpoint, entity not found or not chosen), `key_invalid` (a certificate that
    /// does not parse), `malformed`, `dtd_forbidden`, `duplicate_id`, `too_large`,
    /// `too_deep`.
    errc code;
    /// What exactly is wrong, naming the element or entity ("entity
    /// \"https://idp.example.org\" has no signing certificate ...").
    std::string detail;
    /// When the document holds several IdPs and none was chosen: their entityIDs, in
    /// document order. Empty otherwise.
    std::vector<std::string> idp_entity_ids;
};

/// Lets boost::system::result<T, metadata_error>::value() throw a system_error.
[[noreturn]] inline void throw_exception_from_error(metadata_error const& e, boost::source_location const& loc)
{
    boost::throw_exception(boost::system::system_error(make_error_code(e.code), e.detail), loc);
}

/// Reads an IdP from SAML 2.0 metadata: an `md:EntityDescriptor`, or an
/// `md:EntitiesDescriptor` (nested ones included) from which `options.entity_id` (or,
/// when unset, the only IdP) is taken.
///
/// The IdP role is the `md:IDPSSODescriptor` whose protocolSupportEnumeration lists
/// SAML 2.0; other roles (Entra's and ADFS's `RoleDescriptor`s, `SPSSODescriptor`, ...)
/// and extensions are skipped, as is the metadata's own Signature. From each
/// KeyDescriptor with `use="signing"` or no `use`, the first X509Certificate of each
/// `ds:X509Data` of its `ds:KeyInfo` is read (further certificates of an X509Data are
/// its chain, not keys to trust).
///
/// Refused (never "no key = no check"): no signing certificate (also when there is only
/// an encryption key), no SAML 2.0 IDPSSODescriptor, no SingleSignOnService, a
/// certificate that does not parse, an unknown `use`, a non-boolean
/// WantAuthnRequestsSigned, an HTTP-Redirect/POST endpoint whose Location is not an
/// absolute http(s) URL, several IdPs and no choice (the error lists them), a chosen
/// entity that is not in the document; and, as for any XML: a DTD, bad XML, too large,
/// too deep.
///
/// @par Specification SAML 2.0 Metadata §2.3 (EntityDescriptor, EntitiesDescriptor),
/// §2.4.1.1 (KeyDescriptor), §2.4.3 (IDPSSODescriptor)
[[nodiscard]] boost::system::result<idp_metadata, metadata_error> parse_idp_metadata(
    std::string_view xml, metadata_options const& options = {});

/// The entityIDs of the SAML 2.0 IdPs in a metadata document (EntityDescriptor or
/// EntitiesDescriptor), in document order; empty when there are none. Fails only when
/// the document is not readable SAML metadata (errors as `parse_idp_metadata`).
[[nodiscard]] boost::system::result<std::vector<std::string>, metadata_error> list_idp_entities(
    std::string_view xml, metadata_options const& options = {});

} // namespace ssogate::saml
