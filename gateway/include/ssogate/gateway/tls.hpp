#pragma once
// The server's TLS certificate and key: configured files, or a self-signed pair that
// ssogate generates on first start and reuses (DESIGN.md "Embedded defaults").
#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

namespace ssogate::gateway {

struct server_settings;

/// The PEM files the server loads, and what ssogate did to get them.
struct tls_files {
    std::filesystem::path cert;
    std::filesystem::path key;
    enum class origin { configured, generated, reused } how = origin::configured;
};

/// File names of the generated pair inside data_dir.
inline constexpr std::string_view self_signed_cert_name = "ssogate-selfsigned-cert.pem";
inline constexpr std::string_view self_signed_key_name = "ssogate-selfsigned-key.pem";

/// Returns the configured tls_cert/tls_key, or makes sure a self-signed pair exists in
/// settings.data_dir (see ensure_self_signed) and returns it. Setting only one of
/// tls_cert/tls_key is a configuration error.
/// @throws startup_error (exit 2 for configuration, 1 for I/O).
tls_files resolve_tls_files(server_settings const& settings, std::chrono::system_clock::time_point now);

/// Reuses `data_dir`'s self-signed pair when both files exist and the certificate is
/// still valid at `now`; otherwise generates an ECDSA P-256 key and a certificate
/// (SHA-256, random 128-bit serial, valid from now - 1 h for 365 days, SAN: `host`,
/// localhost, 127.0.0.1, ::1; serverAuth) and writes both atomically (temporary file +
/// rename; the key is created with mode 0600), so a crash leaves no half-written file.
/// Creates data_dir if missing.
/// @throws startup_error (exit 1) naming the file and the cause.
tls_files ensure_self_signed(std::filesystem::path const& data_dir, std::string_view host,
                             std::chrono::system_clock::time_point now);

} // namespace ssogate::gateway
