#include <ssogate/store/owner.hpp>

#include <catch2/catch.hpp>

using namespace ssogate::store;

TEST_CASE("owner strings name jit or scim with a connection, or admin", "[store][owner]")
{
    CHECK(owner_jit("okta") == "jit:okta");
    CHECK(owner_scim("entra") == "scim:entra");
    CHECK(is_valid_owner("admin"));
    CHECK(is_valid_owner("jit:okta"));
    CHECK(is_valid_owner("scim:okta"));
    CHECK_FALSE(is_valid_owner("jit:"));
    CHECK_FALSE(is_valid_owner("scim"));
    CHECK_FALSE(is_valid_owner("Admin"));
    CHECK_FALSE(is_valid_owner(""));
    CHECK_FALSE(is_valid_owner("ldap:x"));
}
