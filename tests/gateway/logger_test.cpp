#include <ssogate/gateway/logger.hpp>

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

#include <vector>

using namespace ssogate::gateway;

namespace {

logger::clock_fn fixed_clock(long long ms)
{
    return [ms] { return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)); };
}

} // namespace

TEST_CASE("logger writes one JSON object per line with time, level, msg and fields", "[gateway][log]")
{
    std::vector<std::string> lines;
    logger log([&](std::string_view l) { lines.emplace_back(l); }, fixed_clock(1714564800123));
    log.info("request", {{"method", "GET"}, {"status", 200}, {"duration_ms", 1.5}, {"ok", true}});
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find('\n') == std::string::npos);
    auto v = boost::json::parse(lines[0]).as_object();
    CHECK(v.at("time").as_string() == "2024-05-01T12:00:00.123Z");
    CHECK(v.at("level").as_string() == "info");
    CHECK(v.at("msg").as_string() == "request");
    CHECK(v.at("method").as_string() == "GET");
    CHECK(v.at("status").as_int64() == 200);
    CHECK(v.at("duration_ms").as_double() == 1.5);
    CHECK(v.at("ok").as_bool());
}

TEST_CASE("logger escapes quotes, newlines and control characters", "[gateway][log]")
{
    std::vector<std::string> lines;
    logger log([&](std::string_view l) { lines.emplace_back(l); }, fixed_clock(0));
    std::string nasty = "a\"b\nc\\d\x01";
    log.warn(nasty, {{"field", nasty}});
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find('\n') == std::string::npos);
    auto v = boost::json::parse(lines[0]).as_object();
    CHECK(v.at("msg").as_string() == nasty);
    CHECK(v.at("field").as_string() == nasty);
    CHECK(v.at("time").as_string() == "1970-01-01T00:00:00.000Z");
}

TEST_CASE("logger drops lines below its level and never lets a field replace msg", "[gateway][log]")
{
    std::vector<std::string> lines;
    logger log([&](std::string_view l) { lines.emplace_back(l); }, fixed_clock(0), log_level::info);
    log.debug("hidden");
    log.error("shown", {{"msg", "forged"}, {"level", "debug"}});
    REQUIRE(lines.size() == 1);
    auto v = boost::json::parse(lines[0]).as_object();
    CHECK(v.at("msg").as_string() == "shown");
    CHECK(v.at("level").as_string() == "error");
}
