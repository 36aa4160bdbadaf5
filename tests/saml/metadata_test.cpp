#include <ssogate/saml/metadata.hpp>

#include <catch2/catch.hpp>

#include "support/keys.hpp"
#include "temp_dir.hpp"

#include <string>
#include <vector>

using namespace ssogate;

namespace {

// Fixtures: tests/data/saml/metadata/*.xml, made by generate.sh from templates/.
std::string fixture(std::string const& name)
{
    return test::read_file(test::data_path("saml/metadata/" + name + ".xml"));
}

saml::idp_metadata parse_ok(std::string const& name, saml::metadata_options const& options = {})
{
    auto md = saml::parse_idp_metadata(fixture(name), options);
    INFO(name << ": " << (md.has_value() ? std::string() : md.error().detail));
    REQUIRE(md.has_value());
    return *md;
}

saml::metadata_error parse_error(std::string const& name, saml::metadata_options const& options = {})
{
    auto md = saml::parse_idp_metadata(fixture(name), options);
    INFO(name);
    REQUIRE_FALSE(md.has_value());
    return md.error();
}

std::vector<std::string> fingerprints(std::vector<saml::certificate> const& certs)
{
    std::vector<std::string> out;
    for (auto const& c : certs)
        out.push_back(c.sha256_fingerprint());
    return out;
}

std::string fp(std::string const& key_name)
{
    return test::saml_keys::cert(key_name).sha256_fingerprint();
}

constexpr char redirect[] = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
constexpr char post[] = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

} // namespace

// --- real-world shapes -------------------------------------------------------------

TEST_CASE("parse_idp_metadata reads Okta's metadata", "[saml][metadata]")
{
    auto const md = parse_ok("okta");
    CHECK(md.entity_id == "http://www.okta.com/exk8d2fqkzQWsbfGa5d7");
    CHECK(md.sso_url(redirect) == "https://dev-81234567.okta.com/app/dev-81234567_ssogate_1/exk8d2fqkzQWsbfGa5d7/sso/saml");
    CHECK(md.sso_url(post) == md.sso_url(redirect));
    REQUIRE(md.sso_endpoints.size() == 2);
    CHECK(md.sso_endpoints[0].binding == post); // document order
    CHECK(fingerprints(md.signing_certs) == std::vector<std::string>{fp("idp")});
    CHECK_FALSE(md.want_authn_requests_signed);
    CHECK(md.name_id_formats == std::vector<std::string>{"urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
                                    "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"});
    CHECK(md.slo_endpoints.empty());
}

TEST_CASE("parse_idp_metadata reads Entra ID federation metadata and ignores its RoleDescriptors and Signature", "[saml][metadata]")
{
    auto const md = parse_ok("entra_federationmetadata");
    CHECK(md.entity_id == "https://sts.windows.net/3f2b8c1d-4e5a-4b6c-9d7e-8f0a1b2c3d4e/");
    CHECK(md.sso_url(redirect) == "https://login.microsoftonline.com/3f2b8c1d-4e5a-4b6c-9d7e-8f0a1b2c3d4e/saml2");
    CHECK(md.sso_url(post) == "https://login.microsoftonline.com/3f2b8c1d-4e5a-4b6c-9d7e-8f0a1b2c3d4e/saml2");
    CHECK(md.slo_url(redirect) == "https://login.microsoftonline.com/3f2b8c1d-4e5a-4b6c-9d7e-8f0a1b2c3d4e/saml2");
    // Both IDPSSODescriptor keys (rollover); the RoleDescriptors' (here: another) key and
    // the certificate inside the metadata's own Signature are not trusted.
    CHECK(fingerprints(md.signing_certs) == std::vector<std::string>{fp("idp"), fp("idp_rollover")});
    CHECK_FALSE(md.want_authn_requests_signed);
    CHECK(md.name_id_formats.empty());
}

TEST_CASE("parse_idp_metadata reads Google Workspace metadata with a line-wrapped certificate", "[saml][metadata]")
{
    auto const md = parse_ok("google");
    CHECK(md.entity_id == "https://accounts.google.com/o/saml2?idpid=C03x7ab9k");
    CHECK(md.sso_url(redirect) == "https://accounts.google.com/o/saml2/idp?idpid=C03x7ab9k");
    CHECK(fingerprints(md.signing_certs) == std::vector<std::string>{fp("idp")});
    CHECK(md.name_id_formats == std::vector<std::string>{"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"});
}

