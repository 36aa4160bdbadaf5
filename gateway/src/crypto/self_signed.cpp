// Key + self-signed certificate generation and atomic key-file writes (self_signed.hpp).
#include "crypto/self_signed.hpp"

#include <ssogate/gateway/startup_error.hpp>

#include "tls/openssl_handles.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace ssogate::gateway::detail {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(std::string const& message) { throw startup_error(exit_failure, message); }

std::string errno_text(int e) { return std::strerror(e); }

std::string bio_text(BIO* b)
{
    char* p = nullptr;
    long n = BIO_get_mem_data(b, &p);
    return std::string(p, static_cast<std::size_t>(n));
}

evp_pkey_ptr generate_key(key_kind kind)
{
    switch (kind) {
    case key_kind::ec_p256: {
        evp_pkey_ptr key(EVP_EC_gen("P-256"));
        if (!key)
            fail("cannot generate an ECDSA P-256 key: " + openssl_error_string("EVP_EC_gen failed"));
        return key;
    }
    case key_kind::rsa_2048:
    case key_kind::rsa_3072: {
        unsigned const bits = kind == key_kind::rsa_2048 ? 2048 : 3072;
        evp_pkey_ptr key(EVP_RSA_gen(bits));
        if (!key)
            fail("cannot generate an RSA-" + std::to_string(bits) + " key: " + openssl_error_string("EVP_RSA_gen failed"));
        return key;
    }
    }
    fail("cannot generate a key: unknown key kind");
}

void add_extension(X509* cert, X509V3_CTX* ctx, int nid, char const* value)
{
    x509_extension_ptr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
    if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
        fail("cannot build the self-signed certificate: " + openssl_error_string("X509 extension"));
}

} // namespace

pem_pair generate_self_signed(certificate_request const& request, std::chrono::system_clock::time_point now)
{
    auto key = generate_key(request.kind);

    x509_ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), 2) != 1)
        fail("cannot build the self-signed certificate: " + openssl_error_string("X509_new"));

    // Random positive 127-bit serial (RFC 5280 §4.1.2.2: at most 20 octets).
    bignum_ptr serial(BN_new());
    if (!serial || BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
        !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())))
        fail("cannot build the self-signed certificate: " + openssl_error_string("serial"));

    auto t = std::chrono::system_clock::to_time_t(now);
    if (!X509_time_adj_ex(X509_getm_notBefore(cert.get()), 0, -3600, &t) ||
        !X509_time_adj_ex(X509_getm_notAfter(cert.get()), request.valid_days, 0, &t))
        fail("cannot build the self-signed certificate: " + openssl_error_string("validity"));

    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<unsigned char const*>("ssogate"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<unsigned char const*>(request.common_name.c_str()), -1, -1, 0);
    if (X509_set_issuer_name(cert.get(), name) != 1 || X509_set_pubkey(cert.get(), key.get()) != 1)
        fail("cannot build the self-signed certificate: " + openssl_error_string("name"));

    if (!request.subject_alt_names.empty()) {
        X509V3_CTX ctx;
        X509V3_set_ctx_nodb(&ctx);
        X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
        add_extension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE");
        add_extension(cert.get(), &ctx, NID_key_usage, "critical,digitalSignature");
        add_extension(cert.get(), &ctx, NID_ext_key_usage, "serverAuth");
        add_extension(cert.get(), &ctx, NID_subject_key_identifier, "hash");
        add_extension(cert.get(), &ctx, NID_subject_alt_name, request.subject_alt_names.c_str());
    }

    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0)
        fail("cannot sign the self-signed certificate: " + openssl_error_string("X509_sign"));

    bio_ptr kb(BIO_new(BIO_s_mem()));
    bio_ptr cb(BIO_new(BIO_s_mem()));
    if (!kb || !cb || PEM_write_bio_PrivateKey(kb.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
        PEM_write_bio_X509(cb.get(), cert.get()) != 1)
        fail("cannot encode the self-signed pair: " + openssl_error_string("PEM"));
    return {bio_text(kb.get()), bio_text(cb.get())};
}

void write_file_atomically(fs::path const& path, std::string const& data, mode_t mode)
{
    auto tmp = path;
    tmp += ".tmp-" + std::to_string(::getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0)
        fail("cannot write " + tmp.string() + ": " + errno_text(errno));
    auto bail = [&](std::string const& what) {
        int e = errno;
        ::close(fd);
        ::unlink(tmp.c_str());
        fail("cannot " + what + " " + tmp.string() + ": " + errno_text(e));
    };
    // O_CREAT applies the umask; a key must be 0600 whatever the umask says.
    if (::fchmod(fd, mode) != 0)
        bail("set the mode of");
    std::size_t done = 0;
    while (done < data.size()) {
        auto n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            bail("write");
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0)
        bail("write");
    if (::close(fd) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        fail("cannot write " + tmp.string() + ": " + errno_text(e));
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        fail("cannot rename " + tmp.string() + " to " + path.string() + ": " + errno_text(e));
    }
}

void write_pair(fs::path const& key_file, fs::path const& cert_file, pem_pair const& pair)
{
    write_file_atomically(key_file, pair.key, 0600);
    write_file_atomically(cert_file, pair.cert, 0644);
}

std::optional<std::string> shared_file_mode(fs::path const& path)
{
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0 || (st.st_mode & (S_IRWXG | S_IRWXO)) == 0)
        return std::nullopt;
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return std::string(mode);
}

void require_private_file(fs::path const& path, std::string const& what)
{
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0)
        fail("cannot read " + what + " " + path.string() + ": " + errno_text(errno));
    if (auto mode = shared_file_mode(path))
        fail(what + " " + path.string() + " is readable by other users (mode " + *mode + "); run: chmod 600 " +
             path.string());
}

} // namespace ssogate::gateway::detail
