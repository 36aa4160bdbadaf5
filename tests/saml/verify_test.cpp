#include <ssogate/saml/verify.hpp>

#include "support/keys.hpp"
#include "support/response_builder.hpp"

#include <catch2/catch.hpp>

using namespace ssogate;
using namespace ssogate::test::saml_fixture;
using saml::errc;
using std::chrono::seconds;

namespace {

// REQUIREs acceptance, printing the reason otherwise.
saml::verified_assertion accepted(saml::verify_result const& r)
{
    if (!r)
        FAIL("refused: " << r.error());
    return *r;
}

errc refused(saml::verify_result const& r)
{
    if (r)
        FAIL("accepted, but a refusal was expected");
    INFO(r.error());
    return r.error().code;
}

} // namespace

// --- valid shapes ------------------------------------------------------------

TEST_CASE("verify_response accepts an assertion signed right after its Issuer and reads every field", "[saml][verify]")
{
    auto const a = accepted(verify(signed_assertion_response()));
    CHECK(a.issuer == idp_entity);
    CHECK(a.name_id == "alice@example.com");
    CHECK(a.name_id_format == "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");
    CHECK(a.name_id_sp_name_qualifier == sp_entity);
    CHECK(a.session_index == "_session-77");
    CHECK(a.assertion_id == "_assert-3d4e5f");
    CHECK(a.response_id == "_resp-0a1b2c");
    CHECK(a.in_response_to == request_id);
    CHECK(a.not_on_or_after == now() + seconds(300));
    CHECK(a.authn_instant == now() - seconds(10));
    CHECK(a.session_not_on_or_after == now() + seconds(8 * 3600));
    CHECK(a.authn_context_class_ref == "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport");
    CHECK(a.assertion_signed);
    CHECK_FALSE(a.response_signed);
    CHECK_FALSE(a.was_encrypted);
    CHECK(a.signing_cert_fingerprint == test::saml_keys::cert("idp").sha256_fingerprint());
    REQUIRE(a.attributes.size() == 8);
    CHECK(a.attributes[0].name == "email");
    CHECK(a.attributes[0].name_format == "urn:oasis:names:tc:SAML:2.0:attrname-format:basic");
    CHECK(a.attributes[0].values == std::vector<std::string>{"alice@example.com"}); // xs:string-typed
    CHECK(a.attributes[1].friendly_name == "givenName");
    CHECK(a.attributes[1].values == std::vector<std::string>{"Alice"}); // untyped
    CHECK(a.attributes[7].values == std::vector<std::string>{"R&D"});
    // repeated Attribute elements with the same Name stay separate, values in order
    CHECK(a.attributes[4].name == "groups");
    CHECK(a.attributes[5].name == "groups");
    CHECK(a.values_of("groups") == std::vector<std::string>{"engineering", "acme:platform", "oncall"});
}

TEST_CASE("verify_response accepts an assertion signature placed at the end of the assertion", "[saml][verify]")
{
    response_builder b;
    saml::sign_options last;
    last.placement = saml::signature_placement::last_child;
    accepted(verify(sign(b.response(), b.assertion_id, "idp", last)));
}

TEST_CASE("verify_response accepts a response where only the Response is signed", "[saml][verify]")
{
    auto const a = accepted(verify(signed_response_only()));
    CHECK(a.response_signed);
    CHECK_FALSE(a.assertion_signed);
}

TEST_CASE("verify_response accepts a response where both Response and Assertion are signed", "[saml][verify]")
{
    response_builder b;
    auto const xml = sign(sign(b.response(), b.assertion_id), b.response_id);
    auto const a = accepted(verify(xml));
    CHECK(a.response_signed);
    CHECK(a.assertion_signed);
}

TEST_CASE("verify_response accepts KeyInfo with X509Data, with RSAKeyValue, and without KeyInfo", "[saml][verify]")
{
    response_builder b;
    saml::sign_options o;
    o.key_info = saml::key_info_content::x509_certificate;
    o.cert = test::saml_keys::cert("idp");
    accepted(verify(sign(b.response(), b.assertion_id, "idp", o)));
    o.key_info = saml::key_info_content::rsa_key_value;
    accepted(verify(sign(b.response(), b.assertion_id, "idp", o)));
    o.key_info = saml::key_info_content::none;
    accepted(verify(sign(b.response(), b.assertion_id, "idp", o)));
}

