// libFuzzer target over saml::verify_response / verify_response_xml.
//
// Build (clang only):  cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ \
//                        -DSSOGATE_FUZZ=ON -DSSOGATE_BUILD_TESTS=OFF -DSSOGATE_BUILD_BENCH=OFF
//                      cmake --build build-fuzz --target saml_verify_fuzz
// Seed corpus:         build-saml/tests/ssogate_saml_tests "[.corpus]" with
//                      SSOGATE_CORPUS_DIR=saml/fuzz/corpus (writes valid and attack responses)
// Run briefly (CI):    build-fuzz/saml/saml_verify_fuzz -max_total_time=60 saml/fuzz/corpus
//
// The first byte picks the entry point (base64 form value or raw XML) and the
// expectation; the rest is the input. Trust and keys are the test keys, so
// mutated valid responses reach signature verification and decryption.
#include <ssogate/saml/library.hpp>
#include <ssogate/saml/verify.hpp>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

namespace {

namespace saml = ssogate::saml;

std::string read(char const* file)
{
    std::ifstream in(std::string(SSOGATE_SOURCE_DIR) + "/tests/data/saml/keys/" + file, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

struct context {
    saml::library_guard guard;
    saml::idp_trust trust;
    saml::sp_options sp;
    std::chrono::system_clock::time_point now;
};

context& fixture()
{
    static context* c = [] {
        auto* x = new context;
        x->trust.entity_id = "https://idp.example.test/metadata";
        x->trust.signing_certs.push_back(*saml::certificate::from_pem(read("idp.crt")));
        x->sp.entity_id = "https://sp.example.test/saml";
        x->sp.acs_url = "https://sp.example.test/sso/acs/okta";
        x->sp.decryption_keys.push_back(*saml::private_key::from_pem(read("sp.key")));
        x->now = *saml::parse_saml_time("2026-01-01T00:00:00Z");
        return x;
    }();
    return *c;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    (void)fixture();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if (size == 0)
        return 0;
    auto& f = fixture();
    std::string_view const input(reinterpret_cast<char const*>(data + 1), size - 1);
    auto const selector = data[0];
    auto const expected = (selector & 2) != 0 ? saml::response_expectation::solicited("_req-6c1f")
                                              : saml::response_expectation::shape_only();
    auto const result = (selector & 1) != 0
                            ? saml::verify_response(input, f.trust, f.sp, expected, f.now)
                            : saml::verify_response_xml(input, f.trust, f.sp, expected, f.now);
    if (!result && result.error().detail.empty())
        __builtin_trap(); // every refusal carries a detail
    return 0;
}
