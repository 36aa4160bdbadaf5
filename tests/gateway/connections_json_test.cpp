// The JSON form of a connection (config.hpp): round trip, and the same refusals as
// the file (the admin API and the CLI validate through the file's reader).
#include <ssogate/gateway/config.hpp> // first: the public header is self-contained

#include <catch2/catch.hpp>

#include "temp_dir.hpp"

#include <boost/json.hpp>

using namespace ssogate::gateway;
namespace json = boost::json;

namespace {

std::filesystem::path fixture(std::string const& name)
{
    return ssogate::test::data_path("gateway/config") / name;
}

/// c without what only a file has (its position).
connection_config without_position(connection_config c)
{
    c.declared_at = {};
    c.jit_enabled_line = 0;
    return c;
}

} // namespace

TEST_CASE("a connection with every key set survives the trip to JSON and back", "[gateway][config][json]")
{
    auto cfg = load_config(fixture("every_key_set.toml"));
    REQUIRE(cfg.has_value());
    REQUIRE_FALSE(cfg->connections.empty());
    for (auto const& c : cfg->connections) {
        INFO(c.id);
        auto j = connection_to_json(c);
        auto back = connection_from_json(j, cfg->roles);
        REQUIRE(back.has_value());
        CHECK(*back == without_position(c));
        // Through text too (what the store keeps).
        auto again = connection_from_json(json::parse(json::serialize(j)), cfg->roles);
        REQUIRE(again.has_value());
        CHECK(*again == without_position(c));
    }
}

TEST_CASE("a connection with only the required keys gets the file's defaults from JSON", "[gateway][config][json]")
{
    auto parsed = parse_config("[[connection]]\nid = \"okta\"\nidp_metadata = \"<EntityDescriptor/>\"\n", "ssogate.toml");
    REQUIRE(parsed.has_value());
    auto from_json = connection_from_json(json::parse(R"({"id":"okta","idp_metadata":"<EntityDescriptor/>"})"),
                                          parsed->roles);
    REQUIRE(from_json.has_value());
    CHECK(*from_json == without_position(parsed->connections.front()));
    // And the full form of it round-trips.
    auto back = connection_from_json(connection_to_json(*from_json), parsed->roles);
    REQUIRE(back.has_value());
    CHECK(*back == *from_json);
}

TEST_CASE("the JSON form is refused with the file's sentence and the key as field", "[gateway][config][json]")
{
    auto file = load_config(fixture("jit_update_always.toml"));
    REQUIRE_FALSE(file.has_value());
    auto j = connection_from_json(json::parse(R"({"id":"okta","idp_metadata_file":"okta.xml",
                                                  "jit":{"update":"always"}})"),
                                  role_settings{});
    REQUIRE_FALSE(j.has_value());
    CHECK(j.error().key == "jit.update");
    CHECK(j.error().code == config_errc::not_one_of);
    CHECK(file.error().message == fixture("jit_update_always.toml").string() + ": " + j.error().message);
    CHECK(j.error().message
          == "connection \"okta\": jit.update must be one of each_login, on_create, never (got \"always\")");
}

TEST_CASE("the JSON form refuses unknown keys, wrong types, nulls in lists and non-objects", "[gateway][config][json]")
{
    role_settings roles;
    auto refused = [&](std::string const& text) {
        auto r = connection_from_json(json::parse(text), roles);
        REQUIRE_FALSE(r.has_value());
        return r.error();
    };
    auto unknown = refused(R"({"id":"okta","idp_metadata":"<x/>","jit":{"enable":false}})");
    CHECK(unknown.code == config_errc::unknown_key);
    CHECK(unknown.key == "jit.enable");
    CHECK_THAT(unknown.message, Catch::Contains("did you mean jit.enabled?"));
    CHECK(refused(R"({"id":"okta","idp_metadata":"<x/>","sign_requests":"yes"})").key == "sign_requests");
    CHECK(refused(R"({"id":"okta","idp_metadata":"<x/>","domains":["a.test",null]})").key == "domains");
    CHECK(refused(R"({"id":"Okta!","idp_metadata":"<x/>"})").key == "id");
    CHECK(refused(R"({"idp_metadata":"<x/>"})").code == config_errc::missing_key);
    CHECK(refused(R"({"id":"okta"})").code == config_errc::missing_key);
    CHECK(refused(R"([1,2])").code == config_errc::wrong_type);
    CHECK(refused(R"({"id":"okta","idp_metadata":"<x/>","clock_skew":180})").key == "clock_skew");
    CHECK(refused(R"({"id":"okta","idp_metadata":"<x/>","jit":{"default_role":"admin"}})").key == "jit.default_role");
    // null means "the default".
    auto defaults = connection_from_json(json::parse(R"({"id":"okta","idp_metadata":"<x/>","clock_skew":null})"), roles);
    REQUIRE(defaults.has_value());
    CHECK(defaults->sp.clock_skew == std::chrono::seconds(180));
}

TEST_CASE("the organization convention without an organization is refused with its line", "[gateway][config]")
{
    auto r = load_config(fixture("convention_without_organization.toml"));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == config_errc::missing_key);
    CHECK(r.error().key == "team_mapping.organization_convention");
    CHECK(r.error().line == 7);
    CHECK(r.error().message
          == fixture("convention_without_organization.toml").string()
                 + ": connection \"okta\": team_mapping.organization_convention = true needs "
                   "team_mapping.organization (the organization whose \"organization:team\" groups are mapped)");
}
