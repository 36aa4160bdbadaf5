// The SAML Response verifier. Every rule names the specification section it
// implements and, where one exists, the published attack it blocks. References:
//  [XSW]   Somorovsky, Mayer, Schwenk, Kampmann, Jensen, "On Breaking SAML: Be
//          Whoever You Want to Be", USENIX Security 2012 (signature wrapping).
//  [CI]    Duo Labs, "Duo Finds SAML Vulnerabilities Affecting Multiple
//          Implementations" (CVE-2017-11427..11430, comment injection), 2018.
//  [KI]    CVE-2017-11427 family / "SAML Raider" KeyInfo trust: verifying with the
//          certificate the document itself carries.
//  [ALG]   "How to Break XML Encryption" / algorithm confusion: HMAC with a public
//          key as secret (CVE-2016-10555 analogues), SHA-1 collisions (SHAttered).
//  [XXE]   OWASP XXE Prevention Cheat Sheet; billion laughs (CVE-2003-1564).
//  [DUPID] xmlsec resolves the *first* element of duplicate IDs while a reader may
//          take another (xmlsec issue #35; CVE-2016-1000252-style differentials).
#include <ssogate/saml/verify.hpp>

#include "detail/algorithms.hpp"
#include "detail/base64.hpp"
#include "detail/c_handles.hpp"
#include "detail/decrypt.hpp"
#include "detail/key_access.hpp"
#include "detail/library_state.hpp"
#include "detail/xml.hpp"

#include <xmlsec/crypto.h>
#include <xmlsec/xmldsig.h>

#include <boost/system/system_error.hpp>
#include <boost/throw_exception.hpp>

#include <algorithm>
#include <cstdio>
#include <ostream>

namespace ssogate::saml {

std::vector<std::string> verified_assertion::values_of(std::string_view name) const
{
    std::vector<std::string> out;
    for (auto const& a : attributes)
        if (a.name == name)
            out.insert(out.end(), a.values.begin(), a.values.end());
    return out;
}

std::ostream& operator<<(std::ostream& os, verify_error const& e)
{
    return os << to_reason_code(e.code) << ": " << e.detail;
}

void throw_exception_from_error(verify_error const& e, boost::source_location const& loc)
{
    boost::throw_exception(boost::system::system_error(make_error_code(e.code), e.detail), loc);
}

bool looks_like_xml(std::string_view input) noexcept
{
    for (char const c : input) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        return c == '<' || c == '\xEF'; // '<' or a UTF-8 byte-order mark
    }
    return false;
}

namespace {

using namespace std::chrono;
using detail::attribute;
using detail::failure;
using detail::first_element;
using detail::is_element;
using detail::name_of;
using detail::next_element;
using detail::outcome;
namespace ns = detail::ns;

constexpr std::string_view status_success = "urn:oasis:names:tc:SAML:2.0:status:Success";
constexpr std::string_view bearer = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
constexpr std::string_view entity_format = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity";

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
constexpr long long days_from_civil(long long y, unsigned m, unsigned d) noexcept
{
    y -= m <= 2;
    long long const era = (y >= 0 ? y : y - 399) / 400;
    auto const yoe = static_cast<unsigned>(y - era * 400);
    unsigned const doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long long>(doe) - 719468;
}

std::string format_time(system_clock::time_point t)
{
    long long const secs = floor<seconds>(t).time_since_epoch().count();
    long long days = secs / 86400;
    long long rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        --days;
    }
    // civil_from_days
    long long const z = days + 719468;
    long long const era = (z >= 0 ? z : z - 146096) / 146097;
    auto const doe = static_cast<unsigned>(z - era * 146097);
    unsigned const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long y = static_cast<long long>(yoe) + era * 400;
    unsigned const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned const mp = (5 * doy + 2) / 153;
    unsigned const d = doy - (153 * mp + 2) / 5 + 1;
    unsigned const m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", y, m, d, rem / 3600, rem / 60 % 60,
                  rem % 60);
    return buf;
}

} // namespace

std::optional<system_clock::time_point> parse_saml_time(std::string_view s)
{
    // YYYY-MM-DDThh:mm:ss[.f+]Z — Core §1.3.3: "MUST be expressed in UTC form, with
    // no time zone component" (the trailing Z).
    auto digits = [&](std::size_t pos, std::size_t n, long long& out) {
        if (pos + n > s.size())
            return false;
        out = 0;
        for (std::size_t i = pos; i < pos + n; ++i) {
            if (s[i] < '0' || s[i] > '9')
                return false;
            out = out * 10 + (s[i] - '0');
        }
        return true;
    };
    long long y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
    if (s.size() < 20 || !digits(0, 4, y) || s[4] != '-' || !digits(5, 2, mo) || s[7] != '-' || !digits(8, 2, d) ||
        s[10] != 'T' || !digits(11, 2, h) || s[13] != ':' || !digits(14, 2, mi) || s[16] != ':' ||
        !digits(17, 2, se))
        return std::nullopt;
    std::size_t pos = 19;
    long long nanos = 0;
    if (s[pos] == '.') {
        ++pos;
        std::size_t n = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (n < 9)
                nanos = nanos * 10 + (s[pos] - '0');
            ++n;
            ++pos;
        }
        if (n == 0)
            return std::nullopt;
        for (; n < 9; ++n)
            nanos *= 10;
    }
    if (pos + 1 != s.size() || s[pos] != 'Z')
        return std::nullopt;
    static constexpr unsigned month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mo < 1 || mo > 12 || d < 1 || d > month_days[mo - 1] || h > 23 || mi > 59 || se > 60)
        return std::nullopt;
    bool const leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo == 2 && d == 29 && !leap)
        return std::nullopt;
    if (se == 60)
        se = 59; // leap second: clamp into the same minute
    long long const days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    long long const secs = days * 86400 + h * 3600 + mi * 60 + se;
    // system_clock counts nanoseconds in 64 bits (years 1677..2262): saturate
    // outside, so "9999-12-31T23:59:59Z" means "never" instead of overflowing.
    long long const limit = duration_cast<seconds>(system_clock::duration::max()).count() - 1;
    if (secs >= limit)
        return system_clock::time_point::max();
    if (secs <= -limit)
        return system_clock::time_point::min();
    return system_clock::time_point(duration_cast<system_clock::duration>(seconds(secs)) +
                                    duration_cast<system_clock::duration>(nanoseconds(nanos)));
}

