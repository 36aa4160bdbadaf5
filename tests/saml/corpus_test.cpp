// Writes named responses (valid shapes and attacks) for the fuzzer's seed corpus.
// Hidden: run by hand with
//   SSOGATE_CORPUS_DIR=saml/fuzz/corpus build-saml/tests/ssogate_saml_tests "[.corpus]"
// Each file is raw XML starting with '<', which the fuzz target reads as
// verify_response_xml in shape_only mode.
#include "support/response_builder.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace ssogate;
using namespace ssogate::test::saml_fixture;

TEST_CASE("write the fuzzer seed corpus", "[.corpus]")
{
    char const* dir = std::getenv("SSOGATE_CORPUS_DIR");
    if (dir == nullptr) {
        WARN("SSOGATE_CORPUS_DIR not set; nothing written");
        return;
    }
    std::filesystem::create_directories(dir);
    auto write = [&](std::string const& name, std::string const& xml) {
        std::ofstream(std::filesystem::path(dir) / (name + ".xml"), std::ios::binary) << xml;
    };
    response_builder b;
    write("response_assertion_signed", signed_assertion_response(b));
    write("response_only_response_signed", signed_response_only(b));
    write("response_both_signed", sign(sign(b.response(), b.assertion_id), b.response_id));
    write("response_encrypted_key_inside", encrypt(sign(b.response(), b.assertion_id)));
    saml::encrypt_options okta;
    okta.placement = saml::encrypted_key_placement::retrieval_method;
    okta.content = saml::content_encryption::aes128_cbc;
    write("response_encrypted_retrieval_method", encrypt(sign(b.response(), b.assertion_id), okta));
    response_builder wrong_audience;
    wrong_audience.audience = "https://other.example.test";
    write("response_wrong_audience", signed_assertion_response(wrong_audience));
    write("response_unsigned", b.response());
    response_builder failed;
    failed.status = "urn:oasis:names:tc:SAML:2.0:status:Responder";
    write("response_status_responder", failed.response(""));
    write("response_dtd_entities", "<!DOCTYPE r [<!ENTITY a \"aa\">]>" + b.response());
}
