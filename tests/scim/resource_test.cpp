#include <ssogate/scim/resource.hpp>

#include <catch2/catch.hpp>

using namespace ssogate::scim;
using namespace std::chrono_literals;

TEST_CASE("render_meta writes resourceType, timestamps, location and the weak version", "[scim][resource]")
{
    resource_meta m;
    m.id = "abc";
    m.created = std::chrono::sys_days{std::chrono::year{2024} / 2 / 29};
    m.last_modified = m.created + 1s;
    m.version = std::string(2, '4');
    auto const j = render_meta(group_resource_type(), m, "https://h/scim/v2/okta///");
    CHECK(j.at("resourceType") == "Group");
    CHECK(j.at("created") == "2024-02-29T00:00:00Z");
    CHECK(j.at("lastModified") == "2024-02-29T00:00:01Z");
    CHECK(j.at("location") == "https://h/scim/v2/okta/Groups/abc");
    CHECK(j.at("version") == "W/\"44\"");
}

TEST_CASE("timestamps keep millisecond precision", "[scim][resource]")
{
    auto const t = std::chrono::sys_days{std::chrono::year{2025} / 12 / 31} + 23h + 59min + 59s + 999ms;
    CHECK(format_timestamp(t) == "2025-12-31T23:59:59.999Z");
    CHECK(weak_etag("v1") == "W/\"v1\"");
}