TEST_CASE("parse_idp_metadata reads Keycloak realm metadata with two signing keys and SOAP/Artifact endpoints", "[saml][metadata]")
{
    auto const md = parse_ok("keycloak");
    CHECK(md.entity_id == "https://keycloak.example.org/realms/acme");
    CHECK(md.want_authn_requests_signed);
    CHECK(fingerprints(md.signing_certs) == std::vector<std::string>{fp("idp"), fp("idp_rollover")});
    CHECK(md.sso_endpoints.size() == 4);
    CHECK(md.sso_url(redirect) == "https://keycloak.example.org/realms/acme/protocol/saml");
    CHECK(md.sso_url("urn:oasis:names:tc:SAML:2.0:bindings:SOAP") == "https://keycloak.example.org/realms/acme/protocol/saml");
    CHECK(md.slo_endpoints.size() == 4);
    CHECK(md.name_id_formats.size() == 4);
}

TEST_CASE("parse_idp_metadata takes the only IdP of an EntitiesDescriptor (older Keycloak, padded certificate)", "[saml][metadata]")
{
    auto const md = parse_ok("keycloak_legacy_entities");
    CHECK(md.entity_id == "https://sso.example.org/auth/realms/legacy");
    CHECK(md.want_authn_requests_signed);
    CHECK(fingerprints(md.signing_certs) == std::vector<std::string>{fp("idp")});
    CHECK(md.sso_url(post) == "https://sso.example.org/auth/realms/legacy/protocol/saml");
    CHECK(md.slo_url(post) == "https://sso.example.org/auth/realms/legacy/protocol/saml");
}

TEST_CASE("parse_idp_metadata reads ADFS federation metadata and trusts only the IdP role's signing key", "[saml][metadata]")
{
    auto const md = parse_ok("adfs_federationmetadata");
    CHECK(md.entity_id == "http://adfs.example.org/adfs/services/trust");
    CHECK(md.sso_url(redirect) == "https://adfs.example.org/adfs/ls/");
    CHECK(md.sso_url(post) == "https://adfs.example.org/adfs/ls/");
    CHECK(md.slo_endpoints.size() == 2);
    // Not the encryption key, not the SPSSODescriptor's or RoleDescriptors' keys.
    CHECK(fingerprints(md.signing_certs) == std::vector<std::string>{fp("idp")});
    CHECK(md.name_id_formats.size() == 3);
}

TEST_CASE("parse_idp_metadata reads SimpleSAMLphp metadata and skips its encryption key and extensions", "[saml][metadata]")
{
    auto const md = parse_ok("simplesamlphp");
    CHECK(md.entity_id == "https://idp.example.org/simplesaml/module.php/saml/idp/metadata");
    CHECK(md.sso_url(redirect) == "https://idp.example.org/simplesaml/module.php/saml/idp/singleSignOnService");
    CHECK_FALSE(md.sso_url(post));
    CHECK(md.slo_url(redirect) == "https://idp.example.org/simplesaml/module.php/saml/idp/singleLogout");
    CHECK(fingerprints(md.signing_certs) == std::vector<std::string>{fp("idp")});
    CHECK(md.name_id_formats == std::vector<std::string>{"urn:oasis:names:tc:SAML:2.0:nameid-format:transient"});
}

TEST_CASE("parse_idp_metadata reads a Shibboleth IdP that supports SAML 1.1 and 2.0 with keys without use", "[saml][metadata]")
{
    auto const md = parse_ok("shibboleth_idp");
    CHECK(md.entity_id == "https://idp.example.edu/idp/shibboleth");
    CHECK(md.sso_url(redirect) == "https://idp.example.edu/idp/profile/SAML2/Redirect/SSO");
    CHECK(md.sso_url(post) == "https://idp.example.edu/idp/profile/SAML2/POST/SSO");
    CHECK(md.sso_endpoints.size() == 4);
    // The key without use and the use="signing" one; not the encryption key, not the
    // AttributeAuthorityDescriptor's key.
    CHECK(fingerprints(md.signing_certs) == std::vector<std::string>{fp("idp"), fp("idp_rollover")});
}

TEST_CASE("idp_metadata::trust gives the entity ID and the signing certificates", "[saml][metadata]")
{
    auto const md = parse_ok("entra_federationmetadata");
    auto const trust = md.trust();
    CHECK(trust.entity_id == md.entity_id);
    CHECK(fingerprints(trust.signing_certs) == fingerprints(md.signing_certs));
}

