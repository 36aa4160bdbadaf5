// The development IdP's signing pair: RSA-2048 + self-signed certificate, generated
// into the data directory on first start and reused afterwards.
#include <ssogate/gateway/dev_idp.hpp>
#include <ssogate/gateway/startup_error.hpp>

#include "crypto/self_signed.hpp"
#include "tls/openssl_handles.hpp"

namespace ssogate::gateway::dev_idp {

namespace {

namespace fs = std::filesystem;
using namespace gateway::detail;

[[noreturn]] void fail(std::string const& message) { throw startup_error(exit_failure, message); }

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

    auto pair = generate_self_signed({key_kind::rsa_2048, "ssogate dev-idp signing (development only)", 3650, {}}, now);
    write_pair(key_file, cert_file, pair);
    return load(key_file, cert_file, pair.key, pair.cert, true);
}

} // namespace ssogate::gateway::dev_idp
