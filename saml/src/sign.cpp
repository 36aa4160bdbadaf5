#include <ssogate/saml/sign.hpp>

#include "detail/base64.hpp"
#include "detail/c_handles.hpp"
#include "detail/key_access.hpp"
#include "detail/library_state.hpp"
#include "detail/xml.hpp"

#include <xmlsec/crypto.h>
#include <xmlsec/templates.h>
#include <xmlsec/transforms.h>
#include <xmlsec/xmldsig.h>

#include <openssl/core_names.h>

namespace ssogate::saml {
namespace {

using detail::ns::dsig;

xmlSecTransformId signature_transform(signature_algorithm a) noexcept
{
    switch (a) {
    case signature_algorithm::rsa_sha256: return xmlSecTransformRsaSha256Id;
    case signature_algorithm::rsa_sha384: return xmlSecTransformRsaSha384Id;
    case signature_algorithm::rsa_sha512: return xmlSecTransformRsaSha512Id;
    case signature_algorithm::ecdsa_sha256: return xmlSecTransformEcdsaSha256Id;
    case signature_algorithm::ecdsa_sha384: return xmlSecTransformEcdsaSha384Id;
    case signature_algorithm::ecdsa_sha512: return xmlSecTransformEcdsaSha512Id;
    case signature_algorithm::rsa_sha1: return xmlSecTransformRsaSha1Id;
    }
    return xmlSecTransformIdUnknown;
}

bool is_rsa(signature_algorithm a) noexcept
{
    return a == signature_algorithm::rsa_sha256 || a == signature_algorithm::rsa_sha384 ||
           a == signature_algorithm::rsa_sha512 || a == signature_algorithm::rsa_sha1;
}

xmlSecTransformId digest_transform(digest_algorithm d) noexcept
{
    switch (d) {
    case digest_algorithm::sha256: return xmlSecTransformSha256Id;
    case digest_algorithm::sha384: return xmlSecTransformSha384Id;
    case digest_algorithm::sha512: return xmlSecTransformSha512Id;
    case digest_algorithm::sha1: return xmlSecTransformSha1Id;
    }
    return xmlSecTransformIdUnknown;
}

xmlChar const* X(char const* s) noexcept
{
    return reinterpret_cast<xmlChar const*>(s);
}

std::string bignum_base64(EVP_PKEY* pkey, char const* param)
{
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(pkey, param, &raw) != 1)
        return {};
    detail::bignum_ptr bn(raw);
    std::string bytes(static_cast<std::size_t>(BN_num_bytes(bn.get())), '\0');
    BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(bytes.data()));
    return detail::base64_encode(bytes);
}

// Adds ds:KeyInfo after signing: KeyInfo is outside SignedInfo (not covered by the
// signature), and writing it ourselves keeps xmlsec's key writers out of the way.
bool add_key_info(xmlNode* signature, sign_options const& options, EVP_PKEY* pkey)
{
    if (options.key_info == key_info_content::none)
        return true;
    xmlNs* ds = xmlSearchNsByHref(signature->doc, signature, X(dsig));
    xmlNode* key_info = xmlNewChild(signature, ds, X("KeyInfo"), nullptr);
    if (options.key_info == key_info_content::x509_certificate) {
        if (!options.cert)
            return false;
        xmlNode* data = xmlNewChild(key_info, ds, X("X509Data"), nullptr);
        xmlNewTextChild(data, ds, X("X509Certificate"), X(options.cert->base64_der().c_str()));
        return true;
    }
    if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA)
        return false;
    xmlNode* value = xmlNewChild(key_info, ds, X("KeyValue"), nullptr);
    xmlNode* rsa = xmlNewChild(value, ds, X("RSAKeyValue"), nullptr);
    xmlNewTextChild(rsa, ds, X("Modulus"), X(bignum_base64(pkey, OSSL_PKEY_PARAM_RSA_N).c_str()));
    xmlNewTextChild(rsa, ds, X("Exponent"), X(bignum_base64(pkey, OSSL_PKEY_PARAM_RSA_E).c_str()));
    return true;
}

} // namespace

boost::system::result<std::string> sign_element(std::string_view xml, std::string_view id, private_key const& key,
                                                sign_options const& options)
{
    detail::require_library();
    detail::quiet_libxml_errors const quiet;
    EVP_PKEY* const pkey = detail::key_access::pkey(key);
    bool const rsa_key = EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA;
    if (rsa_key != is_rsa(options.algorithm))
        return errc::key_invalid;
    if (options.key_info == key_info_content::x509_certificate && !options.cert)
        return errc::key_invalid;
    if (options.key_info == key_info_content::rsa_key_value && !rsa_key)
        return errc::key_invalid;

    auto parsed = detail::parse_document(xml, 256);
    if (!parsed)
        return parsed.error().code == errc::duplicate_id ? errc::malformed : parsed.error().code;
    xmlDoc* const doc = parsed->get();

    std::string const id_value(id);
    xmlNode* const target = detail::element_by_id(doc, id_value);
    if (target == nullptr)
        return errc::malformed;
    xmlNode* host = target;
    if (!options.host_id.empty()) {
        host = detail::element_by_id(doc, options.host_id);
        if (host == nullptr)
            return errc::malformed;
    }

    xmlNode* signature = xmlSecTmplSignatureCreateNsPref(doc, xmlSecTransformExclC14NId,
                                                         signature_transform(options.algorithm), nullptr, X("ds"));
    if (signature == nullptr)
        return errc::signing_failed;
    detail::xml_node_ptr unlinked(signature);

    // Place it: after the host's Issuer (schema position), first child, or last child.
    xmlNode* first = detail::first_element(host);
    if (options.placement == signature_placement::after_issuer && first != nullptr) {
        if (detail::is_element(first, detail::ns::assertion, "Issuer"))
            xmlAddNextSibling(first, unlinked.release());
        else
            xmlAddPrevSibling(first, unlinked.release());
    } else {
        xmlAddChild(host, unlinked.release());
    }

    std::string const uri = "#" + id_value;
    xmlNode* reference = xmlSecTmplSignatureAddReference(signature, digest_transform(options.digest), nullptr,
                                                         X(uri.c_str()), nullptr);
    if (reference == nullptr || xmlSecTmplReferenceAddTransform(reference, xmlSecTransformEnvelopedId) == nullptr ||
        xmlSecTmplReferenceAddTransform(reference, xmlSecTransformExclC14NId) == nullptr)
        return errc::signing_failed;

    detail::dsig_ctx_ptr ctx(xmlSecDSigCtxCreate(nullptr));
    if (!ctx)
        return errc::signing_failed;
    ctx->signKey = detail::make_xmlsec_key(pkey).release();
    if (ctx->signKey == nullptr)
        return errc::signing_failed;
    detail::clear_xmlsec_error();
    if (xmlSecDSigCtxSign(ctx.get(), signature) < 0) {
        (void)detail::take_xmlsec_error();
        return errc::signing_failed;
    }
    if (!add_key_info(signature, options, pkey))
        return errc::key_invalid;
    return detail::serialize(doc);
}

} // namespace ssogate::saml