TEST_CASE("parse_idp_metadata lists a certificate that appears in two KeyDescriptors once", "[saml][metadata]")
{
    auto const cert = test::saml_keys::cert("idp").base64_der();
    auto const key = [&](char const* use) {
        return std::string("<md:KeyDescriptor") + use + "><ds:KeyInfo><ds:X509Data><ds:X509Certificate>" + cert
               + "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>";
    };
    std::string const xml = "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" "
                            "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"urn:idp\">"
                            "<md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
                            + key("") + key(" use=\"signing\"") + key(" use=\"encryption\"")
                            + "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" "
                              "Location=\" https://idp.example.org/sso \"/></md:IDPSSODescriptor></md:EntityDescriptor>";
    auto const md = saml::parse_idp_metadata(xml);
    REQUIRE(md.has_value());
    CHECK(md->signing_certs.size() == 1);
    CHECK(md->sso_url(redirect) == "https://idp.example.org/sso"); // whitespace around the URI removed
}

// --- EntitiesDescriptor ----------------------------------------------------------

TEST_CASE("parse_idp_metadata takes the chosen IdP from a federation aggregate, nested groups included", "[saml][metadata]")
{
    saml::metadata_options options;
    options.entity_id = "https://idp.beta.example.edu/idp/shibboleth";
    auto const beta = parse_ok("federation_aggregate", options);
    CHECK(beta.entity_id == "https://idp.beta.example.edu/idp/shibboleth");
    CHECK(beta.want_authn_requests_signed); // WantAuthnRequestsSigned="1"
    CHECK(fingerprints(beta.signing_certs) == std::vector<std::string>{fp("idp_rollover")});

    options.entity_id = "https://idp.alpha.example.edu/idp/shibboleth";
    auto const alpha = parse_ok("federation_aggregate", options);
    CHECK(alpha.sso_url(redirect) == "https://idp.alpha.example.edu/idp/profile/SAML2/Redirect/SSO");
    CHECK(fingerprints(alpha.signing_certs) == std::vector<std::string>{fp("idp")});
}

TEST_CASE("parse_idp_metadata refuses an EntitiesDescriptor with several IdPs and no choice, listing them", "[saml][metadata][reject]")
{
    auto const e = parse_error("federation_aggregate");
    CHECK(e.code == saml::errc::metadata_invalid);
    CHECK(e.idp_entity_ids == std::vector<std::string>{"https://idp.alpha.example.edu/idp/shibboleth",
                                  "https://idp.beta.example.edu/idp/shibboleth"});
    CHECK(e.detail.find("https://idp.beta.example.edu/idp/shibboleth") != std::string::npos);
}

TEST_CASE("parse_idp_metadata refuses an entity ID that is not in the document", "[saml][metadata][reject]")
{
    saml::metadata_options options;
    options.entity_id = "https://idp.gamma.example.edu/idp/shibboleth";
    auto e = parse_error("federation_aggregate", options);
    CHECK(e.code == saml::errc::metadata_invalid);
    CHECK(e.detail.find("idp.gamma") != std::string::npos);
    CHECK(e.detail.find("idp.alpha") != std::string::npos); // tells what there is

    // An EntityDescriptor names another entity.
    e = parse_error("okta", options);
    CHECK(e.code == saml::errc::metadata_invalid);
}

TEST_CASE("parse_idp_metadata refuses a chosen entity of an aggregate that is not an IdP", "[saml][metadata][reject]")
{
    saml::metadata_options options;
    options.entity_id = "https://sp.example.net/shibboleth";
    auto const e = parse_error("federation_aggregate", options);
    CHECK(e.code == saml::errc::metadata_invalid);
    CHECK(e.detail.find("not a SAML 2.0 identity provider") != std::string::npos);
}

TEST_CASE("parse_idp_metadata refuses an EntitiesDescriptor without any IdP", "[saml][metadata][reject]")
{
    auto const e = parse_error("defect_entities_without_idp");
    CHECK(e.code == saml::errc::metadata_invalid);
    CHECK(e.idp_entity_ids.empty());
}

TEST_CASE("list_idp_entities lists the IdPs of an aggregate and of a single EntityDescriptor", "[saml][metadata]")
{
    auto ids = saml::list_idp_entities(fixture("federation_aggregate"));
    REQUIRE(ids.has_value());
    CHECK(*ids == std::vector<std::string>{"https://idp.alpha.example.edu/idp/shibboleth",
                      "https://idp.beta.example.edu/idp/shibboleth"});
    ids = saml::list_idp_entities(fixture("okta"));
    REQUIRE(ids.has_value());
    CHECK(*ids == std::vector<std::string>{"http://www.okta.com/exk8d2fqkzQWsbfGa5d7"});
    ids = saml::list_idp_entities(fixture("defect_not_an_idp"));
    REQUIRE(ids.has_value());
    CHECK(ids->empty());
}

