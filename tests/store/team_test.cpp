#include <ssogate/store/team.hpp>

#include "support/store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace ssogate;
using ssogate::test::t0;
using std::chrono::hours;

TEST_CASE("team names are unique case-insensitively, ids are unique", "[store][team]")
{
    test::file_store db;
    auto tx = db.begin();
    REQUIRE(tx->teams().create({"t1", "Engineering", "scim:okta", t0, t0}).has_value());
    auto same_name = tx->teams().create({"t2", "engineering", "admin", t0, t0});
    REQUIRE(same_name.has_error());
    CHECK(same_name.error() == store::errc::team_name_taken);
    auto same_id = tx->teams().create({"t1", "Sales", "admin", t0, t0});
    REQUIRE(same_id.has_error());
    CHECK(same_id.error() == store::errc::already_exists);

    auto found = tx->teams().find_by_name("ENGINEERING");
    REQUIRE(found->has_value());
    CHECK((*found)->id == "t1");

    REQUIRE(tx->teams().create({"t2", "Sales", "admin", t0, t0}).has_value());
    auto clash = tx->teams().rename("t2", "ENGINEERING", t0);
    REQUIRE(clash.has_error());
    CHECK(clash.error() == store::errc::team_name_taken);
    auto renamed = tx->teams().rename("t2", "Sales EMEA", t0 + hours(1));
    REQUIRE(renamed.has_value());
    CHECK(*renamed);
    auto all = tx->teams().list();
    REQUIRE(all->size() == 2);
    CHECK((*all)[0].name == "Engineering");
    CHECK((*all)[1] == store::team_record{"t2", "Sales EMEA", "admin", t0, t0 + hours(1)});
}

TEST_CASE("memberships record their owner and go with their team or user", "[store][team]")
{
    test::file_store db;
    auto tx = db.begin();
    test::add_connection(*tx, "okta");
    test::add_user(*tx, "u1", "okta", "alice");
    test::add_user(*tx, "u2", "okta", "bob");
    REQUIRE(tx->teams().create({"t1", "Engineering", "jit:okta", t0, t0}).has_value());
    REQUIRE(tx->teams().create({"t2", "Ops", "admin", t0, t0}).has_value());

    REQUIRE(tx->teams().add_member({"u1", "t1", "jit:okta", t0, std::nullopt}).has_value());
    REQUIRE(tx->teams().add_member({"u1", "t2", "admin", t0, "evt-1"}).has_value());
    REQUIRE(tx->teams().add_member({"u2", "t1", "scim:okta", t0 + hours(1), std::nullopt}).has_value());

    auto of_u1 = tx->teams().memberships_of("u1");
    REQUIRE(of_u1->size() == 2);
    CHECK((*of_u1)[1] == store::membership_record{"u1", "t2", "admin", t0, "evt-1"});
    auto members = tx->teams().members("t1");
    REQUIRE(members->size() == 2);
    CHECK((*members)[1].owner == "scim:okta");
    CHECK((*tx->users().find("u2"))->updated_at == t0 + hours(1));

    auto missing = tx->teams().add_member({"u1", "ghost", "admin", t0, std::nullopt});
    REQUIRE(missing.has_error());
    CHECK(missing.error() == store::errc::missing_reference);

    auto left = tx->teams().remove_member("u1", "t1", t0 + hours(2));
    REQUIRE(left.has_value());
    CHECK(*left);
    CHECK_FALSE(*tx->teams().remove_member("u1", "t1", t0 + hours(2)));

    REQUIRE(*tx->teams().remove("t1"));
    CHECK(tx->teams().memberships_of("u2")->empty());
    REQUIRE(*tx->users().remove("u1"));
    CHECK(tx->teams().members("t2")->empty());
}
