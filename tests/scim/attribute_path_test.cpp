#include <ssogate/scim/attribute_path.hpp>

#include <catch2/catch.hpp>

using namespace ssogate::scim;

TEST_CASE("parse_attribute_path splits a URN prefix, an attribute and a sub-attribute", "[scim][path]")
{
    auto const p = parse_attribute_path("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value");
    REQUIRE(p.has_value());
    CHECK(p->schema == "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");
    CHECK(p->attribute == "manager");
    CHECK(p->sub_attribute == "value");
    CHECK(to_string(*p) == "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value");
    auto const q = parse_attribute_path("members.$ref");
    REQUIRE(q.has_value());
    CHECK(q->sub_attribute == "$ref");
    CHECK(*parse_attribute_path("userName") == attribute_path{"", "userName", ""});
}

TEST_CASE("parse_attribute_path refuses what ATTRNAME does not allow", "[scim][path][reject]")
{
    for (auto const* text : {"", "1abc", "name.", ".name", "name.given.name", "na me", "urn:x:", "emails[type]"}) {
        INFO(text);
        auto const p = parse_attribute_path(text);
        REQUIRE_FALSE(p.has_value());
        CHECK(p.error().scim_type == "invalidPath");
    }
}
