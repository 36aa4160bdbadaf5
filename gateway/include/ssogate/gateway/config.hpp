#pragma once
// ssogate's typed configuration: `ssogate.toml` parsed, validated and frozen once
// (STYLE.md rule 4: "so that we don't pass around raw" TOML).
//
// A `config` is an immutable value: build it with `load_config` / `parse_config`,
// then share it by const reference or shared_ptr<const config>; it is safe to read
// from any thread. Validation rejects and never clamps; every message names the
// file, the key and what was expected, e.g.
//   ssogate.toml: connection "okta": jit.update must be one of each_login, on_create, never (got "always")
#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssogate::gateway {

/// [server]
struct server_settings {
    /// `listen`: "host:port" (IPv6 as "[::1]:8443"). Default 127.0.0.1:8443.
    std::string listen_host = "127.0.0.1";
    std::uint16_t listen_port = 8443;
    /// `public_url`: the URL browsers and IdPs use. Default "https://" + listen.
    std::string public_url;
    /// `tls_cert` / `tls_key` (PEM). Absent: a self-signed ECDSA P-256 pair is
    /// generated into `data_dir` on first start and reused.
    std::optional<std::filesystem::path> tls_cert;
    std::optional<std::filesystem::path> tls_key;
    /// `threads`: worker threads; 0 means std::thread::hardware_concurrency().
    unsigned threads = 0;
    /// `max_body_bytes`: request body limit (a SAMLResponse POST fits). Default 1 MiB.
    std::size_t max_body_bytes = 1024 * 1024;
    /// `max_header_bytes`: request line + header limit. Default 16 KiB.
    std::size_t max_header_bytes = 16 * 1024;
    /// `read_timeout`: time allowed to receive one whole request. Default 15 s.
    std::chrono::seconds read_timeout{15};
    /// `idle_timeout`: keep-alive idle time before the connection is closed. Default 60 s.
    std::chrono::seconds idle_timeout{60};
    /// `data_dir`: where generated files (self-signed TLS pair) live. Default ".".
    std::filesystem::path data_dir = ".";
};

/// [store]
struct store_settings {
    /// `path`: SQLite database file. Default "ssogate.db" (relative to the working directory).
    std::filesystem::path path = "ssogate.db";
};

/// [session]
struct session_settings {
    /// `lifetime`: how long a sign-in session lasts. Default 8 hours.
    std::chrono::seconds lifetime{8 * 3600};
};

} // namespace ssogate::gateway
