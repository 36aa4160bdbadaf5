#pragma once
// The queue of account links awaiting an administrator (a connection with
// `link = "admin_approval"`, DESIGN.md "JIT and attribute mapping"): a first sign-in
// whose email belongs to an existing user is refused and queued here; approving it
// lets the caller link the identity.
#include <ssogate/store/types.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssogate::store {

/// Where an approval stands.
enum class approval_status {
    /// Waiting for an administrator.
    pending = 1,
    /// Approved; the caller links the identity.
    approved,
    /// Rejected; the identity stays unlinked.
    rejected,
};

/// One queued link request.
struct link_approval {
    std::string id;
    std::string connection_id;       ///< The connection the new identity signed in through.
    std::string subject;             ///< Its subject there.
    std::string user_id;             ///< The existing user it would be linked to.
    std::string email;               ///< The email that matched.
    std::string assertion_json;      ///< Attributes of the refused assertion, for the admin.
    time_point requested_at{};
    approval_status status = approval_status::pending;
    std::optional<time_point> decided_at;
    std::string decided_by;          ///< Actor id of the deciding admin; empty while pending.

    friend bool operator==(link_approval const&, link_approval const&) = default;
};

/// Link approvals inside one transaction. Not thread-safe: owned by its transaction.
class link_approval_repository {
public:
    virtual ~link_approval_repository() = default;

    /// Queues a request (status must be pending). errc::already_exists for a taken id
    /// or when the same (connection, subject) already has a pending request;
    /// errc::missing_reference for an unknown connection or user.
    [[nodiscard]] virtual result<void> request(link_approval const& approval) = 0;

    [[nodiscard]] virtual result<std::optional<link_approval>> find(std::string_view id) = 0;

    /// The pending request for an identity, if any.
    [[nodiscard]] virtual result<std::optional<link_approval>> find_pending(std::string_view connection_id,
                                                                           std::string_view subject) = 0;

    /// Pending requests, oldest first.
    [[nodiscard]] virtual result<std::vector<link_approval>> pending() = 0;

    /// Approves or rejects a pending request. False when it is unknown or already
    /// decided; errc::invalid_argument when `decision` is pending.
    [[nodiscard]] virtual result<bool> decide(std::string_view id, approval_status decision,
                                              std::string_view decided_by, time_point now) = 0;
};

} // namespace ssogate::store
