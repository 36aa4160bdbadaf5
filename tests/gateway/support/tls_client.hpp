#pragma once
// A small synchronous HTTPS client for the server tests (Beast + OpenSSL underneath,
// kept out of this header so that test files compile fast). Every operation has a
// timeout, so a broken server fails a test instead of hanging it.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace ssogate::test {

struct http_reply {
    int status = 0;
    /// Field names lowercased; the last value wins.
    std::map<std::string, std::string> headers;
    std::string body;
    bool keep_alive = false;

    [[nodiscard]] std::string header(std::string const& lower_name) const
    {
        auto it = headers.find(lower_name);
        return it == headers.end() ? std::string() : it->second;
    }
};

struct tls_client_options {
    /// OpenSSL protocol versions (TLS1_1_VERSION, ...); 0 leaves OpenSSL's default.
    int min_version = 0;
    int max_version = 0;
    /// Bound on each connect / handshake / read / write.
    std::chrono::milliseconds timeout{5000};
};

class tls_client {
public:
    /// Connects to 127.0.0.1:port and completes the TLS handshake; throws on failure.
    explicit tls_client(std::uint16_t port, tls_client_options options = {});
    ~tls_client();
    tls_client(tls_client const&) = delete;
    tls_client& operator=(tls_client const&) = delete;

    /// Sends a request (HTTP/1.1, Host set) and reads the response.
    http_reply request(std::string_view method, std::string_view target, std::string_view body = {},
                       bool keep_alive = true);
    /// Writes raw bytes inside the TLS stream.
    void write_raw(std::string_view bytes);
    /// Reads and parses one response; `to_head` for the answer to a HEAD request
    /// (headers only, whatever Content-Length says).
    http_reply read_response(bool to_head = false);
    /// Reads raw decrypted bytes until `needle` has been seen; returns all bytes read.
    std::string read_until(std::string_view needle);
    /// True when the server ends the connection (EOF, close_notify, reset) within
    /// `within`; false when the connection is still open (or sends data) at that time.
    bool closed_by_server(std::chrono::milliseconds within);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

/// Attempts a TLS handshake with these version limits; "" on success, else OpenSSL's reason.
std::string tls_handshake_error(std::uint16_t port, tls_client_options options);

/// Opens a plain TCP connection and sends nothing; true when the server closes it within `within`.
bool tcp_silent_client_dropped(std::uint16_t port, std::chrono::milliseconds within);

/// True when a TCP connection to 127.0.0.1:port is refused.
bool tcp_connect_refused(std::uint16_t port);

} // namespace ssogate::test
