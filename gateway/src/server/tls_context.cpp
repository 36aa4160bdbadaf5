#include "server/tls_context.hpp"

#include <ssogate/gateway/startup_error.hpp>
#include <ssogate/gateway/tls.hpp>

#include "tls/openssl_handles.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace ssogate::gateway::detail {

namespace ssl = boost::asio::ssl;

namespace {

// Mozilla "intermediate" for TLS 1.2: ECDHE key exchange with AEAD ciphers only
// (no CBC, no RSA key transport, no static DH). TLS 1.3 suites are all AEAD.
constexpr char const* tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr char const* tls13_suites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

[[noreturn]] void fail(std::string const& message) { throw startup_error(exit_failure, message); }

} // namespace

ssl::context make_server_tls_context(tls_files const& files)
{
    ssl::context ctx(ssl::context::tls_server);
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                    ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::no_compression |
                    ssl::context::single_dh_use);
    SSL_CTX* h = ctx.native_handle();
    // Renegotiation is a DoS and injection vector (CVE-2009-3555, CVE-2011-1473).
    SSL_CTX_set_options(h, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
    if (SSL_CTX_set_min_proto_version(h, TLS1_2_VERSION) != 1 || SSL_CTX_set_cipher_list(h, tls12_ciphers) != 1 ||
        SSL_CTX_set_ciphersuites(h, tls13_suites) != 1 || SSL_CTX_set1_groups_list(h, "X25519:P-256:P-384") != 1)
        fail("cannot configure TLS: " + openssl_error_string("OpenSSL refused the settings"));
    // An encrypted key would make OpenSSL prompt on the terminal; refuse it instead.
    ctx.set_password_callback([](std::size_t, ssl::context::password_purpose) { return std::string(); });

    auto const cert_pem = read_whole(files.cert, "TLS certificate");
    auto const key_pem = read_whole(files.key, "TLS key");
    boost::system::error_code ec;
    ctx.use_certificate_chain(boost::asio::buffer(cert_pem), ec);
    if (ec)
        fail("invalid TLS certificate " + files.cert.string() + ": " + ec.message());
    ctx.use_private_key(boost::asio::buffer(key_pem), ssl::context::pem, ec);
    if (ec)
        fail("invalid TLS key " + files.key.string() + ": " + ec.message());
    if (SSL_CTX_check_private_key(h) != 1) {
        ERR_clear_error();
        fail("TLS key " + files.key.string() + " does not match certificate " + files.cert.string());
    }
    return ctx;
}

} // namespace ssogate::gateway::detail
