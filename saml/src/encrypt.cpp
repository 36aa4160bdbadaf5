#include <ssogate/saml/encrypt.hpp>

#include "detail/c_handles.hpp"
#include "detail/key_access.hpp"
#include "detail/library_state.hpp"
#include "detail/xml.hpp"

#include <xmlsec/crypto.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmlenc.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

namespace ssogate::saml {
namespace {

xmlChar const* X(char const* s) noexcept
{
    return reinterpret_cast<xmlChar const*>(s);
}

struct cipher_choice {
    xmlSecTransformId id;
    std::size_t key_bytes;
};

cipher_choice cipher_of(content_encryption c) noexcept
{
    switch (c) {
    case content_encryption::aes128_cbc: return {xmlSecOpenSSLTransformAes128CbcGetKlass(), 16};
    case content_encryption::aes256_cbc: return {xmlSecOpenSSLTransformAes256CbcGetKlass(), 32};
    case content_encryption::aes128_gcm: return {xmlSecOpenSSLTransformAes128GcmGetKlass(), 16};
    case content_encryption::aes256_gcm: return {xmlSecOpenSSLTransformAes256GcmGetKlass(), 32};
    }
    return {xmlSecTransformIdUnknown, 0};
}

// Declares on `element` every namespace in scope at it, so that its serialisation
// (which xmlsec encrypts) stands alone once decrypted elsewhere.
void declare_namespaces_in_scope(xmlNode* element)
{
    xmlNs** list = xmlGetNsList(element->doc, element);
    if (list == nullptr)
        return;
    for (xmlNs** n = list; *n != nullptr; ++n) {
        bool declared = false;
        for (xmlNs* d = element->nsDef; d != nullptr; d = d->next)
            declared = declared || xmlStrEqual(d->prefix, (*n)->prefix) != 0;
        if (!declared)
            xmlNewNs(element, (*n)->href, (*n)->prefix);
    }
    xmlFree(list);
}

} // namespace

boost::system::result<std::string> encrypt_assertion(std::string_view response_xml, certificate const& sp_cert,
                                                     encrypt_options const& options)
{
    detail::require_library();
    detail::quiet_libxml_errors const quiet;
    EVP_PKEY* const public_key = detail::key_access::public_key(sp_cert);
    if (EVP_PKEY_get_base_id(public_key) != EVP_PKEY_RSA)
        return errc::key_invalid;
    auto parsed = detail::parse_document(response_xml, 256);
    if (!parsed)
        return errc::malformed;
    xmlDoc* const doc = parsed->get();
    xmlNode* const response = xmlDocGetRootElement(doc);
    if (!detail::is_element(response, detail::ns::protocol, "Response"))
        return errc::malformed;
    xmlNode* assertion = nullptr;
    for (xmlNode* c = detail::first_element(response); c != nullptr; c = detail::next_element(c)) {
        if (detail::is_element(c, detail::ns::assertion, "Assertion")) {
            if (assertion != nullptr)
                return errc::malformed;
            assertion = c;
        }
    }
    if (assertion == nullptr)
        return errc::malformed;
    declare_namespaces_in_scope(assertion);

    auto const cipher = cipher_of(options.content);
    std::string session_key(cipher.key_bytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(session_key.data()), static_cast<int>(session_key.size())) != 1)
        return errc::signing_failed;
    struct wipe {
        std::string& s;
        ~wipe() { OPENSSL_cleanse(s.data(), s.size()); }
    } wipe_key{session_key};

    // EncryptedData template with KeyInfo/EncryptedKey (RSA-OAEP).
    std::string const suffix = detail::id_of(assertion).value_or("assertion");
    std::string const data_id = "_ed" + suffix;
    std::string const key_id = "_ek" + suffix;
    xmlNode* data = xmlSecTmplEncDataCreate(doc, cipher.id, X(data_id.c_str()), xmlSecTypeEncElement, nullptr, nullptr);
    if (data == nullptr)
        return errc::signing_failed;
    detail::xml_node_ptr data_owner(data); // until it enters the tree
    xmlNode* key_info = xmlSecTmplEncDataEnsureKeyInfo(data, nullptr);
    if (xmlSecTmplEncDataEnsureCipherValue(data) == nullptr || key_info == nullptr)
        return errc::signing_failed;
    xmlNode* encrypted_key =
        xmlSecTmplKeyInfoAddEncryptedKey(key_info, xmlSecOpenSSLTransformRsaOaepGetKlass(), X(key_id.c_str()), nullptr, nullptr);
    if (encrypted_key == nullptr || xmlSecTmplEncDataEnsureCipherValue(encrypted_key) == nullptr)
        return errc::signing_failed;

    // Wrap the session key for the SP. The EncryptedKey leaves the template while
    // the content is encrypted: xmlsec would otherwise try to (re)write it from a
    // keys manager when it processes KeyInfo.
    xmlUnlinkNode(encrypted_key);
    detail::xml_node_ptr key_owner(encrypted_key);
    {
        detail::enc_ctx_ptr ctx(xmlSecEncCtxCreate(nullptr));
        if (!ctx)
            return errc::signing_failed;
        ctx->mode = xmlEncCtxModeEncryptedKey;
        ctx->encKey = detail::make_xmlsec_key(public_key).release();
        detail::clear_xmlsec_error();
        if (ctx->encKey == nullptr ||
            xmlSecEncCtxBinaryEncrypt(ctx.get(), encrypted_key, reinterpret_cast<xmlSecByte const*>(session_key.data()),
                                      static_cast<xmlSecSize>(session_key.size())) < 0) {
            (void)detail::take_xmlsec_error();
            return errc::signing_failed;
        }
    }

    // Encrypt the assertion: xmlsec replaces it by the EncryptedData template.
    detail::sec_key_ptr aes(xmlSecKeyReadMemory(xmlSecOpenSSLKeyDataAesGetKlass(),
                                                reinterpret_cast<xmlSecByte const*>(session_key.data()),
                                                static_cast<xmlSecSize>(session_key.size())));
    detail::enc_ctx_ptr ctx(xmlSecEncCtxCreate(nullptr));
    if (!aes || !ctx)
        return errc::signing_failed;
    ctx->encKey = aes.release();
    detail::clear_xmlsec_error();
    if (xmlSecEncCtxXmlEncrypt(ctx.get(), data, assertion) < 0) {
        (void)detail::take_xmlsec_error();
        return errc::signing_failed;
    }
    (void)data_owner.release(); // now in the tree, in place of the assertion

    // Wrap in saml:EncryptedAssertion.
    xmlNs* saml_ns = xmlSearchNsByHref(doc, response, X(detail::ns::assertion));
    xmlNode* wrapper = xmlNewDocNode(doc, nullptr, X("EncryptedAssertion"), nullptr);
    if (saml_ns == nullptr)
        saml_ns = xmlNewNs(wrapper, X(detail::ns::assertion), X("saml"));
    xmlSetNs(wrapper, saml_ns);
    xmlReplaceNode(data, wrapper);
    xmlAddChild(wrapper, data);

    // Put the EncryptedKey where the chosen IdP style has it.
    if (options.placement == encrypted_key_placement::retrieval_method) {
        std::string const uri = "#" + key_id;
        if (xmlSecTmplKeyInfoAddRetrievalMethod(key_info, X(uri.c_str()),
                                                X("http://www.w3.org/2001/04/xmlenc#EncryptedKey")) == nullptr)
            return errc::signing_failed;
        xmlAddChild(wrapper, key_owner.release());
    } else {
        xmlAddChild(key_info, key_owner.release());
    }
    return detail::serialize(doc);
}

} // namespace ssogate::saml
