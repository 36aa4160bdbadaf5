// The SAMLResponse form value's base64, through verify_response: every shape of valid
// input (one line, wrapped at 76 or 64 columns with CRLF or LF, whitespace inside a
// quantum, both padding lengths) decodes to the same document, and every invalid one is
// refused as malformed. The decoder has a four-symbol fast path and a symbol-by-symbol
// path (issue 8); these inputs cross between the two at every offset.
#include <ssogate/saml/verify.hpp>

#include "support/response_builder.hpp"

#include <catch2/catch.hpp>

#include <openssl/evp.h>

using namespace ssogate;
using namespace ssogate::test::saml_fixture;
using saml::errc;

namespace {

std::string base64(std::string const& in)
{
    std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
    int const n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<unsigned char const*>(in.data()), static_cast<int>(in.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string wrap(std::string const& b64, std::size_t width, std::string const& eol)
{
    std::string out;
    for (std::size_t p = 0; p < b64.size(); p += width)
        out += b64.substr(p, width) + eol;
    return out;
}

saml::verify_result verify_form(std::string const& form)
{
    return saml::verify_response(form, trust(), options(), expectation(), now());
}

/// A signed response whose size makes its base64 end with `padding` '=' characters.
std::string response_with_padding(std::size_t padding)
{
    for (int extra = 1; extra <= 3; ++extra) {
        response_builder b;
        b.response_extensions = std::string(static_cast<std::size_t>(extra), ' ');
        auto xml = signed_assertion_response(b);
        if ((3 - xml.size() % 3) % 3 == padding)
            return xml;
    }
    FAIL("no response size gives " << padding << " padding characters");
    return {};
}

} // namespace

TEST_CASE("verify_response decodes the base64 form value in every valid layout", "[saml][verify][base64]")
{
    for (std::size_t padding : {0u, 1u, 2u}) {
        auto const xml = response_with_padding(padding);
        auto const b64 = base64(xml);
        REQUIRE(std::count(b64.end() - 2, b64.end(), '=') == static_cast<long>(padding));
        for (auto const& form : {b64, wrap(b64, 76, "\r\n"), wrap(b64, 64, "\n"), wrap(b64, 75, " "),
                                 wrap(b64, 1, "\t"), " " + b64 + " \r\n"}) {
            INFO("padding " << padding << ", form starts " << form.substr(0, 90));
            auto const r = verify_form(form);
            if (!r)
                FAIL("refused: " << r.error());
        }
    }
}

TEST_CASE("verify_response refuses a form value that is not canonical base64", "[saml][reject][base64]")
{
    auto const b64 = base64(response_with_padding(1));
    REQUIRE(b64.back() == '=');
    auto const refused = [](std::string const& form) {
        auto const r = verify_form(form);
        return r ? errc{} : r.error().code;
    };
    std::string const body = b64.substr(0, b64.size() - 4);
    std::string const last = b64.substr(b64.size() - 4); // "xyz="
    CHECK(refused(body.substr(0, 100) + "*" + body.substr(100) + last) == errc::malformed); // outside the alphabet
    CHECK(refused(body.substr(0, 101) + "-" + body.substr(101) + last) == errc::malformed); // base64url
    CHECK(refused(body + last + "AAAA") == errc::malformed);                                // data after padding
    CHECK(refused(body + last + "=") == errc::malformed);                                   // three padding symbols
    CHECK(refused(body + last.substr(0, 3)) == errc::malformed);                            // padding missing
    CHECK(refused(body + last.substr(0, 1) + "==") == errc::malformed);                     // one symbol, padded
    CHECK(refused(body.substr(0, body.size() - 1)) == errc::malformed);                     // not a whole quantum
    // Non-zero bits after the last byte (RFC 4648 §3.5): change the symbol before '='.
    auto bumped = last;
    bumped[2] = bumped[2] == 'z' ? 'y' : static_cast<char>(bumped[2] + 1);
    CHECK(refused(body + bumped) == errc::malformed);
    CHECK(refused("====") == errc::malformed);
    CHECK(refused(std::string("AAA\0", 4)) == errc::malformed);
}
