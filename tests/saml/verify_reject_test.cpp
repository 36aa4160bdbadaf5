// One refusal per reason: each case is a valid signed response with one defect.
#include <ssogate/saml/verify.hpp>

#include <ssogate/saml/errc.hpp>

#include "support/keys.hpp"
#include "support/response_builder.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace ssogate;
using namespace ssogate::test::saml_fixture;
using saml::errc;
using std::chrono::seconds;

namespace {

errc refused(saml::verify_result const& r)
{
    if (r)
        FAIL("accepted, but a refusal was expected");
    INFO(r.error());
    CHECK_FALSE(r.error().detail.empty());
    return r.error().code;
}

errc refused_with(response_builder const& b)
{
    return refused(verify(signed_assertion_response(b)));
}

} // namespace

TEST_CASE("every saml errc has a distinct message and reason code", "[saml][errc]")
{
    std::set<std::string> messages;
    std::set<std::string_view> codes;
    int const last = static_cast<int>(errc::signing_failed);
    for (int v = 1; v <= last; ++v) {
        auto const e = static_cast<errc>(v);
        messages.insert(saml::make_error_code(e).message());
        codes.insert(saml::to_reason_code(e));
        CHECK(saml::to_reason_code(e) != "unknown");
    }
    CHECK(messages.size() == static_cast<std::size_t>(last));
    CHECK(codes.size() == static_cast<std::size_t>(last));
    boost::system::error_code const ec = errc::audience_mismatch;
    CHECK(ec.category().name() == std::string("ssogate.saml"));
}

TEST_CASE("verify_response refuses a response larger than the bound before parsing", "[saml][reject]")
{
    auto sp = options();
    sp.max_response_bytes = 1000;
    auto const xml = signed_assertion_response();
    CHECK(refused(verify(xml, sp)) == errc::too_large);
    CHECK(refused(saml::verify_response(std::string(1001, 'A'), trust(), sp, expectation(), now())) == errc::too_large);
}

TEST_CASE("verify_response refuses text that is not XML, and XML that is not a Response", "[saml][reject]")
{
    CHECK(refused(verify("")) == errc::malformed);
    CHECK(refused(verify("<samlp:Response")) == errc::malformed);
    CHECK(refused(verify("<foo/>")) == errc::malformed);
    response_builder b;
    auto const assertion_only = sign("<root>" + b.assertion() + "</root>", b.assertion_id);
    CHECK(refused(verify(b.assertion())) == errc::malformed); // undeclared prefix
}

TEST_CASE("verify_response refuses a signed element whose ID is not an NCName", "[saml][reject]")
{
    response_builder b;
    auto const xml = replace_once(signed_assertion_response(b), "_assert-3d4e5f\"", "_assert-3d4e5f') or id('x\"");
    CHECK(refused(verify(xml)) == errc::malformed);
}

TEST_CASE("verify_response refuses a document nested deeper than the bound", "[saml][reject]")
{
    response_builder b;
    std::string deep;
    for (int i = 0; i < 60; ++i)
        deep += "<x:d xmlns:x=\"urn:x\">";
    for (int i = 0; i < 60; ++i)
        deep += "</x:d>";
    b.response_extensions = deep;
    CHECK(refused_with(b) == errc::too_deep);
}

TEST_CASE("verify_response refuses a successful Response without an assertion", "[saml][reject]")
{
    response_builder b;
    CHECK(refused(verify(sign(b.response(""), b.response_id))) == errc::assertion_missing);
}

TEST_CASE("verify_response reports the IdP's status when it is not Success", "[saml][reject]")
{
    response_builder b;
    b.status = "urn:oasis:names:tc:SAML:2.0:status:Responder";
    auto const r = verify(b.response(""));
    CHECK(refused(r) == errc::status_not_success);
    CHECK(r.error().detail.find("status:Responder") != std::string::npos);
}

TEST_CASE("verify_response refuses an unsigned response with an unsigned assertion", "[saml][reject]")
{
    CHECK(refused(verify(response_builder{}.response())) == errc::signature_missing);
}

TEST_CASE("verify_response refuses an unsigned encrypted assertion in an unsigned response", "[saml][reject][encrypted]")
{
    // anyone can encrypt to the SP's public key
    CHECK(refused(verify(encrypt(response_builder{}.response()))) == errc::signature_missing);
}

TEST_CASE("verify_response demands the assertion's own signature when the connection wants it", "[saml][reject]")
{
    auto sp = options();
    sp.want_assertions_signed = true;
    CHECK(refused(verify(signed_response_only(), sp)) == errc::signature_missing);
    CHECK(verify(signed_assertion_response(), sp).has_value());
}