namespace {

// ---------------------------------------------------------------------------
// Structure
// ---------------------------------------------------------------------------

struct structure {
    xmlNode* response = nullptr;
    xmlNode* assertion = nullptr;           // saml:Assertion or saml:EncryptedAssertion
    xmlNode* response_signature = nullptr;  // ds:Signature child of the Response
    xmlNode* assertion_signature = nullptr; // ds:Signature child of the Assertion
};

/// Walks the subtree at `root` and enforces the structural rules of issue 3.
/// @par Specification SAML 2.0 Core §3.3.3/§3.2.2 (Response holds Assertions),
///      Profiles §4.1.4.2 (the Web SSO Response), XML Signature §4.5 (Object) and
///      §5.1 (Manifest).
/// @par Attack [XSW] all eight wrapping variants need a second copy of the signed
///      element (a second Assertion or Response anywhere, or one hidden inside
///      ds:Object / samlp:Extensions) or a Signature away from the element it
///      signs; each is refused here before any cryptography. Manifests are refused
///      because their references are not checked by the core validation.
outcome<void> scan(xmlNode* root, structure& s, bool root_is_response)
{
    std::size_t assertions = 0;
    xmlNode* node = root;
    while (node != nullptr) {
        if (node->type == XML_ELEMENT_NODE) {
            if (is_element(node, ns::assertion, "Assertion") || is_element(node, ns::assertion, "EncryptedAssertion")) {
                ++assertions;
                if (assertions > 1)
                    return failure{errc::multiple_assertions,
                                   "more than one Assertion/EncryptedAssertion in the document (second at line " +
                                       std::to_string(xmlGetLineNo(node)) + ")"};
                if (node->parent != s.response)
                    return failure{errc::structure_forbidden,
                                   std::string("the ") + name_of(node) + " is not a direct child of the Response"};
                s.assertion = node;
            } else if (is_element(node, ns::protocol, "Response") && node != s.response) {
                return failure{errc::structure_forbidden, "a Response nested inside the Response"};
            } else if (is_element(node, ns::dsig, "Object") || is_element(node, ns::dsig, "Manifest")) {
                return failure{errc::structure_forbidden, std::string("ds:") + name_of(node) + " is never accepted"};
            } else if (is_element(node, ns::dsig, "Signature")) {
                xmlNode* parent = node->parent;
                xmlNode** slot = nullptr;
                if (parent == s.response)
                    slot = &s.response_signature;
                else if (parent != nullptr && is_element(parent, ns::assertion, "Assertion") &&
                         parent->parent == s.response)
                    slot = &s.assertion_signature;
                if (slot == nullptr)
                    return failure{errc::structure_forbidden,
                                   std::string("a ds:Signature inside ") + name_of(parent) +
                                       " (only the Response and its Assertion may be signed)"};
                if (*slot != nullptr)
                    return failure{errc::structure_forbidden,
                                   std::string("several ds:Signature elements in the ") + name_of(parent)};
                *slot = node;
            }
        }
        if (node->type == XML_ELEMENT_NODE && node->children != nullptr) {
            node = node->children;
            continue;
        }
        while (node != nullptr && node != root && node->next == nullptr)
            node = node->parent;
        if (node == nullptr || node == root)
            break;
        node = node->next;
    }
    if (root_is_response && assertions == 0)
        s.assertion = nullptr;
    return {};
}

// ---------------------------------------------------------------------------
// Signatures
// ---------------------------------------------------------------------------

bool allowed(detail::alg::entry const* e, sp_options const& sp)
{
    return e != nullptr && (!e->sha1 || sp.allow_sha1);
}

/// Checks SignedInfo before xmlsec sees it, so that each refusal gets its precise
/// reason (xmlsec's allow-lists below are the second line).
/// @par Specification SAML 2.0 Core §5.4.1–5.4.4 (one Reference, URI "#" + ID of
///      the signed element, enveloped + exclusive c14n only), XML Signature §4.3.
/// @par Attack [ALG] HMAC signatures keyed with the (public) certificate, SHA-1
///      collisions, XSLT/XPath transforms (code execution, DoS, wrapping filters),
///      c14n WithComments (comment injection [CI] survives into the digest).
outcome<void> precheck_signature(xmlNode* signature, xmlNode* element, std::string const& id, sp_options const& sp)
{
    xmlNode* signed_info = first_element(signature);
    if (!is_element(signed_info, ns::dsig, "SignedInfo"))
        return failure{errc::malformed, "ds:Signature does not start with ds:SignedInfo"};
    xmlNode* c14n = first_element(signed_info);
    xmlNode* method = c14n != nullptr ? next_element(c14n) : nullptr;
    if (!is_element(c14n, ns::dsig, "CanonicalizationMethod") || !is_element(method, ns::dsig, "SignatureMethod"))
        return failure{errc::malformed, "SignedInfo lacks CanonicalizationMethod or SignatureMethod"};
    auto const c14n_alg = attribute(c14n, "Algorithm").value_or("");
    if (c14n_alg != detail::alg::exc_c14n)
        return failure{errc::algorithm_forbidden, "CanonicalizationMethod " + c14n_alg + " is not allowed"};
    auto const method_alg = attribute(method, "Algorithm").value_or("");
    if (!allowed(detail::alg::find(detail::alg::signature_methods, method_alg), sp))
        return failure{errc::algorithm_forbidden, "SignatureMethod " + method_alg + " is not allowed"};
    if (first_element(method) != nullptr) // HMACOutputLength and friends
        return failure{errc::algorithm_forbidden, "SignatureMethod has parameters"};

    std::size_t references = 0;
    xmlNode* reference = nullptr;
    for (xmlNode* r = next_element(method); r != nullptr; r = next_element(r)) {
        if (!is_element(r, ns::dsig, "Reference"))
            return failure{errc::malformed, std::string("unexpected ") + name_of(r) + " in SignedInfo"};
        ++references;
        reference = r;
    }
    if (references != 1)
        return failure{errc::reference_mismatch,
                       "SignedInfo holds " + std::to_string(references) + " References; exactly one is required"};
    auto const uri = attribute(reference, "URI");
    if (!uri || *uri != "#" + id)
        return failure{errc::reference_mismatch, "the Reference URI is \"" + uri.value_or("(none)") +
                                                     "\", not \"#" + id + "\" of the " + name_of(element) +
                                                     " it signs"};
    if (attribute(reference, "Type"))
        return failure{errc::structure_forbidden, "a Reference with a Type attribute"};

    xmlNode* child = first_element(reference);
    if (is_element(child, ns::dsig, "Transforms")) {
        for (xmlNode* t = first_element(child); t != nullptr; t = next_element(t)) {
            if (!is_element(t, ns::dsig, "Transform"))
                return failure{errc::malformed, "unexpected element in Transforms"};
            auto const a = attribute(t, "Algorithm").value_or("");
            if (a == detail::alg::enveloped) {
                if (first_element(t) != nullptr)
                    return failure{errc::algorithm_forbidden, "the enveloped transform has parameters"};
            } else if (a == detail::alg::exc_c14n) {
                xmlNode* p = first_element(t);
                if (p != nullptr && (!is_element(p, detail::alg::exc_c14n.data(), "InclusiveNamespaces") ||
                                     next_element(p) != nullptr))
                    return failure{errc::algorithm_forbidden, "unexpected parameters of the exc-c14n transform"};
            } else {
                return failure{errc::algorithm_forbidden, "Transform " + a + " is not allowed"};
            }
        }
        child = next_element(child);
    }
    if (!is_element(child, ns::dsig, "DigestMethod"))
        return failure{errc::malformed, "Reference lacks DigestMethod"};
    auto const digest = attribute(child, "Algorithm").value_or("");
    if (!allowed(detail::alg::find(detail::alg::digest_methods, digest), sp))
        return failure{errc::algorithm_forbidden, "DigestMethod " + digest + " is not allowed"};
    return {};
}

bool enable_transforms(xmlSecDSigCtx* ctx, sp_options const& sp)
{
    // SignedInfo: exclusive c14n and the allowed signature methods.
    if (xmlSecDSigCtxEnableSignatureTransform(ctx, xmlSecTransformExclC14NId) < 0)
        return false;
    for (auto const& e : detail::alg::signature_methods)
        if (allowed(&e, sp) && xmlSecDSigCtxEnableSignatureTransform(ctx, e.id()) < 0)
            return false;
    // References: enveloped, exclusive c14n, and the allowed digests.
    if (xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformEnvelopedId) < 0 ||
        xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformExclC14NId) < 0)
        return false;
    for (auto const& e : detail::alg::digest_methods)
        if (allowed(&e, sp) && xmlSecDSigCtxEnableReferenceTransform(ctx, e.id()) < 0)
            return false;
    return true;
}