TEST_CASE("list_idp_entities refuses what is not metadata", "[saml][metadata][reject]")
{
    auto const ids = saml::list_idp_entities(fixture("defect_not_metadata"));
    REQUIRE_FALSE(ids.has_value());
    CHECK(ids.error().code == saml::errc::metadata_invalid);
    auto const dtd = saml::list_idp_entities(fixture("defect_dtd"));
    REQUIRE_FALSE(dtd.has_value());
    CHECK(dtd.error().code == saml::errc::dtd_forbidden);
}

// --- defects -----------------------------------------------------------------------

TEST_CASE("parse_idp_metadata refuses metadata without any signing key (never no key = no check)", "[saml][metadata][reject]")
{
    auto const e = parse_error("defect_no_signing_key");
    CHECK(e.code == saml::errc::metadata_invalid);
    CHECK(e.detail.find("no signing certificate") != std::string::npos);
}

TEST_CASE("parse_idp_metadata refuses metadata whose only key is an encryption key", "[saml][metadata][reject]")
{
    auto const e = parse_error("defect_only_encryption_key");
    CHECK(e.code == saml::errc::metadata_invalid);
    CHECK(e.detail.find("encryption") != std::string::npos);
}

TEST_CASE("parse_idp_metadata refuses a signing key given without a certificate", "[saml][metadata][reject]")
{
    auto const e = parse_error("defect_key_without_certificate");
    CHECK(e.code == saml::errc::metadata_invalid);
    CHECK(e.detail.find("no signing certificate") != std::string::npos);
}

TEST_CASE("parse_idp_metadata refuses an SP's metadata as not an IdP", "[saml][metadata][reject]")
{
    auto const e = parse_error("defect_not_an_idp");
    CHECK(e.code == saml::errc::metadata_invalid);
    CHECK(e.detail.find("not a SAML 2.0 identity provider") != std::string::npos);
}

TEST_CASE("parse_idp_metadata refuses an IdP that supports only SAML 1.1", "[saml][metadata][reject]")
{
    auto const e = parse_error("defect_saml1_only_idp");
    CHECK(e.code == saml::errc::metadata_invalid);
    CHECK(e.detail.find("not a SAML 2.0 identity provider") != std::string::npos);
}

TEST_CASE("parse_idp_metadata refuses an IdP without a SingleSignOnService", "[saml][metadata][reject]")
{
    auto const e = parse_error("defect_no_sso_service");
    CHECK(e.code == saml::errc::metadata_invalid);
    CHECK(e.detail.find("SingleSignOnService") != std::string::npos);
}

TEST_CASE("parse_idp_metadata refuses a SingleSignOnService without a Location", "[saml][metadata][reject]")
{
    auto const e = parse_error("defect_sso_without_location");
    CHECK(e.code == saml::errc::metadata_invalid);
    CHECK(e.detail.find("Location") != std::string::npos);
}

TEST_CASE("parse_idp_metadata refuses a SingleSignOnService without a Binding", "[saml][metadata][reject]")
{
    auto const e = parse_error("defect_sso_without_binding");
    CHECK(e.code == saml::errc::metadata_invalid);
    CHECK(e.detail.find("Binding") != std::string::npos);
}

TEST_CASE("parse_idp_metadata refuses a browser endpoint that is not an http(s) URL", "[saml][metadata][reject]")
{
    auto const e = parse_error("defect_javascript_sso_location");
    CHECK(e.code == saml::errc::metadata_invalid);
    CHECK(e.detail.find("javascript:") != std::string::npos);
}

TEST_CASE("parse_idp_metadata refuses a certificate that is not base64", "[saml][metadata][reject]")
{
    auto const e = parse_error("defect_bad_base64_cert");
    CHECK(e.code == saml::errc::key_invalid);
    CHECK(e.detail.find("KeyDescriptor #1") != std::string::npos);
}

TEST_CASE("parse_idp_metadata refuses base64 that is not a DER certificate", "[saml][metadata][reject]")
{
    CHECK(parse_error("defect_not_a_certificate").code == saml::errc::key_invalid);
    CHECK(parse_error("defect_truncated_certificate").code == saml::errc::key_invalid);
}

TEST_CASE("parse_idp_metadata refuses the metadata when any signing certificate is malformed, not just the first", "[saml][metadata][reject]")
{
    auto const e = parse_error("defect_second_cert_malformed");
    CHECK(e.code == saml::errc::key_invalid);
    CHECK(e.detail.find("KeyDescriptor #2") != std::string::npos);
}

