#pragma once
// RAII owners for the C handles of libxml2, xmlsec1 and OpenSSL (STYLE.md rule 9).
//
// Every C object that saml/ creates is held by one of these aliases from the line
// that creates it, so that an early `return` on a rejection path can never leak
// or double-free. Internal to saml/: public headers never show these types.
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlmemory.h>

#include <xmlsec/keys.h>
#include <xmlsec/keysmngr.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlenc.h>
#include <xmlsec/buffer.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <string_view>

namespace ssogate::saml::detail {

/// A deleter that calls one C free function; `c_deleter<xmlFreeDoc>` etc.
template <auto free_fn>
struct c_deleter {
    template <class T>
    void operator()(T* p) const noexcept
    {
        if (p != nullptr)
            free_fn(p);
    }
};

// --- libxml2 -------------------------------------------------------------------
using xml_doc_ptr = std::unique_ptr<xmlDoc, c_deleter<xmlFreeDoc>>;
using xml_parser_ctxt_ptr = std::unique_ptr<xmlParserCtxt, c_deleter<xmlFreeParserCtxt>>;
/// A node that is not (or no longer) linked into a document tree.
using xml_node_ptr = std::unique_ptr<xmlNode, c_deleter<xmlFreeNode>>;
/// A node list returned by xmlParseInNodeContext and friends.
using xml_node_list_ptr = std::unique_ptr<xmlNode, c_deleter<xmlFreeNodeList>>;
using xml_buffer_ptr = std::unique_ptr<xmlBuffer, c_deleter<xmlBufferFree>>;

struct xml_char_deleter {
    void operator()(xmlChar* p) const noexcept
    {
        if (p != nullptr)
            xmlFree(p);
    }
};
/// A string that libxml2 allocated (xmlGetProp, xmlNodeGetContent, ...).
using xml_char_ptr = std::unique_ptr<xmlChar, xml_char_deleter>;

/// Copies an owned libxml2 string into a std::string (empty for null) and frees it.
inline std::string take_string(xml_char_ptr s)
{
    if (!s)
        return {};
    return std::string(reinterpret_cast<char const*>(s.get()));
}

// --- xmlsec1 -------------------------------------------------------------------
using dsig_ctx_ptr = std::unique_ptr<xmlSecDSigCtx, c_deleter<xmlSecDSigCtxDestroy>>;
using enc_ctx_ptr = std::unique_ptr<xmlSecEncCtx, c_deleter<xmlSecEncCtxDestroy>>;
using keys_mngr_ptr = std::unique_ptr<xmlSecKeysMngr, c_deleter<xmlSecKeysMngrDestroy>>;
using sec_key_ptr = std::unique_ptr<xmlSecKey, c_deleter<xmlSecKeyDestroy>>;
using sec_key_data_ptr = std::unique_ptr<xmlSecKeyData, c_deleter<xmlSecKeyDataDestroy>>;
using sec_buffer_ptr = std::unique_ptr<xmlSecBuffer, c_deleter<xmlSecBufferDestroy>>;

// --- OpenSSL -------------------------------------------------------------------
using evp_pkey_ptr = std::unique_ptr<EVP_PKEY, c_deleter<EVP_PKEY_free>>;
using evp_pkey_ctx_ptr = std::unique_ptr<EVP_PKEY_CTX, c_deleter<EVP_PKEY_CTX_free>>;
using evp_md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, c_deleter<EVP_MD_CTX_free>>;
using evp_cipher_ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, c_deleter<EVP_CIPHER_CTX_free>>;
using x509_ptr = std::unique_ptr<X509, c_deleter<X509_free>>;
using bio_ptr = std::unique_ptr<BIO, c_deleter<BIO_free_all>>;
using bignum_ptr = std::unique_ptr<BIGNUM, c_deleter<BN_free>>;

/// A read-only memory BIO over `bytes` (which must outlive it).
inline bio_ptr memory_bio(std::string_view bytes)
{
    return bio_ptr(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

} // namespace ssogate::saml::detail
