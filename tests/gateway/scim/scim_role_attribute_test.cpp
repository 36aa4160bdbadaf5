// `[connection.scim] role_attribute` against the real server and store: the role SCIM
// owns read from a custom extension attribute (okta here) or an enterprise attribute
// (entra here) — in POST and PUT bodies, PATCH with a URN-prefixed path and without a
// path (an object under the extension's URN), filterable, returned with its schema in
// `schemas`, listed by /Schemas and /ResourceTypes; a value outside [roles] order is
// refused with 400 invalidValue naming the attribute.
#include <ssogate/gateway/scim.hpp>

#include "scim_test_fixture.hpp"

#include <ssogate/scim/role_attribute.hpp>

using namespace ssogate;
using namespace ssogate::test::scim;

namespace {

constexpr char const* app_urn = "urn:example:scim:schemas:extension:app:2.0:User";
constexpr char const* enterprise_urn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

void set_role_attributes(gateway::config& cfg)
{
    for (auto& c : cfg.connections) {
        if (c.id == "okta")
            c.scim.role_attribute = scim::parse_role_attribute(std::string(app_urn) + ":role").value();
        if (c.id == "entra")
            c.scim.role_attribute = scim::parse_role_attribute(std::string(enterprise_urn) + ":department").value();
    }
}

std::string patch(std::string const& operations)
{
    return R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":)" + operations + "}";
}

/// The user's roles as (role, owner) pairs.
std::vector<std::pair<std::string, std::string>> roles_of(scim_server& s, std::string const& id)
{
    auto tx = s.app.store->begin(store::access::read);
    REQUIRE(tx.has_value());
    auto roles = (*tx)->users().roles(id);
    REQUIRE(roles.has_value());
    std::vector<std::pair<std::string, std::string>> out;
    for (auto const& r : *roles)
        out.emplace_back(r.role, r.owner);
    return out;
}

using role_list = std::vector<std::pair<std::string, std::string>>;

} // namespace

TEST_CASE("a custom extension role attribute is read from POST, PUT and PATCH (with and without a path) and owned by SCIM",
          "[gateway][scim][role_attribute]")
{
    scim_server s(false, set_role_attributes);
    auto created = s.okta_call("POST", "/Users", std::string(R"({
      "schemas":["urn:ietf:params:scim:schemas:core:2.0:User",")") + app_urn + R"("],
      "userName":"rolf@example.com","roles":[{"value":"owner","primary":true}],
      ")" + app_urn + R"(":{"role":"editor"}})");
    INFO(created.raw.body);
    REQUIRE(created.status() == 201);
    auto const id = created.str("id");
    // The core roles attribute is kept as sent but is not where this connection's role lives.
    CHECK(roles_of(s, id) == role_list{{"editor", "scim:okta"}});
    auto const& schemas = created.object().at("schemas").as_array();
    CHECK(std::find(schemas.begin(), schemas.end(), json::value(app_urn)) != schemas.end());
    CHECK(created.object().at(app_urn).at("role") == "editor");

    // GET returns it with its schema.
    auto got = s.okta_call("GET", "/Users/" + id);
    CHECK(got.object().at(app_urn).at("role") == "editor");

    // PATCH with the URN-prefixed path, op capitalised.
    auto p1 = s.okta_call("PATCH", "/Users/" + id,
                          patch(std::string(R"([{"op":"Replace","path":")") + app_urn + R"(:role","value":"owner"}])"));
    INFO(p1.raw.body);
    REQUIRE(p1.status() == 200);
    CHECK(roles_of(s, id) == role_list{{"owner", "scim:okta"}});

    // PATCH without a path: the extension's URN as a key holding an object.
    auto p2 = s.okta_call("PATCH", "/Users/" + id,
                          patch(std::string(R"([{"op":"replace","value":{")") + app_urn + R"(":{"role":"member"}}}])"));
    REQUIRE(p2.status() == 200);
    CHECK(roles_of(s, id) == role_list{{"member", "scim:okta"}});

    // PATCH without a path, the attribute's full URN path as the key (Entra's form for
    // enterprise attributes).
    auto p3 = s.okta_call("PATCH", "/Users/" + id,
                          patch(std::string(R"([{"op":"Add","value":{")") + app_urn + R"(:role":"editor"}}])"));
    REQUIRE(p3.status() == 200);
    CHECK(roles_of(s, id) == role_list{{"editor", "scim:okta"}});

    // PUT replaces the whole resource, the role with it.
    auto put = s.okta_call("PUT", "/Users/" + id, std::string(R"({
      "schemas":["urn:ietf:params:scim:schemas:core:2.0:User",")") + app_urn + R"("],
      "userName":"rolf@example.com",")" + app_urn + R"(":{"role":"editor"}})");
    REQUIRE(put.status() == 200);
    CHECK(roles_of(s, id) == role_list{{"editor", "scim:okta"}});

    // Filter on it (case-insensitive value, full path); and as the only match.
    auto other = s.okta_call("POST", "/Users", std::string(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
      "userName":"other@example.com",")") + app_urn + R"(":{"role":"member"}})");
    REQUIRE(other.status() == 201);
    auto filtered = s.okta_call("GET", std::string("/Users?filter=") + app_urn + "%3Arole%20eq%20%22EDITOR%22");
    INFO(filtered.raw.body);
    REQUIRE(filtered.status() == 200);
    REQUIRE(filtered.object().at("totalResults") == 1);
    CHECK(filtered.object().at("Resources").as_array().at(0).at("id").as_string() == id);

    // Discovery: /Schemas lists the extension, /Schemas/{urn} renders it, ResourceTypes names it.
    auto schemas_list = s.okta_call("GET", "/Schemas");
    CHECK(schemas_list.object().at("totalResults") == 4);
    auto one = s.okta_call("GET", std::string("/Schemas/") + app_urn);
    REQUIRE(one.status() == 200);
    CHECK(one.object().at("attributes").as_array().at(0).at("name") == "role");
    CHECK(s.okta_call("GET", "/ResourceTypes/User").raw.body.find(app_urn) != std::string::npos);
    // Another connection does not know it.
    check_error(s.entra_call("GET", std::string("/Schemas/") + app_urn), 404, "");
}

