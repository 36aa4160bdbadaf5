#pragma once
// Users as an administrator sees them (issue 6 "Users (admin)", issue 7 "Troubleshooting
// tools"): every profile value, role grant and team membership with its owner, when it
// was set and by which audit event; the user's SSO identities; and `explain`, the answer
// to "why does this user have this role?" — the provenance, the conflicts recorded for
// the user, the last assertion seen, and what JIT would do at the next sign-in through
// each of the user's connections (the pure planner run on the stored state, nothing
// written).
//
// One implementation, three faces (DESIGN.md "Admin console"): `GET /admin/v1/users…`,
// `ssogate user list|show|explain` and the admin console all render these values
// through the JSON functions below.
//
// Thread-safety: free functions over the caller's transaction (one thread at a time).
#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/app_context.hpp>
#include <ssogate/gateway/config.hpp>
#include <ssogate/gateway/http.hpp>
#include <ssogate/gateway/router.hpp>
#include <ssogate/jit/plan.hpp>
#include <ssogate/jit/policy.hpp>
#include <ssogate/store/transaction.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ssogate::gateway {

/// The audit event that recorded a value (or a conflict).
struct event_ref {
    std::int64_t seq = 0;
    std::string id;
    std::string action;
    std::chrono::system_clock::time_point time{};
    std::string trace_id;
};

/// One provenance-tracked value: a profile field (`name` = field, `value`), a role
/// grant (`name` = role) or a team membership (`name` = team name, `value` = team id).
struct owned_value {
    std::string name;
    std::string value;
    std::string owner;                           ///< jit:<c>, scim:<c> or admin
    std::chrono::system_clock::time_point set_at{};
    /// The event that set it: the row's event_id when recorded, else the change event
    /// (jit.user.*, scim.*, admin …) for this user at exactly `set_at`; nullopt when the
    /// log holds none (e.g. rows written before the audit log existed).
    std::optional<event_ref> set_by;
};

/// A user with every provenance-tracked value and its identities.
struct user_details {
    store::user_record user;
    std::vector<owned_value> profile;   ///< attributes ordered by name
    std::vector<owned_value> roles;     ///< ordered by role
    std::vector<owned_value> teams;     ///< ordered by team name
    std::vector<store::identity_record> identities;
};

/// The user with this id, else the user with this email (case-insensitive); nullopt
/// when neither exists.
[[nodiscard]] store::result<std::optional<store::user_record>> find_user(store::transaction& tx,
                                                                         std::string_view email_or_id);

/// Reads a user's values, identities and (when `with_events`) the events that set each
/// value. Finding those events reads the audit log from the start (there is no index by
/// target yet), so list pages pass false.
[[nodiscard]] store::result<user_details> read_user_details(store::transaction& tx, store::user_record const& user,
                                                            bool with_events = true);

/// {"id","email","active","created_by","created_at","updated_at",
///  "profile":[{"field","value","owner","set_at","event"}],
///  "roles":[{"role","owner","set_at","event"}],
///  "teams":[{"team","team_id","owner","set_at","event"}],
///  "identities":[{"connection","subject","created_at","last_login_at"}]}
/// where "event" is null or {"seq","id","action","time","trace_id"}; times are
/// format_audit_time (RFC 3339, microseconds); absent times are null.
[[nodiscard]] boost::json::object user_details_to_json(user_details const& d);

// ---------------------------------------------------------------------------------
// explain

/// A `provision.conflict` event recorded for the user (target = user id).
struct recorded_conflict {
    event_ref event;
    std::string connection_id;
    /// The event's changes: {"kind","item","assertion_value","stored_value","stored_owner","detail"}.
    boost::json::value record;
};

/// The last assertion seen through one identity, as the ACS stored it:
/// {"name_id","name_id_format","assertion_id","issuer","attributes":{name:[values]}}.
struct seen_assertion {
    std::string connection_id;
    std::string subject;
    std::optional<std::chrono::system_clock::time_point> at;   ///< the identity's last login
    boost::json::value assertion;
};

