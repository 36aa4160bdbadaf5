#include <ssogate/saml/authn_request.hpp>

#include <ssogate/saml/verify.hpp> // parse_saml_time

#include "detail/base64.hpp"
#include "detail/c_handles.hpp"
#include "detail/key_access.hpp"
#include "detail/library_state.hpp"
#include "detail/url.hpp"
#include "detail/xml.hpp"
#include "metadata/protocol_text.hpp"

#include <openssl/err.h>
#include <zlib.h>

#include <array>
#include <cctype>
#include <cstring>

namespace ssogate::saml {
namespace {

constexpr std::string_view protocol_ns = "urn:oasis:names:tc:SAML:2.0:protocol";
constexpr std::string_view assertion_ns = "urn:oasis:names:tc:SAML:2.0:assertion";
constexpr std::string_view http_post_binding = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

// XML DSig algorithm URIs (RFC 6931 §2.3.2) as used by SigAlg.
constexpr std::string_view rsa_sha256_uri = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
constexpr std::string_view rsa_sha384_uri = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384";
constexpr std::string_view rsa_sha512_uri = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512";

// Bindings §3.4.3: "RelayState data MUST NOT exceed 80 bytes in length".
constexpr std::size_t max_relay_state = 80;
// A whole query received by the redirect endpoint; IdPs and browsers cap URLs near 8 KB,
// anything far larger is not a request we made.
constexpr std::size_t max_redirect_query = 64 * 1024;

// xs:ID is an NCName; we accept the ASCII subset (what every SP generates).
bool is_ncname(std::string_view s) noexcept
{
    if (s.empty())
        return false;
    auto const first = static_cast<unsigned char>(s.front());
    if (!(std::isalpha(first) || first == '_'))
        return false;
    for (char c : s) {
        auto const u = static_cast<unsigned char>(c);
        if (!(std::isalnum(u) || u == '_' || u == '-' || u == '.'))
            return false;
    }
    return true;
}

// Raw DEFLATE (RFC 1951, no zlib header): Bindings §3.4.4.1 "DEFLATE Encoding".
boost::system::result<std::string> deflate_raw(std::string_view in)
{
    z_stream zs{};
    if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return errc::signing_failed;
    std::string out(deflateBound(&zs, static_cast<uLong>(in.size())), '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    int const rc = deflate(&zs, Z_FINISH);
    auto const produced = zs.total_out;
    deflateEnd(&zs);
    if (rc != Z_STREAM_END)
        return errc::signing_failed;
    out.resize(produced);
    return out;
}

} // namespace

boost::system::result<std::string> inflate_saml_message(std::string_view base64_value, std::size_t max_xml_size)
{
    // Base64 at most 4/3 of DEFLATE output, and DEFLATE cannot beat ~1032:1; bound the
    // input first so that no work is done on an absurd value.
    if (base64_value.size() > max_redirect_query)
        return errc::too_large;
    auto const compressed = detail::base64_decode(base64_value);
    if (!compressed)
        return errc::malformed;

    z_stream zs{};
    if (inflateInit2(&zs, -15) != Z_OK)
        return errc::malformed;
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed->data()));
    zs.avail_in = static_cast<uInt>(compressed->size());
    std::string out;
    std::array<char, 16 * 1024> chunk{};
    int rc = Z_OK;
    // Zip-bomb guard: stop as soon as the output passes the bound, never inflate it all.
    while (rc != Z_STREAM_END) {
        zs.next_out = reinterpret_cast<Bytef*>(chunk.data());
        zs.avail_out = static_cast<uInt>(chunk.size());
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) {
            inflateEnd(&zs);
            return errc::malformed;
        }
        auto const produced = chunk.size() - zs.avail_out;
        if (out.size() + produced > max_xml_size) {
            inflateEnd(&zs);
            return errc::too_large;
        }
        out.append(chunk.data(), produced);
        if (rc == Z_OK && produced == 0 && zs.avail_in == 0) {
            // Input ended before the final block: truncated stream.
            inflateEnd(&zs);
            return errc::malformed;
        }
    }
    bool const trailing = zs.avail_in != 0;
    inflateEnd(&zs);
    if (trailing || out.empty())
        return errc::malformed;
    return out;
}

boost::system::result<std::string> authn_request_xml(authn_request const& request)
{
    if (!is_ncname(request.id) || !detail::is_absolute_http_url(request.destination)
        || !detail::is_absolute_http_url(request.acs_url) || request.sp_entity_id.empty())
        return errc::malformed;
    auto const instant = detail::format_instant(request.issue_instant);
    if (!instant)
        return errc::malformed;

    std::string xml;
    xml.reserve(1024);
    xml += "<samlp:AuthnRequest xmlns:samlp=\"";
    xml += protocol_ns;
    xml += "\" xmlns:saml=\"";
    xml += assertion_ns;
    xml += "\" ID=\"";
    xml += detail::xml_escape(request.id);
    xml += "\" Version=\"2.0\" IssueInstant=\"";
    xml += *instant;
    xml += "\" Destination=\"";
    xml += detail::xml_escape(request.destination);
    xml += "\" AssertionConsumerServiceURL=\"";
    xml += detail::xml_escape(request.acs_url);
    xml += "\" ProtocolBinding=\"";
    xml += http_post_binding;
    xml += '"';
    if (request.force_authn)
        xml += " ForceAuthn=\"true\"";
    if (request.is_passive)
        xml += " IsPassive=\"true\"";
    xml += "><saml:Issuer>";
    xml += detail::xml_escape(request.sp_entity_id);
    xml += "</saml:Issuer><samlp:NameIDPolicy";
    if (!request.name_id_format.empty()) {
        xml += " Format=\"";
        xml += detail::xml_escape(request.name_id_format);
        xml += '"';
    }
    xml += " AllowCreate=\"true\"/></samlp:AuthnRequest>";
    return xml;
}

