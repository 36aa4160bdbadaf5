#include <ssogate/jit/identity.hpp>

#include <catch2/catch.hpp>

namespace ssogate::jit {
namespace {

TEST_CASE("short attribute names match case-insensitively", "[jit][identity]")
{
    CHECK(attribute_name_matches("email", "Email"));
    CHECK(attribute_name_matches("memberOf", "MEMBEROF"));
    CHECK_FALSE(attribute_name_matches("email", "emails"));
    CHECK_FALSE(attribute_name_matches("email", "email "));
}

TEST_CASE("claim URI and OID attribute names match only exactly", "[jit][identity]")
{
    auto const uri = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups";
    CHECK(attribute_name_matches(uri, uri));
    CHECK_FALSE(attribute_name_matches(uri, "http://schemas.microsoft.com/ws/2008/06/identity/claims/Groups"));
    CHECK(attribute_name_matches("urn:oid:0.9.2342.19200300.100.1.3", "urn:oid:0.9.2342.19200300.100.1.3"));
    CHECK_FALSE(attribute_name_matches("urn:oid:0.9.2342.19200300.100.1.3", "URN:OID:0.9.2342.19200300.100.1.3"));
}

TEST_CASE("find_attribute prefers the earlier accepted name and joins repeated attributes", "[jit][identity]")
{
    identity const id{"okta",
                      {"00u1", {}},
                      {{"mail", {"second@acme.com"}},
                       {"Email", {"first@acme.com"}},
                       {"email", {"again@acme.com"}}}};
    std::vector<std::string> const accepted{"email", "mail"};
    auto const found = find_attribute(id, accepted);
    REQUIRE(found);
    CHECK(found->name == "Email");
    CHECK(found->values == std::vector<std::string>{"first@acme.com", "again@acme.com"});
}

TEST_CASE("find_attribute tells an absent attribute from an empty one", "[jit][identity]")
{
    identity const id{"okta", {"00u1", {}}, {{"groups", {}}}};
    std::vector<std::string> const groups{"groups"};
    std::vector<std::string> const role{"role"};
    auto const found = find_attribute(id, groups);
    REQUIRE(found);
    CHECK(found->values.empty());
    CHECK_FALSE(find_attribute(id, role));
}

} // namespace
} // namespace ssogate::jit
