#pragma once
// Server-side sessions. The session secret (the cookie value) never reaches the
// database: the store keeps only its SHA-256, and every call takes the secret and
// hashes it (DESIGN.md "Security rules").
#include <ssogate/store/types.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ssogate::store {

/// What a caller supplies to create a session.
struct new_session {
    std::string user_id;
    std::string connection_id;
    time_point created_at{};
    time_point expires_at{};          ///< Absolute end of the session.
    std::string idp_session_index;    ///< SAML SessionIndex, empty when the IdP sent none.
};

/// One session row.
struct session_record {
    std::string id_hash;              ///< Hex SHA-256 of the secret; safe to log.
    std::string user_id;
    std::string connection_id;
    time_point created_at{};
    time_point expires_at{};
    time_point last_seen_at{};
    std::string idp_session_index;

    friend bool operator==(session_record const&, session_record const&) = default;
};

/// True while `now` is before both the absolute expiry and last_seen_at + idle_timeout.
[[nodiscard]] inline bool is_live(session_record const& session, time_point now,
                                  std::chrono::seconds idle_timeout) noexcept
{
    return now < session.expires_at && now < session.last_seen_at + idle_timeout;
}

/// Session rows inside one transaction. Not thread-safe: owned by its transaction.
class session_repository {
public:
    virtual ~session_repository() = default;

    /// Stores a session under the hash of `secret` (a random 256-bit value the caller
    /// generated); last_seen_at starts at created_at. errc::already_exists if the hash
    /// is taken, errc::missing_reference for an unknown user or connection.
    [[nodiscard]] virtual result<session_record> create(std::string_view secret, new_session const& session) = 0;

    /// The session for this secret, live or not (see is_live).
    [[nodiscard]] virtual result<std::optional<session_record>> find(std::string_view secret) = 0;

    /// Sets last_seen_at. False when there is no such session.
    [[nodiscard]] virtual result<bool> touch(std::string_view secret, time_point now) = 0;

    /// Ends (deletes) a session. False when there was none.
    [[nodiscard]] virtual result<bool> end(std::string_view secret) = 0;

    /// Ends every session of a user (deactivation, logout everywhere); returns how many.
    [[nodiscard]] virtual result<std::size_t> end_all_for_user(std::string_view user_id) = 0;

    /// Deletes sessions that are no longer live at `now`; returns how many.
    [[nodiscard]] virtual result<std::size_t> sweep(time_point now, std::chrono::seconds idle_timeout) = 0;

    /// Number of sessions live at `now` (metrics).
    [[nodiscard]] virtual result<std::size_t> count_live(time_point now, std::chrono::seconds idle_timeout) = 0;
};

} // namespace ssogate::store
