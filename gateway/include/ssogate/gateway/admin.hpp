#pragma once
// The admin API (`/admin/v1/...`, issue 6): bearer-token authentication, admin tokens,
// and the audit tail (page and Server-Sent Events). Handlers are pure functions of
// (app_context, request) like every route (STYLE.md rule 1); the routes are bound in
// gateway/src/routes/admin_audit.cpp (add_admin_routes in routes.hpp).
//
// Authentication: `Authorization: Bearer <secret>`; the secret is looked up by its
// SHA-256 (store::token_repository::find_active), so no secret byte is ever compared
// with a branch on it. Anything else is 401 with no detail. A missing header is only
// logged (scanners would otherwise fill the audit log); a presented but unknown or
// revoked token is an `admin.auth.failed` audit event, at most one per source IP per
// minute (the rest are logged), so that guessing is visible without letting
// unauthenticated traffic flood the log.
#include <ssogate/gateway/app_context.hpp>
#include <ssogate/gateway/audit.hpp>
#include <ssogate/gateway/http.hpp>
#include <ssogate/gateway/router.hpp>
#include <ssogate/store/audit_log.hpp>
#include <ssogate/store/token.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>

namespace ssogate::gateway {

/// Who performs an admin action, as recorded in the audit event's actor.
struct admin_actor {
    std::string type;   ///< "admin" (API token) or "cli"
    std::string id;     ///< token id, or the local user name for the CLI
    std::string source_ip;
    std::string user_agent;
};

/// A token just created: the secret exists only here, never in the store.
struct created_admin_token {
    store::token_record record;
    std::string secret;   ///< "sgadm_" + base64url of 32 random bytes
};

/// Creates an admin token (256-bit secret from `random`, stored hashed) and appends
/// `admin.token.created` in the same transaction; notifies tailers after commit.
[[nodiscard]] store::result<created_admin_token> create_admin_token(store::store& db, std::string const& name,
                                                                  admin_actor const& actor, random_fn const& random,
                                                                  std::chrono::system_clock::time_point now);

/// Revokes an admin token and appends `admin.token.revoked` in the same transaction.
/// False (nothing written) when there is no such unrevoked admin token.
[[nodiscard]] store::result<bool> revoke_admin_token(store::store& db, std::string const& id,
                                                     admin_actor const& actor, random_fn const& random,
                                                     std::chrono::system_clock::time_point now);

/// The authenticated caller of an admin route, or the 401 response to send.
using admin_auth = std::variant<admin_actor, http_response>;
[[nodiscard]] admin_auth authenticate_admin(app_context const& ctx, http_request const& req);

/// A JSON error `{"error": message, "field": field}` (field omitted when empty).
[[nodiscard]] http_response admin_json_error(int status, std::string const& message, std::string const& field = {});

/// The parsed query of an audit tail request.
struct audit_query {
    std::int64_t after = 0;
    std::size_t limit = 100;
    store::audit_filter filter;
};
inline constexpr std::size_t audit_page_default_limit = 100;
inline constexpr std::size_t audit_page_max_limit = 1000;

/// Parses after (integer >= 0), limit (1..1000, default 100), action, connection from
/// a query string; unknown parameters are refused. On error, the 400 response naming
/// the parameter.
[[nodiscard]] std::variant<audit_query, http_response> parse_audit_query(std::string_view query);

/// GET /admin/v1/audit?after=SEQ&limit=N&action=A&connection=C →
/// {"events":[...], "next_after": SEQ}; next_after = the last event's seq, or `after`
/// unchanged for an empty page.
[[nodiscard]] http_response handle_admin_audit(app_context const& ctx, http_request const& req,
                                               route_params const& params);

/// GET /admin/v1/audit/stream[?after=SEQ&action=A&connection=C] with optional
/// `Last-Event-ID` (wins over ?after=): Server-Sent Events, see make_audit_stream.
[[nodiscard]] http_response handle_admin_audit_stream(app_context const& ctx, http_request const& req,
                                                      route_params const& params);

struct audit_stream_options {
    /// A comment line (": heartbeat") after this long without any output.
    std::chrono::milliseconds heartbeat{15'000};
    /// Re-read the store at least this often even without a notify() (events written
    /// by another process, e.g. the CLI).
    std::chrono::milliseconds poll{1'000};
    /// Events per chunk at most.
    std::size_t batch = 100;
};

/// An SSE body: first `retry: 2000`, then for each event after `after` that matches
/// `filter`, in seq order, `id: <seq>\ndata: <event JSON>\n\n`. It reads the store
/// only when the server pulls the next chunk, so there is no per-client queue: a
/// consumer that stops reading holds nothing but its cursor, and the server's write
/// timeout closes it; the client resumes with Last-Event-ID. A store error ends the
/// stream (the client resumes). `ctx` and `notifier` must outlive the stream.
[[nodiscard]] std::shared_ptr<body_stream> make_audit_stream(app_context const& ctx, audit_notifier& notifier,
                                                             std::int64_t after, store::audit_filter filter,
                                                             audit_stream_options options = {});

} // namespace ssogate::gateway
