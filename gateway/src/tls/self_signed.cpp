#include <ssogate/gateway/config.hpp>
#include <ssogate/gateway/startup_error.hpp>
#include <ssogate/gateway/tls.hpp>

#include "crypto/self_signed.hpp"
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

bool is_ip_literal(std::string_view host)
{
    unsigned char buf[16];
    std::string h(host);
    return ::inet_pton(AF_INET, h.c_str(), buf) == 1 || ::inet_pton(AF_INET6, h.c_str(), buf) == 1;
}

/// The subjectAltName of the TLS certificate: `host` (when it is a name or a specific
/// address), localhost, 127.0.0.1, ::1.
std::string subject_alt_names(std::string_view host)
{
    std::string san = "DNS:localhost,IP:127.0.0.1,IP:::1";
    if (!host.empty() && host != "localhost" && host != "127.0.0.1" && host != "::1" && host != "0.0.0.0" && host != "::")
        san = (is_ip_literal(host) ? "IP:" : "DNS:") + std::string(host) + "," + san;
    return san;
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

    auto pair = generate_self_signed({key_kind::ec_p256, "ssogate self-signed", 365, subject_alt_names(host)}, now);
    // Key first: a cert without its key is never left behind as the newer file.
    write_pair(files.key, files.cert, pair);
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
