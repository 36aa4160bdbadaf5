// The development IdP's signing pair: RSA-2048 + self-signed certificate, generated
// into the data directory on first start and reused afterwards.
#include <ssogate/gateway/dev_idp.hpp>
#include <ssogate/gateway/startup_error.hpp>

#include "tls/openssl_handles.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ssogate::gateway::dev_idp {

namespace {

namespace fs = std::filesystem;
using namespace gateway::detail;

[[noreturn]] void fail(std::string const& message) { throw startup_error(exit_failure, message); }

/// Temporary file in the same directory with `mode` (fchmod: the umask must not
/// widen or narrow it), fsync, rename: a crash never leaves a half-written file.
void write_atomically(fs::path const& path, std::string const& data, mode_t mode)
{
    auto tmp = path;
    tmp += ".tmp-" + std::to_string(::getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0)
        fail("cannot write " + tmp.string() + ": " + std::strerror(errno));
    auto bail = [&](std::string const& what) {
        int e = errno;
        ::close(fd);
        ::unlink(tmp.c_str());
        fail("cannot " + what + " " + tmp.string() + ": " + std::strerror(e));
    };
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
        fail("cannot write " + tmp.string() + ": " + std::strerror(e));
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        fail("cannot rename " + tmp.string() + " to " + path.string() + ": " + std::strerror(e));
    }
}

std::string bio_text(BIO* b)
{
    char* p = nullptr;
    long n = BIO_get_mem_data(b, &p);
    return std::string(p, static_cast<std::size_t>(n));
}

struct pem_pair {
    std::string key;
    std::string cert;
};

pem_pair generate(std::chrono::system_clock::time_point now)
{
    evp_pkey_ptr key(EVP_RSA_gen(2048));
    if (!key)
        fail("cannot generate an RSA-2048 key: " + openssl_error_string("EVP_RSA_gen failed"));
    x509_ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), 2) != 1)
        fail("cannot build the signing certificate: " + openssl_error_string("X509_new"));
    bignum_ptr serial(BN_new());
    if (!serial || BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
        !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())))
        fail("cannot build the signing certificate: " + openssl_error_string("serial"));
    auto t = std::chrono::system_clock::to_time_t(now);
    if (!X509_time_adj_ex(X509_getm_notBefore(cert.get()), 0, -3600, &t) ||
        !X509_time_adj_ex(X509_getm_notAfter(cert.get()), 3650, 0, &t))
        fail("cannot build the signing certificate: " + openssl_error_string("validity"));
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<unsigned char const*>("ssogate"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<unsigned char const*>("ssogate dev-idp signing (development only)"), -1,
                               -1, 0);
    if (X509_set_issuer_name(cert.get(), name) != 1 || X509_set_pubkey(cert.get(), key.get()) != 1 ||
        X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0)
        fail("cannot sign the signing certificate: " + openssl_error_string("X509_sign"));

    bio_ptr kb(BIO_new(BIO_s_mem()));
    bio_ptr cb(BIO_new(BIO_s_mem()));
    if (!kb || !cb || PEM_write_bio_PrivateKey(kb.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
        PEM_write_bio_X509(cb.get(), cert.get()) != 1)
        fail("cannot encode the signing pair: " + openssl_error_string("PEM"));
    return {bio_text(kb.get()), bio_text(cb.get())};
}

signing_keys load(fs::path const& key_file, fs::path const& cert_file, std::string const& key_pem,
                  std::string const& cert_pem, bool generated)
{
    auto key = saml::private_key::from_pem(key_pem);
    if (!key)
        fail("dev-idp signing key " + key_file.string() + " is not a usable private key: " + key.error().message());
    auto cert = saml::certificate::from_pem(cert_pem);
    if (!cert)
        fail("dev-idp signing certificate " + cert_file.string() + " does not parse: " + cert.error().message());
    if (!key->matches(*cert))
        fail("dev-idp signing certificate " + cert_file.string() + " does not belong to the key " + key_file.string() +
             " (delete both to generate a new pair)");
    return signing_keys{*key, *cert, key_file, cert_file, generated};
}

} // namespace

signing_keys ensure_signing_keys(fs::path const& data_dir, std::chrono::system_clock::time_point now)
{
    std::error_code ec;
    fs::create_directories(data_dir, ec);
    if (ec)
        fail("cannot create data directory " + data_dir.string() + ": " + ec.message());
    auto const key_file = data_dir / signing_key_name;
    auto const cert_file = data_dir / signing_cert_name;
    if (fs::exists(key_file, ec) && fs::exists(cert_file, ec))
        return load(key_file, cert_file, read_whole(key_file, "dev-idp signing key"),
                    read_whole(cert_file, "dev-idp signing certificate"), false);

    auto pair = generate(now);
    // Key first: a certificate is never newer than its key.
    write_atomically(key_file, pair.key, 0600);
    write_atomically(cert_file, pair.cert, 0644);
    return load(key_file, cert_file, pair.key, pair.cert, true);
}

} // namespace ssogate::gateway::dev_idp
