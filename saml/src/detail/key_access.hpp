#pragma once
// Access to the OpenSSL objects behind saml::certificate and saml::private_key,
// for the rest of saml/ (signing, verification, decryption, metadata).
//
// The returned pointers are borrowed: they live as long as the certificate or
// key object (or any copy of it). OpenSSL 3 allows concurrent use of one
// EVP_PKEY / X509 for read-only operations (verify, sign, decrypt).
#include <ssogate/saml/keys.hpp>

#include "detail/c_handles.hpp"

namespace ssogate::saml::detail {

struct key_access {
    /// The certificate (borrowed).
    static X509* x509(certificate const& c) noexcept;
    /// The certificate's public key (borrowed).
    static EVP_PKEY* public_key(certificate const& c) noexcept;
    /// The private key (borrowed).
    static EVP_PKEY* pkey(private_key const& k) noexcept;
    /// A certificate taking ownership of `x` (errc::key_invalid if it is unusable).
    static boost::system::result<certificate> make_certificate(x509_ptr x);
};

/// A new xmlsec key (RSA or EC key data) holding a new reference to `pkey`.
/// Null on failure.
sec_key_ptr make_xmlsec_key(EVP_PKEY* pkey);

} // namespace ssogate::saml::detail
