#pragma once
// Builds SAML Responses for the verifier tests: a valid response by default, and
// each test changes exactly one thing (STYLE.md rule 14: one defect per case).
// Signing and encryption go through ssogate's own saml::sign_element and
// saml::encrypt_assertion, with the test keys of tests/data/saml/keys.
#include <ssogate/saml/encrypt.hpp>
#include <ssogate/saml/sign.hpp>
#include <ssogate/saml/trust.hpp>
#include <ssogate/saml/verify.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace ssogate::test::saml_fixture {

/// The fixed "now" of every verifier test: 2026-01-01T00:00:00Z.
std::chrono::system_clock::time_point now();
/// now() + offset, as SAML text ("2026-01-01T00:05:00Z").
std::string at(std::chrono::seconds offset_from_now);

inline constexpr char idp_entity[] = "https://idp.example.test/metadata";
inline constexpr char sp_entity[] = "https://sp.example.test/saml";
inline constexpr char acs_url[] = "https://sp.example.test/sso/acs/okta";
inline constexpr char request_id[] = "_req-6c1f";

/// The IdP as configured: trusts idp.crt only.
ssogate::saml::idp_trust trust();
/// The IdP with old and new certificate (rollover).
ssogate::saml::idp_trust trust_with_rollover();
/// This SP: entity, ACS, default options, sp.key for decryption.
ssogate::saml::sp_options options();
/// The request this browser started.
ssogate::saml::response_expectation expectation();

/// A valid Response (unsigned) whose parts a test can change one at a time.
struct response_builder {
    std::string response_id = "_resp-0a1b2c";
    std::string assertion_id = "_assert-3d4e5f";
    std::optional<std::string> response_issuer = std::string(idp_entity);
    std::string assertion_issuer = idp_entity;
    std::optional<std::string> destination = std::string(acs_url);
    std::optional<std::string> response_in_response_to = std::string(request_id);
    std::optional<std::string> confirmation_in_response_to = std::string(request_id);
    std::string status = "urn:oasis:names:tc:SAML:2.0:status:Success";
    std::string recipient = acs_url;
    std::string confirmation_method = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
    std::string audience = sp_entity;
    /// Inner XML of NameID (may contain a comment, for comment injection).
    std::string name_id = "alice@example.com";
    std::string issue_instant = at(std::chrono::seconds(-5));
    std::optional<std::string> not_before = at(std::chrono::seconds(-60));
    std::optional<std::string> not_on_or_after = at(std::chrono::seconds(300));
    std::string confirmation_not_on_or_after = at(std::chrono::seconds(300));
    std::string authn_instant = at(std::chrono::seconds(-10));
    std::optional<std::string> session_not_on_or_after = at(std::chrono::seconds(8 * 3600));
    /// Inner XML of the AttributeStatement (8 attributes by default).
    std::string attributes = default_attributes();
    /// Inner XML of a samlp:Extensions element of the Response (empty: none).
    std::string response_extensions;
    /// Whitespace between elements ("" for compact; "\r\n  " for CRLF + indentation).
    std::string ws;

    static std::string default_attributes();

    /// The saml:Assertion element (namespaces declared on the Response).
    [[nodiscard]] std::string assertion() const;
    /// The whole Response with `assertion_xml` as its assertion part (default: assertion()).
    [[nodiscard]] std::string response(std::optional<std::string> assertion_xml = std::nullopt) const;
};

/// sign_element with the test key `key_name`; fails the test if signing fails.
std::string sign(std::string const& xml, std::string const& id, std::string const& key_name = "idp",
                 ssogate::saml::sign_options const& options = {});

/// The default builder's response with the assertion signed (the common IdP shape).
std::string signed_assertion_response(response_builder const& b = {});
/// The default builder's response with only the Response signed.
std::string signed_response_only(response_builder const& b = {});

/// encrypt_assertion for sp.crt; fails the test on error.
std::string encrypt(std::string const& xml, ssogate::saml::encrypt_options const& options = {});

/// Replaces the first occurrence of `from` (which must occur) by `to`.
std::string replace_once(std::string s, std::string const& from, std::string const& to);

/// verify_response_xml with the fixture's trust, options and expectation at now().
ssogate::saml::verify_result verify(std::string const& xml);
ssogate::saml::verify_result verify(std::string const& xml, ssogate::saml::sp_options const& sp);

} // namespace ssogate::test::saml_fixture
