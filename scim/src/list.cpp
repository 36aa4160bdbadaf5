#include <ssogate/scim/list.hpp>

#include <ssogate/scim/schema.hpp>

#include <boost/json/array.hpp>

#include <charconv>
#include <limits>
#include <string>

namespace ssogate::scim {
namespace {

/// An integer parameter, saturated at the bounds of long long.
result<long long> integer_parameter(std::string_view text, std::string_view name)
{
    auto const bad = [&] {
        return make_error(errc::invalid_value, "\"" + std::string(name) + "\" must be an integer");
    };
    if (text.empty())
        return bad();
    std::string_view digits = text;
    if (digits.front() == '+')
        digits.remove_prefix(1);
    long long v = 0;
    auto const [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (end != digits.data() + digits.size() || digits.empty())
        return bad();
    if (ec == std::errc::result_out_of_range)
        return digits.front() == '-' ? std::numeric_limits<long long>::min() : std::numeric_limits<long long>::max();
    if (ec != std::errc{})
        return bad();
    return v;
}

} // namespace

result<page_request> parse_page_request(std::optional<std::string_view> start_index,
                                        std::optional<std::string_view> count, std::size_t max_results)
{
    page_request page;
    page.count = max_results;
    if (start_index) {
        auto v = integer_parameter(*start_index, "startIndex");
        if (!v)
            return v.error();
        page.start_index = *v < 1 ? 1 : static_cast<std::size_t>(*v);
    }
    if (count) {
        auto v = integer_parameter(*count, "count");
        if (!v)
            return v.error();
        auto const c = *v < 0 ? std::size_t{0} : static_cast<std::size_t>(*v);
        page.count = c > max_results ? max_results : c;
    }
    return page;
}

std::pair<std::size_t, std::size_t> page_bounds(page_request const& page, std::size_t total) noexcept
{
    auto const begin = page.start_index - 1 < total ? page.start_index - 1 : total;
    auto const end = total - begin < page.count ? total : begin + page.count;
    return {begin, end};
}

boost::json::object render_list_response(std::vector<boost::json::value> resources, std::size_t total_results,
                                         std::size_t start_index)
{
    boost::json::object o;
    o["schemas"] = boost::json::array{list_response_urn};
    o["totalResults"] = total_results;
    o["itemsPerPage"] = resources.size();
    o["startIndex"] = start_index;
    boost::json::array arr;
    arr.reserve(resources.size());
    for (auto& r : resources)
        arr.push_back(std::move(r));
    o["Resources"] = std::move(arr);
    return o;
}

} // namespace ssogate::scim
