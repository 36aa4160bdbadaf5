// GET /healthz and GET /readyz: for load balancers and orchestrators.
#include <ssogate/gateway/logger.hpp>
#include <ssogate/gateway/routes.hpp>
#include <ssogate/store/store.hpp>

namespace ssogate::gateway {

void add_health_routes(router& r)
{
    r.add(http_method::get, "/healthz", handle_healthz);
    r.add(http_method::get, "/readyz", handle_readyz);
}

http_response handle_healthz(app_context const&, http_request const&, route_params const&)
{
    return http_response::text(200, "ok\n");
}

http_response handle_readyz(app_context const& ctx, http_request const&, route_params const&)
{
    // A read transaction plus one indexed query: proves the database is reachable,
    // readable and has a free connection, and writes nothing.
    auto tx = ctx.store.begin(store::access::read);
    if (!tx) {
        ctx.log.warn("readyz: store unavailable", {{"error", tx.error().message()}});
        return http_response::text(503, "store unavailable\n");
    }
    auto seq = (*tx)->audit().last_seq();
    if (!seq) {
        ctx.log.warn("readyz: store query failed",
                     {{"error", seq.error().message()}, {"detail", (*tx)->last_error_detail()}});
        return http_response::text(503, "store unavailable\n");
    }
    return http_response::text(200, "ready\n");
}

} // namespace ssogate::gateway