namespace {

// "SAMLRequest=…[&RelayState=…]": the first, unsigned part of the redirect query.
boost::system::result<std::string> unsigned_query(authn_request const& request, std::string_view relay_state)
{
    if (relay_state.size() > max_relay_state)
        return errc::too_large;
    auto xml = authn_request_xml(request);
    if (!xml)
        return xml.error();
    auto deflated = deflate_raw(*xml);
    if (!deflated)
        return deflated.error();
    std::string query = "SAMLRequest=";
    query += detail::url_encode(detail::base64_encode(*deflated));
    if (!relay_state.empty()) {
        query += "&RelayState=";
        query += detail::url_encode(relay_state);
    }
    return query;
}

std::string join_url(std::string_view destination, std::string_view query)
{
    std::string url(destination);
    if (url.find('?') == std::string::npos)
        url += '?';
    else if (url.back() != '?' && url.back() != '&')
        url += '&';
    url += query;
    return url;
}

} // namespace

boost::system::result<std::string> redirect_url(authn_request const& request, std::string_view relay_state)
{
    auto query = unsigned_query(request, relay_state);
    if (!query)
        return query.error();
    return join_url(request.destination, *query);
}

boost::system::result<std::string> signed_redirect_url(
    authn_request const& request, std::string_view relay_state, private_key const& key)
{
    detail::require_library();
    // Only RSA: ECDSA signature encodings for the redirect binding differ between
    // implementations (DER vs. r||s), so an IdP could not be relied on to verify them.
    if (key.type() != private_key::kind::rsa)
        return errc::algorithm_forbidden;
    auto query = unsigned_query(request, relay_state);
    if (!query)
        return query.error();
    *query += "&SigAlg=";
    *query += detail::url_encode(rsa_sha256_uri);

    // Bindings §3.4.4.1: sign the query bytes exactly as sent, SAMLRequest, RelayState, SigAlg.
    EVP_PKEY* pkey = detail::key_access::pkey(key);
    detail::evp_md_ctx_ptr md(EVP_MD_CTX_new());
    if (!md || pkey == nullptr
        || EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, pkey) != 1)
        return errc::signing_failed;
    std::size_t sig_len = 0;
    auto const* data = reinterpret_cast<unsigned char const*>(query->data());
    if (EVP_DigestSign(md.get(), nullptr, &sig_len, data, query->size()) != 1)
        return errc::signing_failed;
    std::string signature(sig_len, '\0');
    if (EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(signature.data()), &sig_len, data, query->size())
        != 1)
        return errc::signing_failed;
    signature.resize(sig_len);
    *query += "&Signature=";
    *query += detail::url_encode(detail::base64_encode(std::string_view(signature)));
    return join_url(request.destination, *query);
}

boost::system::result<void> verify_redirect_signature(
    redirect_message const& message, std::span<certificate const> trusted)
{
    detail::require_library();
    if (!message.sig_alg || message.signature.empty())
        return errc::signature_missing;
    // Allow-list (DESIGN.md "Security rules"): RSA with SHA-256 or stronger. SHA-1,
    // HMAC (a "key" anyone holding the cert could forge with) and the rest are refused.
    EVP_MD const* digest = nullptr;
    if (*message.sig_alg == rsa_sha256_uri)
        digest = EVP_sha256();
    else if (*message.sig_alg == rsa_sha384_uri)
        digest = EVP_sha384();
    else if (*message.sig_alg == rsa_sha512_uri)
        digest = EVP_sha512();
    else
        return errc::algorithm_forbidden;

    auto const* data = reinterpret_cast<unsigned char const*>(message.signed_octets.data());
    auto const* sig = reinterpret_cast<unsigned char const*>(message.signature.data());
    // Rollover: any one of the configured certificates may have signed.
    for (auto const& cert : trusted) {
        EVP_PKEY* pkey = detail::key_access::public_key(cert);
        if (pkey == nullptr || EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA)
            continue;
        detail::evp_md_ctx_ptr md(EVP_MD_CTX_new());
        if (!md || EVP_DigestVerifyInit(md.get(), nullptr, digest, nullptr, pkey) != 1)
            continue;
        if (EVP_DigestVerify(md.get(), sig, message.signature.size(), data, message.signed_octets.size()) == 1)
            return {};
    }
    ERR_clear_error();
    return errc::signature_invalid;
}

