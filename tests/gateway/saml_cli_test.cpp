// `ssogate saml metadata-info` and `ssogate saml verify` (issue 3): output, --json,
// exit codes 0 / 1 / 2.
#include <ssogate/saml/keys.hpp>
#include <ssogate/saml/library.hpp>
#include <ssogate/saml/sign.hpp>

#include <catch2/catch.hpp>
#include <boost/json.hpp>

#include "support/process.hpp"
#include "temp_dir.hpp"

#include <fstream>
#include <string>
#include <vector>

using namespace ssogate;

namespace {

struct outcome {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// `ssogate saml ARGS…` with the built binary, in a fresh working directory.
outcome ssogate_saml(std::vector<std::string> args)
{
    args.insert(args.begin(), "saml");
    test::temp_dir dir;
    auto r = test::run_ssogate(args, dir.path());
    return {r.exit_code, r.out, r.err};
}

std::string metadata(std::string const& name)
{
    return test::data_path("saml/metadata/" + name + ".xml").string();
}

boost::json::object json_of(std::string const& text)
{
    INFO(text);
    REQUIRE(!text.empty());
    REQUIRE(text.back() == '\n');
    REQUIRE(text.find('\n') == text.size() - 1); // one line
    auto v = boost::json::parse(text);
    REQUIRE(v.is_object());
    return v.as_object();
}

std::string fingerprint(std::string const& key_name)
{
    saml::library_guard guard;
    auto cert = saml::certificate::from_pem(test::read_file(test::data_path("saml/keys/" + key_name + ".crt")));
    REQUIRE(cert.has_value());
    return cert->sha256_fingerprint();
}

// --- metadata-info -----------------------------------------------------------------

} // namespace

TEST_CASE("saml metadata-info shows the entity, endpoints, certificates and WantAuthnRequestsSigned", "[gateway][cli][saml]")
{
    auto const r = ssogate_saml({"metadata-info", metadata("keycloak")});
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out.find("entity ID: https://keycloak.example.org/realms/acme\n") != std::string::npos);
    CHECK(r.out.find("HTTP-Redirect  https://keycloak.example.org/realms/acme/protocol/saml\n") != std::string::npos);
    CHECK(r.out.find("HTTP-POST  https://keycloak.example.org/realms/acme/protocol/saml\n") != std::string::npos);
    CHECK(r.out.find("signing certificates: 2\n") != std::string::npos);
    CHECK(r.out.find("SHA-256 " + fingerprint("idp")) != std::string::npos);
    CHECK(r.out.find("SHA-256 " + fingerprint("idp_rollover")) != std::string::npos);
    CHECK(r.out.find("subject:   CN=idp.example.test,O=Example IdP") != std::string::npos);
    CHECK(r.out.find("not after: 2") != std::string::npos);
    CHECK(r.out.find("WantAuthnRequestsSigned: true\n") != std::string::npos);
}

TEST_CASE("saml metadata-info --json prints one JSON object with the same facts", "[gateway][cli][saml]")
{
    auto const r = ssogate_saml({"metadata-info", "--json", metadata("entra_federationmetadata")});
    CHECK(r.exit_code == 0);
    auto const j = json_of(r.out);
    CHECK(j.at("ok") == true);
    CHECK(j.at("entity_id") == "https://sts.windows.net/3f2b8c1d-4e5a-4b6c-9d7e-8f0a1b2c3d4e/");
    CHECK(j.at("want_authn_requests_signed") == false);
    auto const& sso = j.at("sso_endpoints").as_array();
    REQUIRE(sso.size() == 2);
    CHECK(sso[0].at("binding") == "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect");
    CHECK(sso[0].at("location") == "https://login.microsoftonline.com/3f2b8c1d-4e5a-4b6c-9d7e-8f0a1b2c3d4e/saml2");
    auto const& certs = j.at("signing_certificates").as_array();
    REQUIRE(certs.size() == 2);
    CHECK(certs[0].at("sha256_fingerprint") == fingerprint("idp").c_str());
    CHECK(certs[1].at("sha256_fingerprint") == fingerprint("idp_rollover").c_str());
    CHECK(certs[0].at("subject") == "CN=idp.example.test,O=Example IdP");
    CHECK(certs[0].at("not_after").as_string().size() == 20);
    CHECK(j.at("idp_entities").as_array().size() == 1);
}

