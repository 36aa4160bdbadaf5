// The SP pair: generated into data_dir on first start (RSA-3072, key 0600, atomic
// writes), reused afterwards, refused when the key is readable by others, advertised
// in SP metadata and used to sign AuthnRequests.
#include <ssogate/gateway/sp_keys.hpp>

#include <ssogate/gateway/connections.hpp>
#include <ssogate/gateway/routes.hpp>
#include <ssogate/gateway/startup_error.hpp>
#include <ssogate/saml/keys.hpp>

#include "support/process.hpp"
#include "support/sso_fixture.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <sys/stat.h>

#include <csignal>
#include <fstream>
#include <functional>

using namespace ssogate;
using namespace ssogate::gateway;
using namespace std::chrono_literals;
using ssogate::test::temp_dir;

namespace {

unsigned mode_of(std::filesystem::path const& p)
{
    struct stat st{};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

int rsa_bits(std::string const& pem)
{
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (!key)
        return 0;
    int bits = EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA ? EVP_PKEY_get_bits(key) : -1;
    EVP_PKEY_free(key);
    return bits;
}

std::string startup_message(std::function<void()> const& f)
{
    try {
        f();
    } catch (startup_error const& e) {
        return e.what();
    }
    return "(no startup_error)";
}

} // namespace

TEST_CASE("ensure_sp_keys generates an RSA-3072 pair with a 0600 key, then reuses it", "[gateway][sp_keys]")
{
    temp_dir dir;
    auto const data = dir / "data" / "nested"; // created when missing
    auto first = ensure_sp_keys(data, test::test_now());
    CHECK(first.how == sp_key_files::origin::generated);
    CHECK(first.key == data / "sp-key.pem");
    CHECK(first.cert == data / "sp-cert.pem");
    CHECK(mode_of(first.key) == 0600);
    CHECK(mode_of(first.cert) == 0644);
    auto const key_pem = test::read_file(first.key);
    auto const cert_pem = test::read_file(first.cert);
    CHECK(rsa_bits(key_pem) == 3072);
    auto key = saml::private_key::from_pem(key_pem);
    auto cert = saml::certificate::from_pem(cert_pem);
    REQUIRE(key.has_value());
    REQUIRE(cert.has_value());
    CHECK(key->matches(*cert));
    // No temporary file left behind.
    std::size_t files = 0;
    for (auto const& e : std::filesystem::directory_iterator(data)) {
        (void)e;
        ++files;
    }
    CHECK(files == 2);

    auto second = ensure_sp_keys(data, test::test_now() + 24h);
    CHECK(second.how == sp_key_files::origin::reused);
    CHECK(test::read_file(second.key) == key_pem);
    CHECK(test::read_file(second.cert) == cert_pem);
}

TEST_CASE("ensure_sp_keys refuses a key file that other users may read", "[gateway][sp_keys][reject]")
{
    temp_dir dir;
    auto files = ensure_sp_keys(dir.path(), test::test_now());
    REQUIRE(::chmod(files.key.c_str(), 0644) == 0);
    auto const message = startup_message([&] { (void)ensure_sp_keys(dir.path(), test::test_now()); });
    CHECK(message == "SP key " + files.key.string() + " is readable by other users (mode 0644); run: chmod 600 " +
                         files.key.string());
    REQUIRE(::chmod(files.key.c_str(), 0640) == 0);
    CHECK_THAT(startup_message([&] { (void)ensure_sp_keys(dir.path(), test::test_now()); }),
               Catch::Contains("(mode 0640)"));
}

TEST_CASE("ensure_sp_keys refuses half a pair instead of replacing a pinned key", "[gateway][sp_keys][reject]")
{
    temp_dir dir;
    auto files = ensure_sp_keys(dir.path(), test::test_now());
    auto const key_pem = test::read_file(files.key);
    std::filesystem::remove(files.cert);
    CHECK_THAT(startup_message([&] { (void)ensure_sp_keys(dir.path(), test::test_now()); }),
               Catch::Contains("without " + files.cert.string()));
    CHECK(test::read_file(files.key) == key_pem);
}

TEST_CASE("resolve_sp_keys keeps configured files and generates only when both are absent", "[gateway][sp_keys]")
{
    temp_dir dir;
    auto cfg = default_config();
    cfg.server.data_dir = dir / "data";
    cfg.sp.key = dir / "mine-key.pem";
    cfg.sp.cert = dir / "mine-cert.pem";
    auto configured = resolve_sp_keys(cfg, test::test_now());
    CHECK(configured.how == sp_key_files::origin::configured);
    CHECK(configured.key == dir / "mine-key.pem");
    CHECK_FALSE(std::filesystem::exists(dir / "data"));

    cfg.sp.key.reset();
    cfg.sp.cert.reset();
    auto generated = resolve_sp_keys(cfg, test::test_now());
    CHECK(generated.how == sp_key_files::origin::generated);
    auto effective = with_sp_keys(cfg, generated);
    CHECK(effective.sp.key == dir / "data" / "sp-key.pem");
    CHECK(effective.sp.cert == dir / "data" / "sp-cert.pem");
}

TEST_CASE("with the generated pair, SP metadata advertises the certificate and AuthnRequests are signed",
          "[gateway][sp_keys][sso]")
{
    test::sso::sso_app app;
    auto files = ensure_sp_keys(app.dir / "data", test::test_now());
    auto cfg = with_sp_keys(app.cfg, files);
    cfg.connections.front().sp.sign_requests = true;
    auto const registry = connection_registry::build(cfg);
    REQUIRE(registry.sp_cert().has_value());
    app_context const ctx{cfg, *app.store, app.ctx.clock, app.ctx.random, app.log.logger(), registry};

    http_request req;
    req.target = "/sso/metadata";
    auto metadata = handle_request(ctx, req);
    REQUIRE(metadata.status == 200);
    auto const der = registry.sp_cert()->base64_der();
    auto const cert = saml::certificate::from_pem(test::read_file(files.cert));
    REQUIRE(cert.has_value());
    CHECK(der == cert->base64_der());
    CHECK(metadata.body.find(der) != std::string::npos);
    CHECK(metadata.body.find("use=\"signing\"") != std::string::npos);
    CHECK(metadata.body.find("use=\"encryption\"") != std::string::npos);
    CHECK(metadata.body.find("AuthnRequestsSigned=\"true\"") != std::string::npos);

    req.target = "/sso/login/okta?return_to=%2F";
    auto login = handle_request(ctx, req);
    REQUIRE(login.status == 302);
    auto const location = std::string(login.headers.get("Location").value_or(""));
    CHECK(location.find("&SigAlg=") != std::string::npos);
    CHECK(location.find("&Signature=") != std::string::npos);
}

TEST_CASE("ssogate serve generates the SP pair on first start and reuses it on the second",
          "[gateway][sp_keys][cli][serve]")
{
    temp_dir dir;
    {
        std::ofstream f(dir / "ssogate.toml");
        f << "[server]\nlisten = \"127.0.0.1:0\"\ndata_dir = \"" << (dir / "data").string() << "\"\n[store]\npath = \""
          << (dir / "ssogate.db").string() << "\"\n";
    }
    for (int run = 0; run < 2; ++run) {
        test::background_process p({"serve"}, dir.path());
        auto line = p.wait_for_line("serving https://", 30s);
        INFO("stdout: " << p.out() << "\nstderr: " << p.err());
        REQUIRE(line);
        CHECK(p.out().find(run == 0 ? "sp: generated an RSA-3072 key " : "sp: using the generated key ") !=
              std::string::npos);
        CHECK(p.signal_and_wait(SIGTERM, 10s) == 0);
    }
    CHECK(mode_of(dir / "data" / "sp-key.pem") == 0600);
    CHECK(std::filesystem::exists(dir / "data" / "sp-cert.pem"));

    // A key others can read stops the start with one clear line (exit 1).
    REQUIRE(::chmod((dir / "data" / "sp-key.pem").c_str(), 0604) == 0);
    auto r = test::run_ssogate({"serve"}, dir.path());
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("is readable by other users (mode 0604); run: chmod 600"));
}
