#include <ssogate/saml/sp_metadata.hpp>

#include <ssogate/saml/metadata.hpp>

#include <catch2/catch.hpp>

#include "support/keys.hpp"
#include "temp_dir.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

using namespace ssogate;

namespace {

saml::sp_metadata_params sample_params()
{
    saml::sp_metadata_params p;
    p.entity_id = "https://sso.example.com/sso/metadata";
    p.acs = {{"https://sso.example.com/sso/acs/okta", 0}, {"https://sso.example.com/sso/acs/entra", 1}};
    p.signing_certs = {test::saml_keys::cert("sp")};
    p.encryption_certs = {test::saml_keys::cert("sp"), test::saml_keys::cert("sp_rollover")};
    p.authn_requests_signed = true;
    p.want_assertions_signed = true;
    return p;
}

std::string generate(saml::sp_metadata_params const& p)
{
    auto xml = saml::sp_metadata_xml(p);
    REQUIRE(xml);
    return *xml;
}

bool have_xmllint()
{
    return std::system("command -v xmllint >/dev/null 2>&1") == 0;
}

// Runs a shell command; its standard output and exit status.
std::pair<std::string, int> run(std::string const& command)
{
    std::string out;
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::array<char, 4096> buf{};
    while (auto n = std::fread(buf.data(), 1, buf.size(), pipe))
        out.append(buf.data(), n);
    int const status = pclose(pipe);
    return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

// An independent XML parser (libxml2's own xmllint, with network access off) answering
// an XPath expression over the document.
class xpath_probe {
public:
    explicit xpath_probe(std::string const& xml) : file_(dir_ / "sp_metadata.xml")
    {
        std::ofstream(file_, std::ios::binary) << xml;
    }
    std::filesystem::path const& file() const { return file_; }
    std::string eval(std::string const& expr) const
    {
        auto [out, status] = run("xmllint --nonet --xpath '" + expr + "' " + file_.string() + " 2>/dev/null");
        INFO(expr);
        REQUIRE(status == 0);
        if (!out.empty() && out.back() == '\n') // xmllint ends its answer with a newline
            out.pop_back();
        return out;
    }

private:
    test::temp_dir dir_;
    std::filesystem::path file_;
};

constexpr char md[] = "namespace-uri()=\"urn:oasis:names:tc:SAML:2.0:metadata\"";
constexpr char ds[] = "namespace-uri()=\"http://www.w3.org/2000/09/xmldsig#\"";

std::string md_el(std::string const& local)
{
    return "*[local-name()=\"" + local + "\" and " + md + "]";
}

} // namespace

TEST_CASE("sp_metadata_xml writes an EntityDescriptor with an SPSSODescriptor, keys, formats and one ACS per connection", "[saml][sp_metadata]")
{
    auto const xml = generate(sample_params());
    CHECK(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<md:EntityDescriptor "));
    CHECK(xml.find("entityID=\"https://sso.example.com/sso/metadata\"") != std::string::npos);
    CHECK(xml.find("protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"") != std::string::npos);
    CHECK(xml.find("AuthnRequestsSigned=\"true\" WantAssertionsSigned=\"true\"") != std::string::npos);
    CHECK(xml.find(test::saml_keys::cert("sp").base64_der()) != std::string::npos);
    CHECK(xml.find(test::saml_keys::cert("sp_rollover").base64_der()) != std::string::npos);
    CHECK(xml.find("<md:AssertionConsumerService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" "
                   "Location=\"https://sso.example.com/sso/acs/okta\" index=\"0\" isDefault=\"true\"/>")
          != std::string::npos);
    CHECK(xml.find("<md:AssertionConsumerService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" "
                   "Location=\"https://sso.example.com/sso/acs/entra\" index=\"1\"/>")
          != std::string::npos);
}

TEST_CASE("sp_metadata_xml output parses with libxml2 and has the expected elements in their namespaces", "[saml][sp_metadata]")
{
    if (!have_xmllint()) {
        WARN("xmllint (Debian package libxml2-utils) is not installed; skipping the independent parse");
        return;
    }
    xpath_probe const probe(generate(sample_params()));
    auto const [out, status] = run("xmllint --nonet --noout " + probe.file().string() + " 2>&1");
    CHECK(status == 0);
    CHECK(out.empty());

    std::string const root = "/" + md_el("EntityDescriptor");
    std::string const sp = root + "/" + md_el("SPSSODescriptor");
    CHECK(probe.eval("count(" + sp + ")") == "1");
    CHECK(probe.eval("string(" + root + "/@entityID)") == "https://sso.example.com/sso/metadata");
    CHECK(probe.eval("string(" + sp + "/@AuthnRequestsSigned)") == "true");
    CHECK(probe.eval("string(" + sp + "/@WantAssertionsSigned)") == "true");
    CHECK(probe.eval("count(" + sp + "/" + md_el("KeyDescriptor") + "[@use=\"signing\"])") == "1");
    CHECK(probe.eval("count(" + sp + "/" + md_el("KeyDescriptor") + "[@use=\"encryption\"])") == "2");
    CHECK(probe.eval("count(" + sp + "/" + md_el("KeyDescriptor") + "/*[local-name()=\"KeyInfo\" and " + ds
                     + "]/*[local-name()=\"X509Data\" and " + ds + "]/*[local-name()=\"X509Certificate\" and " + ds
                     + "])")
          == "3");
    CHECK(probe.eval("string(" + sp + "/" + md_el("KeyDescriptor") + "[@use=\"signing\"]//*[local-name()=\"X509Certificate\"])")
          == test::saml_keys::cert("sp").base64_der());
    CHECK(probe.eval("count(" + sp + "/" + md_el("NameIDFormat") + ")") == "3");
    CHECK(probe.eval("string(" + sp + "/" + md_el("NameIDFormat") + "[1])")
          == "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");
    CHECK(probe.eval("string(" + sp + "/" + md_el("NameIDFormat") + "[2])")
          == "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent");
    CHECK(probe.eval("string(" + sp + "/" + md_el("NameIDFormat") + "[3])")
          == "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified");
    CHECK(probe.eval("count(" + sp + "/" + md_el("AssertionConsumerService") + ")") == "2");
    CHECK(probe.eval("count(" + sp + "/" + md_el("AssertionConsumerService") + "[@isDefault=\"true\"])") == "1");
    CHECK(probe.eval("string(" + sp + "/" + md_el("AssertionConsumerService") + "[@isDefault=\"true\"]/@Location)")
          == "https://sso.example.com/sso/acs/okta");
    // ACS come last (schema order): nothing follows the last one.
    CHECK(probe.eval("count(" + sp + "/" + md_el("AssertionConsumerService") + "[last()]/following-sibling::*)") == "0");
}

TEST_CASE("sp_metadata_xml output validates against the structure of the SAML metadata schema", "[saml][sp_metadata]")
{
    if (!have_xmllint()) {
        WARN("xmllint (Debian package libxml2-utils) is not installed; skipping schema validation");
        return;
    }
    // The official OASIS XSD is not on the build machines; schema/ holds a structural subset
    // of it (see schema/README).
    auto const schema = test::data_path("saml/metadata/schema/saml_metadata_subset.xsd");
    for (auto params : {sample_params(), saml::sp_metadata_params{}}) {
        if (params.entity_id.empty()) { // the smallest metadata: no keys, one ACS
            params.entity_id = "urn:example:sp";
            params.acs = {{"https://sp.example.com/acs", 7}};
        }
        xpath_probe const probe(generate(params));
        auto const [out, status] =
            run("xmllint --nonet --noout --schema " + schema.string() + " " + probe.file().string() + " 2>&1");
        INFO(out);
        CHECK(status == 0);
    }
}

TEST_CASE("sp_metadata_xml schema check catches elements out of order (the check has teeth)", "[saml][sp_metadata]")
{
    if (!have_xmllint())
        return;
    auto xml = generate(sample_params());
    // Move the NameIDFormats after the ACS: invalid by the schema's sequence.
    auto const start = xml.find("    <md:NameIDFormat>");
    auto const end = xml.find("    <md:AssertionConsumerService");
    auto const formats = xml.substr(start, end - start);
    xml.erase(start, end - start);
    xml.insert(xml.find("  </md:SPSSODescriptor>"), formats);
    xpath_probe const probe(xml);
    auto const schema = test::data_path("saml/metadata/schema/saml_metadata_subset.xsd");
    auto const [out, status] = run("xmllint --nonet --noout --schema " + schema.string() + " " + probe.file().string() + " 2>&1");
    CHECK(status != 0);
}

TEST_CASE("sp_metadata_xml escapes the entity ID, ACS locations and NameID formats", "[saml][sp_metadata]")
{
    auto p = sample_params();
    p.entity_id = "https://sso.example.com/sso/metadata?a=1&b=<2>\"";
    p.acs = {{"https://sso.example.com/sso/acs/o'k?x=1&y=2", 3}};
    p.name_id_formats = {"urn:x:<&>"};
    auto const xml = generate(p);
    CHECK(xml.find("entityID=\"https://sso.example.com/sso/metadata?a=1&amp;b=&lt;2&gt;&quot;\"") != std::string::npos);
    CHECK(xml.find("Location=\"https://sso.example.com/sso/acs/o&apos;k?x=1&amp;y=2\" index=\"3\" isDefault=\"true\"")
          != std::string::npos);
    CHECK(xml.find("<md:NameIDFormat>urn:x:&lt;&amp;&gt;</md:NameIDFormat>") != std::string::npos);
    if (have_xmllint()) {
        xpath_probe const probe(xml);
        CHECK(probe.eval("string(/" + md_el("EntityDescriptor") + "/@entityID)")
              == "https://sso.example.com/sso/metadata?a=1&b=<2>\"");
    }
}

TEST_CASE("sp_metadata_xml writes AuthnRequestsSigned and WantAssertionsSigned false and no KeyDescriptor when asked", "[saml][sp_metadata]")
{
    saml::sp_metadata_params p;
    p.entity_id = "urn:example:sp";
    p.acs = {{"https://sp.example.com/acs", 0}};
    p.want_assertions_signed = false;
    auto const xml = generate(p);
    CHECK(xml.find("AuthnRequestsSigned=\"false\" WantAssertionsSigned=\"false\"") != std::string::npos);
    CHECK(xml.find("KeyDescriptor") == std::string::npos);
}

TEST_CASE("sp_metadata_xml lists the encryption algorithms ssogate decrypts on its encryption keys only", "[saml][sp_metadata]")
{
    auto const xml = generate(sample_params());
    auto const signing = xml.substr(xml.find("use=\"signing\""), xml.find("use=\"encryption\"") - xml.find("use=\"signing\""));
    CHECK(signing.find("EncryptionMethod") == std::string::npos);
    CHECK(xml.find("<md:EncryptionMethod Algorithm=\"http://www.w3.org/2009/xmlenc11#aes256-gcm\"/>") != std::string::npos);
    CHECK(xml.find("<md:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p\"/>") != std::string::npos);
    CHECK(xml.find("rsa-1_5") == std::string::npos);
}

TEST_CASE("sp_metadata_xml is read back as metadata of an SP, not an IdP", "[saml][sp_metadata]")
{
    auto const xml = generate(sample_params());
    auto const ids = saml::list_idp_entities(xml);
    REQUIRE(ids.has_value());
    CHECK(ids->empty());
    auto const idp = saml::parse_idp_metadata(xml);
    REQUIRE_FALSE(idp.has_value());
    CHECK(idp.error().code == saml::errc::metadata_invalid);
}

TEST_CASE("sp_metadata_xml rejects parameters that cannot make valid metadata", "[saml][sp_metadata][reject]")
{
    auto const expect_malformed = [](saml::sp_metadata_params const& p) {
        auto const xml = saml::sp_metadata_xml(p);
        REQUIRE_FALSE(xml);
        CHECK(xml.error() == saml::errc::malformed);
    };
    auto p = sample_params();
    p.entity_id.clear();
    expect_malformed(p);

    p = sample_params();
    p.entity_id = "urn:" + std::string(1021, 'x'); // 1025 characters
    expect_malformed(p);
    p.entity_id.pop_back(); // 1024: allowed
    CHECK(saml::sp_metadata_xml(p));

    p = sample_params();
    p.acs.clear();
    expect_malformed(p);

    for (std::string bad : {"", "/sso/acs/okta", "ftp://sp.example.com/acs", "https://", "https://sp.example.com/acs#x",
             "https://sp.example.com/a cs"}) {
        INFO(bad);
        p = sample_params();
        p.acs[1].location = bad;
        expect_malformed(p);
    }

    p = sample_params();
    p.acs[1].index = p.acs[0].index;
    expect_malformed(p);

    p = sample_params();
    p.signing_certs.clear();
    p.authn_requests_signed = true;
    expect_malformed(p);

    p = sample_params();
    p.name_id_formats.push_back("");
    expect_malformed(p);
}
