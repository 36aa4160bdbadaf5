#pragma once
// Maps (method, path) to a handler.
//
// Patterns are absolute paths whose segments are literals or `{name}` parameters:
// "/sso/acs/{connection}". A parameter matches one non-empty segment, as sent (not
// percent-decoded). Literal segments win over parameters regardless of insertion
// order. A path that matches a pattern bound to other methods only gives 405 with
// `Allow`; a path that matches nothing gives 404. A GET route also answers HEAD
// (the server sends the headers only).
//
// Thread-safety: build the router once (add), then `dispatch` concurrently.
#include <ssogate/gateway/app_context.hpp>
#include <ssogate/gateway/http.hpp>

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ssogate::gateway {

/// The `{name}` parameters a route matched, by name.
class route_params {
public:
    /// The segment bound to `{name}`; empty if the pattern has no such parameter.
    [[nodiscard]] std::string_view get(std::string_view name) const noexcept;
    void set(std::string name, std::string value) { values_[std::move(name)] = std::move(value); }

private:
    std::map<std::string, std::string, std::less<>> values_;
};

/// A request handler: a pure function of the context, the request and its route parameters.
using handler_fn = std::function<http_response(app_context const&, http_request const&, route_params const&)>;

class router {
public:
    /// Binds `method` on `pattern` to `handler`. Adding the same (method, pattern)
    /// twice is a programming error (std::logic_error, at startup).
    void add(http_method method, std::string_view pattern, handler_fn handler);

    /// Runs the matching handler, or returns 404 / 405 (with Allow). Security headers
    /// are not added here; see handle_request.
    [[nodiscard]] http_response dispatch(app_context const& ctx, http_request const& req) const;

private:
    struct route {
        std::vector<std::string> segments;
        http_method method;
        handler_fn handler;
    };
    std::vector<route> routes_;
};

} // namespace ssogate::gateway