/// Verifies the enveloped signature `signature` of `element` with the pinned keys.
/// @returns the fingerprint of the certificate that verified it.
/// @par Specification XML Signature §3.2 (core validation), SAML 2.0 Core §5.4,
///      Metadata §2.4.1.1 (KeyDescriptor: the keys to trust).
/// @par Attack [KI] never a key from the document's KeyInfo: xmlsec gets no keys
///      manager and its signKey is preset, so KeyInfo is never read (an attacker's
///      certificate, or a clone with the IdP's subject, verifies nothing).
///      [XSW]/[DUPID] the verdict needs ret == 0, status succeeded, exactly one
///      reference whose URI is "#" + the ID of `element`, and the ID resolving to
///      `element` itself (pointer identity), as OpenSAML's SignatureProfileValidator.
outcome<std::string> verify_signature(xmlNode* element, xmlNode* signature, idp_trust const& idp,
                                      sp_options const& sp)
{
    auto const id = detail::id_of(element);
    if (!id || id->empty())
        return failure{errc::malformed, std::string("the signed ") + name_of(element) + " has no ID"};
    if (!detail::plausible_id(*id))
        return failure{errc::malformed, "the ID \"" + *id + "\" is not an xs:ID (NCName)"};
    if (auto r = precheck_signature(signature, element, *id, sp); !r)
        return r.error();
    if (detail::element_by_id(element->doc, *id) != element)
        return failure{errc::reference_mismatch, "the ID \"" + *id + "\" does not resolve to the signed element"};
    if (idp.signing_certs.empty())
        return failure{errc::signature_invalid, "the connection has no signing certificate configured"};

    std::string const expected_uri = "#" + *id;
    std::string last_error;
    for (auto const& cert : idp.signing_certs) {
        detail::dsig_ctx_ptr ctx(xmlSecDSigCtxCreate(nullptr)); // no keys manager: no KeyInfo keys
        if (!ctx)
            return failure{errc::signature_invalid, "cannot create a signature context"};
        // No XMLSEC_DSIG_FLAGS_STORE_SIGNEDINFO_REFERENCES: xmlsec lists every processed
        // Reference in signedInfoReferences (uri, status) without it; the flag only adds
        // a copy of each pre-digest buffer, ~3% of a verification (issue 8 profile).
        ctx->flags = XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS;
        ctx->enabledReferenceUris = xmlSecTransformUriTypeSameDocument;
        // Also refuse every key data type in KeyInfo (an empty list would mean "all").
        ctx->keyInfoReadCtx.flags |= XMLSEC_KEYINFO_FLAGS_STOP_ON_UNKNOWN_CHILD;
        if (!enable_transforms(ctx.get(), sp))
            return failure{errc::signature_invalid, "cannot set up the signature allow-lists"};
        ctx->signKey = detail::make_xmlsec_key(detail::key_access::public_key(cert)).release();
        if (ctx->signKey == nullptr)
            return failure{errc::signature_invalid, "cannot load a configured certificate's key"};

        detail::clear_xmlsec_error();
        int const rc = xmlSecDSigCtxVerify(ctx.get(), signature);
        std::string const xmlsec_error = detail::take_xmlsec_error();
        if (rc < 0) {
            last_error = "xmlsec: " + xmlsec_error;
            continue;
        }
        if (ctx->status != xmlSecDSigStatusSucceeded) {
            last_error = "the signature value or digest does not match";
            continue;
        }
        // The verdict (STYLE.md rule 10): exactly one reference, to this element.
        if (xmlSecPtrListGetSize(&ctx->signedInfoReferences) != 1)
            return failure{errc::reference_mismatch, "xmlsec processed other than one reference"};
        auto const* ref = static_cast<xmlSecDSigReferenceCtx const*>(xmlSecPtrListGetItem(&ctx->signedInfoReferences, 0));
        if (ref == nullptr || ref->status != xmlSecDSigStatusSucceeded || ref->uri == nullptr ||
            expected_uri != reinterpret_cast<char const*>(ref->uri))
            return failure{errc::reference_mismatch, "the verified reference is not \"" + expected_uri + "\""};
        if (detail::element_by_id(element->doc, *id) != element)
            return failure{errc::reference_mismatch, "the verified ID does not resolve to the element read"};
        return cert.sha256_fingerprint();
    }
    return failure{errc::signature_invalid, "the " + std::string(name_of(element)) +
                                                " signature does not verify with any of the " +
                                                std::to_string(idp.signing_certs.size()) +
                                                " configured certificates (" + last_error + ")"};
}

