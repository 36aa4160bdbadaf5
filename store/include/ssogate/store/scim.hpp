#pragma once
// What a connection's SCIM client knows about users and teams (issue 7): the SCIM face
// of a user (userName, externalId, the resource as SCIM last set it, and `meta`:
// created, lastModified, version) and of a team (externalId, meta).
//
// A user is visible to the SCIM API of connection C exactly when it has a scim user
// row for C (created by SCIM, or adopted); a team likewise. The provenance-tracked
// values (attributes, roles, memberships with owner `scim:<c>`) stay in user.hpp and
// team.hpp: these rows only add what SCIM needs on top.
//
// Lookups by userName (case-insensitive), externalId (exact) and team name are
// answered from indexes; lists are paged in a stable order (creation time, then id)
// with the total counted separately, so that a SCIM ListResponse never scans a table.
#include <ssogate/store/types.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssogate::store {

/// A user as one connection's SCIM client sees it.
struct scim_user_record {
    std::string connection_id;
    std::string user_id;
    std::string user_name;                   ///< Unique per connection, case-insensitively.
    std::optional<std::string> external_id;  ///< Compared exactly.
    std::string resource_json = "{}";        ///< The SCIM resource as last set (JSON object, no id/meta).
    std::int64_t version = 1;                ///< Bumped by every update; the ETag.
    time_point created_at{};                 ///< meta.created
    time_point updated_at{};                 ///< meta.lastModified

    friend bool operator==(scim_user_record const&, scim_user_record const&) = default;
};

/// A team as one connection's SCIM client sees it (the name is the team's).
struct scim_group_record {
    std::string connection_id;
    std::string team_id;
    std::optional<std::string> external_id;
    std::int64_t version = 1;
    time_point created_at{};
    time_point updated_at{};

    friend bool operator==(scim_group_record const&, scim_group_record const&) = default;
};

/// SCIM rows inside one transaction. Not thread-safe: owned by its transaction.
/// A failed call leaves the transaction as it was before the call.
class scim_repository {
public:
    virtual ~scim_repository() = default;

    // ---- users ----

    /// Adds a user to a connection's SCIM view. errc::already_exists when the user
    /// already has a row for the connection; errc::user_name_taken when another user
    /// of the connection has the userName (case-insensitively); errc::missing_reference
    /// for an unknown user or connection; errc::invalid_argument for an empty userName
    /// or a resource that is not a JSON object.
    [[nodiscard]] virtual result<void> create_user(scim_user_record const& user) = 0;

    [[nodiscard]] virtual result<std::optional<scim_user_record>> find_user(std::string_view connection_id,
                                                                            std::string_view user_id) = 0;

    /// Case-insensitive (ASCII) userName lookup within a connection (index).
    [[nodiscard]] virtual result<std::optional<scim_user_record>> find_user_by_user_name(
        std::string_view connection_id, std::string_view user_name) = 0;

    /// Exact externalId lookup within a connection (index), in the list order.
    [[nodiscard]] virtual result<std::vector<scim_user_record>> find_users_by_external_id(
        std::string_view connection_id, std::string_view external_id) = 0;

    /// Up to `limit` users of a connection after skipping `offset`, ordered by
    /// created_at then user id (stable under inserts of newer users).
    [[nodiscard]] virtual result<std::vector<scim_user_record>> list_users(std::string_view connection_id,
                                                                           std::size_t offset, std::size_t limit) = 0;

    /// How many users the connection's SCIM view holds.
    [[nodiscard]] virtual result<std::size_t> count_users(std::string_view connection_id) = 0;

    /// Every connection's SCIM row for a user, ordered by connection id.
    [[nodiscard]] virtual result<std::vector<scim_user_record>> user_connections(std::string_view user_id) = 0;

    /// Replaces userName, externalId, resource and updated_at of an existing row and
    /// increments its version (the record's own version is ignored). False when there is
    /// no such row; errc::user_name_taken, errc::invalid_argument as for create_user.
    [[nodiscard]] virtual result<bool> update_user(scim_user_record const& user) = 0;

    /// Increments the version and sets updated_at (a change SCIM made elsewhere, e.g.
    /// `active`). False when there is no such row.
    [[nodiscard]] virtual result<bool> touch_user(std::string_view connection_id, std::string_view user_id,
                                                  time_point now) = 0;

    /// Removes the row only (the user stays). False when there was none.
    [[nodiscard]] virtual result<bool> remove_user(std::string_view connection_id, std::string_view user_id) = 0;

    // ---- groups ----

    /// Adds a team to a connection's SCIM view. errc::already_exists for a second row;
    /// errc::missing_reference for an unknown team or connection.
    [[nodiscard]] virtual result<void> create_group(scim_group_record const& group) = 0;

    [[nodiscard]] virtual result<std::optional<scim_group_record>> find_group(std::string_view connection_id,
                                                                              std::string_view team_id) = 0;

    /// Exact externalId lookup within a connection (index).
    [[nodiscard]] virtual result<std::vector<scim_group_record>> find_groups_by_external_id(
        std::string_view connection_id, std::string_view external_id) = 0;

    /// Up to `limit` groups after skipping `offset`, ordered by created_at then team id.
    [[nodiscard]] virtual result<std::vector<scim_group_record>> list_groups(std::string_view connection_id,
                                                                             std::size_t offset,
                                                                             std::size_t limit) = 0;

    [[nodiscard]] virtual result<std::size_t> count_groups(std::string_view connection_id) = 0;

    /// Sets externalId and updated_at and increments the version. False when there is no such row.
    [[nodiscard]] virtual result<bool> update_group(scim_group_record const& group) = 0;

    /// Increments the version and sets updated_at (a membership change). False when no row.
    [[nodiscard]] virtual result<bool> touch_group(std::string_view connection_id, std::string_view team_id,
                                                   time_point now) = 0;
};

} // namespace ssogate::store
