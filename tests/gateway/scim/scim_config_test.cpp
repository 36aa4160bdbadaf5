// `[connection.scim] role_attribute` in the configuration: read and typed, refused with
// the usual messages naming the connection and the key, and carried by the connection's
// JSON form (store-owned connections, `ssogate connection set`, PATCH /admin/v1/connections).
#include <ssogate/gateway/config.hpp>

#include <catch2/catch.hpp>

#include "temp_dir.hpp"

#include <boost/json.hpp>

using namespace ssogate;
using namespace ssogate::gateway;
namespace json = boost::json;

namespace {

std::string const okta = "[[connection]]\nid = \"okta\"\nidp_metadata_file = \"okta.xml\"\n[connection.scim]\n";

std::string refused(std::string const& scim_lines)
{
    auto r = parse_config(okta + scim_lines, "ssogate.toml");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == config_errc::invalid_value);
    CHECK(r.error().key == "scim.role_attribute");
    return r.error().message;
}

} // namespace

TEST_CASE("scim.role_attribute defaults to the core roles and reads an enterprise or custom extension attribute",
          "[gateway][config][scim]")
{
    auto d = parse_config(okta, "ssogate.toml");
    REQUIRE(d.has_value());
    CHECK(d->connections.at(0).scim.role_attribute.is_core_roles());
    auto e = parse_config(
        okta + "role_attribute = \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department\"\n",
        "ssogate.toml");
    REQUIRE(e.has_value());
    CHECK(e->connections.at(0).scim.role_attribute.attribute == "department");
    auto c = parse_config(okta + "role_attribute = \"urn:acme:params:scim:schemas:extension:app:1.0:User:appRole\"\n",
                          "ssogate.toml");
    REQUIRE(c.has_value());
    CHECK(c->connections.at(0).scim.role_attribute.is_custom());
    CHECK(scim::to_string(c->connections.at(0).scim.role_attribute) ==
          "urn:acme:params:scim:schemas:extension:app:1.0:User:appRole");
}

TEST_CASE("a scim.role_attribute that cannot carry a role is refused naming the connection and the key",
          "[gateway][config][scim][reject]")
{
    CHECK(refused("role_attribute = \"role\"\n") ==
          "ssogate.toml: connection \"okta\": scim.role_attribute must be \"roles\" or an extension attribute "
          "\"urn:…:User:NAME\" (got \"role\")");
    CHECK(refused("role_attribute = \"urn:ietf:params:scim:schemas:core:2.0:User:title\"\n")
              .find("scim.role_attribute must name an extension attribute, not one of the core schema") !=
          std::string::npos);
    CHECK(refused("role_attribute = \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager\"\n")
              .find("scim.role_attribute names no string attribute of the enterprise extension") != std::string::npos);
    auto wrong_type = parse_config(okta + "role_attribute = 3\n", "ssogate.toml");
    REQUIRE_FALSE(wrong_type.has_value());
    CHECK(wrong_type.error().code == config_errc::wrong_type);
}

TEST_CASE("the JSON form carries scim.role_attribute and refuses a bad one with the file's message",
          "[gateway][config][scim][json]")
{
    auto c = parse_config(okta + "role_attribute = \"urn:example:scim:schemas:extension:app:2.0:User:role\"\n",
                          "ssogate.toml");
    REQUIRE(c.has_value());
    auto j = connection_to_json(c->connections.at(0));
    CHECK(j.at("scim").at("role_attribute") == "urn:example:scim:schemas:extension:app:2.0:User:role");
    auto back = connection_from_json(j, c->roles);
    REQUIRE(back.has_value());
    CHECK(back->scim.role_attribute == c->connections.at(0).scim.role_attribute);

    j["scim"].as_object()["role_attribute"] = "groups";
    auto bad = connection_from_json(j, c->roles);
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().message ==
          "connection \"okta\": scim.role_attribute must be \"roles\" or an extension attribute \"urn:…:User:NAME\" "
          "(got \"groups\")");
}

TEST_CASE("every_key_set.toml's scim.role_attribute is the custom one it spells", "[gateway][config][scim]")
{
    auto cfg = load_config(ssogate::test::data_path("gateway/config") / "every_key_set.toml");
    REQUIRE(cfg.has_value());
    CHECK(scim::to_string(cfg->connections.at(0).scim.role_attribute) ==
          "urn:example:scim:schemas:extension:app:2.0:User:role");
}