TEST_CASE("saml metadata-info lists the IdPs of an EntitiesDescriptor when no entity is chosen", "[gateway][cli][saml]")
{
    auto r = ssogate_saml({"metadata-info", metadata("federation_aggregate")});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("2 identity providers; choose one with --entity-id") != std::string::npos);
    CHECK(r.out.find("  https://idp.alpha.example.edu/idp/shibboleth\n") != std::string::npos);
    CHECK(r.out.find("  https://idp.beta.example.edu/idp/shibboleth\n") != std::string::npos);
    CHECK(r.out.find("sp.example.net") == std::string::npos); // SPs are not listed

    r = ssogate_saml({"metadata-info", "--json", metadata("federation_aggregate")});
    CHECK(r.exit_code == 0);
    auto const j = json_of(r.out);
    CHECK(j.at("idp_entities") == boost::json::array{"https://idp.alpha.example.edu/idp/shibboleth",
                                      "https://idp.beta.example.edu/idp/shibboleth"});
    CHECK_FALSE(j.contains("entity_id"));
}

TEST_CASE("saml metadata-info --entity-id reads one IdP of an EntitiesDescriptor", "[gateway][cli][saml]")
{
    auto const r = ssogate_saml(
        {"metadata-info", "--entity-id", "https://idp.beta.example.edu/idp/shibboleth", "--json", metadata("federation_aggregate")});
    CHECK(r.exit_code == 0);
    auto const j = json_of(r.out);
    CHECK(j.at("entity_id") == "https://idp.beta.example.edu/idp/shibboleth");
    CHECK(j.at("want_authn_requests_signed") == true);
}

TEST_CASE("saml metadata-info exits 1 with the reason when the metadata is unusable", "[gateway][cli][saml][reject]")
{
    struct defect {
        char const* fixture;
        char const* reason;
        char const* says;
    };
    for (auto const& [fixture, reason, says] : {
             defect{"defect_no_signing_key", "metadata_invalid", "no signing certificate"},
             defect{"defect_only_encryption_key", "metadata_invalid", "encryption"},
             defect{"defect_not_an_idp", "metadata_invalid", "not a SAML 2.0 identity provider"},
             defect{"defect_bad_base64_cert", "key_invalid", "X509Certificate"},
             defect{"defect_dtd", "dtd_forbidden", "DOCTYPE"},
             defect{"defect_not_xml", "malformed", "not well-formed"},
         }) {
        INFO(fixture);
        auto r = ssogate_saml({"metadata-info", metadata(fixture)});
        CHECK(r.exit_code == 1);
        CHECK(r.out.find(std::string("(") + reason + ")") != std::string::npos);
        CHECK(r.out.find(says) != std::string::npos);

        r = ssogate_saml({"metadata-info", "--json", metadata(fixture)});
        CHECK(r.exit_code == 1);
        auto const j = json_of(r.out);
        CHECK(j.at("ok") == false);
        CHECK(j.at("reason") == reason);
        CHECK(j.at("detail").as_string().find(says) != boost::json::string::npos);
    }
}

TEST_CASE("saml metadata-info exits 1 for an entity ID that is not in the metadata", "[gateway][cli][saml][reject]")
{
    auto const r = ssogate_saml({"metadata-info", "--entity-id", "urn:nobody", "--json", metadata("okta")});
    CHECK(r.exit_code == 1);
    CHECK(json_of(r.out).at("reason") == "metadata_invalid");
}

TEST_CASE("saml metadata-info exits 2 on usage errors", "[gateway][cli][saml][reject]")
{
    CHECK(ssogate_saml({"metadata-info"}).exit_code == 2);
    CHECK(ssogate_saml({"metadata-info", "/nonexistent/metadata.xml"}).exit_code == 2);
    CHECK(ssogate_saml({"metadata-info", "--bogus", metadata("okta")}).exit_code == 2);
    CHECK(ssogate_saml({}).exit_code == 2); // `ssogate saml` alone
}

