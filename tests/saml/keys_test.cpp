#include <ssogate/saml/keys.hpp>

#include <ssogate/saml/library.hpp>

#include "support/keys.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>

using namespace ssogate;
using ssogate::test::saml_keys::pem;

namespace {

std::string base64_of_pem(std::string const& text)
{
    auto const begin = text.find('\n') + 1;
    auto const end = text.find("-----END");
    return text.substr(begin, end - begin); // keeps the line breaks, as metadata does
}

} // namespace

TEST_CASE("the test run holds a live saml library guard", "[saml][library]")
{
    CHECK(saml::library_guard::active());
    CHECK(saml::library_guard::versions().find("xmlsec1 1.2.") != std::string::npos);
    saml::library_guard second; // reference-counted: a second guard is harmless
    CHECK(saml::library_guard::active());
}

TEST_CASE("certificate reads PEM, DER and metadata base64 to the same certificate", "[saml][keys]")
{
    auto const text = pem("idp.crt");
    auto const from_pem = saml::certificate::from_pem(text);
    REQUIRE(from_pem.has_value());
    auto const from_b64 = saml::certificate::from_base64_der(base64_of_pem(text));
    REQUIRE(from_b64.has_value());
    auto const from_der = saml::certificate::from_der(from_pem->der());
    REQUIRE(from_der.has_value());
    CHECK(*from_pem == *from_b64);
    CHECK(*from_pem == *from_der);
    CHECK(from_pem->pem() == text);

    auto const& fp = from_pem->sha256_fingerprint();
    CHECK(fp.size() == 64);
    CHECK(std::all_of(fp.begin(), fp.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) && !std::isupper(static_cast<unsigned char>(c)); }));
    CHECK(from_pem->subject() == "CN=idp.example.test,O=Example IdP");
    CHECK(from_pem->not_after() > std::chrono::system_clock::now() + std::chrono::hours(24 * 365 * 50));
}

TEST_CASE("a cloned certificate with the same subject is a different certificate", "[saml][keys]")
{
    auto const idp = test::saml_keys::cert("idp");
    auto const clone = test::saml_keys::cert("idp_clone");
    CHECK(idp.subject() == clone.subject());
    CHECK_FALSE(idp == clone);
    CHECK(idp.sha256_fingerprint() != clone.sha256_fingerprint());
    CHECK(test::saml_keys::key("idp").matches(idp));
    CHECK_FALSE(test::saml_keys::key("idp").matches(clone));
}

TEST_CASE("certificate refuses text that is not a certificate", "[saml][keys][reject]")
{
    CHECK(saml::certificate::from_pem("not a certificate").error() == saml::errc::key_invalid);
    CHECK(saml::certificate::from_base64_der("@@@").error() == saml::errc::key_invalid);
    CHECK(saml::certificate::from_base64_der("").error() == saml::errc::key_invalid);
    CHECK(saml::certificate::from_base64_der("AAAA").error() == saml::errc::key_invalid);
    auto der = saml::certificate::from_pem(pem("idp.crt"))->der();
    der.push_back(std::byte{0});
    CHECK(saml::certificate::from_der(der).error() == saml::errc::key_invalid);
    CHECK(saml::certificate::from_pem(pem("idp.key")).error() == saml::errc::key_invalid);
}

TEST_CASE("private_key reads RSA and EC keys and refuses other input", "[saml][keys]")
{
    auto const rsa = saml::private_key::from_pem(pem("sp.key"));
    REQUIRE(rsa.has_value());
    CHECK(rsa->type() == saml::private_key::kind::rsa);
    CHECK(rsa->bits() == 2048);
    auto const ec = saml::private_key::from_pem(pem("idp_ec.key"));
    REQUIRE(ec.has_value());
    CHECK(ec->type() == saml::private_key::kind::ec);
    CHECK(ec->bits() == 256);
    CHECK(saml::private_key::from_pem(pem("sp.crt")).error() == saml::errc::key_invalid);
    CHECK(saml::private_key::from_pem("").error() == saml::errc::key_invalid);
}
