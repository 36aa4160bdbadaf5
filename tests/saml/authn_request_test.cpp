#include <ssogate/saml/authn_request.hpp>

#include <catch2/catch.hpp>

#include "support/keys.hpp"

#include <zlib.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

using namespace ssogate;
using namespace std::chrono_literals;

namespace {

saml::authn_request sample_request()
{
    saml::authn_request r;
    r.id = "_0123456789abcdef0123456789abcdef";
    r.issue_instant = std::chrono::sys_days{std::chrono::year{2026} / 1 / 2} + 3h + 4min + 5s + 678ms;
    r.destination = "https://idp.example.org/sso/redirect";
    r.acs_url = "https://sp.example.com/sso/acs/okta";
    r.sp_entity_id = "https://sp.example.com/sso/metadata";
    return r;
}

// Independent codecs for the tests (the library's own are internal).
std::string base64(std::string_view bytes)
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        unsigned const v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8)
                           | static_cast<unsigned char>(bytes[i + 2]);
        for (int shift : {18, 12, 6, 0})
            out += alphabet[(v >> shift) & 63];
    }
    if (bytes.size() - i == 1) {
        unsigned const v = static_cast<unsigned char>(bytes[i]) << 16;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += "==";
    } else if (bytes.size() - i == 2) {
        unsigned const v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

std::optional<std::string> unbase64(std::string_view text)
{
    static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned acc = 0;
    int bits = 0;
    for (char c : text) {
        if (c == '=')
            break;
        auto const v = alphabet.find(c);
        if (v == std::string_view::npos)
            return std::nullopt;
        acc = (acc << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    return out;
}

std::optional<std::string> url_decode_for_test(std::string_view s)
{
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else if (s[i] == '&') {
            break;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string query_of(std::string const& url)
{
    // The redirect binding's parameters follow the SSO URL's own query, if any.
    return url.substr(url.find('?') + 1);
}

} // namespace

TEST_CASE("authn_request_xml writes the ID, instant, destination, ACS, binding and issuer", "[saml][authn_request]")
{
    auto const xml = saml::authn_request_xml(sample_request());
    REQUIRE(xml);
    CHECK(xml->find("ID=\"_0123456789abcdef0123456789abcdef\"") != std::string::npos);
    CHECK(xml->find("IssueInstant=\"2026-01-02T03:04:05Z\"") != std::string::npos);
    CHECK(xml->find("Destination=\"https://idp.example.org/sso/redirect\"") != std::string::npos);
    CHECK(xml->find("AssertionConsumerServiceURL=\"https://sp.example.com/sso/acs/okta\"") != std::string::npos);
    CHECK(xml->find("ProtocolBinding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\"") != std::string::npos);
    CHECK(xml->find("<saml:Issuer>https://sp.example.com/sso/metadata</saml:Issuer>") != std::string::npos);
    CHECK(xml->find("AllowCreate=\"true\"") != std::string::npos);
    CHECK(xml->find("ForceAuthn") == std::string::npos);
    CHECK(xml->find("IsPassive") == std::string::npos);
}

TEST_CASE("authn_request_xml escapes values that XML would otherwise interpret", "[saml][authn_request]")
{
    auto r = sample_request();
    r.acs_url = "https://sp.example.com/acs?a=1&b=\"2\"";
    r.sp_entity_id = "urn:sp:<x>&'y'";
    auto const xml = saml::authn_request_xml(r);
    REQUIRE(xml);
    CHECK(xml->find("AssertionConsumerServiceURL=\"https://sp.example.com/acs?a=1&amp;b=&quot;2&quot;\"")
          != std::string::npos);
    CHECK(xml->find("<saml:Issuer>urn:sp:&lt;x&gt;&amp;&apos;y&apos;</saml:Issuer>") != std::string::npos);
}

TEST_CASE("authn_request_xml writes ForceAuthn, IsPassive and the NameIDPolicy format when asked", "[saml][authn_request]")
{
    auto r = sample_request();
    r.force_authn = true;
    r.is_passive = true;
    r.name_id_format = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
    auto const xml = saml::authn_request_xml(r);
    REQUIRE(xml);
    CHECK(xml->find("ForceAuthn=\"true\"") != std::string::npos);
    CHECK(xml->find("IsPassive=\"true\"") != std::string::npos);
    CHECK(xml->find("<samlp:NameIDPolicy Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress\" "
                    "AllowCreate=\"true\"/>")
          != std::string::npos);
}

TEST_CASE("authn_request_xml rejects an ID that is not an xs:ID", "[saml][authn_request][reject]")
{
    for (std::string id : {"", "0abc", "_a b", "_a\"b", "-abc", "_a<b"}) {
        auto r = sample_request();
        r.id = id;
        auto const xml = saml::authn_request_xml(r);
        INFO(id);
        REQUIRE_FALSE(xml);
        CHECK(xml.error() == saml::errc::malformed);
    }
}

TEST_CASE("authn_request_xml rejects a destination or ACS URL that is not an absolute http(s) URL", "[saml][authn_request][reject]")
{
    for (std::string url : {"", "idp.example.org/sso", "ftp://idp.example.org/", "https://", "https:///path",
             "https://idp.example.org/sso#frag", "https://idp.example.org/s so", "javascript:alert(1)"}) {
        INFO(url);
        auto r = sample_request();
        r.destination = url;
        auto xml = saml::authn_request_xml(r);
        REQUIRE_FALSE(xml);
        CHECK(xml.error() == saml::errc::malformed);
        r = sample_request();
        r.acs_url = url;
        xml = saml::authn_request_xml(r);
        REQUIRE_FALSE(xml);
        CHECK(xml.error() == saml::errc::malformed);
    }
}

TEST_CASE("authn_request_xml rejects an empty SP entity ID", "[saml][authn_request][reject]")
{
    auto r = sample_request();
    r.sp_entity_id.clear();
    auto const xml = saml::authn_request_xml(r);
    REQUIRE_FALSE(xml);
    CHECK(xml.error() == saml::errc::malformed);
}

TEST_CASE("redirect_url deflates the request so that parsing the query gives the same XML back", "[saml][authn_request]")
{
    auto const r = sample_request();
    auto const url = saml::redirect_url(r, "flow-42");
    REQUIRE(url);
    REQUIRE(url->starts_with("https://idp.example.org/sso/redirect?SAMLRequest="));
    CHECK(url->ends_with("&RelayState=flow-42"));
    CHECK(url->find("SigAlg") == std::string::npos);
    CHECK(url->find("Signature") == std::string::npos);

    auto const parsed = saml::parse_redirect_query(url->substr(url->find('?') + 1));
    REQUIRE(parsed.has_value());
    CHECK(parsed->saml_request == *saml::authn_request_xml(r));
    REQUIRE(parsed->relay_state);
    CHECK(*parsed->relay_state == "flow-42");
    CHECK_FALSE(parsed->sig_alg);
    CHECK(parsed->signature.empty());
}

TEST_CASE("redirect_url percent-encodes base64 and relay state so that no raw + / = & reaches the query", "[saml][authn_request]")
{
    auto const url = saml::redirect_url(sample_request(), "a b&c=d/e+f");
    REQUIRE(url);
    auto const query = url->substr(url->find('?') + 1);
    CHECK(query.find('+') == std::string::npos);
    CHECK(query.find('/') == std::string::npos);
    CHECK(std::count(query.begin(), query.end(), '=') == 2);
    CHECK(std::count(query.begin(), query.end(), '&') == 1);
    CHECK(url->ends_with("&RelayState=a%20b%26c%3Dd%2Fe%2Bf"));
    auto const parsed = saml::parse_redirect_query(query);
    REQUIRE(parsed.has_value());
    CHECK(*parsed->relay_state == "a b&c=d/e+f");
}

TEST_CASE("redirect_url omits RelayState when it is empty", "[saml][authn_request]")
{
    auto const url = saml::redirect_url(sample_request(), "");
    REQUIRE(url);
    CHECK(url->find("RelayState") == std::string::npos);
    auto const parsed = saml::parse_redirect_query(url->substr(url->find('?') + 1));
    REQUIRE(parsed.has_value());
    CHECK_FALSE(parsed->relay_state);
}

TEST_CASE("redirect_url appends to an SSO URL that already has a query string", "[saml][authn_request]")
{
    auto r = sample_request();
    r.destination = "https://login.example.net/app/sso/saml?tenant=acme";
    auto const url = saml::redirect_url(r, "x");
    REQUIRE(url);
    CHECK(url->starts_with("https://login.example.net/app/sso/saml?tenant=acme&SAMLRequest="));
    CHECK(url->find('?') == url->rfind('?'));
    auto const parsed = saml::parse_redirect_query(url->substr(url->find('?') + 1));
    REQUIRE(parsed.has_value());
    CHECK(parsed->saml_request.find("Destination=\"https://login.example.net/app/sso/saml?tenant=acme\"")
          != std::string::npos);
}

TEST_CASE("redirect_url refuses a relay state longer than the binding's 80 bytes", "[saml][authn_request][reject]")
{
    CHECK(saml::redirect_url(sample_request(), std::string(80, 'r')));
    auto const url = saml::redirect_url(sample_request(), std::string(81, 'r'));
    REQUIRE_FALSE(url);
    CHECK(url.error() == saml::errc::too_large);
}

TEST_CASE("redirect_url passes on the error of an invalid request", "[saml][authn_request][reject]")
{
    auto r = sample_request();
    r.id = "1";
    auto const url = saml::redirect_url(r, "");
    REQUIRE_FALSE(url);
    CHECK(url.error() == saml::errc::malformed);
}

TEST_CASE("signed_redirect_url adds SigAlg and Signature last, and the signature verifies with the SP certificate", "[saml][authn_request][signed]")
{
    auto const url = saml::signed_redirect_url(sample_request(), "flow-7", test::saml_keys::key("sp"));
    REQUIRE(url);
    auto const query = query_of(*url);
    auto const sig_alg_at = query.find("&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256&Signature=");
    REQUIRE(sig_alg_at != std::string::npos);
    CHECK(query.find("&RelayState=flow-7&SigAlg=") != std::string::npos);

    auto const parsed = saml::parse_redirect_query(query);
    REQUIRE(parsed.has_value());
    CHECK(parsed->sig_alg == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
    CHECK(parsed->signature.size() == 256);
    CHECK(parsed->signed_octets == query.substr(0, query.find("&Signature=")));
    CHECK(parsed->saml_request == *saml::authn_request_xml(sample_request()));

    std::vector<saml::certificate> const trusted{test::saml_keys::cert("sp")};
    CHECK(saml::verify_redirect_signature(*parsed, trusted));
}

TEST_CASE("verify_redirect_signature accepts a signature by any of several trusted certificates (rollover)", "[saml][authn_request][signed]")
{
    auto const url = saml::signed_redirect_url(sample_request(), "", test::saml_keys::key("sp"));
    REQUIRE(url);
    auto const parsed = saml::parse_redirect_query(query_of(*url));
    REQUIRE(parsed.has_value());
    CHECK(parsed->signed_octets.find("RelayState") == std::string::npos);
    std::vector<saml::certificate> const trusted{test::saml_keys::cert("attacker"), test::saml_keys::cert("sp")};
    CHECK(saml::verify_redirect_signature(*parsed, trusted));
}

TEST_CASE("signed_redirect_url works with an SSO URL that has a query string of its own", "[saml][authn_request][signed]")
{
    auto r = sample_request();
    r.destination = "https://idp.example.org/sso?tenant=acme&x=1";
    auto const url = saml::signed_redirect_url(r, "s", test::saml_keys::key("sp"));
    REQUIRE(url);
    CHECK(url->starts_with("https://idp.example.org/sso?tenant=acme&x=1&SAMLRequest="));
    auto const parsed = saml::parse_redirect_query(query_of(*url));
    REQUIRE(parsed.has_value());
    CHECK(parsed->signed_octets.starts_with("SAMLRequest="));
    std::vector<saml::certificate> const trusted{test::saml_keys::cert("sp")};
    CHECK(saml::verify_redirect_signature(*parsed, trusted));
}

TEST_CASE("verify_redirect_signature rejects the query when any byte of it changes", "[saml][authn_request][signed][reject]")
{
    auto const url = saml::signed_redirect_url(sample_request(), "flow-7", test::saml_keys::key("sp"));
    REQUIRE(url);
    auto const query = query_of(*url);
    auto const signed_end = query.find("&Signature=");
    std::vector<saml::certificate> const trusted{test::saml_keys::cert("sp")};
    int tampered = 0;
    for (std::size_t i = 0; i < signed_end; ++i) {
        auto changed = query;
        // Another character that keeps the query parseable where possible.
        char const c = changed[i];
        if (c == '&' || c == '=' || c == '%')
            continue;
        changed[i] = (c == 'A') ? 'B' : 'A';
        auto const parsed = saml::parse_redirect_query(changed);
        if (!parsed.has_value())
            continue; // e.g. the DEFLATE stream no longer inflates: refused anyway
        ++tampered;
        auto const verdict = saml::verify_redirect_signature(*parsed, trusted);
        INFO("byte " << i);
        REQUIRE_FALSE(verdict);
        // A changed parameter name ("SigAlg" -> "AigAlg") leaves the query without SigAlg.
        CHECK((verdict.error() == saml::errc::signature_invalid || verdict.error() == saml::errc::algorithm_forbidden
               || verdict.error() == saml::errc::signature_missing));
    }
    CHECK(tampered > 100);
}

TEST_CASE("verify_redirect_signature rejects a changed relay state", "[saml][authn_request][signed][reject]")
{
    auto url = saml::signed_redirect_url(sample_request(), "flow-7", test::saml_keys::key("sp"));
    REQUIRE(url);
    auto query = query_of(*url);
    query.replace(query.find("RelayState=flow-7"), 17, "RelayState=flow-8");
    auto const parsed = saml::parse_redirect_query(query);
    REQUIRE(parsed.has_value());
    std::vector<saml::certificate> const trusted{test::saml_keys::cert("sp")};
    auto const verdict = saml::verify_redirect_signature(*parsed, trusted);
    REQUIRE_FALSE(verdict);
    CHECK(verdict.error() == saml::errc::signature_invalid);
}

TEST_CASE("verify_redirect_signature rejects a signature whose SigAlg was changed", "[saml][authn_request][signed][reject]")
{
    auto const url = saml::signed_redirect_url(sample_request(), "flow-7", test::saml_keys::key("sp"));
    REQUIRE(url);
    std::vector<saml::certificate> const trusted{test::saml_keys::cert("sp")};
    auto const original = query_of(*url);
    std::string const sha256 = "rsa-sha256";
    struct change {
        std::string to;
        saml::errc expected;
    };
    for (auto const& [to, expected] : {change{"rsa-sha512", saml::errc::signature_invalid},
             change{"rsa-sha384", saml::errc::signature_invalid}}) {
        auto query = original;
        query.replace(query.find(sha256), sha256.size(), to);
        auto const parsed = saml::parse_redirect_query(query);
        REQUIRE(parsed.has_value());
        auto const verdict = saml::verify_redirect_signature(*parsed, trusted);
        INFO(to);
        REQUIRE_FALSE(verdict);
        CHECK(verdict.error() == expected);
    }
}

TEST_CASE("verify_redirect_signature refuses SHA-1, HMAC and unknown signature algorithms", "[saml][authn_request][signed][reject]")
{
    auto const url = saml::signed_redirect_url(sample_request(), "flow-7", test::saml_keys::key("sp"));
    REQUIRE(url);
    std::vector<saml::certificate> const trusted{test::saml_keys::cert("sp")};
    auto const parsed = saml::parse_redirect_query(query_of(*url));
    REQUIRE(parsed.has_value());
    for (std::string alg : {"http://www.w3.org/2000/09/xmldsig#rsa-sha1",
             "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256", "http://www.w3.org/2000/09/xmldsig#dsa-sha1",
             "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", "", "rsa-sha256"}) {
        auto message = *parsed;
        message.sig_alg = alg;
        auto const verdict = saml::verify_redirect_signature(message, trusted);
        INFO(alg);
        REQUIRE_FALSE(verdict);
        CHECK(verdict.error() == saml::errc::algorithm_forbidden);
    }
}

TEST_CASE("verify_redirect_signature rejects a signature made by another key", "[saml][authn_request][signed][reject]")
{
    auto const url = saml::signed_redirect_url(sample_request(), "flow-7", test::saml_keys::key("attacker"));
    REQUIRE(url);
    auto const parsed = saml::parse_redirect_query(query_of(*url));
    REQUIRE(parsed.has_value());
    std::vector<saml::certificate> const trusted{test::saml_keys::cert("sp"), test::saml_keys::cert("idp")};
    auto const verdict = saml::verify_redirect_signature(*parsed, trusted);
    REQUIRE_FALSE(verdict);
    CHECK(verdict.error() == saml::errc::signature_invalid);
}

TEST_CASE("verify_redirect_signature rejects when no certificate is trusted", "[saml][authn_request][signed][reject]")
{
    auto const url = saml::signed_redirect_url(sample_request(), "flow-7", test::saml_keys::key("sp"));
    REQUIRE(url);
    auto const parsed = saml::parse_redirect_query(query_of(*url));
    REQUIRE(parsed.has_value());
    auto const verdict = saml::verify_redirect_signature(*parsed, {});
    REQUIRE_FALSE(verdict);
    CHECK(verdict.error() == saml::errc::signature_invalid);
}

TEST_CASE("verify_redirect_signature reports a missing signature for an unsigned query", "[saml][authn_request][signed][reject]")
{
    std::vector<saml::certificate> const trusted{test::saml_keys::cert("sp")};
    auto const unsigned_url = saml::redirect_url(sample_request(), "flow-7");
    REQUIRE(unsigned_url);
    auto const parsed = saml::parse_redirect_query(query_of(*unsigned_url));
    REQUIRE(parsed.has_value());
    auto verdict = saml::verify_redirect_signature(*parsed, trusted);
    REQUIRE_FALSE(verdict);
    CHECK(verdict.error() == saml::errc::signature_missing);

    // A Signature stripped from a signed query, SigAlg left behind.
    auto const signed_url = saml::signed_redirect_url(sample_request(), "flow-7", test::saml_keys::key("sp"));
    REQUIRE(signed_url);
    auto query = query_of(*signed_url);
    query.erase(query.find("&Signature="));
    auto const stripped = saml::parse_redirect_query(query);
    REQUIRE(stripped.has_value());
    verdict = saml::verify_redirect_signature(*stripped, trusted);
    REQUIRE_FALSE(verdict);
    CHECK(verdict.error() == saml::errc::signature_missing);
}

TEST_CASE("signed_redirect_url refuses a non-RSA key", "[saml][authn_request][signed][reject]")
{
    auto const url = saml::signed_redirect_url(sample_request(), "", test::saml_keys::key("idp_ec"));
    REQUIRE_FALSE(url);
    CHECK(url.error() == saml::errc::algorithm_forbidden);
}

TEST_CASE("inflate_saml_message stops at the size bound instead of inflating a zip bomb", "[saml][authn_request][reject]")
{
    // 64 MiB of '<' deflates to about 64 KiB; base64 of a raw DEFLATE of 20 MiB fits the input bound.
    std::string bomb_source(20 * 1024 * 1024, '<');
    z_stream zs{};
    REQUIRE(deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string deflated(deflateBound(&zs, static_cast<uLong>(bomb_source.size())), '\0');
    zs.next_in = reinterpret_cast<Bytef*>(bomb_source.data());
    zs.avail_in = static_cast<uInt>(bomb_source.size());
    zs.next_out = reinterpret_cast<Bytef*>(deflated.data());
    zs.avail_out = static_cast<uInt>(deflated.size());
    REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
    deflated.resize(zs.total_out);
    deflateEnd(&zs);

    auto const b64 = base64(deflated);
    REQUIRE(b64.size() < 64 * 1024);
    auto const xml = saml::inflate_saml_message(b64, 1024 * 1024);
    REQUIRE_FALSE(xml);
    CHECK(xml.error() == saml::errc::too_large);
}

TEST_CASE("inflate_saml_message accepts a message of exactly the bound and refuses one byte more", "[saml][authn_request]")
{
    auto const url = saml::redirect_url(sample_request(), "");
    REQUIRE(url);
    auto const parsed = saml::parse_redirect_query(query_of(*url));
    REQUIRE(parsed.has_value());
    auto const size = parsed->saml_request.size();
    CHECK(saml::parse_redirect_query(query_of(*url), size).has_value());
    auto const over = saml::parse_redirect_query(query_of(*url), size - 1);
    REQUIRE_FALSE(over.has_value());
    CHECK(over.error() == saml::errc::too_large);
}

TEST_CASE("inflate_saml_message rejects bad base64, a corrupt or truncated stream and trailing bytes", "[saml][authn_request][reject]")
{
    auto const url = saml::redirect_url(sample_request(), "");
    REQUIRE(url);
    auto const parsed = saml::parse_redirect_query(query_of(*url));
    REQUIRE(parsed.has_value());
    auto const encoded = query_of(*url).substr(std::string("SAMLRequest=").size());
    auto const b64 = *url_decode_for_test(encoded);
    auto const raw = *unbase64(b64);
    REQUIRE(saml::inflate_saml_message(b64).has_value());

    auto const expect_malformed = [](std::string const& value) {
        auto const xml = saml::inflate_saml_message(value);
        REQUIRE_FALSE(xml);
        CHECK(xml.error() == saml::errc::malformed);
    };
    expect_malformed("not*base64");
    expect_malformed(b64.substr(1));                   // base64 broken
    expect_malformed(base64(raw.substr(0, raw.size() / 2))); // truncated stream
    expect_malformed(base64(raw + "junk"));            // bytes after the end of the stream
    expect_malformed(base64("\xff\xff\xff\xff"));   // not DEFLATE
    expect_malformed("");                               // nothing
    expect_malformed(base64(std::string("\x03\x00", 2))); // a valid, empty stream
}

TEST_CASE("inflate_saml_message refuses an absurdly long input before decoding it", "[saml][authn_request][reject]")
{
    auto const xml = saml::inflate_saml_message(std::string(64 * 1024 + 4, 'A'));
    REQUIRE_FALSE(xml);
    CHECK(xml.error() == saml::errc::too_large);
}

TEST_CASE("parse_redirect_query rejects a missing or repeated SAMLRequest and repeated binding parameters", "[saml][authn_request][reject]")
{
    auto const url = saml::redirect_url(sample_request(), "r");
    REQUIRE(url);
    auto const query = query_of(*url);
    auto const expect = [](std::string const& q, saml::errc e) {
        auto const parsed = saml::parse_redirect_query(q);
        INFO(q.substr(0, 80));
        REQUIRE_FALSE(parsed.has_value());
        CHECK(parsed.error() == e);
    };
    expect("RelayState=r", saml::errc::malformed);
    expect("", saml::errc::malformed);
    expect(query + "&" + query.substr(0, query.find('&')), saml::errc::malformed);
    expect(query + "&RelayState=other", saml::errc::malformed);
    expect(query + "&SigAlg=a&SigAlg=b", saml::errc::malformed);
    expect(query + "&Signature=AAAA&Signature=AAAA", saml::errc::malformed);
    expect(query + "&Signature=%%%", saml::errc::malformed);
    expect(query + "&Signature=***", saml::errc::malformed);
    expect(query + "&SigAlg=%G1", saml::errc::malformed);
    expect("SAMLRequest=%ZZ", saml::errc::malformed);
    expect(query.substr(0, query.find('&')) + "&RelayState=%4", saml::errc::malformed);
    expect(query + "&x=" + std::string(64 * 1024, 'a'), saml::errc::too_large);
}

TEST_CASE("parse_redirect_query ignores parameters that belong to the IdP and a leading question mark", "[saml][authn_request]")
{
    auto const url = saml::redirect_url(sample_request(), "r");
    REQUIRE(url);
    auto const parsed = saml::parse_redirect_query("?tenant=acme&" + query_of(*url) + "&lang=en");
    REQUIRE(parsed.has_value());
    CHECK(*parsed->relay_state == "r");
    CHECK(parsed->signed_octets == query_of(*url));
}

TEST_CASE("read_authn_request reads back every field of a request that went through the redirect binding", "[saml][authn_request]")
{
    auto r = sample_request();
    r.force_authn = true;
    r.name_id_format = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
    r.destination = "https://idp.example.org/sso?tenant=a&b=c";
    auto const url = saml::signed_redirect_url(r, "flow-9", test::saml_keys::key("sp"));
    REQUIRE(url);
    auto const parsed = saml::parse_redirect_query(query_of(*url));
    REQUIRE(parsed.has_value());
    auto const back = saml::read_authn_request(parsed->saml_request);
    REQUIRE(back.has_value());
    CHECK(back->id == r.id);
    CHECK(back->issue_instant == std::chrono::floor<std::chrono::seconds>(r.issue_instant));
    CHECK(back->destination == r.destination);
    CHECK(back->acs_url == r.acs_url);
    CHECK(back->sp_entity_id == r.sp_entity_id);
    CHECK(back->name_id_format == r.name_id_format);
    CHECK(back->force_authn);
    CHECK_FALSE(back->is_passive);
}

TEST_CASE("read_authn_request rejects what is not a SAML 2.0 AuthnRequest", "[saml][authn_request][reject]")
{
    auto const good = *saml::authn_request_xml(sample_request());
    REQUIRE(saml::read_authn_request(good).has_value());
    auto const expect = [](std::string const& xml, saml::errc e) {
        auto const r = saml::read_authn_request(xml);
        INFO(xml);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error() == e);
    };
    auto const replaced = [&](std::string const& from, std::string const& to) {
        auto x = good;
        auto const at = x.find(from);
        REQUIRE(at != std::string::npos);
        x.replace(at, from.size(), to);
        return x;
    };
    expect("", saml::errc::malformed);
    expect("<x/>", saml::errc::malformed);
    expect("<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_1\" Version=\"2.0\"/>",
        saml::errc::malformed);
    expect(replaced("Version=\"2.0\"", "Version=\"1.1\""), saml::errc::malformed);
    expect(replaced("ID=\"_0123", "ID=\"0123"), saml::errc::malformed);
    expect(replaced("IssueInstant=\"2026-01-02T03:04:05Z\"", "IssueInstant=\"yesterday\""), saml::errc::malformed);
    expect(replaced("<saml:Issuer>https://sp.example.com/sso/metadata</saml:Issuer>", ""), saml::errc::malformed);
    expect(replaced("</saml:Issuer>", "</saml:Issuer><saml:Issuer>urn:other</saml:Issuer>"), saml::errc::malformed);
    expect(replaced("ProtocolBinding", "ForceAuthn=\"yes\" ProtocolBinding"), saml::errc::malformed);
    expect(replaced("ProtocolBinding", "IsPassive=\"maybe\" ProtocolBinding"), saml::errc::malformed);
    expect("<!DOCTYPE x [<!ENTITY e \"e\">]>" + good, saml::errc::dtd_forbidden);
    expect(std::string(saml::default_max_inflated_size + 1, ' '), saml::errc::too_large);
}