// --- verify --------------------------------------------------------------------------

namespace {

constexpr char sp_entity_id[] = "https://sso.example.com/sso/metadata";
constexpr char acs_url[] = "https://sso.example.com/sso/acs/okta";
constexpr char during[] = "2026-01-01T00:01:00Z";

// The fixture response with its assertion signed by the IdP key of okta.xml.
std::string signed_response(std::string const& key_name = "idp", std::string const& groups_value = "ops")
{
    saml::library_guard guard;
    auto key = saml::private_key::from_pem(test::read_file(test::data_path("saml/keys/" + key_name + ".key")));
    REQUIRE(key.has_value());
    auto xml = test::read_file(test::data_path("gateway/saml_cli/response_unsigned.xml"));
    xml.replace(xml.find("<saml:AttributeValue>ops<"), 25, "<saml:AttributeValue>" + groups_value + "<");
    auto signed_xml = saml::sign_element(xml, "_assert9b8a7c6d5e4f3a21", *key);
    REQUIRE(signed_xml.has_value());
    return *signed_xml;
}

std::string base64(std::string_view bytes)
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    auto const b = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(bytes[k])); };
    for (; i + 2 < bytes.size(); i += 3) {
        unsigned const v = (b(i) << 16) | (b(i + 1) << 8) | b(i + 2);
        for (int shift : {18, 12, 6, 0})
            out += alphabet[(v >> shift) & 63];
    }
    if (bytes.size() - i == 1) {
        unsigned const v = b(i) << 16;
        out += {alphabet[(v >> 18) & 63], alphabet[(v >> 12) & 63], '=', '='};
    } else if (bytes.size() - i == 2) {
        unsigned const v = (b(i) << 16) | (b(i + 1) << 8);
        out += {alphabet[(v >> 18) & 63], alphabet[(v >> 12) & 63], alphabet[(v >> 6) & 63], '='};
    }
    return out;
}

// A file holding `text` in a directory that lives as long as the returned object.
struct input_file {
    explicit input_file(std::string const& text, std::string const& name = "response.xml") : path(dir / name)
    {
        std::ofstream(path, std::ios::binary) << text;
    }
    test::temp_dir dir;
    std::filesystem::path path;
};

std::vector<std::string> verify_args(std::string const& response_file, std::vector<std::string> extra = {})
{
    std::vector<std::string> args{"verify", "--idp-metadata", metadata("okta"), "--sp-entity-id", sp_entity_id,
        "--acs-url", acs_url, "--now", during};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(response_file);
    return args;
}

} // namespace

TEST_CASE("saml verify --json accepts a signed response and prints who it is about", "[gateway][cli][saml]")
{
    input_file const response(signed_response());
    auto const r = ssogate_saml(verify_args(response.path.string(), {"--json"}));
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    auto const j = json_of(r.out);
    CHECK(j.at("ok") == true);
    CHECK(j.at("issuer") == "http://www.okta.com/exk8d2fqkzQWsbfGa5d7");
    CHECK(j.at("name_id") == "alice@example.com");
    CHECK(j.at("name_id_format") == "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");
    CHECK(j.at("assertion_id") == "_assert9b8a7c6d5e4f3a21");
    CHECK(j.at("in_response_to") == "_req5d1c8a7e2f");
    CHECK(j.at("session_index") == "_sess7f6e5d4c");
    CHECK(j.at("not_on_or_after") == "2026-01-01T00:05:00Z");
    CHECK(j.at("assertion_signed") == true);
    CHECK(j.at("response_signed") == false);
    CHECK(j.at("signing_cert_fingerprint") == fingerprint("idp").c_str());
    auto const& attributes = j.at("attributes").as_object();
    CHECK(attributes.at("email") == boost::json::array{"alice@example.com"});
    CHECK(attributes.at("groups") == boost::json::array{"eng", "ops"});
}

