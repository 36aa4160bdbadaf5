// GET /metrics: Prometheus text exposition (metrics.hpp) for loopback peers and admin
// tokens.
//
// Who may scrape: the series name connection ids and show sign-in volume and denial
// reasons, which an outsider has no business reading. A peer on the loopback interface
// (127.0.0.0/8, ::1, ::ffff:127.0.0.0/104) is the operator's own machine (a node
// exporter sidecar, curl on the host); anyone else must present an admin token
// (`Authorization: Bearer sgadm_…`, the same check as /admin/v1/, with its rate-limited
// admin.auth.failed audit). No configuration switch: a Prometheus server elsewhere uses
// `authorization: {credentials_file: …}`. A reverse proxy on the same host makes every
// request a loopback one: such a proxy must not forward /metrics (README says so).
#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/logger.hpp>
#include <ssogate/gateway/metrics.hpp>
#include <ssogate/gateway/routes.hpp>
#include <ssogate/store/store.hpp>

#include <arpa/inet.h>

#include <algorithm>
#include <optional>
#include <string>
#include <variant>

namespace ssogate::gateway {

bool is_loopback_peer(std::string_view address) noexcept
{
    std::string a(address);
    unsigned char v4[4];
    if (::inet_pton(AF_INET, a.c_str(), v4) == 1)
        return v4[0] == 127;
    unsigned char v6[16];
    if (::inet_pton(AF_INET6, a.c_str(), v6) != 1)
        return false; // empty (no socket) or not an address: fail closed
    static constexpr unsigned char loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static constexpr unsigned char mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(v6, v6 + 16, loopback))
        return true;
    return std::equal(v6, v6 + 12, mapped_prefix) && v6[12] == 127;
}

http_response handle_metrics(app_context const& ctx, http_request const& req, route_params const&)
{
    if (!is_loopback_peer(req.remote_address)) {
        auto auth = authenticate_admin(ctx, req);
        if (auto* refused = std::get_if<http_response>(&auth))
            return std::move(*refused);
    }

    // Active sessions are counted by the store at scrape time rather than kept as a
    // gauge: sessions end by the passage of time (idle and absolute timeouts) with no
    // event to decrement on, and with a shared store every node sees every node's
    // sessions. One indexed count per scrape, in a read transaction (no writer waits).
    std::optional<std::size_t> active;
    if (auto tx = ctx.store.begin(store::access::read)) {
        if (auto n = (*tx)->sessions().count_live(ctx.clock(), ctx.cfg.session.idle_timeout))
            active = *n;
        else
            ctx.log.warn("metrics: cannot count sessions", {{"error", n.error().message()}});
    } else {
        ctx.log.warn("metrics: store unavailable", {{"error", tx.error().message()}});
    }

    auto res = http_response::text(200, ctx.metrics->exposition(active));
    res.headers.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    return res;
}

void add_metrics_routes(router& r)
{
    r.add(http_method::get, "/metrics", handle_metrics);
}

} // namespace ssogate::gateway
