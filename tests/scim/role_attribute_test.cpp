#include <ssogate/scim/role_attribute.hpp>

#include <catch2/catch.hpp>

#include <ssogate/scim/discovery.hpp>
#include <ssogate/scim/filter.hpp>
#include <ssogate/scim/patch.hpp>
#include <ssogate/scim/resource.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

using namespace ssogate::scim;
namespace json = boost::json;

namespace {

constexpr std::string_view custom = "urn:example:scim:schemas:extension:app:2.0:User:role";
constexpr std::string_view custom_urn = "urn:example:scim:schemas:extension:app:2.0:User";

role_attribute parsed(std::string_view text)
{
    auto r = parse_role_attribute(text);
    if (!r)
        FAIL(r.error().detail);
    return *r;
}

std::string refused(std::string_view text)
{
    auto r = parse_role_attribute(text);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == errc::invalid_path);
    return r.error().detail;
}

user user_of(std::string_view body, resource_type_def const& type)
{
    auto u = parse_user(json::parse(body), type);
    if (!u)
        FAIL(u.error().detail);
    return *u;
}

} // namespace

TEST_CASE("parse_role_attribute reads roles, an enterprise attribute and a custom extension attribute",
          "[scim][role_attribute]")
{
    CHECK(parsed("roles").is_core_roles());
    CHECK(parsed("Roles").is_core_roles());
    auto const e = parsed("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:Department");
    CHECK(e.schema == enterprise_user_schema_urn);
    CHECK(e.attribute == "department"); // the schema's spelling
    CHECK_FALSE(e.is_custom());
    auto const c = parsed(custom);
    CHECK(c.schema == custom_urn);
    CHECK(c.attribute == "role");
    CHECK(c.is_custom());
    CHECK(to_string(c) == custom);
    CHECK(to_string(parsed("roles")) == "roles");
}

TEST_CASE("parse_role_attribute refuses what cannot carry a role, naming the text", "[scim][role_attribute][reject]")
{
    CHECK(refused("role") == "must be \"roles\" or an extension attribute \"urn:…:User:NAME\" (got \"role\")");
    CHECK(refused("").find("(got \"\")") != std::string::npos);
    CHECK(refused("urn:example:User:role.sub").find("must be \"roles\"") == 0);
    CHECK(refused("urn:example:User:1role").find("must be \"roles\"") == 0);
    CHECK(refused("urn:ietf:params:scim:schemas:core:2.0:User:userType").find("not one of the core schema") !=
          std::string::npos);
    CHECK(refused("urn:ietf:params:scim:schemas:core:2.0:Group:displayName").find("core schema") != std::string::npos);
    CHECK(refused("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager") ==
          "names no string attribute of the enterprise extension (one of employeeNumber, costCenter, organization, "
          "division, department; got \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager\")");
    CHECK(refused("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:nope").find("names no string") == 0);
}

TEST_CASE("role_of reads the primary roles value, else the first", "[scim][role_attribute]")
{
    auto const& type = user_resource_type();
    role_attribute const roles;
    CHECK(role_of(user_of(R"({"userName":"a","roles":[{"value":"member"},{"value":"editor","primary":true}]})", type),
                  roles) == "editor");
    CHECK(role_of(user_of(R"({"userName":"a","roles":[{"value":"member"},{"value":"owner"}]})", type), roles) ==
          "member");
    CHECK_FALSE(role_of(user_of(R"({"userName":"a"})", type), roles).has_value());
    CHECK_FALSE(role_of(user_of(R"({"userName":"a","roles":[{"value":""}]})", type), roles).has_value());
}

TEST_CASE("role_of reads an enterprise attribute", "[scim][role_attribute]")
{
    auto const where = parsed("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department");
    auto const u = user_of(R"({"userName":"a","roles":[{"value":"member"}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"editor"}})",
                           user_resource_type());
    CHECK(role_of(u, where) == "editor");
    CHECK_FALSE(role_of(user_of(R"({"userName":"a"})", user_resource_type()), where).has_value());
}

TEST_CASE("a custom role extension is parsed, rendered with its schema, patched and filtered", "[scim][role_attribute]")
{
    user_type_with_role const t(parsed(custom));
    REQUIRE(t.custom_schema() != nullptr);
    CHECK(t.custom_schema()->id == custom_urn);
    CHECK(t.type().extensions().size() == 2);
    // Without the custom type the extension is ignored, as any unknown one.
    auto const body = R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:example:scim:schemas:extension:app:2.0:User"],
        "userName":"a","urn:example:scim:schemas:extension:app:2.0:User":{"role":"editor","other":"x"}})";
    CHECK(parse_user(json::parse(body)).value().extensions.empty());
    auto const u = user_of(body, t.type());
    CHECK(role_of(u, t.where()) == "editor");
    CHECK(json::serialize(u.extensions) == R"({"urn:example:scim:schemas:extension:app:2.0:User":{"role":"editor"}})");

    auto rendered = render_user(u, resource_meta{"id1", {}, {}, "W/\"1\""}, "https://h/scim/v2/c");
    auto const& schemas = rendered.at("schemas").as_array();
    CHECK(std::find(schemas.begin(), schemas.end(), json::value(custom_urn)) != schemas.end());
    CHECK(rendered.at(custom_urn).at("role") == "editor");

    // PATCH with the URN-prefixed path, and without a path (URN key → object).
    auto p = apply_patch(rendered, json::parse(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations":[{"op":"Replace","path":"urn:example:scim:schemas:extension:app:2.0:User:role","value":"owner"}]})"),
                         t.type());
    REQUIRE(p.has_value());
    CHECK(role_of(parse_user(*p, t.type()).value(), t.where()) == "owner");
    auto q = apply_patch(rendered, json::parse(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations":[{"op":"replace","value":{"urn:example:scim:schemas:extension:app:2.0:User":{"role":"member"}}}]})"),
                         t.type());
    REQUIRE(q.has_value());
    CHECK(role_of(parse_user(*q, t.type()).value(), t.where()) == "member");
    // With the plain User type the path is unknown.
    auto bad = apply_patch(rendered, json::parse(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations":[{"op":"Replace","path":"urn:example:scim:schemas:extension:app:2.0:User:role","value":"owner"}]})"),
                           user_resource_type());
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().code == errc::invalid_path);

    // Filters on it: by full path, and validated against the type.
    auto f = parse_filter(R"(urn:example:scim:schemas:extension:app:2.0:User:role eq "EDITOR")");
    REQUIRE(f.has_value());
    CHECK(validate_filter(*f, t.type()).has_value());
    CHECK(matches(*f, rendered, t.type()));
    CHECK_FALSE(validate_filter(*f, user_resource_type()).has_value());

    // Discovery lists the extension.
    auto const types = resource_types_list("https://h", t.type());
    CHECK(json::serialize(types).find(custom_urn) != std::string::npos);
    auto const schemas_list_body = schemas_list("https://h", t.custom_schema());
    CHECK(schemas_list_body.at("totalResults") == 4);
}

TEST_CASE("user_type_with_role is the plain User type unless the attribute is custom", "[scim][role_attribute]")
{
    user_type_with_role const core(role_attribute{});
    CHECK(&core.type() == &user_resource_type());
    CHECK(core.custom_schema() == nullptr);
    user_type_with_role const ent(parsed("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:division"));
    CHECK(&ent.type() == &user_resource_type());
}