boost::system::result<redirect_message> parse_redirect_query(std::string_view raw_query, std::size_t max_xml_size)
{
    if (raw_query.size() > max_redirect_query)
        return errc::too_large;
    if (raw_query.starts_with('?'))
        raw_query.remove_prefix(1);

    std::optional<std::string_view> saml_request, relay_state, sig_alg, signature;
    while (!raw_query.empty()) {
        auto const amp = raw_query.find('&');
        auto const pair = raw_query.substr(0, amp);
        raw_query = amp == std::string_view::npos ? std::string_view{} : raw_query.substr(amp + 1);
        auto const eq = pair.find('=');
        auto const key = pair.substr(0, eq);
        auto const value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
        std::optional<std::string_view>* slot = nullptr;
        if (key == "SAMLRequest")
            slot = &saml_request;
        else if (key == "RelayState")
            slot = &relay_state;
        else if (key == "SigAlg")
            slot = &sig_alg;
        else if (key == "Signature")
            slot = &signature;
        if (slot == nullptr)
            continue; // the IdP's own parameters (an SSO URL may carry a query)
        // A repeated protocol parameter makes "which one was signed" ambiguous: refuse.
        if (slot->has_value())
            return errc::malformed;
        *slot = value;
    }
    if (!saml_request)
        return errc::malformed;

    redirect_message message;
    auto const request_b64 = detail::url_decode(*saml_request);
    if (!request_b64)
        return errc::malformed;
    auto xml = inflate_saml_message(*request_b64, max_xml_size);
    if (!xml)
        return xml.error();
    message.saml_request = std::move(*xml);
    if (relay_state) {
        auto decoded = detail::url_decode(*relay_state);
        if (!decoded)
            return errc::malformed;
        message.relay_state = std::move(*decoded);
    }
    if (sig_alg) {
        auto decoded = detail::url_decode(*sig_alg);
        if (!decoded)
            return errc::malformed;
        message.sig_alg = std::move(*decoded);
    }
    if (signature) {
        auto decoded = detail::url_decode(*signature);
        if (!decoded)
            return errc::malformed;
        auto raw = detail::base64_decode(*decoded);
        if (!raw || raw->empty())
            return errc::malformed;
        message.signature = std::move(*raw);
    }
    // Bindings §3.4.4.1: the signed octets are the parameters as they appeared in the
    // query, still URL-encoded, in this fixed order; re-encoding could differ.
    message.signed_octets = "SAMLRequest=";
    message.signed_octets += *saml_request;
    if (relay_state) {
        message.signed_octets += "&RelayState=";
        message.signed_octets += *relay_state;
    }
    if (sig_alg) {
        message.signed_octets += "&SigAlg=";
        message.signed_octets += *sig_alg;
    }
    return message;
}

namespace {

// xs:boolean (XML Schema Part 2 §3.2.2.1).
std::optional<bool> xs_boolean(std::optional<std::string> const& v)
{
    if (!v)
        return false;
    if (*v == "true" || *v == "1")
        return true;
    if (*v == "false" || *v == "0")
        return false;
    return std::nullopt;
}

} // namespace

boost::system::result<authn_request> read_authn_request(std::string_view xml)
{
    detail::require_library();
    if (xml.size() > default_max_inflated_size)
        return errc::too_large;
    // An AuthnRequest nests four levels deep (Extensions aside); 32 is generous.
    auto doc = detail::parse_document(xml, 32);
    if (!doc)
        return doc.error().code;
    xmlNode* root = xmlDocGetRootElement(doc->get());
    if (!detail::is_element(root, detail::ns::protocol, "AuthnRequest")
        || detail::attribute(root, "Version") != std::optional<std::string>("2.0"))
        return errc::malformed;

    authn_request request;
    request.id = detail::attribute(root, "ID").value_or(std::string{});
    if (!is_ncname(request.id))
        return errc::malformed;
    auto const instant = parse_saml_time(detail::attribute(root, "IssueInstant").value_or(std::string{}));
    if (!instant)
        return errc::malformed;
    request.issue_instant = *instant;
    request.destination = detail::attribute(root, "Destination").value_or(std::string{});
    request.acs_url = detail::attribute(root, "AssertionConsumerServiceURL").value_or(std::string{});
    auto const force = xs_boolean(detail::attribute(root, "ForceAuthn"));
    auto const passive = xs_boolean(detail::attribute(root, "IsPassive"));
    if (!force || !passive)
        return errc::malformed;
    request.force_authn = *force;
    request.is_passive = *passive;

    bool issuer_seen = false;
    for (xmlNode* c = detail::first_element(root); c != nullptr; c = detail::next_element(c)) {
        if (detail::is_element(c, detail::ns::assertion, "Issuer")) {
            if (issuer_seen)
                return errc::malformed;
            issuer_seen = true;
            request.sp_entity_id = detail::text_content(c);
        } else if (detail::is_element(c, detail::ns::protocol, "NameIDPolicy")) {
            request.name_id_format = detail::attribute(c, "Format").value_or(std::string{});
        }
    }
    if (request.sp_entity_id.empty())
        return errc::malformed;
    return request;
}

} // namespace ssogate::saml
