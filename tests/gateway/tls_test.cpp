#include <ssogate/gateway/tls.hpp>

#include <catch2/catch.hpp>

#include <ssogate/gateway/config.hpp>
#include <ssogate/gateway/startup_error.hpp>

#include "temp_dir.hpp"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <sys/stat.h>

#include <cstdio>
#include <memory>

using namespace ssogate::gateway;
namespace fs = std::filesystem;

namespace {

std::chrono::system_clock::time_point now() { return std::chrono::system_clock::time_point(std::chrono::seconds(1714564800)); }

struct x509_free {
    void operator()(X509* x) const { X509_free(x); }
};

std::unique_ptr<X509, x509_free> load_cert(fs::path const& p)
{
    std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(p.c_str(), "r"), &std::fclose);
    REQUIRE(f);
    return std::unique_ptr<X509, x509_free>(PEM_read_X509(f.get(), nullptr, nullptr, nullptr));
}

} // namespace

TEST_CASE("ensure_self_signed creates an ECDSA P-256 pair once, key mode 0600, and reuses it", "[gateway][tls]")
{
    ssogate::test::temp_dir dir;
    auto const data = dir / "data"; // created on demand
    auto first = ensure_self_signed(data, "127.0.0.1", now());
    CHECK(first.how == tls_files::origin::generated);
    REQUIRE(fs::exists(first.cert));
    REQUIRE(fs::exists(first.key));

    struct stat st{};
    REQUIRE(::stat(first.key.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    auto cert = load_cert(first.cert);
    REQUIRE(cert);
    EVP_PKEY* pub = X509_get0_pubkey(cert.get());
    CHECK(EVP_PKEY_get_base_id(pub) == EVP_PKEY_EC);
    char group[64] = {};
    std::size_t glen = 0;
    EVP_PKEY_get_group_name(pub, group, sizeof group, &glen);
    CHECK(std::string(group) == "prime256v1");
    CHECK(X509_check_host(cert.get(), "localhost", 0, 0, nullptr) == 1);
    CHECK(X509_check_ip_asc(cert.get(), "127.0.0.1", 0) == 1);
    CHECK(X509_check_ip_asc(cert.get(), "::1", 0) == 1);
    time_t in_11_months = std::chrono::system_clock::to_time_t(now() + std::chrono::hours(24 * 330));
    time_t in_13_months = std::chrono::system_clock::to_time_t(now() + std::chrono::hours(24 * 400));
    CHECK(X509_cmp_time(X509_get0_notAfter(cert.get()), &in_11_months) > 0);
    CHECK(X509_cmp_time(X509_get0_notAfter(cert.get()), &in_13_months) < 0);

    auto const cert_before = ssogate::test::read_file(first.cert);
    auto const key_before = ssogate::test::read_file(first.key);
    auto second = ensure_self_signed(data, "127.0.0.1", now() + std::chrono::hours(24));
    CHECK(second.how == tls_files::origin::reused);
    CHECK(ssogate::test::read_file(second.cert) == cert_before);
    CHECK(ssogate::test::read_file(second.key) == key_before);

    // No temporary file is left behind.
    int files = 0;
    for (auto const& e : fs::directory_iterator(data)) {
        (void)e;
        ++files;
    }
    CHECK(files == 2);
}

TEST_CASE("ensure_self_signed names the listen host in the SAN and uses random serials", "[gateway][tls]")
{
    ssogate::test::temp_dir a;
    ssogate::test::temp_dir b;
    auto fa = ensure_self_signed(a.path(), "192.0.2.7", now());
    auto fb = ensure_self_signed(b.path(), "gateway.example.com", now());
    auto ca = load_cert(fa.cert);
    auto cb = load_cert(fb.cert);
    CHECK(X509_check_ip_asc(ca.get(), "192.0.2.7", 0) == 1);
    CHECK(X509_check_host(cb.get(), "gateway.example.com", 0, 0, nullptr) == 1);
    CHECK(ASN1_INTEGER_cmp(X509_get0_serialNumber(ca.get()), X509_get0_serialNumber(cb.get())) != 0);
}

TEST_CASE("ensure_self_signed replaces an expired certificate", "[gateway][tls]")
{
    ssogate::test::temp_dir dir;
    auto first = ensure_self_signed(dir.path(), "127.0.0.1", now());
    auto again = ensure_self_signed(dir.path(), "127.0.0.1", now() + std::chrono::hours(24 * 366));
    CHECK(again.how == tls_files::origin::generated);
    CHECK(ssogate::test::read_file(again.cert) != "");
}

TEST_CASE("resolve_tls_files uses configured files and refuses half a pair", "[gateway][tls]")
{
    server_settings s;
    s.tls_cert = "/etc/x/cert.pem";
    s.tls_key = "/etc/x/key.pem";
    auto f = resolve_tls_files(s, now());
    CHECK(f.how == tls_files::origin::configured);
    CHECK(f.cert == "/etc/x/cert.pem");

    s.tls_key.reset();
    try {
        (void)resolve_tls_files(s, now());
        FAIL("expected startup_error");
    } catch (startup_error const& e) {
        CHECK(e.exit_code() == exit_usage);
    }
}

TEST_CASE("ensure_self_signed fails with one line naming the directory it cannot write", "[gateway][tls]")
{
    ssogate::test::temp_dir dir;
    auto blocker = dir / "file";
    { std::FILE* f = std::fopen(blocker.c_str(), "w"); std::fclose(f); }
    try {
        (void)ensure_self_signed(blocker / "sub", "127.0.0.1", now());
        FAIL("expected startup_error");
    } catch (startup_error const& e) {
        std::string msg = e.what();
        CHECK(e.exit_code() == exit_failure);
        CHECK(msg.find(blocker.string()) != std::string::npos);
        CHECK(msg.find('\n') == std::string::npos);
    }
}
