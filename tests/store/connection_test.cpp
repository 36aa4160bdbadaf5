#include <ssogate/store/connection.hpp>

#include "support/store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace ssogate;
using ssogate::test::t0;
using std::chrono::hours;

TEST_CASE("a connection round-trips with its owner, settings and JIT switch", "[store][connection]")
{
    test::file_store db;
    auto tx = db.begin();
    store::connection_record c{"okta", "Okta", store::connection_owner::file, "/etc/ssogate.toml", false,
                               R"({"domains":["example.com"]})", t0, t0 + hours(1)};
    REQUIRE(tx->connections().create(c).has_value());
    auto found = tx->connections().find("okta");
    REQUIRE(found.has_value());
    REQUIRE(found->has_value());
    CHECK(**found == c);
}

TEST_CASE("the JIT switch changes on the next read without touching other fields", "[store][connection]")
{
    test::file_store db;
    {
        auto tx = db.begin();
        test::add_connection(*tx, "okta");
        REQUIRE(tx->commit().has_value());
    }
    {
        auto tx = db.begin();
        auto changed = tx->connections().set_jit_enabled("okta", false, t0 + hours(1));
        REQUIRE(changed.has_value());
        CHECK(*changed);
        auto unknown = tx->connections().set_jit_enabled("nope", false, t0);
        REQUIRE(unknown.has_value());
        CHECK_FALSE(*unknown);
        REQUIRE(tx->commit().has_value());
    }
    auto tx = db.begin(store::access::read);
    auto c = tx->connections().find("okta");
    REQUIRE(c->has_value());
    CHECK_FALSE((*c)->jit_enabled);
    CHECK((*c)->updated_at == t0 + hours(1));
    CHECK((*c)->created_at == t0);
    CHECK((*c)->display_name == "Connection okta");
}

TEST_CASE("a connection update replaces its fields but not its creation time", "[store][connection]")
{
    test::file_store db;
    auto tx = db.begin();
    test::add_connection(*tx, "okta");
    store::connection_record changed{"okta", "Okta (new)", store::connection_owner::store, "", true,
                                     R"({"jit":{"update":"never"}})", t0 + hours(5), t0 + hours(2)};
    auto updated = tx->connections().update(changed);
    REQUIRE(updated.has_value());
    CHECK(*updated);
    auto c = tx->connections().find("okta");
    changed.created_at = t0;
    CHECK(**c == changed);
    changed.id = "ghost";
    CHECK_FALSE(*tx->connections().update(changed));
}

TEST_CASE("connection settings must be JSON", "[store][connection]")
{
    test::file_store db;
    auto tx = db.begin();
    auto bad = tx->connections().create({"okta", "Okta", store::connection_owner::store, "", true, "{nope", t0, t0});
    REQUIRE(bad.has_error());
    CHECK(bad.error() == store::errc::invalid_argument);
}

TEST_CASE("a connection with users cannot be deleted; one without can, with its transient rows",
          "[store][connection]")
{
    test::file_store db;
    auto tx = db.begin();
    test::add_connection(*tx, "okta");
    test::add_connection(*tx, "old");
    test::add_user(*tx, "u1", "okta", "alice");
    REQUIRE(tx->requests().create({"_r1", "old", "/", t0, t0 + hours(1)}, "flow").has_value());
    REQUIRE(tx->replay().consume("old", "_a1", t0 + hours(1)).has_value());
    REQUIRE(tx->tokens().create({"t1", store::token_kind::scim, "scim", "old", t0, std::nullopt}, "s3cret")
                .has_value());

    auto in_use = tx->connections().remove("okta");
    REQUIRE(in_use.has_error());
    CHECK(in_use.error() == store::errc::in_use);

    auto removed = tx->connections().remove("old");
    REQUIRE(removed.has_value());
    CHECK(*removed);
    CHECK_FALSE(tx->tokens().find("t1")->has_value());
    auto consumed = tx->requests().consume("_r1", "old", "flow", t0);
    CHECK(consumed->status == store::consume_status::unknown);
    CHECK_FALSE(*tx->connections().remove("old"));
}
