#pragma once
// Teams (SCIM Groups) and team memberships, each membership with its provenance.
#include <ssogate/store/types.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssogate::store {

/// One team. The name (SCIM displayName) is unique case-insensitively.
struct team_record {
    std::string id;
    std::string name;
    std::string owner;   ///< Who created it: jit:<c>, scim:<c> or admin.
    time_point created_at{};
    time_point updated_at{};

    friend bool operator==(team_record const&, team_record const&) = default;
};

/// A user's membership in a team, with its provenance.
struct membership_record {
    std::string user_id;
    std::string team_id;
    std::string owner;
    time_point set_at{};
    std::optional<std::string> event_id;

    friend bool operator==(membership_record const&, membership_record const&) = default;
};

/// Team rows inside one transaction. Not thread-safe: owned by its transaction.
class team_repository {
public:
    virtual ~team_repository() = default;

    /// errc::already_exists for a taken id, errc::team_name_taken for a taken name.
    [[nodiscard]] virtual result<void> create(team_record const& team) = 0;

    [[nodiscard]] virtual result<std::optional<team_record>> find(std::string_view id) = 0;

    /// Case-insensitive name lookup.
    [[nodiscard]] virtual result<std::optional<team_record>> find_by_name(std::string_view name) = 0;

    /// All teams ordered by name.
    [[nodiscard]] virtual result<std::vector<team_record>> list() = 0;

    /// errc::team_name_taken when another team has the name. False for an unknown id.
    [[nodiscard]] virtual result<bool> rename(std::string_view id, std::string_view name, time_point now) = 0;

    /// Deletes a team and its memberships. False for an unknown id.
    [[nodiscard]] virtual result<bool> remove(std::string_view id) = 0;

    /// Inserts or replaces a membership (owner, set_at, event_id) and bumps the user's
    /// updated_at. errc::missing_reference for an unknown user or team.
    [[nodiscard]] virtual result<void> add_member(membership_record const& membership) = 0;

    /// False when the user was not a member.
    [[nodiscard]] virtual result<bool> remove_member(std::string_view user_id, std::string_view team_id,
                                                     time_point now) = 0;

    /// Members of a team ordered by user id.
    [[nodiscard]] virtual result<std::vector<membership_record>> members(std::string_view team_id) = 0;

    /// Teams of a user ordered by team id.
    [[nodiscard]] virtual result<std::vector<membership_record>> memberships_of(std::string_view user_id) = 0;
};

} // namespace ssogate::store
