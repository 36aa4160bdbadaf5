#pragma once
// Pending SP-initiated AuthnRequests (DESIGN.md "Sign-in flow" steps 2 and 4):
// stored with their expiry and bound to the browser by a hash of the flow cookie;
// consumed at most once, by the browser that started them, on their connection.
#include <ssogate/store/types.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ssogate::store {

/// One pending AuthnRequest.
struct pending_request {
    std::string request_id;      ///< The AuthnRequest ID, expected back as InResponseTo.
    std::string connection_id;
    std::string return_to;       ///< Where to send the browser afterwards (validated by the caller).
    time_point created_at{};
    time_point expires_at{};

    friend bool operator==(pending_request const&, pending_request const&) = default;
};

/// What consume() found.
enum class consume_status {
    /// The request matched and was removed: it can never be consumed again.
    consumed = 1,
    /// No pending request with this ID (never issued, already consumed, or swept).
    unknown,
    /// The request was issued for another connection; it stays pending.
    other_connection,
    /// The request is bound to another browser; it stays pending.
    other_browser,
    /// The request expired; it was removed.
    expired,
};

/// The outcome of consume(); `request` is set when status == consumed.
struct consume_outcome {
    consume_status status = consume_status::unknown;
    std::optional<pending_request> request;
};

/// Pending requests inside one transaction. Not thread-safe: owned by its transaction.
class request_repository {
public:
    virtual ~request_repository() = default;

    /// Stores a request bound to `browser_binding` (the flow cookie's secret value;
    /// only its hash is stored). errc::already_exists for a reused request ID.
    [[nodiscard]] virtual result<void> create(pending_request const& request, std::string_view browser_binding) = 0;

    /// Consumes the request if it exists, belongs to `connection_id`, is bound to
    /// `browser_binding` and has not expired at `now`. The match and the removal are
    /// one statement, so two concurrent ACS posts cannot both consume it.
    [[nodiscard]] virtual result<consume_outcome> consume(std::string_view request_id, std::string_view connection_id,
                                                          std::string_view browser_binding, time_point now) = 0;

    /// Deletes requests expired at `now`; returns how many.
    [[nodiscard]] virtual result<std::size_t> sweep(time_point now) = 0;
};

} // namespace ssogate::store
