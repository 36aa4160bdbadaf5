#include <ssogate/jit/owner.hpp>

#include <catch2/catch.hpp>

namespace ssogate::jit {
namespace {

TEST_CASE("owner formats the three exact text forms", "[jit][owner]")
{
    CHECK(owner::jit("okta-main").to_string() == "jit:okta-main");
    CHECK(owner::scim("entra_1").to_string() == "scim:entra_1");
    CHECK(owner::admin().to_string() == "admin");
}

TEST_CASE("owner parse and to_string round-trip", "[jit][owner]")
{
    for (auto const* text : {"jit:okta", "scim:okta", "admin", "jit:a", "scim:Entra.Prod-2", "jit:x_y"}) {
        INFO(text);
        auto const parsed = owner::parse(text);
        REQUIRE(parsed);
        CHECK(parsed->to_string() == text);
    }
    auto const o = owner::parse("scim:okta").value();
    CHECK(o.kind == owner_kind::scim);
    CHECK(o.connection_id == "okta");
    CHECK(owner::parse("admin")->connection_id.empty());
}

TEST_CASE("owner parse rejects anything that is not exactly one of the three forms", "[jit][owner]")
{
    for (auto const* text : {"", "jit", "jit:", "scim:", "JIT:okta", "Admin", "admin:okta", " admin", "admin ",
                             "jit:okta ", "jit: okta", "jit:ok ta", "jit:ok:ta", "ldap:okta", "jit:okta/x",
                             "jit:\xc3\xa9", "jit:okta\n"}) {
        INFO('"' << text << '"');
        CHECK_FALSE(owner::parse(text));
    }
    CHECK_FALSE(owner::parse("jit:" + std::string(65, 'a')));
    CHECK(owner::parse("jit:" + std::string(64, 'a')));
}

TEST_CASE("owners of different kinds or connections are different owners", "[jit][owner]")
{
    CHECK(owner::jit("okta") == owner::jit("okta"));
    CHECK(owner::jit("okta") != owner::scim("okta"));
    CHECK(owner::jit("okta") != owner::jit("entra"));
    CHECK(owner::admin() == *owner::parse("admin"));
}

} // namespace
} // namespace ssogate::jit
