#include <ssogate/saml/sign.hpp>

#include "support/keys.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace ssogate;
namespace keys = ssogate::test::saml_keys;

namespace {

constexpr char document[] =
    "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
    "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_r1\" Version=\"2.0\">"
    "<saml:Issuer>https://idp.example.test</saml:Issuer>"
    "<samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status>"
    "</samlp:Response>";

} // namespace

TEST_CASE("sign_element puts the signature right after the Issuer by default", "[saml][sign]")
{
    auto const signed_xml = saml::sign_element(document, "_r1", keys::key("idp"));
    REQUIRE(signed_xml.has_value());
    auto const issuer_end = signed_xml->find("</saml:Issuer>");
    auto const sig = signed_xml->find("<ds:Signature");
    REQUIRE(issuer_end != std::string::npos);
    CHECK(sig == issuer_end + std::string_view("</saml:Issuer>").size());
    CHECK(signed_xml->find("URI=\"#_r1\"") != std::string::npos);
    CHECK(signed_xml->find("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256") != std::string::npos);
    CHECK(signed_xml->find("http://www.w3.org/2001/10/xml-exc-c14n#") != std::string::npos);
    CHECK(signed_xml->find("KeyInfo") == std::string::npos);
}

TEST_CASE("sign_element can append the signature and write X509Data or RSAKeyValue", "[saml][sign]")
{
    saml::sign_options options;
    options.placement = saml::signature_placement::last_child;
    options.key_info = saml::key_info_content::x509_certificate;
    options.cert = keys::cert("idp");
    auto const with_cert = saml::sign_element(document, "_r1", keys::key("idp"), options);
    REQUIRE(with_cert.has_value());
    CHECK(with_cert->find("</ds:Signature></samlp:Response>") != std::string::npos);
    CHECK(with_cert->find("<ds:X509Certificate>" + keys::cert("idp").base64_der() + "</ds:X509Certificate>") !=
          std::string::npos);

    options.key_info = saml::key_info_content::rsa_key_value;
    auto const with_value = saml::sign_element(document, "_r1", keys::key("idp"), options);
    REQUIRE(with_value.has_value());
    CHECK(with_value->find("<ds:RSAKeyValue><ds:Modulus>") != std::string::npos);
}

TEST_CASE("sign_element refuses a missing ID, a mismatched key and unparsable input", "[saml][sign][reject]")
{
    CHECK(saml::sign_element(document, "_nope", keys::key("idp")).error() == saml::errc::malformed);
    CHECK(saml::sign_element("<a", "_r1", keys::key("idp")).error() == saml::errc::malformed);
    saml::sign_options ec;
    ec.algorithm = saml::signature_algorithm::ecdsa_sha256;
    CHECK(saml::sign_element(document, "_r1", keys::key("idp"), ec).error() == saml::errc::key_invalid);
    CHECK(saml::sign_element(document, "_r1", keys::key("idp_ec"), ec).has_value());
    saml::sign_options no_cert;
    no_cert.key_info = saml::key_info_content::x509_certificate;
    CHECK(saml::sign_element(document, "_r1", keys::key("idp"), no_cert).error() == saml::errc::key_invalid);
}

TEST_CASE("the xmlsec1 command accepts what sign_element produces", "[saml][sign][interop]")
{
    if (!std::filesystem::exists("/usr/bin/xmlsec1")) {
        WARN("xmlsec1 command not installed; cross-check skipped");
        return;
    }
    test::temp_dir dir;
    for (auto const algorithm : {saml::signature_algorithm::rsa_sha256, saml::signature_algorithm::rsa_sha512}) {
        saml::sign_options options;
        options.algorithm = algorithm;
        auto const signed_xml = saml::sign_element(document, "_r1", keys::key("idp"), options);
        REQUIRE(signed_xml.has_value());
        std::ofstream(dir / "signed.xml", std::ios::binary) << *signed_xml;
        std::string const command = "/usr/bin/xmlsec1 --verify --id-attr:ID Response --pubkey-cert-pem " +
                                    test::data_path("saml/keys/idp.crt").string() + " " +
                                    (dir / "signed.xml").string() + " >/dev/null 2>&1";
        CHECK(std::system(command.c_str()) == 0);
    }
    // and rejects it once a signed value changed
    auto tampered = *saml::sign_element(document, "_r1", keys::key("idp"));
    tampered.replace(tampered.find("https://idp.example.test"), 24, "https://evil.example.test");
    std::ofstream(dir / "tampered.xml", std::ios::binary) << tampered;
    std::string const command = "/usr/bin/xmlsec1 --verify --id-attr:ID Response --pubkey-cert-pem " +
                                test::data_path("saml/keys/idp.crt").string() + " " +
                                (dir / "tampered.xml").string() + " >/dev/null 2>&1";
    CHECK(std::system(command.c_str()) != 0);
}
