#pragma once
// Admin console sessions (issue 9; shared by every node on one store: issue 10). An
// admin who signed in on one node is recognised on another because the session lives
// in the store, not in a process. Like sign-in sessions, the secret (the
// `__Host-ssogate_admin` cookie value) never reaches the database: the store keeps
// only its SHA-256, and every call takes the secret and hashes it. The console derives
// its CSRF token from the secret, so nothing about CSRF is stored either.
//
// An admin is not necessarily a user (a break-glass admin is an admin token), so the
// row names the actor (type and id) instead of referring to the users table.
#include <ssogate/store/types.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ssogate::store {

/// What a caller supplies to open an admin session.
struct new_admin_session {
    std::string actor_type;   ///< "user" (SSO entry) or "admin" (admin token); not empty
    std::string actor_id;     ///< the user id or the admin token id; not empty
    std::string label;        ///< what the console shows: an email, "admin token <name>"
    std::string method;       ///< how the admin entered: "sso" or "token"; not empty
    time_point created_at{};
    time_point expires_at{};  ///< absolute end of the session
};

/// One admin session row.
struct admin_session_record {
    std::string id_hash;      ///< hex SHA-256 of the secret; safe to log
    std::string actor_type;
    std::string actor_id;
    std::string label;
    std::string method;
    time_point created_at{};
    time_point last_seen_at{};
    time_point expires_at{};

    friend bool operator==(admin_session_record const&, admin_session_record const&) = default;
};

/// True while `now` is before both the absolute expiry and last_seen_at + idle_timeout.
[[nodiscard]] inline bool is_live(admin_session_record const& session, time_point now,
                                  std::chrono::seconds idle_timeout) noexcept
{
    return now < session.expires_at && now < session.last_seen_at + idle_timeout;
}

/// Admin session rows inside one transaction. Not thread-safe: owned by its transaction.
class admin_session_repository {
public:
    virtual ~admin_session_repository() = default;

    /// Stores a session under the hash of `secret` (a random 256-bit value the caller
    /// generated); last_seen_at starts at created_at. errc::invalid_argument for an
    /// empty secret, actor or method; errc::already_exists if the hash is taken.
    [[nodiscard]] virtual result<admin_session_record> create(std::string_view secret,
                                                              new_admin_session const& session) = 0;

    /// The session for this secret, live or not (see is_live).
    [[nodiscard]] virtual result<std::optional<admin_session_record>> find(std::string_view secret) = 0;

    /// Sets last_seen_at (never backwards). False when there is no such session.
    [[nodiscard]] virtual result<bool> touch(std::string_view secret, time_point now) = 0;

    /// Ends (deletes) a session. False when there was none.
    [[nodiscard]] virtual result<bool> end(std::string_view secret) = 0;

    /// Ends every session of one actor (a revoked admin token, a demoted user); returns how many.
    [[nodiscard]] virtual result<std::size_t> end_all_for_actor(std::string_view actor_type,
                                                                std::string_view actor_id) = 0;

    /// Deletes sessions that are no longer live at `now`; returns how many.
    [[nodiscard]] virtual result<std::size_t> sweep(time_point now, std::chrono::seconds idle_timeout) = 0;
};

} // namespace ssogate::store