/// What JIT will do at the first sign-in through a connection whose SCIM provisioned the
/// user (a scim_users row) while the user has no identity there yet: there is no
/// assertion to plan with, so this says how the identity will be linked and which values
/// JIT keeps and which it may write, from the provenance records and the JIT policy.
struct first_sign_in {
    /// "userName" | "externalId" (the connection's scim.match_on), or empty when the
    /// caller's scim_lookup does not know the connection.
    std::string match_on;
    /// The SCIM value the assertion must carry: with userName, the subject or the asserted
    /// email must equal it (case-insensitively); with externalId, the subject must.
    std::string match_value;
    /// Values JIT keeps as they are because another source owns them ("email" (scim:okta),
    /// "role editor" (scim:okta), "team Payments" (admin)); a different assertion value is
    /// recorded as provision.conflict.
    std::vector<std::string> kept;
    /// What JIT may write, each with why ("given_name: unowned, jit.update = each_login").
    std::vector<std::string> may_set;
};

/// What JIT would do if the user signed in again through one connection with the last
/// assertion seen there.
struct next_sign_in {
    std::string connection_id;
    /// planned: `plan` holds the planner's answer; no_assertion: no assertion was ever
    /// stored for this identity; connection_unknown: the connection is no longer
    /// configured; assertion_unreadable: the stored assertion is not the ACS's JSON;
    /// keys_refused: the assertion has no usable subject under today's policy.
    std::string status;
    std::string detail;
    std::optional<bool> jit_enabled;    ///< the runtime switch (store row), when known
    std::optional<jit::provisioning_plan> plan;
    /// status "first_sign_in": the user was provisioned by this connection's SCIM and has
    /// never signed in through it.
    std::optional<first_sign_in> first;
};

/// What JIT would do at the next sign-in through `identity` with its last stored
/// assertion (jit::plan on the state read in `tx`; nothing written). A store error only
/// when reading fails; the other outcomes are statuses of next_sign_in.
[[nodiscard]] store::result<next_sign_in> plan_next_sign_in(store::transaction& tx,
                                                            store::identity_record const& identity,
                                                            std::function<std::optional<jit::connection_policy>(
                                                                std::string_view)> const& policy_of,
                                                            std::chrono::system_clock::time_point now);

/// The answer to "why does this user have this value?".
struct user_explanation {
    user_details details;
    std::vector<recorded_conflict> conflicts;             ///< in seq order
    std::vector<seen_assertion> assertions;               ///< one per identity that has one
    std::optional<seen_assertion> last_assertion;         ///< the most recent of `assertions`
    std::vector<store::link_approval> link_approvals;     ///< pending requests to link to this user
    std::vector<next_sign_in> next_sign_ins;              ///< one per identity, in identity order
};

/// A connection's JIT policy by id, nullopt when the connection is unknown. The caller
/// decides where connections come from (the registry in the server, the config and the
/// store's rows in the CLI); explain sets `jit_enabled` from the store row itself.
using policy_lookup = std::function<std::optional<jit::connection_policy>(std::string_view connection_id)>;

/// A connection's [connection.scim] settings by id (for scim.match_on), nullopt when unknown.
using scim_lookup = std::function<std::optional<scim_settings>(std::string_view connection_id)>;

/// Explains `user`: reads its details, the conflicts and link requests recorded for it,
/// the last assertions seen, and runs jit::plan (pure) for each identity on the state
/// read in `tx` and `now`. Writes nothing; a read transaction is enough.
[[nodiscard]] store::result<user_explanation> explain_user(store::transaction& tx, store::user_record const& user,
                                                           policy_lookup const& policy_of,
                                                           std::chrono::system_clock::time_point now);