// ---------------------------------------------------------------------------
// Content
// ---------------------------------------------------------------------------

xmlNode* child(xmlNode* parent, char const* ns_uri, char const* local)
{
    for (xmlNode* c = first_element(parent); c != nullptr; c = next_element(c))
        if (is_element(c, ns_uri, local))
            return c;
    return nullptr;
}

outcome<std::optional<system_clock::time_point>> time_attribute(xmlNode* node, char const* name)
{
    auto const v = attribute(node, name);
    if (!v)
        return std::optional<system_clock::time_point>{};
    auto t = parse_saml_time(*v);
    if (!t)
        return failure{errc::malformed, std::string(name_of(node)) + " " + name + " \"" + *v +
                                            "\" is not an xs:dateTime in UTC"};
    return std::optional<system_clock::time_point>(*t);
}

/// @par Specification SAML 2.0 Core §2.5.1.2 (NotBefore / NotOnOrAfter: valid when
///      NotBefore <= now < NotOnOrAfter), here widened by the configured skew.
outcome<void> check_window(std::optional<system_clock::time_point> not_before,
                           std::optional<system_clock::time_point> not_on_or_after, system_clock::time_point now,
                           seconds skew, char const* what)
{
    // Compared as now ± skew, never NotBefore − skew / NotOnOrAfter + skew: the
    // IdP's values may be the saturated extremes of parse_saml_time.
    if (not_before && now + skew < *not_before)
        return failure{errc::not_yet_valid, std::string(what) + " NotBefore is " + format_time(*not_before) +
                                                "; now is " + format_time(now)};
    if (not_on_or_after && now - skew >= *not_on_or_after)
        return failure{errc::expired, std::string(what) + " NotOnOrAfter was " + format_time(*not_on_or_after) +
                                          "; now is " + format_time(now)};
    return {};
}

