#include <ssogate/scim/errc.hpp>

#include <catch2/catch.hpp>

#include <boost/json/serialize.hpp>

#include <set>
#include <string>

using namespace ssogate::scim;

namespace {
constexpr int first_code = static_cast<int>(errc::invalid_filter);
constexpr int last_code = static_cast<int>(errc::not_implemented);
} // namespace

TEST_CASE("scim::errc enumerators start at 1 and each has a distinct message and reason code", "[scim][errc]")
{
    CHECK(first_code == 1);
    std::set<std::string> messages;
    std::set<std::string> reasons;
    for (int i = first_code; i <= last_code; ++i) {
        auto const ec = make_error_code(static_cast<errc>(i));
        CHECK(ec.category().name() == std::string("ssogate.scim"));
        CHECK(messages.insert(ec.message()).second);
        CHECK(reasons.insert(std::string(to_reason_code(static_cast<errc>(i)))).second);
        CHECK(ec.message() != "unknown SCIM error");
    }
    CHECK(messages.size() == static_cast<std::size_t>(last_code));
}

TEST_CASE("scim::errc maps to the status codes and scimType keywords of RFC 7644 section 3.12", "[scim][errc]")
{
    CHECK(http_status(errc::invalid_filter) == 400);
    CHECK(scim_type(errc::invalid_filter) == "invalidFilter");
    CHECK(scim_type(errc::filter_too_long) == "invalidFilter");
    CHECK(scim_type(errc::filter_too_deep) == "invalidFilter");
    CHECK(scim_type(errc::too_many) == "tooMany");
    CHECK(scim_type(errc::invalid_syntax) == "invalidSyntax");
    CHECK(scim_type(errc::invalid_path) == "invalidPath");
    CHECK(scim_type(errc::no_target) == "noTarget");
    CHECK(scim_type(errc::invalid_value) == "invalidValue");
    CHECK(scim_type(errc::mutability) == "mutability");
    CHECK(scim_type(errc::invalid_version) == "invalidVers");
    CHECK(scim_type(errc::sensitive) == "sensitive");
    CHECK(http_status(errc::sensitive) == 403);
    CHECK(scim_type(errc::uniqueness) == "uniqueness");
    CHECK(http_status(errc::uniqueness) == 409);
    CHECK(http_status(errc::not_found) == 404);
    CHECK(scim_type(errc::not_found).empty());
    CHECK(http_status(errc::unauthorized) == 401);
    CHECK(http_status(errc::precondition_failed) == 412);
    CHECK(http_status(errc::payload_too_large) == 413);
    CHECK(http_status(errc::not_implemented) == 501);
}

TEST_CASE("an error renders as the SCIM Error message with status as a string", "[scim][errc]")
{
    auto const e = make_error(errc::uniqueness, "userName \"bjensen\" is taken");
    CHECK(e.status == 409);
    CHECK(e.scim_type == "uniqueness");
    CHECK(boost::json::serialize(to_json(e)) ==
          R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"userName \"bjensen\" is taken"})");
}

TEST_CASE("an error without scimType omits the member and a missing detail uses the code's message", "[scim][errc]")
{
    auto const e = make_error(errc::not_found, "");
    auto const j = to_json(e).as_object();
    CHECK_FALSE(j.contains("scimType"));
    CHECK(j.at("status") == "404");
    CHECK(j.at("detail") == "the resource does not exist");
}

TEST_CASE("result::value on an error throws a system_error carrying the scim code", "[scim][errc]")
{
    result<int> r = make_error(errc::invalid_path, "bad");
    CHECK_THROWS_AS(r.value(), boost::system::system_error);
}
