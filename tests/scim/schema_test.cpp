#include <ssogate/scim/schema.hpp>

#include <catch2/catch.hpp>

using namespace ssogate::scim;

TEST_CASE("the schema table marks the attributes PATCH and filters rely on", "[scim][schema]")
{
    auto const* user_name = find_attribute(user_schema().attributes(), "USERNAME");
    REQUIRE(user_name);
    CHECK(user_name->required);
    CHECK_FALSE(user_name->case_exact);
    auto const* active = find_attribute(user_schema().attributes(), "active");
    REQUIRE(active);
    CHECK(active->type == attribute_type::boolean);
    auto const* emails = find_attribute(user_schema().attributes(), "emails");
    REQUIRE(emails);
    CHECK(emails->multi_valued);
    CHECK(find_attribute(emails->sub_attributes(), "primary")->type == attribute_type::boolean);
    CHECK(find_attribute(user_schema().attributes(), "groups")->mutability == mutability_kind::read_only);
    auto const* members = find_attribute(group_schema().attributes(), "members");
    REQUIRE(members);
    CHECK(find_attribute(members->sub_attributes(), "value")->mutability == mutability_kind::immutable);
    CHECK(find_attribute(group_schema().attributes(), "displayName")->required);
}

TEST_CASE("resolve_attribute finds common, core and extension attributes", "[scim][schema]")
{
    auto const& u = user_resource_type();
    CHECK(resolve_attribute(u, "", "id").attribute->case_exact);
    CHECK(resolve_attribute(u, "", "externalId").attribute->case_exact);
    CHECK(resolve_attribute(u, "urn:ietf:params:scim:schemas:core:2.0:user", "userName").schema == &user_schema());
    auto const ext = resolve_attribute(u, "", "employeeNumber");
    CHECK(ext.in_extension);
    CHECK(ext.schema == &enterprise_user_schema());
    CHECK(resolve_attribute(u, enterprise_user_schema_urn, "manager").attribute->type == attribute_type::complex);
    CHECK_FALSE(resolve_attribute(u, enterprise_user_schema_urn, "userName").attribute);
    CHECK_FALSE(resolve_attribute(u, "urn:example:other", "userName").attribute);
    CHECK_FALSE(resolve_attribute(group_resource_type(), "", "employeeNumber").attribute);
}