TEST_CASE("saml verify accepts the base64 form value as well as raw XML", "[gateway][cli][saml]")
{
    input_file const response(base64(signed_response()), "response.b64");
    auto const r = ssogate_saml(verify_args(response.path.string(), {"--json"}));
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(json_of(r.out).at("name_id") == "alice@example.com");
}

TEST_CASE("saml verify prints a human verdict without --json", "[gateway][cli][saml]")
{
    input_file const response(signed_response());
    auto r = ssogate_saml(verify_args(response.path.string()));
    CHECK(r.exit_code == 0);
    CHECK(r.out.starts_with("accepted\n"));
    CHECK(r.out.find("alice@example.com") != std::string::npos);
    CHECK(r.out.find("groups: \"eng\" \"ops\"") != std::string::npos);

    r = ssogate_saml({"verify", "--idp-metadata", metadata("okta"), "--sp-entity-id", "urn:another:sp", "--acs-url",
        acs_url, "--now", during, response.path.string()});
    CHECK(r.exit_code == 1);
    CHECK(r.out.starts_with("rejected: audience_mismatch\n"));
}

TEST_CASE("saml verify prints values from the response so that they cannot forge output lines", "[gateway][cli][saml][reject]")
{
    // A signed attribute value with a line break that pretends to be part of the verdict.
    input_file const response(signed_response("idp", "ops&#10;  name ID:         admin@example.com"));
    auto const r = ssogate_saml(verify_args(response.path.string()));
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("\n  name ID:         admin@example.com") == std::string::npos);
    CHECK(r.out.find("\"ops\\x0a  name ID:         admin@example.com\"") != std::string::npos);

    auto const j = ssogate_saml(verify_args(response.path.string(), {"--json"}));
    CHECK(json_of(j.out).at("attributes").at("groups").as_array().back() == "ops\n  name ID:         admin@example.com");
}

TEST_CASE("saml verify exits 1 with the precise reason when the response is refused", "[gateway][cli][saml][reject]")
{
    auto const good = signed_response();
    struct refusal {
        std::string why;
        std::string response;
        std::vector<std::string> args;
        char const* reason;
    };
    auto tampered = good;
    tampered.replace(tampered.find("alice@example.com</saml:NameID>"), 5, "admin");
    std::vector<refusal> const cases{
        {"another SP", good, {"verify", "--idp-metadata", metadata("okta"), "--sp-entity-id", "urn:another:sp",
                                 "--acs-url", acs_url, "--now", during},
            "audience_mismatch"},
        {"another ACS", good, {"verify", "--idp-metadata", metadata("okta"), "--sp-entity-id", sp_entity_id,
                                  "--acs-url", "https://sso.example.com/sso/acs/entra", "--now", during},
            "destination_mismatch"},
        {"changed after signing", tampered, {}, "signature_invalid"},
        {"signed by a key the metadata does not list", signed_response("attacker"), {}, "signature_invalid"},
        {"after NotOnOrAfter + skew", good,
            {"verify", "--idp-metadata", metadata("okta"), "--sp-entity-id", sp_entity_id, "--acs-url", acs_url,
                "--now", "2026-01-01T00:08:00Z"},
            "expired"},
        {"before NotBefore - skew", good,
            {"verify", "--idp-metadata", metadata("okta"), "--sp-entity-id", sp_entity_id, "--acs-url", acs_url,
                "--now", "2025-12-31T23:55:59Z"},
            "not_yet_valid"},
        {"answers another request", good,
            {"verify", "--idp-metadata", metadata("okta"), "--sp-entity-id", sp_entity_id, "--acs-url", acs_url,
                "--now", during, "--in-response-to", "_another"},
            "in_response_to_mismatch"},
        {"issued by another IdP than the metadata's", good,
            {"verify", "--idp-metadata", metadata("google"), "--sp-entity-id", sp_entity_id, "--acs-url", acs_url,
                "--now", during},
            "issuer_mismatch"},
    };
    for (auto const& c : cases) {
        INFO(c.why);
        input_file const response(c.response);
        auto args = c.args.empty() ? verify_args(response.path.string(), {"--json"}) : c.args;
        if (!c.args.empty()) {
            args.push_back("--json");
            args.push_back(response.path.string());
        }
        auto const r = ssogate_saml(args);
        INFO(r.out << r.err);
        CHECK(r.exit_code == 1);
        auto const j = json_of(r.out);
        CHECK(j.at("ok") == false);
        CHECK(j.at("reason") == c.reason);
        CHECK_FALSE(j.at("detail").as_string().empty());
    }
}

