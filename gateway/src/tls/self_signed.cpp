#include <ssogate/gateway/config.hpp>
#include <ssogate/gateway/startup_error.hpp>
#include <ssogate/gateway/tls.hpp>

#include "tls/openssl_handles.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

namespace ssogate::gateway {

namespace detail {

std::string openssl_error_string(std::string const& fallback)
{
    unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (e == 0)
        return fallback;
    char const* reason = ERR_reason_error_string(e);
    return reason ? std::string(reason) : fallback;
}

} // namespace detail

namespace {

using namespace detail;
namespace fs = std::filesystem;

[[noreturn]] void fail(std::string const& message) { throw startup_error(exit_failure, message); }

std::string errno_text(int e) { return std::strerror(e); }

} // namespace

std::string detail::read_whole(fs::path const& path, std::string_view what)
{
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fail("cannot read " + std::string(what) + " " + path.string() + ": " + errno_text(errno));
    std::string out;
    char buf[8192];
    for (;;) {
        auto n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            ::close(fd);
            fail("cannot read " + std::string(what) + " " + path.string() + ": " + errno_text(e));
        }
        if (n == 0)
            break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
}

namespace {

/// Writes `data` to `path` atomically: a temporary file in the same directory with
/// `mode`, fsync, then rename over `path`.
void write_atomically(fs::path const& path, std::string const& data, mode_t mode)
{
    auto tmp = path;
    tmp += ".tmp-" + std::to_string(::getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0)
        fail("cannot write " + tmp.string() + ": " + errno_text(errno));
    // O_CREAT applies the umask; the key must be 0600 whatever the umask says.
    if (::fchmod(fd, mode) != 0) {
        int e = errno;
        ::close(fd);
        ::unlink(tmp.c_str());
        fail("cannot set mode of " + tmp.string() + ": " + errno_text(e));
    }
    std::size_t done = 0;
    while (done < data.size()) {
        auto n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            fail("cannot write " + tmp.string() + ": " + errno_text(e));
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
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

bool is_ip_literal(std::string_view host)
{
    unsigned char buf[16];
    std::string h(host);
    return ::inet_pton(AF_INET, h.c_str(), buf) == 1 || ::inet_pton(AF_INET6, h.c_str(), buf) == 1;
}

void add_extension(X509* cert, X509V3_CTX* ctx, int nid, char const* value)
{
    x509_extension_ptr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
    if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
        fail("cannot build the self-signed certificate: " + openssl_error_string("X509 extension"));
}

struct generated_pair {
    std::string key_pem;
    std::string cert_pem;
};

generated_pair generate(std::string_view host, std::chrono::system_clock::time_point now)
{
    evp_pkey_ptr key(EVP_EC_gen("P-256"));
    if (!key)
        fail("cannot generate an ECDSA P-256 key: " + openssl_error_string("EVP_EC_gen failed"));

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
        !X509_time_adj_ex(X509_getm_notAfter(cert.get()), 365, 0, &t))
        fail("cannot build the self-signed certificate: " + openssl_error_string("validity"));

    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<unsigned char const*>("ssogate"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<unsigned char const*>("ssogate self-signed"), -1, -1, 0);
    if (X509_set_issuer_name(cert.get(), name) != 1 || X509_set_pubkey(cert.get(), key.get()) != 1)
        fail("cannot build the self-signed certificate: " + openssl_error_string("name"));

    std::string san = "DNS:localhost,IP:127.0.0.1,IP:::1";
    if (!host.empty() && host != "localhost" && host != "127.0.0.1" && host != "::1" && host != "0.0.0.0" && host != "::")
        san = (is_ip_literal(host) ? "IP:" : "DNS:") + std::string(host) + "," + san;

    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    add_extension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), &ctx, NID_key_usage, "critical,digitalSignature");
    add_extension(cert.get(), &ctx, NID_ext_key_usage, "serverAuth");
    add_extension(cert.get(), &ctx, NID_subject_key_identifier, "hash");
    add_extension(cert.get(), &ctx, NID_subject_alt_name, san.c_str());

    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0)
        fail("cannot sign the self-signed certificate: " + openssl_error_string("X509_sign"));

    generated_pair out;
    bio_ptr kb(BIO_new(BIO_s_mem()));
    bio_ptr cb(BIO_new(BIO_s_mem()));
    if (!kb || !cb || PEM_write_bio_PrivateKey(kb.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
        PEM_write_bio_X509(cb.get(), cert.get()) != 1)
        fail("cannot encode the self-signed pair: " + openssl_error_string("PEM"));
    char* p = nullptr;
    long n = BIO_get_mem_data(kb.get(), &p);
    out.key_pem.assign(p, static_cast<std::size_t>(n));
    n = BIO_get_mem_data(cb.get(), &p);
    out.cert_pem.assign(p, static_cast<std::size_t>(n));
    return out;
}

/// True when the PEM certificate at `path` parses and is valid at `now`.
bool still_valid(fs::path const& path, std::chrono::system_clock::time_point now)
{
    auto pem = read_whole(path, "TLS certificate");
    bio_ptr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    x509_ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    ERR_clear_error();
    if (!cert)
        return false;
    auto t = std::chrono::system_clock::to_time_t(now);
    return X509_cmp_time(X509_get0_notBefore(cert.get()), &t) < 0 && X509_cmp_time(X509_get0_notAfter(cert.get()), &t) > 0;
}

} // namespace

tls_files ensure_self_signed(fs::path const& data_dir, std::string_view host, std::chrono::system_clock::time_point now)
{
    std::error_code ec;
    fs::create_directories(data_dir, ec);
    if (ec)
        fail("cannot create data directory " + data_dir.string() + ": " + ec.message());

    tls_files files{data_dir / self_signed_cert_name, data_dir / self_signed_key_name, tls_files::origin::reused};
    if (fs::exists(files.cert, ec) && fs::exists(files.key, ec) && still_valid(files.cert, now))
        return files;

    auto pair = generate(host, now);
    // Key first: a cert without its key is never left behind as the newer file.
    write_atomically(files.key, pair.key_pem, 0600);
    write_atomically(files.cert, pair.cert_pem, 0644);
    files.how = tls_files::origin::generated;
    return files;
}

tls_files resolve_tls_files(server_settings const& settings, std::chrono::system_clock::time_point now)
{
    if (settings.tls_cert && settings.tls_key)
        return tls_files{*settings.tls_cert, *settings.tls_key, tls_files::origin::configured};
    if (settings.tls_cert || settings.tls_key)
        throw startup_error(exit_usage, "server.tls_cert and server.tls_key must be set together");
    return ensure_self_signed(settings.data_dir, settings.listen_host, now);
}

} // namespace ssogate::gateway
