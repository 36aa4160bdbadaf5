#pragma once
// The SCIM 2.0 server (issue 7): per connection under `/scim/v2/{connection}/`, bearer
// tokens from `ssogate scim token create CONNECTION`. Protocol logic (filters, PATCH,
// resources, errors) is the pure scim/ library; this is the HTTP and store glue.
//
// Every change is one store transaction together with its audit event
// (`scim.user.created|updated|deactivated|deleted|adopted`, `scim.group.created|updated|deleted`,
// actor {type "scim", id token id}, changes {before, after}). Values SCIM sets are owned
// by `scim:<connection>`. Handlers are pure functions of (app_context, request) like
// every route; the routes are bound by add_scim_routes (routes.hpp).
#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/app_context.hpp>
#include <ssogate/gateway/http.hpp>
#include <ssogate/gateway/router.hpp>
#include <ssogate/store/token.hpp>

#include <chrono>
#include <cstddef>
#include <string>

namespace ssogate::gateway {

/// The largest SCIM request body accepted (413 with the SCIM error schema beyond).
inline constexpr std::size_t scim_max_body_bytes = 256 * 1024;
/// filter.maxResults: the largest page; `count` above it is lowered to it.
inline constexpr std::size_t scim_max_results = 100;
/// Longest and deepest filter accepted (400 invalidFilter beyond).
inline constexpr std::size_t scim_max_filter_length = 2048;
inline constexpr std::size_t scim_max_filter_depth = 8;
/// A filter that no index answers is evaluated over at most this many resources of
/// the connection; beyond it the request is refused with 400 tooMany.
inline constexpr std::size_t scim_max_filter_scan = 10'000;

/// A SCIM token just created: the secret exists only here, never in the store.
struct created_scim_token {
    store::token_record record;
    std::string secret; ///< "sgscim_" + base64url of 32 random bytes
};

/// Creates a SCIM token for `connection_id` (256-bit secret, stored hashed) and appends
/// `scim.token.created` in the same transaction. errc::missing_reference when the
/// connection has no store row.
[[nodiscard]] store::result<created_scim_token> create_scim_token(store::store& db, std::string const& connection_id,
                                                                std::string const& name, admin_actor const& actor,
                                                                random_fn const& random,
                                                                std::chrono::system_clock::time_point now);

/// Revokes a SCIM token and appends `scim.token.revoked`. False (nothing written) when
/// there is no such unrevoked SCIM token.
[[nodiscard]] store::result<bool> revoke_scim_token(store::store& db, std::string const& id,
                                                    admin_actor const& actor, random_fn const& random,
                                                    std::chrono::system_clock::time_point now);

// The routes are bound by add_scim_routes (routes.hpp, gateway/src/routes/scim.cpp).

} // namespace ssogate::gateway
