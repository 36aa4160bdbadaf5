#pragma once
// Plain HTTP message types that handlers take and return.
//
// These are values with no socket, no Beast and no Asio in them, so that handler code
// and its tests compile fast and run without a network (STYLE.md rule 1). The server
// (server.hpp) converts between these and Beast messages at the edge.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <functional>

namespace ssogate::gateway {

/// Request methods that routes can be bound to; anything else is `other`.
enum class http_method { get, head, post, put, patch, delete_, options, other };

/// The method's token ("GET"); "OTHER" for `other`.
std::string_view to_string(http_method m) noexcept;

/// Header fields of a request or a response: an ordered list of (name, value) pairs.
/// Names compare case-insensitively (RFC 9110 §5.1); a name may repeat (`Set-Cookie`).
/// A plain value type; not synchronized.
class header_fields {
public:
    using field = std::pair<std::string, std::string>;

    /// The value of the first field with this name, if any.
    [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const;
    [[nodiscard]] bool contains(std::string_view name) const { return get(name).has_value(); }
    /// Replaces every field with this name by one field.
    void set(std::string_view name, std::string value);
    /// Appends a field, keeping others with the same name.
    void add(std::string_view name, std::string value);
    /// Removes every field with this name.
    void erase(std::string_view name);

    [[nodiscard]] auto begin() const noexcept { return fields_.begin(); }
    [[nodiscard]] auto end() const noexcept { return fields_.end(); }
    [[nodiscard]] std::size_t size() const noexcept { return fields_.size(); }

private:
    std::vector<field> fields_;
};

/// One parsed request, as the server received it (limits already enforced).
struct http_request {
    http_method method = http_method::get;
    /// The request-target as sent, e.g. "/sso/login/okta?return_to=%2F".
    std::string target = "/";
    header_fields headers;
    std::string body;
    /// The peer's IP address ("127.0.0.1", "::1"); empty when there is no socket (tests).
    std::string remote_address;

    /// `target` up to the first '?' (not percent-decoded).
    [[nodiscard]] std::string_view path() const noexcept;
    /// `target` after the first '?', without it; empty when there is none.
    [[nodiscard]] std::string_view query() const noexcept;
};

/// A response body written incrementally for as long as the client stays: the seam
/// for Server-Sent Events (`GET /admin/v1/audit/stream`, issue 6).
///
/// When `http_response::stream` is set the connection sends the status line and the
/// headers with `Transfer-Encoding: chunked`, then calls `pull` again and again; each
/// delivered string goes out as one chunk, a delivered `std::nullopt` ends the body
/// (final chunk) and the connection closes afterwards. Heartbeats and buffering are
/// the stream's business (it owns its clock); the connection bounds each chunk write
/// by the server's write timeout, so a consumer that stops reading is dropped.
///
/// Thread-safety: `pull` is called on the connection's strand, and never again before
/// the previous `deliver` has been invoked; `deliver` may be invoked from any thread,
/// exactly once per `pull`, inline or later. `cancel` may be called from any thread
/// (the client went away, or the server is shutting down): a pending or later `pull`
/// must then deliver std::nullopt promptly.
class body_stream {
public:
    /// Receives the next chunk, or std::nullopt at the end of the stream.
    using deliver_fn = std::function<void(std::optional<std::string>)>;

    virtual ~body_stream() = default;
    virtual void pull(deliver_fn deliver) = 0;
    virtual void cancel() noexcept = 0;
};

class pending_response;

/// A response a handler returns: complete (`body`), streaming (`stream`) or finished
/// later (`pending`).
struct http_response {
    /// Status code (200, 404, ...).
    int status = 200;
    header_fields headers;
    /// The whole body; ignored when `stream` is set.
    std::string body;
    /// Set for a streaming body (see body_stream); null for a complete response.
    std::shared_ptr<body_stream> stream;
    /// Close the connection after this response even if the client asked to keep it.
    bool close_connection = false;
    /// Set when the handler answers later (see pending_response); every other field of
    /// this response is then ignored.
    std::shared_ptr<pending_response> pending;

    /// A `text/plain; charset=utf-8` response.
    static http_response text(int status, std::string body);
};

/// A response that its handler completes later, from another thread: the ACS answers
/// only once the group commit holding its sign-in has returned (write_batcher.hpp,
/// issue 8), without keeping a server worker thread waiting meanwhile.
///
/// The handler completes it with a `finisher`, a function that builds the response
/// (logging, metrics and rendering belong there, not on the thread that completes).
/// The server calls on_complete() on the connection's strand, runs the finisher back on
/// that strand and sends its response (security headers added) as if the handler had
/// returned it. Callers without a server (tests) call wait().
///
/// Thread-safety: complete() and on_complete() may each be called once, from any
/// thread, in either order; the callback runs on the thread of the later of the two.
class pending_response {
public:
    /// Builds the response; called once.
    using finisher = std::function<http_response()>;
    using callback = std::function<void(finisher)>;

    /// Delivers the finisher (once).
    void complete(finisher f);
    /// Registers who receives it (once); runs at once if it is already complete.
    void on_complete(callback cb);
    /// Blocks until complete(), then runs the finisher on this thread (instead of
    /// on_complete()).
    [[nodiscard]] http_response wait();

private:
    std::mutex mutex_;
    std::condition_variable done_;
    finisher finisher_;
    callback callback_;
};

} // namespace ssogate::gateway
