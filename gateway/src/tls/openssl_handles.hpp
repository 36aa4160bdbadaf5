#pragma once
// RAII for the OpenSSL handles gateway/ uses (STYLE.md rule 9).
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <filesystem>
#include <memory>
#include <string_view>
#include <string>

namespace ssogate::gateway::detail {

struct openssl_free {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
    void operator()(X509* p) const noexcept { X509_free(p); }
    void operator()(BIO* p) const noexcept { BIO_free_all(p); }
    void operator()(X509_EXTENSION* p) const noexcept { X509_EXTENSION_free(p); }
    void operator()(BIGNUM* p) const noexcept { BN_free(p); }
    void operator()(GENERAL_NAMES* p) const noexcept { GENERAL_NAMES_free(p); }
};

using evp_pkey_ptr = std::unique_ptr<EVP_PKEY, openssl_free>;
using x509_ptr = std::unique_ptr<X509, openssl_free>;
using bio_ptr = std::unique_ptr<BIO, openssl_free>;
using x509_extension_ptr = std::unique_ptr<X509_EXTENSION, openssl_free>;
using bignum_ptr = std::unique_ptr<BIGNUM, openssl_free>;
using general_names_ptr = std::unique_ptr<GENERAL_NAMES, openssl_free>;

/// Reads a whole file for startup code; throws startup_error (exit 1) naming `what`,
/// the file and the cause: "cannot read TLS key /x/key.pem: Permission denied".
std::string read_whole(std::filesystem::path const& path, std::string_view what);

/// The reason of the most recent OpenSSL error (and clears the queue), or `fallback`.
std::string openssl_error_string(std::string const& fallback);

} // namespace ssogate::gateway::detail