/// The same, with each connection's SCIM settings: a SCIM-provisioned user who never
/// signed in through a connection gets a next_sign_in with status "first_sign_in" for it
/// (`first`: match_on and the value to match, what JIT keeps and what it may set). The
/// overload above passes a lookup that knows no connection (match_on left empty).
[[nodiscard]] store::result<user_explanation> explain_user(store::transaction& tx, store::user_record const& user,
                                                           policy_lookup const& policy_of, scim_lookup const& scim_of,
                                                           std::chrono::system_clock::time_point now);

/// user_details_to_json plus
///  "conflicts":[{"event":{…},"connection", "kind","item","assertion_value","stored_value","stored_owner","detail"}],
///  "assertions":[{"connection","subject","at","assertion":{…}}], "last_assertion": {…}|null,
///  "link_approvals":[{"id","connection","subject","email","requested_at"}],
///  "next_sign_in":[{"connection","status","detail","jit_enabled","plan":{jit plan JSON}|null,
///                   "first_sign_in":{"match_on","match_value","kept":[…],"may_set":[…]}|null}]
[[nodiscard]] boost::json::object user_explanation_to_json(user_explanation const& e);

// ---------------------------------------------------------------------------------
// Link approvals (issue 5, `link = "admin_approval"`)

/// The outcome of decide_link.
struct link_decision {
    /// The request as it was before the decision; nullopt when there is no pending
    /// request with that id (nothing was written).
    std::optional<store::link_approval> approval;
};

/// Approves or denies a pending link request, in one transaction with its audit event
/// (`actor`: cli with the local user name, or admin with the token id; target the existing user, connection the request's):
/// approving binds (connection, subject) to the existing user at once, so the person's
/// next sign-in finds the user by its subject and goes through, and appends
/// `user.link.approved`; denying appends `user.link.denied` and links nothing (a later
/// sign-in queues a new request). store::errc::identity_taken when the identity was
/// bound meanwhile (nothing written).
[[nodiscard]] store::result<link_decision> decide_link(store::store& db, std::string const& approval_id, bool approve,
                                                       admin_actor const& actor, random_fn const& random,
                                                       std::chrono::system_clock::time_point now);

// ---------------------------------------------------------------------------------
// Admin API (gateway/src/routes/admin_users.cpp; add_admin_user_routes in routes.hpp)

class connection_registry;

/// The policies of the registry's connections (the server's policy_lookup). The
/// registry must outlive the returned function.
[[nodiscard]] policy_lookup registry_policies(connection_registry const& connections);

/// The [connection.scim] settings of the registry's connections (file- and store-owned),
/// for explain_user's first-sign-in entries. The registry must outlive the function.
[[nodiscard]] scim_lookup registry_scim_settings(connection_registry const& connections);

inline constexpr std::size_t user_page_default_limit = 100;
inline constexpr std::size_t user_page_max_limit = 1000;

/// The parsed query of GET /admin/v1/users.
struct user_list_query {
    std::optional<std::string> email;   ///< exact user by email (case-insensitive)
    std::string after;                  ///< cursor: users with a greater id
    std::size_t limit = user_page_default_limit;
};

/// Parses email, after, limit (1..1000); unknown or repeated parameters, and email
/// together with after/limit, are refused with the 400 response naming the parameter.
[[nodiscard]] std::variant<user_list_query, http_response> parse_user_list_query(std::string_view query);

/// GET /admin/v1/users[?email=E | ?after=ID&limit=N] → {"users":[user_details_to_json
/// without events…], "next_after": ID|null} (ordered by id; next_after is the last id of
/// a full page, null on the last page).
[[nodiscard]] http_response handle_admin_users(app_context const& ctx, http_request const& req,
                                               route_params const& params);
/// GET /admin/v1/users/{id} (id or email) → user_details_to_json; 404 unknown user.
[[nodiscard]] http_response handle_admin_user(app_context const& ctx, http_request const& req,
                                              route_params const& params);
/// GET /admin/v1/users/{id}/explain → user_explanation_to_json; 404 unknown user.
[[nodiscard]] http_response handle_admin_user_explain(app_context const& ctx, http_request const& req,
                                                      route_params const& params);

} // namespace ssogate::gateway
