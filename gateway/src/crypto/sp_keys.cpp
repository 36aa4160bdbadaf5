// The SP pair: configured, or generated into data_dir once and reused (sp_keys.hpp).
#include <ssogate/gateway/sp_keys.hpp>
#include <ssogate/gateway/startup_error.hpp>

#include "crypto/self_signed.hpp"

#include <system_error>

namespace ssogate::gateway {

namespace fs = std::filesystem;

sp_key_files ensure_sp_keys(fs::path const& data_dir, std::chrono::system_clock::time_point now)
{
    std::error_code ec;
    fs::create_directories(data_dir, ec);
    if (ec)
        throw startup_error(exit_failure, "cannot create data directory " + data_dir.string() + ": " + ec.message());

    sp_key_files files{data_dir / sp_key_file_name, data_dir / sp_cert_file_name, sp_key_files::origin::reused};
    bool const have_key = fs::exists(files.key, ec);
    bool const have_cert = fs::exists(files.cert, ec);
    if (have_key && have_cert) {
        detail::require_private_file(files.key, "SP key");
        return files;
    }
    if (have_key != have_cert) {
        // Half a pair: a certificate without its key (or the reverse) cannot be
        // completed; regenerating would silently change the key IdPs have pinned.
        throw startup_error(exit_failure, "found " + (have_key ? files.key : files.cert).string() + " without " +
                                              (have_key ? files.cert : files.key).string() +
                                              "; restore it, or delete both to generate a new SP pair (IdPs that "
                                              "pinned the old certificate must then be updated)");
    }
    auto pair = detail::generate_self_signed({detail::key_kind::rsa_3072, "ssogate SP", 3650, {}}, now);
    detail::write_pair(files.key, files.cert, pair);
    files.how = sp_key_files::origin::generated;
    return files;
}

sp_key_files resolve_sp_keys(config const& cfg, std::chrono::system_clock::time_point now)
{
    if (cfg.sp.key && cfg.sp.cert)
        return sp_key_files{*cfg.sp.key, *cfg.sp.cert, sp_key_files::origin::configured};
    if (cfg.sp.key || cfg.sp.cert)
        throw startup_error(exit_usage, "sp.key and sp.cert must be set together");
    return ensure_sp_keys(cfg.server.data_dir, now);
}

config with_sp_keys(config cfg, sp_key_files const& files)
{
    cfg.sp.key = files.key;
    cfg.sp.cert = files.cert;
    return cfg;
}

} // namespace ssogate::gateway