/// The element's full text: every descendant text node, comments skipped, so that
/// `user@corp.com<!---->.evil.com` reads as the whole string.
/// @par Attack [CI] comment injection (CVE-2017-11427..11430): readers that take
///      only the first text node see `user@corp.com`, the signature covers the
///      whole (exc-c14n without comments drops the comment).
outcome<std::string> simple_text(xmlNode* node, char const* what)
{
    if (detail::has_element_children(node))
        return failure{errc::malformed, std::string(what) + " has element content"};
    return detail::text_content(node);
}

/// @par Specification SAML 2.0 Core §2.2.5 (Issuer), Profiles §4.1.4.2 (Issuer
///      MUST be present in the assertion, Format omitted or entity).
outcome<void> check_issuer(xmlNode* issuer, idp_trust const& idp, char const* what)
{
    auto const text = simple_text(issuer, "Issuer");
    if (!text)
        return text.error();
    if (*text != idp.entity_id)
        return failure{errc::issuer_mismatch, std::string(what) + " Issuer is \"" + *text + "\", not \"" +
                                                  idp.entity_id + "\""};
    if (auto f = attribute(issuer, "Format"); f && *f != entity_format)
        return failure{errc::issuer_mismatch, std::string(what) + " Issuer Format is " + *f};
    return {};
}

/// @par Specification SAML 2.0 Core §3.2.2.2 (StatusCode); the IdP's code becomes
///      the detail so the admin sees e.g. Responder/AuthnFailed.
outcome<void> check_status(xmlNode* response)
{
    xmlNode* status = child(response, ns::protocol, "Status");
    if (status == nullptr)
        return failure{errc::malformed, "the Response has no Status"};
    xmlNode* code = child(status, ns::protocol, "StatusCode");
    if (code == nullptr)
        return failure{errc::malformed, "the Status has no StatusCode"};
    auto const value = attribute(code, "Value").value_or("");
    if (value == status_success)
        return {};
    std::string detail = "the IdP answered " + value;
    if (xmlNode* sub = child(code, ns::protocol, "StatusCode"))
        detail += " / " + attribute(sub, "Value").value_or("");
    if (xmlNode* message = child(status, ns::protocol, "StatusMessage"))
        detail += ": " + detail::text_content(message);
    return failure{errc::status_not_success, std::move(detail)};
}

struct confirmation {
    std::string in_response_to;
    system_clock::time_point not_on_or_after;
};

/// @par Specification SAML 2.0 Profiles §4.1.4.2–4.1.4.3 (bearer
///      SubjectConfirmation with Recipient = ACS URL, NotOnOrAfter, no NotBefore,
///      InResponseTo), Core §2.4.1.2.
/// @par Attack assertion forwarding: an assertion issued to another SP (or
///      another endpoint of this SP) is refused by Recipient.
outcome<confirmation> check_subject_confirmation(xmlNode* subject, sp_options const& sp,
                                                  system_clock::time_point now)
{
    std::optional<failure> first_failure;
    bool any_bearer = false;
    for (xmlNode* sc = first_element(subject); sc != nullptr; sc = next_element(sc)) {
        if (!is_element(sc, ns::assertion, "SubjectConfirmation") || attribute(sc, "Method").value_or("") != bearer)
            continue;
        any_bearer = true;
        xmlNode* data = child(sc, ns::assertion, "SubjectConfirmationData");
        auto fail = [&](failure f) {
            if (!first_failure)
                first_failure = std::move(f);
        };
        if (data == nullptr) {
            fail({errc::recipient_mismatch, "a bearer SubjectConfirmation has no SubjectConfirmationData"});
            continue;
        }
        auto const recipient = attribute(data, "Recipient");
        if (!recipient || *recipient != sp.acs_url) {
            fail({errc::recipient_mismatch, "bearer Recipient is \"" + recipient.value_or("(none)") + "\", not \"" +
                                                sp.acs_url + "\""});
            continue;
        }
        auto nb = time_attribute(data, "NotBefore");
        auto noa = time_attribute(data, "NotOnOrAfter");
        if (!nb)
            return nb.error();
        if (!noa)
            return noa.error();
        if (!*noa) {
            fail({errc::malformed, "the bearer SubjectConfirmationData has no NotOnOrAfter"});
            continue;
        }
        if (auto r = check_window(*nb, *noa, now, sp.clock_skew, "SubjectConfirmationData"); !r) {
            fail(r.error());
            continue;
        }
        return confirmation{attribute(data, "InResponseTo").value_or(""), **noa};
    }
    if (!any_bearer)
        return failure{errc::recipient_mismatch, "the assertion has no bearer SubjectConfirmation"};
    return *first_failure;
}

