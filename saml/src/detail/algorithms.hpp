#pragma once
// The algorithm allow-lists of saml/ (DESIGN.md "Security rules": RSA-SHA256/384/512,
// ECDSA-SHA256+, digests SHA-256+; SHA-1 only when a connection allows it; HMAC
// never; only enveloped + exclusive c14n transforms; RSA-OAEP key transport;
// AES-GCM / AES-CBC content encryption).
#include <xmlsec/crypto.h>
#include <xmlsec/transforms.h>

#include <cstddef>
#include <string_view>

namespace ssogate::saml::detail::alg {

inline constexpr std::string_view exc_c14n = "http://www.w3.org/2001/10/xml-exc-c14n#";
inline constexpr std::string_view enveloped = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

inline constexpr std::string_view rsa_sha1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
inline constexpr std::string_view sha1 = "http://www.w3.org/2000/09/xmldsig#sha1";

inline constexpr std::string_view rsa_oaep_mgf1p = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
inline constexpr std::string_view rsa_1_5 = "http://www.w3.org/2001/04/xmlenc#rsa-1_5";
inline constexpr std::string_view encrypted_key_type = "http://www.w3.org/2001/04/xmlenc#EncryptedKey";
inline constexpr std::string_view element_type = "http://www.w3.org/2001/04/xmlenc#Element";

struct entry {
    std::string_view uri;
    xmlSecTransformId (*id)();
    bool sha1; // allowed only with sp_options::allow_sha1
};

/// SignatureMethod allow-list (XML Signature §6.4, RFC 6931 §2.3).
inline entry const signature_methods[] = {
    {"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", xmlSecOpenSSLTransformRsaSha256GetKlass, false},
    {"http://www.w3.org/2001/04/xmldsig-more#rsa-sha384", xmlSecOpenSSLTransformRsaSha384GetKlass, false},
    {"http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", xmlSecOpenSSLTransformRsaSha512GetKlass, false},
    {"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", xmlSecOpenSSLTransformEcdsaSha256GetKlass, false},
    {"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384", xmlSecOpenSSLTransformEcdsaSha384GetKlass, false},
    {"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512", xmlSecOpenSSLTransformEcdsaSha512GetKlass, false},
    {rsa_sha1, xmlSecOpenSSLTransformRsaSha1GetKlass, true},
};

/// DigestMethod allow-list (XML Signature §6.2, RFC 6931 §2.1).
inline entry const digest_methods[] = {
    {"http://www.w3.org/2001/04/xmlenc#sha256", xmlSecOpenSSLTransformSha256GetKlass, false},
    {"http://www.w3.org/2001/04/xmldsig-more#sha384", xmlSecOpenSSLTransformSha384GetKlass, false},
    {"http://www.w3.org/2001/04/xmlenc#sha512", xmlSecOpenSSLTransformSha512GetKlass, false},
    {sha1, xmlSecOpenSSLTransformSha1GetKlass, true},
};

struct cipher {
    std::string_view uri;
    xmlSecTransformId (*id)();
    std::size_t key_bytes;
};

/// Content-encryption allow-list (XML Encryption §5.2, XML Encryption 1.1 §5.2.4).
inline cipher const content_ciphers[] = {
    {"http://www.w3.org/2001/04/xmlenc#aes128-cbc", xmlSecOpenSSLTransformAes128CbcGetKlass, 16},
    {"http://www.w3.org/2001/04/xmlenc#aes256-cbc", xmlSecOpenSSLTransformAes256CbcGetKlass, 32},
    {"http://www.w3.org/2009/xmlenc11#aes128-gcm", xmlSecOpenSSLTransformAes128GcmGetKlass, 16},
    {"http://www.w3.org/2009/xmlenc11#aes256-gcm", xmlSecOpenSSLTransformAes256GcmGetKlass, 32},
};

/// DigestMethod values accepted inside RSA-OAEP's EncryptionMethod (the OAEP hash;
/// SHA-1 is the XML Encryption default there and is not a signature digest).
inline std::string_view const oaep_digests[] = {
    sha1,
    "http://www.w3.org/2001/04/xmlenc#sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512",
};

template <class Range>
auto const* find(Range const& range, std::string_view uri)
{
    for (auto const& e : range)
        if (e.uri == uri)
            return &e;
    return static_cast<decltype(&range[0])>(nullptr);
}

} // namespace ssogate::saml::detail::alg
