#pragma once
// Users, their identities at the IdPs, and the provenance-tracked values they hold:
// profile attributes and role grants (team memberships are in team.hpp).
//
// A user has an internal id and is found by an identity (connection, subject), never
// by email alone (DESIGN.md). One user may hold identities on several connections
// (an explicit link). The email is the attribute named "email", unique across the
// store case-insensitively (ASCII case folding).
#include <ssogate/store/types.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssogate::store {

/// The attribute name whose value is the user's email (unique, case-insensitive).
inline constexpr std::string_view email_attribute = "email";

/// What a caller supplies to create a user.
struct new_user {
    std::string id;          ///< Internal id chosen by the caller (e.g. a random UUID).
    std::string created_by;  ///< Owner that created it: jit:<c>, scim:<c> or admin.
    bool active = true;
    time_point created_at{};
};

/// One user row, with its email for convenience.
struct user_record {
    std::string id;
    std::string created_by;
    bool active = true;
    std::optional<std::string> email;
    time_point created_at{};
    time_point updated_at{};  ///< Last change to the user, its attributes, roles or teams.

    friend bool operator==(user_record const&, user_record const&) = default;
};

/// The IdP's immutable subject for a user on one connection.
struct identity_record {
    std::string connection_id;
    std::string subject;       ///< NameID or the configured persistent attribute.
    std::string user_id;
    time_point created_at{};
    std::optional<time_point> last_login_at;
    std::string last_assertion_json; ///< Attributes of the last assertion seen (JSON), or empty.

    friend bool operator==(identity_record const&, identity_record const&) = default;
};

/// A profile attribute value with its provenance.
struct attribute_record {
    std::string name;
    std::string value;
    std::string owner;                  ///< jit:<c>, scim:<c> or admin (owner.hpp).
    time_point set_at{};
    std::optional<std::string> event_id; ///< Audit event that recorded the change, if any.

    friend bool operator==(attribute_record const&, attribute_record const&) = default;
};

/// A role granted to a user, with its provenance.
struct role_grant {
    std::string role;
    std::string owner;
    time_point set_at{};
    std::optional<std::string> event_id;

    friend bool operator==(role_grant const&, role_grant const&) = default;
};

/// User rows inside one transaction. Not thread-safe: owned by its transaction.
/// A failed call leaves the transaction as it was before the call.
class user_repository {
public:
    virtual ~user_repository() = default;

    /// errc::already_exists when the id is taken; errc::invalid_argument for a malformed owner.
    [[nodiscard]] virtual result<void> create(new_user const& user) = 0;

    [[nodiscard]] virtual result<std::optional<user_record>> find(std::string_view id) = 0;

    /// The user holding this identity.
    [[nodiscard]] virtual result<std::optional<user_record>> find_by_identity(
        std::string_view connection_id, std::string_view subject) = 0;

    /// Case-insensitive (ASCII) email lookup.
    [[nodiscard]] virtual result<std::optional<user_record>> find_by_email(std::string_view email) = 0;

    /// Users whose attribute `name` equals `value` case-insensitively (SCIM userName,
    /// externalId), ordered by id.
    [[nodiscard]] virtual result<std::vector<user_record>> find_by_attribute(
        std::string_view name, std::string_view value) = 0;

    /// Up to `limit` users with id greater than `after_id`, ordered by id (a cursor).
    [[nodiscard]] virtual result<std::vector<user_record>> list(std::string_view after_id, std::size_t limit) = 0;

    /// Activates or deactivates (SCIM soft delete). False when there is no such user.
    [[nodiscard]] virtual result<bool> set_active(std::string_view id, bool active, time_point now) = 0;

    /// Deletes a user and everything it owns (identities, attributes, roles, memberships,
    /// sessions). False when there is no such user.
    [[nodiscard]] virtual result<bool> remove(std::string_view id) = 0;

    /// Links an identity to a user. errc::identity_taken when the (connection, subject)
    /// is already linked; errc::missing_reference for an unknown user or connection.
    [[nodiscard]] virtual result<void> add_identity(identity_record const& identity) = 0;

    [[nodiscard]] virtual result<std::vector<identity_record>> identities(std::string_view user_id) = 0;

    /// Records a sign-in through an identity. False when the identity is unknown.
    [[nodiscard]] virtual result<bool> record_login(std::string_view connection_id, std::string_view subject,
                                                    std::string_view assertion_json, time_point now) = 0;

    /// Profile attributes ordered by name.
    [[nodiscard]] virtual result<std::vector<attribute_record>> attributes(std::string_view user_id) = 0;

    /// Inserts or replaces one attribute (value, owner, set_at, event_id) and bumps
    /// the user's updated_at to set_at. errc::email_taken when the value of "email"
    /// belongs to another user; errc::missing_reference for an unknown user;
    /// errc::invalid_argument for a malformed owner. Who may write is the caller's
    /// policy (jit/), not the store's.
    [[nodiscard]] virtual result<void> set_attribute(std::string_view user_id, attribute_record const& attribute) = 0;

    /// False when the user had no such attribute.
    [[nodiscard]] virtual result<bool> remove_attribute(std::string_view user_id, std::string_view name,
                                                        time_point now) = 0;

    /// Role grants ordered by role.
    [[nodiscard]] virtual result<std::vector<role_grant>> roles(std::string_view user_id) = 0;

    /// Inserts or replaces a grant (owner and set_at of an existing grant change).
    [[nodiscard]] virtual result<void> grant_role(std::string_view user_id, role_grant const& grant) = 0;

    /// False when the user did not have the role.
    [[nodiscard]] virtual result<bool> revoke_role(std::string_view user_id, std::string_view role,
                                                   time_point now) = 0;
};

} // namespace ssogate::store
