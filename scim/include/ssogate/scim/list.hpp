#pragma once
// scim list responses — pagination parameters (RFC 7644 §3.4.2.4) and the ListResponse
// message (§3.4.2). Pure functions over value types.
#include <ssogate/scim/errc.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace ssogate::scim {

/// A page: 1-based start index and the most resources to return.
struct page_request {
    std::size_t start_index = 1;
    std::size_t count = 0;

    friend bool operator==(page_request const&, page_request const&) = default;
};

/// Read the `startIndex` and `count` query parameters (absent → std::nullopt).
/// As RFC 7644 §3.4.2.4 says: startIndex < 1 is 1; a negative count is 0 (totalResults
/// only); count above `max_results`, or absent, is `max_results`. Text that is not an
/// integer fails with invalidValue naming the parameter.
[[nodiscard]] result<page_request> parse_page_request(std::optional<std::string_view> start_index,
                                                      std::optional<std::string_view> count,
                                                      std::size_t max_results);

/// The [begin, end) offsets of the page within `total` resources in a stable order.
std::pair<std::size_t, std::size_t> page_bounds(page_request const& page, std::size_t total) noexcept;

/// The ListResponse message: schemas, totalResults, itemsPerPage (= resources.size()),
/// startIndex, Resources (always present, possibly empty).
/// @par Specification RFC 7644 §3.4.2
[[nodiscard]] boost::json::object render_list_response(std::vector<boost::json::value> resources,
                                                       std::size_t total_results, std::size_t start_index);

} // namespace ssogate::scim
