#pragma once
// What the browser and API routes answer while the store cannot be reached (issue 10:
// a node that loses its database): 503 with Retry-After, a trace ID that the log line
// carries too, never the store's detail (STYLE.md rule 7). Nothing is audited that
// cannot be written: the caller logs instead.
#include <ssogate/gateway/app_context.hpp>
#include <ssogate/gateway/http.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace ssogate::gateway::sso_detail {

/// Seconds a client is asked to wait (Retry-After) before trying again.
inline constexpr int store_retry_after_seconds = 5;

/// The HTML page of a sign-in route that could not use the store: 503, Retry-After,
/// X-Ssogate-Trace-Id, a sentence saying sign-in is temporarily unavailable and to try
/// again, and the trace ID as the reference for an administrator.
[[nodiscard]] http_response store_unavailable_page(std::string_view title, std::string const& trace_id);

/// The JSON answer of an API route that could not use the store: 503, Retry-After,
/// X-Ssogate-Trace-Id, `{"error":"store unavailable","trace_id":"…"}`.
[[nodiscard]] http_response store_unavailable_json(std::string const& trace_id);

/// Logs `what` with `detail` (warn) under a fresh trace ID and returns that ID.
[[nodiscard]] std::string log_store_outage(app_context const& ctx, std::string_view what, std::string const& detail);

/// The store-unavailable page when a read transaction cannot be begun right now, else
/// nullopt (a route that found nothing tells "unknown" from "cannot look").
[[nodiscard]] std::optional<http_response> store_outage_page_if_down(app_context const& ctx, std::string_view title);

} // namespace ssogate::gateway::sso_detail
