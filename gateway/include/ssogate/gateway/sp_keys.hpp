#pragma once
// The SP's own key pair ([sp] key / cert): configured files, or an RSA-3072 key and a
// self-signed certificate that ssogate generates into [server] data_dir on first start
// and reuses afterwards, so that SP metadata advertises a signing and encryption
// certificate and signed AuthnRequests work with no setup.
//
// Why RSA-3072: SAML needs RSA here (RSA-SHA256 request signatures, RSA-OAEP key
// transport for encrypted assertions); the pair is long-lived (its certificate is a
// pinned key in the IdP's configuration, valid 10 years, rolled over by hand), and
// NIST SP 800-57 Part 1 rev. 5 gives RSA-2048 112-bit strength acceptable only through
// 2030, RSA-3072 128 bits beyond. The cost is where the key is used: one signature per
// sign-in started (~1 ms more than 2048) and one RSA-OAEP decryption per encrypted
// assertion; verification of the IdP's signatures does not use it.
#include <ssogate/gateway/config.hpp>

#include <chrono>
#include <filesystem>
#include <string_view>

namespace ssogate::gateway {

/// File names of the generated pair inside data_dir.
inline constexpr std::string_view sp_key_file_name = "sp-key.pem";
inline constexpr std::string_view sp_cert_file_name = "sp-cert.pem";

/// The SP's PEM files and what ssogate did to get them.
struct sp_key_files {
    std::filesystem::path key;
    std::filesystem::path cert;
    enum class origin { configured, generated, reused } how = origin::configured;
};

/// Reuses `data_dir`'s sp-key.pem + sp-cert.pem when both exist, after checking that
/// the key file is private (no group or other permission bits: "… is readable by other
/// users (mode 0644); run: chmod 600 …"); otherwise generates an RSA-3072 key and a
/// self-signed certificate (CN "ssogate SP", SHA-256, valid from now - 1 h for 3650
/// days) and writes both atomically (temporary file + rename; key 0600, certificate
/// 0644). Creates data_dir if missing. Does not check that the two files are a pair:
/// the connection registry does when it loads them.
/// @throws startup_error (exit 1) naming the file and the cause.
[[nodiscard]] sp_key_files ensure_sp_keys(std::filesystem::path const& data_dir,
                                          std::chrono::system_clock::time_point now);

/// The configured [sp] key/cert (both set), or ensure_sp_keys(server.data_dir).
/// @throws startup_error as ensure_sp_keys.
[[nodiscard]] sp_key_files resolve_sp_keys(config const& cfg, std::chrono::system_clock::time_point now);

/// `cfg` with [sp] key/cert naming `files` (what the connection registry loads).
[[nodiscard]] config with_sp_keys(config cfg, sp_key_files const& files);

} // namespace ssogate::gateway