TEST_CASE("verify_response accepts an unsigned Response without Destination when its assertion is signed",
          "[saml][verify]")
{
    response_builder b;
    b.destination.reset();
    accepted(verify(signed_assertion_response(b)));
}

TEST_CASE("verify_response accepts CRLF line ends and indentation inside the signed XML", "[saml][verify]")
{
    response_builder b;
    b.ws = "\r\n    ";
    auto xml = sign(sign(b.response(), b.assertion_id), b.response_id);
    // Line ends reach the SP as CRLF (XML 1.0 §2.11 normalises them to LF before
    // canonicalisation, so the signature still holds).
    std::string crlf;
    for (char const c : xml)
        crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    REQUIRE(crlf.find("\r\n    <saml:Subject>") != std::string::npos);
    accepted(verify(crlf));
}

TEST_CASE("verify_response accepts the base64 form value of the HTTP-POST binding", "[saml][verify]")
{
    // base64 as browsers post it, wrapped at 76 columns with CRLF
    std::string const xml = signed_assertion_response();
    static constexpr char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string b64;
    std::size_t i = 0;
    for (; i + 3 <= xml.size(); i += 3) {
        unsigned const n = (unsigned(static_cast<unsigned char>(xml[i])) << 16) |
                           (unsigned(static_cast<unsigned char>(xml[i + 1])) << 8) | unsigned(static_cast<unsigned char>(xml[i + 2]));
        b64 += {digits[n >> 18 & 63], digits[n >> 12 & 63], digits[n >> 6 & 63], digits[n & 63]};
    }
    if (xml.size() - i == 1) {
        unsigned const n = unsigned(static_cast<unsigned char>(xml[i])) << 16;
        b64 += {digits[n >> 18 & 63], digits[n >> 12 & 63], '=', '='};
    } else if (xml.size() - i == 2) {
        unsigned const n = (unsigned(static_cast<unsigned char>(xml[i])) << 16) | (unsigned(static_cast<unsigned char>(xml[i + 1])) << 8);
        b64 += {digits[n >> 18 & 63], digits[n >> 12 & 63], digits[n >> 6 & 63], '='};
    }
    std::string wrapped;
    for (std::size_t p = 0; p < b64.size(); p += 76)
        wrapped += b64.substr(p, 76) + "\r\n";
    CHECK_FALSE(saml::looks_like_xml(wrapped));
    CHECK(saml::looks_like_xml("  \n<samlp:Response/>"));
    auto const r = saml::verify_response(wrapped, trust(), options(), expectation(), now());
    accepted(r);
    CHECK(refused(saml::verify_response("not*base64", trust(), options(), expectation(), now())) == errc::malformed);
}

TEST_CASE("verify_response accepts a response signed by the rollover certificate", "[saml][verify][rollover]")
{
    response_builder b;
    auto const xml = sign(b.response(), b.assertion_id, "idp_rollover");
    auto const a = accepted(saml::verify_response_xml(xml, trust_with_rollover(), options(), expectation(), now()));
    CHECK(a.signing_cert_fingerprint == test::saml_keys::cert("idp_rollover").sha256_fingerprint());
    // and not while only the old certificate is configured
    CHECK(refused(verify(xml)) == errc::signature_invalid);
}

TEST_CASE("verify_response accepts an ECDSA P-256 signature from a configured EC certificate", "[saml][verify]")
{
    response_builder b;
    saml::sign_options o;
    o.algorithm = saml::signature_algorithm::ecdsa_sha256;
    auto const xml = sign(b.response(), b.assertion_id, "idp_ec", o);
    saml::idp_trust t{idp_entity, {test::saml_keys::cert("idp"), test::saml_keys::cert("idp_ec")}};
    accepted(saml::verify_response_xml(xml, t, options(), expectation(), now()));
}

