#pragma once
// The server's OpenSSL context (internal to gateway/src/server).
#include <boost/asio/ssl/context.hpp>

namespace ssogate::gateway {

struct tls_files;

namespace detail {

/// TLS 1.2+ server context with the AEAD-only cipher list, loaded with `files`.
/// @throws startup_error (exit 1) naming the file and the cause.
boost::asio::ssl::context make_server_tls_context(tls_files const& files);

} // namespace detail
} // namespace ssogate::gateway
