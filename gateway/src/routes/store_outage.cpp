#include "routes/store_outage.hpp"

#include <ssogate/gateway/logger.hpp>
#include <ssogate/store/store.hpp>

#include "routes/sso_support.hpp"

#include <boost/json.hpp>

namespace ssogate::gateway::sso_detail {

http_response store_unavailable_page(std::string_view title, std::string const& trace_id)
{
    auto res = html_page(503, title,
                         "<p role=\"alert\">Sign-in is temporarily unavailable: ssogate cannot reach its "
                         "database. Please try again in a minute.</p>\n"
                         "<p>If this goes on, give your administrator this reference: <span class=\"trace\">"
                             + escape_markup(trace_id) + "</span></p>\n<p><a href=\"/\">Back to sign-in</a></p>");
    res.headers.set("Retry-After", std::to_string(store_retry_after_seconds));
    res.headers.set("X-Ssogate-Trace-Id", trace_id);
    return res;
}

http_response store_unavailable_json(std::string const& trace_id)
{
    http_response res;
    res.status = 503;
    res.headers.set("Content-Type", "application/json");
    res.headers.set("Retry-After", std::to_string(store_retry_after_seconds));
    res.headers.set("X-Ssogate-Trace-Id", trace_id);
    res.body = boost::json::serialize(boost::json::object{{"error", "store unavailable"}, {"trace_id", trace_id}});
    return res;
}

std::string log_store_outage(app_context const& ctx, std::string_view what, std::string const& detail)
{
    auto trace_id = random_hex(ctx, 16);
    ctx.log.warn("store unavailable", {{"what", what}, {"error", detail}, {"trace_id", trace_id}});
    return trace_id;
}

std::optional<http_response> store_outage_page_if_down(app_context const& ctx, std::string_view title)
{
    auto began = ctx.store.begin(store::access::read);
    if (began)
        return std::nullopt;
    return store_unavailable_page(title, log_store_outage(ctx, title, began.error().message()));
}

} // namespace ssogate::gateway::sso_detail