/// @par Specification SAML 2.0 Core §2.5.1 (Conditions: all must hold; an unknown
///      condition makes the assertion invalid), §2.5.1.4 (every AudienceRestriction
///      must name us), Profiles §4.1.4.2 (AudienceRestriction required).
outcome<system_clock::time_point> check_conditions(xmlNode* assertion, sp_options const& sp,
                                                   system_clock::time_point now)
{
    xmlNode* conditions = child(assertion, ns::assertion, "Conditions");
    if (conditions == nullptr)
        return failure{errc::audience_mismatch, "the assertion has no Conditions (no AudienceRestriction)"};
    auto nb = time_attribute(conditions, "NotBefore");
    auto noa = time_attribute(conditions, "NotOnOrAfter");
    if (!nb)
        return nb.error();
    if (!noa)
        return noa.error();
    if (auto r = check_window(*nb, *noa, now, sp.clock_skew, "Conditions"); !r)
        return r.error();

    std::size_t restrictions = 0;
    for (xmlNode* c = first_element(conditions); c != nullptr; c = next_element(c)) {
        if (is_element(c, ns::assertion, "AudienceRestriction")) {
            ++restrictions;
            bool ours = false;
            std::string seen;
            for (xmlNode* a = first_element(c); a != nullptr; a = next_element(a)) {
                if (!is_element(a, ns::assertion, "Audience"))
                    continue;
                auto const text = detail::text_content(a);
                ours = ours || text == sp.entity_id;
                seen += (seen.empty() ? "" : ", ") + text;
            }
            if (!ours)
                return failure{errc::audience_mismatch,
                               "AudienceRestriction names " + (seen.empty() ? std::string("no audience") : seen) +
                                   ", not \"" + sp.entity_id + "\""};
        } else if (is_element(c, ns::assertion, "OneTimeUse") || is_element(c, ns::assertion, "ProxyRestriction")) {
            // OneTimeUse: the replay cache enforces it for every assertion anyway.
            // ProxyRestriction: constrains the SP as an issuer; we issue none.
        } else {
            return failure{errc::structure_forbidden,
                           std::string("unknown condition ") + name_of(c) + " (Core §2.5.1.6: invalid)"};
        }
    }
    if (restrictions == 0)
        return failure{errc::audience_mismatch, "the assertion has no AudienceRestriction"};
    return noa->value_or(system_clock::time_point::max());
}

/// @par Specification SAML 2.0 Core §3.2.2 (InResponseTo), Profiles §4.1.4.2–
///      4.1.4.3, §4.1.5 (unsolicited responses).
/// @par Attack login CSRF / session fixation by an injected response: a response
///      to a request this browser never made is refused; unsolicited responses
///      only where the connection opts in.
outcome<void> check_in_response_to(std::string const& from_confirmation, std::optional<std::string> const& from_response,
                                   response_expectation const& expected, sp_options const& sp)
{
    if (from_response && *from_response != from_confirmation)
        return failure{errc::in_response_to_mismatch, "Response InResponseTo \"" + *from_response +
                                                          "\" differs from the assertion's \"" + from_confirmation +
                                                          "\""};
    switch (expected.kind()) {
    case response_expectation::mode::solicited:
        if (from_confirmation != expected.request_id())
            return failure{errc::in_response_to_mismatch,
                           "InResponseTo is \"" + from_confirmation + "\", expected \"" + expected.request_id() + "\""};
        return {};
    case response_expectation::mode::unsolicited:
        if (!from_confirmation.empty())
            return failure{errc::in_response_to_mismatch,
                           "InResponseTo \"" + from_confirmation + "\" answers a request this browser has not pending"};
        if (!sp.allow_unsolicited)
            return failure{errc::unsolicited_forbidden, "an IdP-initiated response and the connection refuses them"};
        return {};
    case response_expectation::mode::shape_only:
        return {};
    }
    return failure{errc::in_response_to_mismatch, "unknown expectation"};
}

outcome<std::vector<saml_attribute>> read_attributes(xmlNode* assertion)
{
    std::vector<saml_attribute> out;
    std::size_t count = 0; // reserved up front: no reallocation moving the attributes read
    for (xmlNode* st = first_element(assertion); st != nullptr; st = next_element(st))
        if (is_element(st, ns::assertion, "AttributeStatement"))
            for (xmlNode* a = first_element(st); a != nullptr; a = next_element(a))
                ++count;
    out.reserve(count);
    for (xmlNode* st = first_element(assertion); st != nullptr; st = next_element(st)) {
        if (!is_element(st, ns::assertion, "AttributeStatement"))
            continue;
        for (xmlNode* a = first_element(st); a != nullptr; a = next_element(a)) {
            if (is_element(a, ns::assertion, "EncryptedAttribute"))
                return failure{errc::structure_forbidden, "EncryptedAttribute is not supported"};
            if (!is_element(a, ns::assertion, "Attribute"))
                continue;
            auto name = attribute(a, "Name");
            if (!name || name->empty())
                return failure{errc::malformed, "an Attribute without Name"};
            saml_attribute attr{std::move(*name), attribute(a, "NameFormat").value_or(""),
                                attribute(a, "FriendlyName").value_or(""), {}};
            for (xmlNode* v = first_element(a); v != nullptr; v = next_element(v))
                if (is_element(v, ns::assertion, "AttributeValue"))
                    attr.values.push_back(detail::text_content(v)); // [CI]: full text
            out.push_back(std::move(attr));
        }
    }
    return out;
}

verify_result fail(failure f)
{
    return verify_error{f.code, std::move(f.detail)};
}

} // namespace