TEST_CASE("verify_response refuses an assertion from another issuer", "[saml][reject]")
{
    response_builder b;
    b.assertion_issuer = "https://other-idp.example.test";
    CHECK(refused_with(b) == errc::issuer_mismatch);
}

TEST_CASE("verify_response refuses a Response Issuer that is not the IdP", "[saml][reject]")
{
    response_builder b;
    b.response_issuer = "https://other-idp.example.test";
    CHECK(refused_with(b) == errc::issuer_mismatch);
}

TEST_CASE("verify_response refuses a response addressed to another endpoint", "[saml][reject]")
{
    response_builder b;
    b.destination = "https://sp.example.test/sso/acs/other";
    CHECK(refused_with(b) == errc::destination_mismatch);
}

TEST_CASE("verify_response refuses a signed Response without Destination, whoever else signed", "[saml][reject]")
{
    // SAML Bindings §3.5.5.2: a signed protocol message MUST carry Destination.
    response_builder b;
    b.destination.reset();
    CHECK(refused(verify(signed_response_only(b))) == errc::destination_missing);
    CHECK(refused(verify(sign(sign(b.response(), b.assertion_id), b.response_id))) == errc::destination_missing);
    b.destination = "";
    CHECK(refused(verify(signed_response_only(b))) == errc::destination_mismatch);
}

TEST_CASE("verify_response refuses an assertion whose bearer Recipient is another endpoint", "[saml][reject]")
{
    response_builder b;
    b.recipient = "https://other-sp.example.test/acs";
    CHECK(refused_with(b) == errc::recipient_mismatch);
}

TEST_CASE("verify_response refuses an assertion without a bearer SubjectConfirmation", "[saml][reject]")
{
    response_builder b;
    b.confirmation_method = "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key";
    CHECK(refused_with(b) == errc::recipient_mismatch);
}

TEST_CASE("verify_response refuses an assertion whose audience is another SP", "[saml][reject]")
{
    response_builder b;
    b.audience = "https://other-sp.example.test";
    CHECK(refused_with(b) == errc::audience_mismatch);
}

TEST_CASE("verify_response refuses an assertion whose InResponseTo answers another request", "[saml][reject]")
{
    response_builder b;
    b.response_in_response_to = "_another-request";
    b.confirmation_in_response_to = "_another-request";
    CHECK(refused_with(b) == errc::in_response_to_mismatch);
}

TEST_CASE("verify_response refuses a Response InResponseTo that differs from the assertion's", "[saml][reject]")
{
    response_builder b;
    b.response_in_response_to = "_another-request";
    CHECK(refused_with(b) == errc::in_response_to_mismatch);
}

TEST_CASE("verify_response refuses a response without InResponseTo when a request is pending", "[saml][reject]")
{
    response_builder b;
    b.response_in_response_to.reset();
    b.confirmation_in_response_to.reset();
    CHECK(refused_with(b) == errc::in_response_to_mismatch);
}

TEST_CASE("verify_response refuses an unsolicited response when the connection does not allow them", "[saml][reject]")
{
    response_builder b;
    b.response_in_response_to.reset();
    b.confirmation_in_response_to.reset();
    CHECK(refused(saml::verify_response_xml(signed_assertion_response(b), trust(), options(),
                                            saml::response_expectation::unsolicited(), now())) ==
          errc::unsolicited_forbidden);
}

TEST_CASE("verify_response refuses a response with InResponseTo when none is pending", "[saml][reject]")
{
    auto sp = options();
    sp.allow_unsolicited = true;
    CHECK(refused(saml::verify_response_xml(signed_assertion_response(), trust(), sp,
                                            saml::response_expectation::unsolicited(), now())) ==
          errc::in_response_to_mismatch);
}

TEST_CASE("verify_response refuses an assertion without NameID or with an empty one", "[saml][reject]")
{
    response_builder b;
    auto const xml = b.response();
    auto const start = xml.find("<saml:NameID");
    auto const end = xml.find("</saml:NameID>") + std::string("</saml:NameID>").size();
    auto const without = xml.substr(0, start) + xml.substr(end);
    CHECK(refused(verify(sign(without, b.assertion_id))) == errc::subject_missing);
    b.name_id = "";
    CHECK(refused_with(b) == errc::subject_missing);
}

TEST_CASE("verify_response refuses an assertion that is not yet valid or has expired", "[saml][reject][time]")
{
    response_builder early;
    early.not_before = at(seconds(600));
    CHECK(refused_with(early) == errc::not_yet_valid);
    response_builder late;
    late.not_on_or_after = at(seconds(-600));
    CHECK(refused_with(late) == errc::expired);
    response_builder malformed_time;
    malformed_time.not_on_or_after = "2026-01-01 00:05:00";
    CHECK(refused_with(malformed_time) == errc::malformed);
}

