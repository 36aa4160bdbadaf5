#include "detail/decrypt.hpp"

#include "detail/algorithms.hpp"
#include "detail/key_access.hpp"
#include "detail/library_state.hpp"

#include <xmlsec/crypto.h>
#include <xmlsec/xmlenc.h>

#include <openssl/crypto.h>

namespace ssogate::saml::detail {
namespace {

bool is_blank_text(xmlNode* n)
{
    return (n->type == XML_TEXT_NODE && xmlIsBlankNode(n) != 0) || n->type == XML_COMMENT_NODE;
}

// The only children an element may have: elements we then inspect, and blank text.
outcome<void> only_elements(xmlNode* parent, char const* what)
{
    for (xmlNode* c = parent->children; c != nullptr; c = c->next) {
        if (c->type != XML_ELEMENT_NODE && !is_blank_text(c))
            return failure{errc::malformed, std::string("unexpected text inside ") + what};
    }
    return {};
}

// EncryptionMethod's Algorithm, which must be present.
outcome<std::string> encryption_method(xmlNode* encrypted, char const* what)
{
    xmlNode* method = first_element(encrypted);
    if (!is_element(method, ns::xenc, "EncryptionMethod"))
        return failure{errc::malformed, std::string(what) + " has no EncryptionMethod"};
    auto algorithm = attribute(method, "Algorithm");
    if (!algorithm)
        return failure{errc::malformed, std::string(what) + " EncryptionMethod has no Algorithm"};
    return *algorithm;
}

// xenc:CipherData/xenc:CipherValue is the only accepted cipher data: a
// CipherReference would make xmlsec dereference a URI (XML Encryption §3.3.1).
outcome<void> check_cipher_data(xmlNode* encrypted, char const* what)
{
    xmlNode* cipher_data = nullptr;
    for (xmlNode* c = first_element(encrypted); c != nullptr; c = next_element(c))
        if (is_element(c, ns::xenc, "CipherData"))
            cipher_data = c;
    if (cipher_data == nullptr)
        return failure{errc::malformed, std::string(what) + " has no CipherData"};
    xmlNode* value = first_element(cipher_data);
    if (!is_element(value, ns::xenc, "CipherValue") || next_element(value) != nullptr)
        return failure{errc::structure_forbidden,
                       std::string(what) + " CipherData must hold exactly one CipherValue (no CipherReference)"};
    return {};
}

/// @par Specification XML Encryption §3.5.1 (EncryptedKey), §5.4.2 (RSA-OAEP)
/// @par Attack RSA PKCS#1 v1.5 key transport is refused: Bleichenbacher-style
/// padding oracles recover the session key (Jager, Schinzel, Somorovsky,
/// "One Bad Apple: Backwards Compatibility Attacks on State-of-the-Art
/// Cryptography", NDSS 2013; "Practical Invalid Curve Attacks..." on XML Enc).
outcome<void> check_encrypted_key(xmlNode* key)
{
    auto algorithm = encryption_method(key, "EncryptedKey");
    if (!algorithm)
        return algorithm.error();
    if (*algorithm != alg::rsa_oaep_mgf1p) {
        std::string detail = "key transport algorithm " + *algorithm + " is not allowed (only RSA-OAEP)";
        if (*algorithm == alg::rsa_1_5)
            detail = "RSA PKCS#1 v1.5 key transport (rsa-1_5) is refused: padding-oracle attacks";
        return failure{errc::algorithm_forbidden, std::move(detail)};
    }
    xmlNode* method = first_element(key);
    for (xmlNode* c = first_element(method); c != nullptr; c = next_element(c)) {
        if (is_element(c, ns::dsig, "DigestMethod")) {
            auto digest = attribute(c, "Algorithm").value_or("");
            bool ok = false;
            for (auto const d : alg::oaep_digests)
                ok = ok || d == digest;
            if (!ok)
                return failure{errc::algorithm_forbidden, "OAEP digest " + digest + " is not allowed"};
        } else if (!is_element(c, ns::xenc, "OAEPparams")) {
            return failure{errc::structure_forbidden, std::string("unexpected ") + name_of(c) +
                                                          " inside the EncryptedKey's EncryptionMethod"};
        }
    }
    // EncryptedKey's own KeyInfo names the SP certificate; it is ignored (the keys
    // are configured). A nested EncryptedKey/RetrievalMethod there is refused.
    for (xmlNode* c = first_element(key); c != nullptr; c = next_element(c)) {
        if (is_element(c, ns::dsig, "KeyInfo")) {
            for (xmlNode* k = first_element(c); k != nullptr; k = next_element(k))
                if (is_element(k, ns::xenc, "EncryptedKey") || is_element(k, ns::dsig, "RetrievalMethod") ||
                    is_element(k, ns::xenc, "AgreementMethod"))
                    return failure{errc::structure_forbidden, "the EncryptedKey's KeyInfo holds another key reference"};
        }
    }
    return check_cipher_data(key, "EncryptedKey");
}

// Locates the EncryptedKey of `data`: inside its KeyInfo (ADFS, Entra ID, Shibboleth)
// or beside it, reached by a RetrievalMethod exactly as Okta sends it.
/// @par Specification XML Encryption §3.5.1; XML Signature §4.4.3 (RetrievalMethod)
/// @par Attack a RetrievalMethod with another URI or transforms makes xmlsec fetch
/// or compute key material from elsewhere (external URI: SSRF / file read; XPath or
/// XSLT transforms: DoS, code paths never meant to face the network).
outcome<xmlNode*> find_encrypted_key(xmlNode* encrypted_assertion, xmlNode* data)
{
    xmlNode* key_info = nullptr;
    for (xmlNode* c = first_element(data); c != nullptr; c = next_element(c))
        if (is_element(c, ns::dsig, "KeyInfo"))
            key_info = c;
    if (key_info == nullptr)
        return failure{errc::structure_forbidden, "EncryptedData has no KeyInfo"};
    xmlNode* only = first_element(key_info);
    if (only == nullptr || next_element(only) != nullptr)
        return failure{errc::structure_forbidden,
                       "EncryptedData's KeyInfo must hold exactly one EncryptedKey or RetrievalMethod"};
    if (is_element(only, ns::xenc, "EncryptedKey"))
        return only;
    if (!is_element(only, ns::dsig, "RetrievalMethod"))
        return failure{errc::structure_forbidden,
                       std::string("EncryptedData's KeyInfo holds ") + name_of(only) + ", not an EncryptedKey"};
    if (attribute(only, "Type").value_or("") != alg::encrypted_key_type)
        return failure{errc::structure_forbidden, "RetrievalMethod Type is not xmlenc#EncryptedKey"};
    if (first_element(only) != nullptr)
        return failure{errc::structure_forbidden, "RetrievalMethod with transforms is refused"};
    auto const uri = attribute(only, "URI").value_or("");
    if (uri.size() < 2 || uri[0] != '#' || uri.find_first_of("#()'\" ", 1) != std::string::npos)
        return failure{errc::structure_forbidden, "RetrievalMethod URI \"" + uri + "\" is not a same-document #id"};
    xmlNode* target = element_by_id(data->doc, uri.substr(1));
    if (!is_element(target, ns::xenc, "EncryptedKey") || target->parent != encrypted_assertion)
        return failure{errc::structure_forbidden,
                       "RetrievalMethod URI " + uri + " does not name an EncryptedKey of this EncryptedAssertion"};
    return target;
}

// Adds `id` to a transform context's allow-list.
bool enable(xmlSecTransformCtx& ctx, xmlSecTransformId id)
{
    return xmlSecPtrListAdd(&ctx.enabledTransforms, const_cast<void*>(static_cast<void const*>(id))) >= 0;
}

// Unwraps the session key with one SP key; nullopt if it does not decrypt.
std::optional<std::string> unwrap_key(xmlNode* encrypted_key, private_key const& key)
{
    enc_ctx_ptr ctx(xmlSecEncCtxCreate(nullptr));
    if (!ctx)
        return std::nullopt;
    ctx->mode = xmlEncCtxModeEncryptedKey;
    // No keys manager: the key below is the only key; KeyInfo is never consulted.
    ctx->encKey = make_xmlsec_key(key_access::pkey(key)).release();
    ctx->transformCtx.enabledUris = xmlSecTransformUriTypeNone;
    if (ctx->encKey == nullptr || !enable(ctx->transformCtx, xmlSecOpenSSLTransformRsaOaepGetKlass()))
        return std::nullopt;
    xmlSecBufferPtr out = xmlSecEncCtxDecryptToBuffer(ctx.get(), encrypted_key);
    if (out == nullptr || ctx->result == nullptr)
        return std::nullopt;
    std::string bytes(reinterpret_cast<char const*>(xmlSecBufferGetData(out)), xmlSecBufferGetSize(out));
    return bytes;
}

} // namespace

outcome<xmlNode*> decrypt_assertion(xmlNode* encrypted_assertion, std::vector<private_key> const& keys,
                                    std::size_t max_depth)
{
    // --- shape, before any cryptography --------------------------------------
    if (auto r = only_elements(encrypted_assertion, "EncryptedAssertion"); !r)
        return r.error();
    xmlNode* data = nullptr;
    for (xmlNode* c = first_element(encrypted_assertion); c != nullptr; c = next_element(c)) {
        if (is_element(c, ns::xenc, "EncryptedData")) {
            if (data != nullptr)
                return failure{errc::structure_forbidden, "EncryptedAssertion holds several EncryptedData"};
            data = c;
        } else if (!is_element(c, ns::xenc, "EncryptedKey")) {
            return failure{errc::structure_forbidden,
                           std::string("unexpected ") + name_of(c) + " inside EncryptedAssertion"};
        }
    }
    if (data == nullptr)
        return failure{errc::malformed, "EncryptedAssertion holds no EncryptedData"};
    if (auto type = attribute(data, "Type"); type && *type != alg::element_type)
        return failure{errc::structure_forbidden, "EncryptedData Type is " + *type + ", not xmlenc#Element"};
    for (xmlNode* c = first_element(data); c != nullptr; c = next_element(c)) {
        if (!is_element(c, ns::xenc, "EncryptionMethod") && !is_element(c, ns::dsig, "KeyInfo") &&
            !is_element(c, ns::xenc, "CipherData"))
            return failure{errc::structure_forbidden, std::string("unexpected ") + name_of(c) + " inside EncryptedData"};
    }
    auto content_uri = encryption_method(data, "EncryptedData");
    if (!content_uri)
        return content_uri.error();
    alg::cipher const* const content = alg::find(alg::content_ciphers, *content_uri);
    if (content == nullptr)
        return failure{errc::algorithm_forbidden, "content encryption algorithm " + *content_uri + " is not allowed"};
    if (xmlNode* m = first_element(first_element(data)); m != nullptr)
        return failure{errc::structure_forbidden, "EncryptedData's EncryptionMethod has unexpected children"};
    if (auto r = check_cipher_data(data, "EncryptedData"); !r)
        return r.error();
    auto encrypted_key = find_encrypted_key(encrypted_assertion, data);
    if (!encrypted_key)
        return encrypted_key.error();
    if (auto r = check_encrypted_key(*encrypted_key); !r)
        return r.error();

    // --- unwrap the session key with the SP's keys (rollover: try each) -----
    clear_xmlsec_error();
    std::optional<std::string> session_key;
    for (auto const& key : keys) {
        session_key = unwrap_key(*encrypted_key, key);
        if (session_key)
            break;
    }
    (void)take_xmlsec_error();
    if (!session_key)
        return failure{errc::decryption_failed, "the EncryptedKey does not decrypt with any of the " +
                                                    std::to_string(keys.size()) + " configured SP keys"};
    struct wipe {
        std::string& s;
        ~wipe() { OPENSSL_cleanse(s.data(), s.size()); }
    } wipe_key{*session_key};
    if (session_key->size() != content->key_bytes)
        return failure{errc::decryption_failed, "the session key has " + std::to_string(session_key->size()) +
                                                    " bytes; " + *content_uri + " needs " +
                                                    std::to_string(content->key_bytes)};

    // --- decrypt the content --------------------------------------------------
    sec_key_ptr aes(xmlSecKeyReadMemory(xmlSecOpenSSLKeyDataAesGetKlass(),
                                        reinterpret_cast<xmlSecByte const*>(session_key->data()),
                                        static_cast<xmlSecSize>(session_key->size())));
    enc_ctx_ptr ctx(xmlSecEncCtxCreate(nullptr));
    if (!aes || !ctx)
        return failure{errc::decryption_failed, "cannot set up content decryption"};
    ctx->mode = xmlEncCtxModeEncryptedData;
    ctx->encKey = aes.release();
    ctx->transformCtx.enabledUris = xmlSecTransformUriTypeNone;
    if (!enable(ctx->transformCtx, content->id()))
        return failure{errc::decryption_failed, "cannot set up content decryption"};
    clear_xmlsec_error();
    xmlSecBufferPtr plain = xmlSecEncCtxDecryptToBuffer(ctx.get(), data);
    if (plain == nullptr) {
        return failure{errc::decryption_failed, "EncryptedData does not decrypt with the session key: " +
                                                    take_xmlsec_error()};
    }
    (void)take_xmlsec_error();

    // --- parse the plaintext in place (namespaces in scope at the
    // EncryptedAssertion), with the same options as the document --------------
    xmlNode* list_head = nullptr;
    auto const size = xmlSecBufferGetSize(plain);
    xmlParserErrors const rc = xmlParseInNodeContext(
        encrypted_assertion, reinterpret_cast<char const*>(xmlSecBufferGetData(plain)), static_cast<int>(size),
        parse_options, &list_head);
    xml_node_list_ptr list(list_head);
    if (rc != XML_ERR_OK || !list)
        return failure{errc::malformed, "the decrypted assertion is not well-formed XML (libxml2 error " +
                                            std::to_string(static_cast<int>(rc)) + ")"};
    xmlNode* element = nullptr;
    for (xmlNode* n = list.get(); n != nullptr; n = n->next) {
        if (n->type == XML_ELEMENT_NODE) {
            if (element != nullptr)
                return failure{errc::multiple_assertions, "the EncryptedAssertion decrypts to several elements"};
            element = n;
        } else if (n->type == XML_DTD_NODE || n->type == XML_ENTITY_REF_NODE) {
            return failure{errc::dtd_forbidden, "the decrypted assertion uses a DTD or entities"};
        } else if (!is_blank_text(n)) {
            return failure{errc::malformed, "the decrypted content holds text outside the assertion"};
        }
    }
    if (element == nullptr)
        return failure{errc::malformed, "the EncryptedAssertion decrypts to no element"};

    // Replace EncryptedAssertion by the element; declare on it the namespaces it
    // borrowed from the EncryptedAssertion before that node is freed.
    if (list.get() == element) {
        xmlNode* rest = element->next;
        (void)list.release();
        list.reset(rest);
    }
    xmlUnlinkNode(element);
    xml_node_ptr owned_element(element);
    xmlReplaceNode(encrypted_assertion, owned_element.release());
    xml_node_ptr old(encrypted_assertion);
    if (xmlReconciliateNs(element->doc, element) < 0)
        return failure{errc::malformed, "cannot reconcile namespaces of the decrypted assertion"};
    old.reset();

    // The decrypted subtree is new to the document: bound its depth, register its IDs.
    std::size_t depth = 0;
    for (xmlNode* p = element; p != nullptr && p->type == XML_ELEMENT_NODE; p = p->parent)
        ++depth;
    if (auto r = check_and_register_subtree(element, max_depth, depth); !r)
        return r.error();
    return element;
}

} // namespace ssogate::saml::detail
