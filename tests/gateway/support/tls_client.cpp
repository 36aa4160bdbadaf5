#include "support/tls_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/ssl.h>

#include <cctype>
#include <optional>
#include <stdexcept>

namespace ssogate::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

ssl::context make_context(tls_client_options const& o)
{
    ssl::context ctx(ssl::context::tls_client);
    ctx.set_verify_mode(ssl::verify_none); // the test server uses a fresh self-signed pair
    if (o.min_version || o.max_version) {
        // Old protocol versions need security level 0 on the client side, or OpenSSL
        // refuses to even offer them and the server would never be tested.
        SSL_CTX_set_security_level(ctx.native_handle(), 0);
        SSL_CTX_set_cipher_list(ctx.native_handle(), "DEFAULT:@SECLEVEL=0");
    }
    if (o.min_version)
        SSL_CTX_set_min_proto_version(ctx.native_handle(), o.min_version);
    if (o.max_version)
        SSL_CTX_set_max_proto_version(ctx.native_handle(), o.max_version);
    return ctx;
}

/// Runs the io_context until `done`; the stream's own timeout guarantees it ends.
void run_until(net::io_context& ioc, bool const& done)
{
    ioc.restart();
    while (!done && ioc.run_one() > 0) {
    }
}

} // namespace

struct tls_client::impl {
    explicit impl(tls_client_options o) : options(o), ctx(make_context(o)), stream(ioc, ctx) {}

    void connect(std::uint16_t port)
    {
        auto& lowest = beast::get_lowest_layer(stream);
        lowest.expires_after(options.timeout);
        bool done = false;
        error_code result;
        lowest.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), [&](error_code ec) {
            result = ec;
            done = true;
        });
        run_until(ioc, done);
        if (result)
            throw std::runtime_error("connect: " + result.message());
        done = false;
        lowest.expires_after(options.timeout);
        stream.async_handshake(ssl::stream_base::client, [&](error_code ec) {
            result = ec;
            done = true;
        });
        run_until(ioc, done);
        if (result)
            throw std::runtime_error("handshake: " + result.message());
    }

    void write(std::string_view bytes)
    {
        beast::get_lowest_layer(stream).expires_after(options.timeout);
        bool done = false;
        error_code result;
        net::async_write(stream, net::buffer(bytes.data(), bytes.size()), [&](error_code ec, std::size_t) {
            result = ec;
            done = true;
        });
        run_until(ioc, done);
        if (result)
            throw std::runtime_error("write: " + result.message());
    }

    http_reply read_response(bool to_head)
    {
        beast::get_lowest_layer(stream).expires_after(options.timeout);
        http::response_parser<http::string_body> parser;
        parser.skip(to_head);
        parser.body_limit(64 * 1024 * 1024);
        bool done = false;
        error_code result;
        http::async_read(stream, buffer, parser, [&](error_code ec, std::size_t) {
            result = ec;
            done = true;
        });
        run_until(ioc, done);
        if (result)
            throw std::runtime_error("read response: " + result.message());
        auto msg = parser.release();
        http_reply r;
        r.status = static_cast<int>(msg.result_int());
        for (auto const& f : msg) {
            std::string name(f.name_string());
            for (auto& c : name)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            r.headers[name] = std::string(f.value());
        }
        r.body = msg.body();
        r.keep_alive = msg.keep_alive();
        return r;
    }

    /// Reads some bytes; std::nullopt when the connection ended.
    std::optional<std::string> read_some(std::chrono::milliseconds within, bool* timed_out)
    {
        if (buffer.size() > 0) {
            std::string s = beast::buffers_to_string(buffer.data());
            buffer.consume(buffer.size());
            return s;
        }
        beast::get_lowest_layer(stream).expires_after(within);
        bool done = false;
        error_code result;
        std::size_t got = 0;
        stream.async_read_some(buffer.prepare(4096), [&](error_code ec, std::size_t n) {
            result = ec;
            got = n;
            done = true;
        });
        run_until(ioc, done);
        if (timed_out)
            *timed_out = result == beast::error::timeout;
        if (result)
            return std::nullopt;
        buffer.commit(got);
        std::string s = beast::buffers_to_string(buffer.data());
        buffer.consume(buffer.size());
        return s;
    }

    tls_client_options options;
    net::io_context ioc;
    ssl::context ctx;
    beast::ssl_stream<beast::tcp_stream> stream;
    beast::flat_buffer buffer;
};

tls_client::tls_client(std::uint16_t port, tls_client_options options) : impl_(std::make_unique<impl>(options))
{
    impl_->connect(port);
}

tls_client::~tls_client() = default;

http_reply tls_client::request(std::string_view method, std::string_view target, std::string_view body, bool keep_alive)
{
    std::string req;
    req += method;
    req += ' ';
    req += target;
    req += " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!keep_alive)
        req += "Connection: close\r\n";
    if (!body.empty() || method == "POST")
        req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    req += "\r\n";
    req += body;
    impl_->write(req);
    return impl_->read_response(method == "HEAD");
}

void tls_client::write_raw(std::string_view bytes) { impl_->write(bytes); }

http_reply tls_client::read_response(bool to_head) { return impl_->read_response(to_head); }

std::string tls_client::read_until(std::string_view needle)
{
    std::string all;
    while (all.find(needle) == std::string::npos) {
        bool timed_out = false;
        auto got = impl_->read_some(impl_->options.timeout, &timed_out);
        if (!got)
            throw std::runtime_error(std::string(timed_out ? "timeout" : "connection ended") + " before \"" +
                                     std::string(needle) + "\"; got: " + all);
        all += *got;
    }
    return all;
}

bool tls_client::closed_by_server(std::chrono::milliseconds within)
{
    auto const deadline = std::chrono::steady_clock::now() + within;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return false;
        bool timed_out = false;
        auto got = impl_->read_some(left, &timed_out);
        if (!got)
            return !timed_out;
        // Data instead of a close: keep reading (e.g. the rest of a response).
    }
}

std::string tls_handshake_error(std::uint16_t port, tls_client_options options)
{
    try {
        tls_client c(port, options);
        return "";
    } catch (std::exception const& e) {
        return e.what();
    }
}

bool tcp_silent_client_dropped(std::uint16_t port, std::chrono::milliseconds within)
{
    net::io_context ioc;
    beast::tcp_stream s(ioc);
    s.expires_after(within);
    bool done = false;
    error_code result;
    s.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), [&](error_code ec) {
        result = ec;
        done = true;
    });
    run_until(ioc, done);
    if (result)
        return false;
    char byte;
    done = false;
    s.expires_after(within);
    s.async_read_some(net::buffer(&byte, 1), [&](error_code ec, std::size_t) {
        result = ec;
        done = true;
    });
    run_until(ioc, done);
    return result && result != beast::error::timeout;
}

bool tcp_connect_refused(std::uint16_t port)
{
    net::io_context ioc;
    tcp::socket s(ioc);
    error_code ec;
    s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
    return ec == net::error::connection_refused;
}

} // namespace ssogate::test
