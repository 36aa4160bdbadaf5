#include <ssogate/scim/list.hpp>

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

using namespace ssogate::scim;

TEST_CASE("parse_page_request defaults to the first page of max_results", "[scim][list]")
{
    auto p = parse_page_request(std::nullopt, std::nullopt, 100);
    REQUIRE(p.has_value());
    CHECK(*p == page_request{1, 100});
}

TEST_CASE("a startIndex below 1 is read as 1", "[scim][list]")
{
    CHECK(parse_page_request("0", "10", 100)->start_index == 1);
    CHECK(parse_page_request("-5", "10", 100)->start_index == 1);
    CHECK(parse_page_request("7", "10", 100)->start_index == 7);
}

TEST_CASE("a negative count is read as 0 and a count above maxResults as maxResults", "[scim][list]")
{
    CHECK(parse_page_request("1", "-1", 100)->count == 0);
    CHECK(parse_page_request("1", "0", 100)->count == 0);
    CHECK(parse_page_request("1", "1000", 100)->count == 100);
    CHECK(parse_page_request("1", "99999999999999999999999", 100)->count == 100);
    CHECK(parse_page_request("1", "-99999999999999999999999", 100)->count == 0);
}

TEST_CASE("pagination parameters that are not integers are invalidValue", "[scim][list][reject]")
{
    for (auto const* bad : {"", "ten", "1.5", "1e3", " 1", "0x10"}) {
        INFO(bad);
        auto p = parse_page_request(std::nullopt, bad, 100);
        REQUIRE_FALSE(p.has_value());
        CHECK(p.error().scim_type == "invalidValue");
        CHECK(p.error().detail.find("count") != std::string::npos);
    }
    CHECK(parse_page_request("abc", std::nullopt, 100).error().detail.find("startIndex") != std::string::npos);
}

TEST_CASE("page_bounds selects a 1-based window and clamps at the end", "[scim][list]")
{
    using bounds = std::pair<std::size_t, std::size_t>;
    CHECK(page_bounds({1, 10}, 25) == bounds{0, 10});
    CHECK(page_bounds({21, 10}, 25) == bounds{20, 25});
    CHECK(page_bounds({30, 10}, 25) == bounds{25, 25});
    CHECK(page_bounds({1, 0}, 25) == bounds{0, 0});
}

TEST_CASE("render_list_response writes the ListResponse message", "[scim][list]")
{
    std::vector<boost::json::value> items{boost::json::parse(R"({"id":"a"})"), boost::json::parse(R"({"id":"b"})")};
    auto const j = render_list_response(std::move(items), 5, 3);
    CHECK(j == boost::json::parse(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults":5,"itemsPerPage":2,"startIndex":3,"Resources":[{"id":"a"},{"id":"b"}]})"));
    CHECK(render_list_response({}, 0, 1).at("Resources").as_array().empty());
}