TEST_CASE("verify_response refuses an unknown Condition", "[saml][reject]")
{
    response_builder b;
    b.audience = std::string(sp_entity) + "</saml:Audience></saml:AudienceRestriction><saml:Condition "
                 "xsi:type=\"x:Custom\" xmlns:x=\"urn:x\"/><saml:AudienceRestriction><saml:Audience>" + sp_entity;
    CHECK(refused_with(b) == errc::structure_forbidden);
}

// --- encrypted assertions -------------------------------------------------------

TEST_CASE("verify_response refuses an EncryptedAssertion when no SP key is configured", "[saml][reject][encrypted]")
{
    response_builder b;
    auto sp = options();
    sp.decryption_keys.clear();
    CHECK(refused(verify(encrypt(sign(b.response(), b.assertion_id)), sp)) == errc::decryption_key_missing);
}

TEST_CASE("verify_response refuses an EncryptedAssertion for another SP key", "[saml][reject][encrypted]")
{
    response_builder b;
    auto sp = options();
    sp.decryption_keys = {test::saml_keys::key("sp_rollover")};
    CHECK(refused(verify(encrypt(sign(b.response(), b.assertion_id)), sp)) == errc::decryption_failed);
}

TEST_CASE("verify_response refuses RSA PKCS#1 v1.5 key transport before decrypting", "[saml][reject][encrypted]")
{
    response_builder b;
    auto const xml = replace_once(encrypt(sign(b.response(), b.assertion_id)),
                                  "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
                                  "http://www.w3.org/2001/04/xmlenc#rsa-1_5");
    auto const r = verify(xml);
    CHECK(refused(r) == errc::algorithm_forbidden);
    CHECK(r.error().detail.find("rsa-1_5") != std::string::npos);
}

TEST_CASE("verify_response refuses a content cipher outside the allow-list", "[saml][reject][encrypted]")
{
    response_builder b;
    auto const xml = replace_once(encrypt(sign(b.response(), b.assertion_id)),
                                  "http://www.w3.org/2009/xmlenc11#aes256-gcm",
                                  "http://www.w3.org/2001/04/xmlenc#tripledes-cbc");
    CHECK(refused(verify(xml)) == errc::algorithm_forbidden);
}

TEST_CASE("verify_response refuses a RetrievalMethod that points anywhere but a sibling EncryptedKey", "[saml][reject][encrypted]")
{
    response_builder b;
    saml::encrypt_options eo;
    eo.placement = saml::encrypted_key_placement::retrieval_method;
    auto const xml = encrypt(sign(b.response(), b.assertion_id), eo);
    CHECK(refused(verify(replace_once(xml, "URI=\"#_ek", "URI=\"http://attacker.example/key#_ek"))) ==
          errc::structure_forbidden);
    CHECK(refused(verify(replace_once(xml, "Type=\"http://www.w3.org/2001/04/xmlenc#EncryptedKey\"",
                                      "Type=\"http://www.w3.org/2000/09/xmldsig#X509Data\""))) ==
          errc::structure_forbidden);
    CHECK(refused(verify(replace_once(xml, "URI=\"#_ek", "URI=\"#_missing"))) == errc::structure_forbidden);
}

TEST_CASE("verify_response refuses a tampered ciphertext", "[saml][reject][encrypted]")
{
    response_builder b;
    saml::encrypt_options eo;
    eo.content = saml::content_encryption::aes128_gcm;
    auto xml = encrypt(sign(b.response(), b.assertion_id), eo);
    // flip one character of the EncryptedData's CipherValue (the last CipherValue)
    // (xmlsec writes XML Encryption elements in the default namespace)
    auto const open = xml.rfind("<CipherValue>");
    REQUIRE(open != std::string::npos);
    auto const pos = open + std::string("<CipherValue>").size() + 40;
    xml[pos] = xml[pos] == 'A' ? 'B' : 'A';
    auto const r = verify(xml);
    CHECK(refused(r) == errc::decryption_failed);
}

TEST_CASE("verify_response refuses an encrypted assertion whose inner signature was made by an attacker", "[saml][reject][encrypted]")
{
    response_builder b;
    b.name_id = "admin@example.com";
    CHECK(refused(verify(encrypt(sign(b.response(), b.assertion_id, "attacker")))) == errc::signature_invalid);
}

TEST_CASE("sign_element reports signing_failed when xmlsec cannot resolve the reference", "[saml][sign][reject]")
{
    // An ID with a quote cannot be expressed in xmlsec's id('...') lookup.
    auto const r = saml::sign_element("<a ID=\"x'y\"><b/></a>", "x'y", test::saml_keys::key("idp"));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == errc::signing_failed);
}