TEST_CASE("verify_response accepts RSA-SHA384 and RSA-SHA512 with SHA-384/512 digests", "[saml][verify]")
{
    response_builder b;
    saml::sign_options o;
    o.algorithm = saml::signature_algorithm::rsa_sha384;
    o.digest = saml::digest_algorithm::sha384;
    accepted(verify(sign(b.response(), b.assertion_id, "idp", o)));
    o.algorithm = saml::signature_algorithm::rsa_sha512;
    o.digest = saml::digest_algorithm::sha512;
    accepted(verify(sign(b.response(), b.assertion_id, "idp", o)));
}

TEST_CASE("verify_response accepts an unsolicited response when the connection allows it", "[saml][verify]")
{
    response_builder b;
    b.response_in_response_to.reset();
    b.confirmation_in_response_to.reset();
    auto sp = options();
    sp.allow_unsolicited = true;
    auto const a = accepted(saml::verify_response_xml(signed_assertion_response(b), trust(), sp,
                                                      saml::response_expectation::unsolicited(), now()));
    CHECK(a.in_response_to.empty());
}

TEST_CASE("verify_response in shape_only mode accepts any InResponseTo", "[saml][verify]")
{
    response_builder b;
    b.response_in_response_to = "_other";
    b.confirmation_in_response_to = "_other";
    auto const a = accepted(saml::verify_response_xml(signed_assertion_response(b), trust(), options(),
                                                      saml::response_expectation::shape_only(), now()));
    CHECK(a.in_response_to == "_other");
}

TEST_CASE("verify_response accepts SHA-1 only when the connection allows it", "[saml][verify][algorithm]")
{
    response_builder b;
    saml::sign_options o;
    o.algorithm = saml::signature_algorithm::rsa_sha1;
    o.digest = saml::digest_algorithm::sha1;
    auto const xml = sign(b.response(), b.assertion_id, "idp", o);
    CHECK(refused(verify(xml)) == errc::algorithm_forbidden);
    auto sp = options();
    sp.allow_sha1 = true;
    accepted(verify(xml, sp));
}

// --- encrypted assertions ----------------------------------------------------

TEST_CASE("verify_response decrypts an EncryptedKey inside EncryptedData's KeyInfo (ADFS, Entra)", "[saml][verify][encrypted]")
{
    response_builder b;
    for (auto const content : {saml::content_encryption::aes128_cbc, saml::content_encryption::aes256_cbc,
                               saml::content_encryption::aes128_gcm, saml::content_encryption::aes256_gcm}) {
        saml::encrypt_options eo;
        eo.content = content;
        auto const xml = encrypt(sign(b.response(), b.assertion_id), eo);
        REQUIRE(xml.find("<saml:Assertion") == std::string::npos);
        REQUIRE(xml.find("EncryptedAssertion") != std::string::npos);
        auto const a = accepted(verify(xml));
        CHECK(a.was_encrypted);
        CHECK(a.assertion_signed);
        CHECK(a.name_id == "alice@example.com");
        CHECK(a.values_of("groups").size() == 3);
    }
}

TEST_CASE("verify_response decrypts an EncryptedKey beside EncryptedData reached by RetrievalMethod (Okta)", "[saml][verify][encrypted]")
{
    response_builder b;
    saml::encrypt_options eo;
    eo.placement = saml::encrypted_key_placement::retrieval_method;
    auto const xml = encrypt(sign(b.response(), b.assertion_id), eo);
    REQUIRE(xml.find("RetrievalMethod") != std::string::npos);
    auto const a = accepted(verify(xml));
    CHECK(a.was_encrypted);
}

TEST_CASE("verify_response accepts an encrypted unsigned assertion inside a signed Response", "[saml][verify][encrypted]")
{
    response_builder b;
    auto const xml = sign(encrypt(b.response()), b.response_id);
    auto const a = accepted(verify(xml));
    CHECK(a.response_signed);
    CHECK_FALSE(a.assertion_signed);
    CHECK(a.was_encrypted);
}

TEST_CASE("verify_response decrypts with the SP's second key during SP key rollover", "[saml][verify][encrypted]")
{
    response_builder b;
    auto const xml = encrypt(sign(b.response(), b.assertion_id));
    auto sp = options();
    sp.decryption_keys = {test::saml_keys::key("sp_rollover"), test::saml_keys::key("sp")};
    accepted(verify(xml, sp));
}
