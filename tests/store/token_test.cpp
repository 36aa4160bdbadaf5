#include <ssogate/store/token.hpp>

#include "support/store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace ssogate;
using ssogate::test::t0;
using std::chrono::hours;

TEST_CASE("a token is found by its secret until revoked, and the secret is not stored", "[store][token]")
{
    test::file_store db;
    auto tx = db.begin();
    test::add_connection(*tx, "okta");
    store::token_record admin{"tok-1", store::token_kind::admin, "laptop", "", t0, std::nullopt};
    store::token_record scim{"tok-2", store::token_kind::scim, "okta provisioning", "okta", t0, std::nullopt};
    REQUIRE(tx->tokens().create(admin, "admin-secret-value").has_value());
    REQUIRE(tx->tokens().create(scim, "scim-secret-value").has_value());

    auto found = tx->tokens().find_active("scim-secret-value");
    REQUIRE(found.has_value());
    REQUIRE(found->has_value());
    CHECK(**found == scim);
    CHECK_FALSE(tx->tokens().find_active("scim-secret-valuE")->has_value());

    auto revoked = tx->tokens().revoke("tok-1", t0 + hours(1));
    REQUIRE(revoked.has_value());
    CHECK(*revoked);
    CHECK_FALSE(*tx->tokens().revoke("tok-1", t0 + hours(2)));
    CHECK_FALSE(tx->tokens().find_active("admin-secret-value")->has_value());
    auto kept = tx->tokens().find("tok-1");
    REQUIRE(kept->has_value());
    CHECK((*kept)->revoked_at == t0 + hours(1));

    auto admins = tx->tokens().list(store::token_kind::admin);
    REQUIRE(admins->size() == 1);
    CHECK((*admins)[0].id == "tok-1");
    REQUIRE(tx->commit().has_value());
    CHECK(test::raw_integer(db.path(), "SELECT count(*) FROM api_tokens WHERE token_hash LIKE '%secret%'") == 0);
}

TEST_CASE("a SCIM token needs a connection and an admin token has none", "[store][token]")
{
    test::file_store db;
    auto tx = db.begin();
    test::add_connection(*tx, "okta");
    auto scim = tx->tokens().create({"t1", store::token_kind::scim, "x", "", t0, std::nullopt}, "s1");
    REQUIRE(scim.has_error());
    CHECK(scim.error() == store::errc::invalid_argument);
    auto admin = tx->tokens().create({"t2", store::token_kind::admin, "x", "okta", t0, std::nullopt}, "s2");
    REQUIRE(admin.has_error());
    CHECK(admin.error() == store::errc::invalid_argument);
    auto ghost = tx->tokens().create({"t3", store::token_kind::scim, "x", "ghost", t0, std::nullopt}, "s3");
    REQUIRE(ghost.has_error());
    CHECK(ghost.error() == store::errc::missing_reference);
}

TEST_CASE("token ids and secrets are unique", "[store][token]")
{
    test::file_store db;
    auto tx = db.begin();
    REQUIRE(tx->tokens().create({"t1", store::token_kind::admin, "a", "", t0, std::nullopt}, "s1").has_value());
    auto same_id = tx->tokens().create({"t1", store::token_kind::admin, "b", "", t0, std::nullopt}, "s2");
    REQUIRE(same_id.has_error());
    CHECK(same_id.error() == store::errc::already_exists);
    auto same_secret = tx->tokens().create({"t2", store::token_kind::admin, "b", "", t0, std::nullopt}, "s1");
    REQUIRE(same_secret.has_error());
    CHECK(same_secret.error() == store::errc::already_exists);
}