verify_result verify_response(std::string_view form_value, idp_trust const& idp, sp_options const& sp,
                              response_expectation const& expected, system_clock::time_point now)
{
    detail::require_library();
    // Bound before decoding (DoS): the form value itself.
    if (form_value.size() > sp.max_response_bytes)
        return verify_error{errc::too_large, "the SAMLResponse form value has " + std::to_string(form_value.size()) +
                                                 " bytes; the limit is " + std::to_string(sp.max_response_bytes)};
    // Decoded into a buffer this thread reuses: a fresh 8 KB string per response cost
    // an allocation (and, in glibc, a consolidation of the small-chunk bins) plus a
    // zero fill (issue 8 profile). The decoded bytes are no secret beyond the parsed
    // document, which is freed without clearing either; one-time use is the replay
    // cache's job. A buffer grown past 1 MiB by a large response is released.
    thread_local std::string buffer;
    auto xml = detail::base64_decode_into(form_value, buffer);
    struct release_large {
        std::string& b;
        ~release_large()
        {
            if (b.capacity() > (std::size_t{1} << 20))
                std::string().swap(b);
        }
    } const guard{buffer};
    if (!xml)
        return verify_error{errc::malformed, "the SAMLResponse form value is not base64"};
    return verify_response_xml(*xml, idp, sp, expected, now);
}