TEST_CASE("a role in the custom attribute outside [roles] order is refused with invalidValue naming the attribute",
          "[gateway][scim][role_attribute][reject]")
{
    scim_server s(false, set_role_attributes);
    auto bad = s.okta_call("POST", "/Users", std::string(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
      "userName":"bad@example.com",")") + app_urn + R"(":{"role":"admin"}})");
    check_error(bad, 400, "invalidValue");
    CHECK(bad.str("detail") == std::string(app_urn) + ":role: \"admin\" is not a role of this server (one of the "
                                                      "[roles] order)");
    CHECK(s.events("scim.user.created").empty());
    // A wrong type in the extension is invalidValue too; an unknown attribute path is invalidPath.
    check_error(s.okta_call("POST", "/Users", std::string(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
      "userName":"bad@example.com",")") + app_urn + R"(":{"role":["editor"]}})"),
                400, "invalidValue");
    auto const id = s.okta_call("POST", "/Users", R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
      "userName":"ok@example.com"})").str("id");
    check_error(s.okta_call("PATCH", "/Users/" + id,
                            patch(std::string(R"([{"op":"Replace","path":")") + app_urn + R"(:level","value":"x"}])")),
                400, "invalidPath");
    check_error(s.okta_call("PATCH", "/Users/" + id,
                            patch(std::string(R"([{"op":"Replace","path":")") + app_urn + R"(:role","value":"root"}])")),
                400, "invalidValue");
    CHECK(roles_of(s, id).empty());
}

TEST_CASE("an enterprise attribute as the role attribute works through PATCH with a URN path and filters",
          "[gateway][scim][role_attribute]")
{
    scim_server s(false, set_role_attributes);
    auto created = s.entra_call("POST", "/Users", std::string(R"({
      "schemas":["urn:ietf:params:scim:schemas:core:2.0:User",")") + enterprise_urn + R"("],
      "userName":"ent@example.com",")" + enterprise_urn + R"(":{"department":"editor","employeeNumber":"7"}})");
    REQUIRE(created.status() == 201);
    auto const id = created.str("id");
    CHECK(roles_of(s, id) == role_list{{"editor", "scim:entra"}});
    auto p = s.entra_call("PATCH", "/Users/" + id,
                          patch(std::string(R"([{"op":"Replace","path":")") + enterprise_urn +
                                R"(:department","value":"owner"}])"));
    REQUIRE(p.status() == 200);
    CHECK(roles_of(s, id) == role_list{{"owner", "scim:entra"}});
    auto f = s.entra_call("GET", std::string("/Users?filter=") + enterprise_urn + "%3Adepartment%20eq%20%22owner%22");
    CHECK(f.object().at("totalResults") == 1);
    // Removing the attribute removes the grant SCIM owned (PUT/PATCH replace what SCIM sends).
    auto r = s.entra_call("PATCH", "/Users/" + id,
                          patch(std::string(R"([{"op":"Remove","path":")") + enterprise_urn + R"(:department"}])"));
    REQUIRE(r.status() == 200);
    CHECK(roles_of(s, id).empty());
}

TEST_CASE("the default role attribute is still the core roles value", "[gateway][scim][role_attribute]")
{
    scim_server s;
    auto created = s.okta_call("POST", "/Users", std::string(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
      "userName":"def@example.com","roles":[{"value":"member"},{"value":"editor","primary":true}],
      ")") + app_urn + R"(":{"role":"owner"}})");
    REQUIRE(created.status() == 201);
    CHECK(roles_of(s, created.str("id")) == role_list{{"editor", "scim:okta"}});
    CHECK_FALSE(created.object().contains(app_urn)); // an unknown extension is dropped
    check_error(s.okta_call("POST", "/Users", R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
      "userName":"bad2@example.com","roles":[{"value":"admin"}]})"),
                400, "invalidValue");
}