TEST_CASE("parse_idp_metadata refuses a KeyDescriptor use outside signing and encryption", "[saml][metadata][reject]")
{
    auto const e = parse_error("defect_unknown_key_use");
    CHECK(e.code == saml::errc::metadata_invalid);
    CHECK(e.detail.find("both") != std::string::npos);
}

TEST_CASE("parse_idp_metadata refuses a WantAuthnRequestsSigned that is not a boolean", "[saml][metadata][reject]")
{
    CHECK(parse_error("defect_want_authn_requests_signed_not_boolean").code == saml::errc::metadata_invalid);
}

TEST_CASE("parse_idp_metadata refuses an EntityDescriptor without entityID", "[saml][metadata][reject]")
{
    auto const e = parse_error("defect_no_entity_id");
    CHECK(e.code == saml::errc::metadata_invalid);
    CHECK(e.detail.find("entityID") != std::string::npos);
}

TEST_CASE("parse_idp_metadata refuses a document that is not SAML 2.0 metadata", "[saml][metadata][reject]")
{
    CHECK(parse_error("defect_not_metadata").code == saml::errc::metadata_invalid);
    CHECK(parse_error("defect_wrong_namespace").code == saml::errc::metadata_invalid);
}

TEST_CASE("parse_idp_metadata refuses a document that is not well-formed XML", "[saml][metadata][reject]")
{
    CHECK(parse_error("defect_not_xml").code == saml::errc::malformed);
    auto const empty = saml::parse_idp_metadata("");
    REQUIRE_FALSE(empty.has_value());
    CHECK(empty.error().code == saml::errc::malformed);
}

TEST_CASE("parse_idp_metadata refuses a DTD with entities", "[saml][metadata][reject]")
{
    auto const e = parse_error("defect_dtd");
    CHECK(e.code == saml::errc::dtd_forbidden);
}

TEST_CASE("parse_idp_metadata refuses an external entity without reading it", "[saml][metadata][reject]")
{
    auto const e = parse_error("defect_external_entity");
    CHECK(e.code == saml::errc::dtd_forbidden);
    CHECK(e.detail.find("root:") == std::string::npos);
}

TEST_CASE("parse_idp_metadata refuses a document larger than the bound before parsing it", "[saml][metadata][reject]")
{
    auto const xml = fixture("okta");
    saml::metadata_options options;
    options.max_bytes = xml.size();
    CHECK(saml::parse_idp_metadata(xml, options).has_value());
    options.max_bytes = xml.size() - 1;
    auto const md = saml::parse_idp_metadata(xml, options);
    REQUIRE_FALSE(md.has_value());
    CHECK(md.error().code == saml::errc::too_large);
}

TEST_CASE("parse_idp_metadata refuses a document nested deeper than the bound", "[saml][metadata][reject]")
{
    saml::metadata_options options;
    options.max_depth = 4; // Okta's certificate sits at depth 6
    auto const md = saml::parse_idp_metadata(fixture("okta"), options);
    REQUIRE_FALSE(md.has_value());
    CHECK(md.error().code == saml::errc::too_deep);

    std::string deep = "<md:EntitiesDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\">";
    for (int i = 0; i < 200; ++i)
        deep += "<md:EntitiesDescriptor>";
    for (int i = 0; i < 200; ++i)
        deep += "</md:EntitiesDescriptor>";
    deep += "</md:EntitiesDescriptor>";
    auto const nested = saml::parse_idp_metadata(deep);
    REQUIRE_FALSE(nested.has_value());
    CHECK(nested.error().code == saml::errc::too_deep);
}

TEST_CASE("parse_idp_metadata refuses duplicate IDs", "[saml][metadata][reject]")
{
    auto xml = fixture("okta");
    xml.replace(xml.find("<md:IDPSSODescriptor "), 21, "<md:IDPSSODescriptor ID=\"_x\" ");
    xml.replace(xml.find("entityID="), 9, "ID=\"_x\" entityID=");
    auto const md = saml::parse_idp_metadata(xml);
    REQUIRE_FALSE(md.has_value());
    CHECK(md.error().code == saml::errc::duplicate_id);
}

TEST_CASE("result<idp_metadata, metadata_error>::value() throws a system_error with the detail", "[saml][metadata][reject]")
{
    auto const md = saml::parse_idp_metadata(fixture("defect_no_signing_key"));
    REQUIRE_FALSE(md.has_value());
    CHECK_THROWS_AS(md.value(), boost::system::system_error);
}