verify_result verify_response_xml(std::string_view xml, idp_trust const& idp, sp_options const& sp,
                                  response_expectation const& expected, system_clock::time_point now)
{
    detail::require_library();
    detail::quiet_libxml_errors const quiet;
    if (xml.size() > sp.max_response_bytes)
        return verify_error{errc::too_large, "the SAML response has " + std::to_string(xml.size()) +
                                                 " bytes; the limit is " + std::to_string(sp.max_response_bytes)};

    // 1. Hardened parse: no DTD, no entities, no network, depth bound, unique IDs.
    auto parsed = detail::parse_document(xml, sp.max_depth);
    if (!parsed)
        return fail(parsed.error());
    xmlDoc* const doc = parsed->get();

    // 2. Structure (before any cryptography).
    structure s;
    s.response = xmlDocGetRootElement(doc);
    if (!is_element(s.response, ns::protocol, "Response"))
        return verify_error{errc::malformed, std::string("the root element is ") + name_of(s.response) +
                                                 ", not samlp:Response"};
    if (auto r = scan(s.response, s, true); !r)
        return fail(r.error());
    if (attribute(s.response, "Version").value_or("") != "2.0")
        return verify_error{errc::malformed, "the Response Version is not 2.0"};
    auto const response_id = detail::id_of(s.response);
    if (!response_id || response_id->empty())
        return verify_error{errc::malformed, "the Response has no ID"};

    // 3. Status: an IdP error response is usually unsigned and has no assertion.
    if (auto r = check_status(s.response); !r)
        return fail(r.error());
    if (s.assertion == nullptr)
        return verify_error{errc::assertion_missing, "the Response holds no Assertion or EncryptedAssertion"};

    verified_assertion out;
    out.response_id = *response_id;

    // 4. The Response signature (over the EncryptedAssertion, if encrypted).
    if (s.response_signature != nullptr) {
        auto fp = verify_signature(s.response, s.response_signature, idp, sp);
        if (!fp)
            return fail(fp.error());
        out.response_signed = true;
        out.signing_cert_fingerprint = std::move(*fp);
    }

    // 5. Decryption: algorithms and shape checked first; the decrypted element
    // replaces the EncryptedAssertion and is scanned like the rest.
    // @par Specification SAML 2.0 Core §2.3.4 (EncryptedAssertion), §6.1.
    if (is_element(s.assertion, ns::assertion, "EncryptedAssertion")) {
        if (sp.decryption_keys.empty())
            return verify_error{errc::decryption_key_missing,
                                "an EncryptedAssertion arrived and the connection has no SP decryption key"};
        auto decrypted = detail::decrypt_assertion(s.assertion, sp.decryption_keys, sp.max_depth);
        if (!decrypted)
            return fail(decrypted.error());
        out.was_encrypted = true;
        s.assertion = nullptr;
        if (!is_element(*decrypted, ns::assertion, "Assertion"))
            return verify_error{errc::malformed, std::string("the EncryptedAssertion decrypts to ") +
                                                     name_of(*decrypted) + ", not saml:Assertion"};
        if (auto r = scan(*decrypted, s, false); !r)
            return fail(r.error());
        s.assertion = *decrypted;
    }
    xmlNode* const assertion = s.assertion;

    if (attribute(assertion, "Version").value_or("") != "2.0")
        return verify_error{errc::malformed, "the Assertion Version is not 2.0"};
    auto const assertion_id = detail::id_of(assertion);
    if (!assertion_id || assertion_id->empty())
        return verify_error{errc::malformed, "the Assertion has no ID"};

    // 6. The Assertion signature.
    if (s.assertion_signature != nullptr) {
        auto fp = verify_signature(assertion, s.assertion_signature, idp, sp);
        if (!fp)
            return fail(fp.error());
        out.assertion_signed = true;
        out.signing_cert_fingerprint = std::move(*fp);
    }

    // 7. The trust decision (DESIGN.md "Security rules"): a trusted signature over
    // the assertion or over the Response it is a direct child of.
    // @par Specification SAML 2.0 Profiles §4.1.3.5 / §4.1.4.2 (assertion signed
    //      directly or by the enclosing Response in the POST binding).
    // @par Attack an unsigned Response with an unsigned (even encrypted) assertion:
    //      anyone can encrypt to the SP's public key.
    if (sp.want_assertions_signed && !out.assertion_signed)
        return verify_error{errc::signature_missing,
                            "the connection wants assertions signed and the Assertion carries no signature"};
    if (!out.assertion_signed && !out.response_signed)
        return verify_error{errc::signature_missing, "neither the Response nor the Assertion is signed"};

    // 8. Issuers and Destination. From here on, every node read is inside a
    // verified signature (the assertion, or the Response that holds it).
    // @par Specification SAML 2.0 Core §3.2.2 (Destination), Bindings §3.5.5.2.
    if (xmlNode* issuer = child(s.response, ns::assertion, "Issuer")) {
        if (auto r = check_issuer(issuer, idp, "Response"); !r)
            return fail(r.error());
    }
    xmlNode* const assertion_issuer = first_element(assertion);
    if (!is_element(assertion_issuer, ns::assertion, "Issuer"))
        return verify_error{errc::issuer_mismatch, "the Assertion does not start with an Issuer"};
    if (auto r = check_issuer(assertion_issuer, idp, "Assertion"); !r)
        return fail(r.error());
    out.issuer = idp.entity_id;
    // A signed Response must carry Destination (Bindings §3.5.5.2), so that a Response
    // signed for another SP of the same IdP key cannot be replayed here; an unsigned
    // Response (its assertion signed) may omit it, as the Recipient is checked below.
    auto const destination = attribute(s.response, "Destination");
    if (destination && *destination != sp.acs_url)
        return verify_error{errc::destination_mismatch,
                            "Destination is \"" + *destination + "\", not \"" + sp.acs_url + "\""};
    if (!destination && out.response_signed)
        return verify_error{errc::destination_missing, "the Response is signed and has no Destination"};

    // 9. Subject and NameID (full text: [CI]).
    // @par Specification SAML 2.0 Core §2.4.1 (Subject), §2.2.3 (NameID).
    xmlNode* const subject = child(assertion, ns::assertion, "Subject");
    if (subject == nullptr)
        return verify_error{errc::subject_missing, "the Assertion has no Subject"};
    if (child(subject, ns::assertion, "EncryptedID") != nullptr)
        return verify_error{errc::structure_forbidden, "an EncryptedID subject is not supported"};
    xmlNode* const name_id = child(subject, ns::assertion, "NameID");
    if (name_id == nullptr)
        return verify_error{errc::subject_missing, "the Subject has no NameID"};
    auto name_id_text = simple_text(name_id, "NameID");
    if (!name_id_text)
        return fail(name_id_text.error());
    if (name_id_text->empty())
        return verify_error{errc::subject_missing, "the NameID is empty"};
    out.name_id = std::move(*name_id_text);
    out.name_id_format = attribute(name_id, "Format").value_or("");
    out.name_id_sp_name_qualifier = attribute(name_id, "SPNameQualifier").value_or("");
    out.name_id_name_qualifier = attribute(name_id, "NameQualifier").value_or("");

    // 10. Bearer confirmation, conditions, InResponseTo.
    auto confirmed = check_subject_confirmation(subject, sp, now);
    if (!confirmed)
        return fail(confirmed.error());
    auto conditions_end = check_conditions(assertion, sp, now);
    if (!conditions_end)
        return fail(conditions_end.error());
    out.not_on_or_after = std::min(*conditions_end, confirmed->not_on_or_after);
    if (auto r = check_in_response_to(confirmed->in_response_to, attribute(s.response, "InResponseTo"), expected, sp);
        !r)
        return fail(r.error());
    out.in_response_to = confirmed->in_response_to;

    // 11. AuthnStatement (Profiles §4.1.4.2: the assertion MUST contain one).
    xmlNode* const authn = child(assertion, ns::assertion, "AuthnStatement");
    if (authn == nullptr)
        return verify_error{errc::malformed, "the Assertion has no AuthnStatement"};
    auto instant = time_attribute(authn, "AuthnInstant");
    if (!instant)
        return fail(instant.error());
    if (!*instant)
        return verify_error{errc::malformed, "the AuthnStatement has no AuthnInstant"};
    out.authn_instant = **instant;
    auto session_end = time_attribute(authn, "SessionNotOnOrAfter");
    if (!session_end)
        return fail(session_end.error());
    if (*session_end) {
        if (auto r = check_window(std::nullopt, *session_end, now, sp.clock_skew, "AuthnStatement Session"); !r)
            return fail(r.error());
        out.session_not_on_or_after = *session_end;
    }
    out.session_index = attribute(authn, "SessionIndex").value_or("");
    if (xmlNode* context = child(authn, ns::assertion, "AuthnContext"))
        if (xmlNode* ref = child(context, ns::assertion, "AuthnContextClassRef"))
            out.authn_context_class_ref = detail::text_content(ref);

    // 12. Attributes (full text of every value: [CI]).
    auto attributes = read_attributes(assertion);
    if (!attributes)
        return fail(attributes.error());
    out.attributes = std::move(*attributes);
    out.assertion_id = *assertion_id;
    return out;
}

} // namespace ssogate::saml