TEST_CASE("saml verify checks InResponseTo only for shape unless told the request or unsolicited", "[gateway][cli][saml]")
{
    input_file const response(signed_response());
    auto r = ssogate_saml(verify_args(response.path.string(), {"--json", "--in-response-to", "_req5d1c8a7e2f"}));
    CHECK(r.exit_code == 0);
    // The response answers a request: as an unsolicited response it is refused.
    r = ssogate_saml(verify_args(response.path.string(), {"--json", "--allow-unsolicited"}));
    CHECK(r.exit_code == 1);
    CHECK(json_of(r.out).at("ok") == false);
}

TEST_CASE("saml verify honours --clock-skew at the NotOnOrAfter boundary", "[gateway][cli][saml]")
{
    input_file const response(signed_response());
    auto const at = [&](char const* now, char const* skew) {
        return ssogate_saml({"verify", "--idp-metadata", metadata("okta"), "--sp-entity-id", sp_entity_id, "--acs-url",
            acs_url, "--now", now, "--clock-skew", skew, "--json", response.path.string()});
    };
    CHECK(at("2026-01-01T00:05:59Z", "60").exit_code == 0);
    auto const r = at("2026-01-01T00:06:00Z", "60");
    CHECK(r.exit_code == 1);
    CHECK(json_of(r.out).at("reason") == "expired");
    CHECK(at("2026-01-01T00:05:00Z", "0").exit_code == 1);
}

TEST_CASE("saml verify --want-assertions-signed accepts a response whose assertion is signed", "[gateway][cli][saml]")
{
    input_file const response(signed_response());
    auto const r = ssogate_saml(verify_args(response.path.string(), {"--json", "--want-assertions-signed"}));
    CHECK(r.exit_code == 0);
}

TEST_CASE("saml verify exits 2 on usage errors, unusable metadata, keys or times", "[gateway][cli][saml][reject]")
{
    input_file const response(signed_response());
    auto const file = response.path.string();
    CHECK(ssogate_saml({"verify", "--idp-metadata", metadata("okta"), "--sp-entity-id", sp_entity_id, file}).exit_code == 2);
    CHECK(ssogate_saml({"verify", "--sp-entity-id", sp_entity_id, "--acs-url", acs_url, file}).exit_code == 2);
    CHECK(ssogate_saml(verify_args(file, {"--now", "yesterday"})).exit_code == 2);
    CHECK(ssogate_saml(verify_args(file, {"--clock-skew", "-1"})).exit_code == 2);
    CHECK(ssogate_saml(verify_args(file, {"--clock-skew", "soon"})).exit_code == 2);
    CHECK(ssogate_saml(verify_args(file, {"--in-response-to", "_x", "--allow-unsolicited"})).exit_code == 2);
    CHECK(ssogate_saml(verify_args(file, {"--sp-key", metadata("okta")})).exit_code == 2); // not a key
    CHECK(ssogate_saml(verify_args("/nonexistent/response.xml")).exit_code == 2);
    auto const bad_metadata = ssogate_saml({"verify", "--idp-metadata", metadata("defect_no_signing_key"),
        "--sp-entity-id", sp_entity_id, "--acs-url", acs_url, file});
    CHECK(bad_metadata.exit_code == 2);
    CHECK(bad_metadata.err.find("metadata_invalid") != std::string::npos);
}

TEST_CASE("saml verify decrypts with --sp-key", "[gateway][cli][saml]")
{
    // The key is read and accepted; a plain (unencrypted) response still verifies.
    input_file const response(signed_response());
    auto const r = ssogate_saml(verify_args(response.path.string(), {"--json", "--sp-key",
                                                test::data_path("saml/keys/sp.key").string()}));
    CHECK(r.exit_code == 0);
}
