#pragma once
// What SCIM writes into the provenance-tracked rows, and adoption (issue 7, "Precedence
// and adoption"): one computation used by the SCIM server (create, replace, patch, and
// POST of an existing user with `scim.adopt_existing = true`) and by
// `ssogate user adopt EMAIL --connection C [--dry-run]`.
//
// A change is planned first (a list of owner_change, which is what a dry run prints and
// what the audit event records) and then applied in the caller's write transaction.
// Thread-safety: free functions on the caller's transaction.
#include <ssogate/store/transaction.hpp>

#include <boost/json/array.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssogate::gateway::provisioning {

/// The provenance-tracked values a SCIM User carries (what JIT also writes):
/// email (primary email, else an email-shaped userName), given_name (name.givenName),
/// family_name (name.familyName), display_name (displayName, else name.formatted),
/// role (core `roles`: the value marked primary, else the first). Absent = not sent.
struct scim_values {
    std::optional<std::string> email;
    std::optional<std::string> given_name;
    std::optional<std::string> family_name;
    std::optional<std::string> display_name;
    std::optional<std::string> role;
};

/// One row whose value and/or owner changes. An empty owner_after removes the row.
struct owner_change {
    std::string kind;          ///< "attribute" | "role" | "membership"
    std::string name;          ///< attribute name, role, or team name
    std::string team_id;       ///< memberships only
    std::string value_before;  ///< attributes: the stored value; roles/memberships: the name, or "" when absent
    std::string value_after;
    std::string owner_before;  ///< "" when the row does not exist
    std::string owner_after;   ///< "" when the row is removed

    friend bool operator==(owner_change const&, owner_change const&) = default;
};

/// The writes that make the user's values equal to `sent`, owned by `owner`
/// (`scim:<c>`): a sent value is written (value and/or owner change) unless it is
/// already there with that owner; the sent role is granted and every other role owned
/// by `owner` or by a JIT owner is revoked (admin grants stay). With `remove_unsent`
/// (PUT/PATCH of a SCIM user), attributes and roles owned by `owner` that were not sent
/// are removed. Nothing is written here.
[[nodiscard]] store::result<std::vector<owner_change>> plan_scim_writes(store::transaction& tx,
                                                                        std::string const& user_id,
                                                                        std::string const& owner,
                                                                        scim_values const& sent, bool remove_unsent);

/// What `ssogate user adopt` moves to `scim:<connection>`: every attribute, role grant
/// and team membership owned by `jit:<connection>` or `admin` (values owned by another
/// connection stay where they are). Nothing is written here.
[[nodiscard]] store::result<std::vector<owner_change>> plan_admin_adoption(store::transaction& tx,
                                                                           std::string const& user_id,
                                                                           std::string const& connection_id);

/// Applies planned changes at `now`. Errors as the store reports them (email_taken...).
[[nodiscard]] store::result<void> apply_owner_changes(store::transaction& tx, std::string const& user_id,
                                                      std::vector<owner_change> const& changes,
                                                      store::time_point now);

/// The changes as JSON (the audit event's `changes.owners` and `user adopt --json`).
[[nodiscard]] boost::json::array to_json(std::vector<owner_change> const& changes);

/// One line per change for people: `attribute given_name "Alice": jit:okta -> scim:okta`.
[[nodiscard]] std::string describe(owner_change const& c);

/// How a SCIM client or an admin finds out how to adopt `email` on `connection_id`:
/// the config key and the CLI command (the 409 `detail` of a SCIM POST).
[[nodiscard]] std::string adoption_hint(std::string_view email, std::string_view connection_id,
                                        std::string_view created_by);

} // namespace ssogate::gateway::provisioning
