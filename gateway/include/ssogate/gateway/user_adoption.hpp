#pragma once
// Adoption of an existing user into a connection's SCIM (DESIGN.md "SCIM can adopt an
// existing JIT/admin user … a dry run shows what will change"): one implementation,
// three faces — `ssogate user adopt EMAIL --connection C [--dry-run]` (the CLI),
// `POST /admin/v1/users/{id}/adopt` (the admin API) and the "Adopt into SCIM" action on
// the console's user page.
//
// The user keeps its id, identities, sessions and memberships. Every attribute, role
// grant and team membership owned by `jit:<C>` or `admin` moves to `scim:<C>` (values
// owned by another connection stay where they are; provisioning/adopt.hpp
// plan_admin_adoption), and the user enters C's SCIM view with its email as userName.
// The plan (what changes owner) is computed first; a dry run returns it and writes
// nothing; otherwise the plan, the SCIM row and the `scim.user.adopted` audit event are
// written in one transaction (actor: the CLI's OS user, the admin token, or the console
// admin).
//
// Thread-safety: adopt_user may run concurrently (the store serializes writers).
#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/app_context.hpp>
#include <ssogate/gateway/connections.hpp>
#include <ssogate/gateway/http.hpp>
#include <ssogate/gateway/router.hpp>
#include <ssogate/store/store.hpp>

#include <boost/json/object.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ssogate::gateway {

/// Why an adoption was refused.
enum class adoption_errc {
    /// A request that names no user or no connection (HTTP 400, CLI exit 2).
    invalid = 1,
    /// No user has this id or email (HTTP 404, CLI exit 1).
    unknown_user,
    /// No connection has this id (HTTP 400 with field "connection", CLI exit 2).
    unknown_connection,
    /// The user has no email, which SCIM needs as its userName (HTTP 409, CLI exit 1).
    no_email,
    /// Another user already has this userName in the connection's SCIM view (HTTP 409, CLI exit 1).
    user_name_taken,
    /// The store failed (HTTP 503, CLI exit 1).
    store_failed,
};

/// The HTTP status of a refusal, as the admin API and the console answer it
/// (400, 404, 409 or 503, as each code's comment says).
[[nodiscard]] int http_status_of(adoption_errc code) noexcept;

/// A refusal: the code, one human sentence, and the JSON field when there is one.
struct adoption_error {
    adoption_errc code{};
    std::string message;
    std::string field;
};

/// One value whose owner (and possibly value) changes.
struct adoption_change {
    std::string kind;          ///< "attribute" | "role" | "membership"
    std::string name;          ///< attribute name, role, or team name
    std::string team_id;       ///< memberships only
    std::string value_before;
    std::string value_after;
    std::string owner_before;  ///< "" when the row did not exist
    std::string owner_after;   ///< "" when the row is removed
    /// One line for people: `attribute email "bob@example.com": jit:okta -> scim:okta`.
    std::string description;
};

/// What an adoption changes (dry run) or changed.
struct adoption_plan {
    std::string user_id;
    std::string email;
    std::string created_by;        ///< the user's creator (jit:<c>, admin, …)
    std::string connection_id;
    std::string scim_user_name;    ///< the userName the user gets in the connection's SCIM view
    bool scim_enabled = false;     ///< whether the connection's SCIM server is on (a note, not a refusal)
    bool dry_run = true;
    /// The user already is in the connection's SCIM view: nothing to do, nothing written.
    bool already_adopted = false;
    /// Written (not a dry run, not already adopted).
    bool applied = false;
    std::vector<adoption_change> changes;
    /// The `scim.user.adopted` event when applied, else empty.
    std::string event_id;
};

/// Whether a connection exists and has SCIM on: nullopt when no connection has this id.
using scim_switch_lookup = std::function<std::optional<bool>(std::string_view connection_id)>;

/// The lookup of the running server: connections the registry finds (the file's, then
/// the store's).
[[nodiscard]] scim_switch_lookup registry_scim_switch(connection_registry const& registry);

/// What adopt_user needs besides its arguments.
struct adoption_context {
    store::store& db;
    scim_switch_lookup connection_scim;
    admin_actor actor;
    random_fn random;
    std::chrono::system_clock::time_point now;
};

/// A plan or a refusal.
using adoption_outcome = std::variant<adoption_plan, adoption_error>;

/// Adopts the user named by `user` (an id, or an email) into `connection_id`'s SCIM:
/// computes the plan in one transaction and, unless `dry_run` or already adopted,
/// applies it there with the SCIM row and the `scim.user.adopted` event
/// (changes: before/after {created_by, scim} and `owners`, the changes as JSON), then
/// wakes audit tailers. The connection's store row must exist to apply (the server's
/// rows do; the CLI syncs the file's first).
[[nodiscard]] adoption_outcome adopt_user(adoption_context const& ctx, std::string_view user,
                                          std::string_view connection_id, bool dry_run);

/// {"user_id","email","created_by","connection","scim_user_name","scim_enabled","dry_run",
///  "already_adopted","applied","event_id"|null,
///  "changes":[{"kind","name","team_id"?,"value_before","value_after","owner_before","owner_after"}]}
/// — the body of POST /admin/v1/users/{id}/adopt and `ssogate user adopt --json`.
[[nodiscard]] boost::json::object adoption_plan_to_json(adoption_plan const& plan);

/// POST /admin/v1/users/{id}/adopt (Bearer admin token; {id} is an id or an email), body
/// `{"connection": "okta", "dry_run": true}` (dry_run defaults to false, as the CLI's
/// --dry-run): 200 with adoption_plan_to_json; 400 for a bad body or an unknown
/// connection (`field` names the key), 401, 404 unknown user, 409 no email or the
/// userName is taken in the connection's SCIM view, 503 store.
[[nodiscard]] http_response handle_admin_user_adopt(app_context const& ctx, http_request const& req,
                                                    route_params const& params);

/// Binds POST /admin/v1/users/{id}/adopt (gateway/src/routes/admin_user_adopt.cpp).
void add_admin_adoption_routes(router& r);

} // namespace ssogate::gateway
