#include <ssogate/store/scim.hpp>

#include "support/store_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace ssogate;
using ssogate::test::t0;
using std::chrono::hours;

namespace {

store::scim_user_record scim_user(std::string const& user_id, std::string const& user_name,
                                  std::optional<std::string> external_id, store::time_point at)
{
    store::scim_user_record u;
    u.connection_id = "okta";
    u.user_id = user_id;
    u.user_name = user_name;
    u.external_id = std::move(external_id);
    u.resource_json = R"({"userName":")" + user_name + R"("})";
    u.created_at = at;
    u.updated_at = at;
    return u;
}

} // namespace

TEST_CASE("a scim user row is found by id, by userName case-insensitively and by exact externalId",
          "[store][scim]")
{
    test::file_store db;
    auto tx = db.begin();
    test::add_connection(*tx, "okta");
    test::add_user(*tx, "u1", "okta", "s1");
    REQUIRE(tx->scim().create_user(scim_user("u1", "Alice@Example.com", "00u1", t0)).has_value());

    auto by_id = tx->scim().find_user("okta", "u1");
    REQUIRE(by_id.has_value());
    REQUIRE(by_id->has_value());
    CHECK((*by_id)->version == 1);
    CHECK((*by_id)->created_at == t0);
    CHECK((*by_id)->resource_json == R"({"userName":"Alice@Example.com"})");

    auto by_name = tx->scim().find_user_by_user_name("okta", "alice@example.COM");
    REQUIRE(by_name->has_value());
    CHECK((*by_name)->user_id == "u1");
    CHECK_FALSE(tx->scim().find_user_by_user_name("other", "alice@example.com")->has_value());

    CHECK(tx->scim().find_users_by_external_id("okta", "00u1")->size() == 1);
    CHECK(tx->scim().find_users_by_external_id("okta", "00U1")->empty());
    CHECK(tx->scim().user_connections("u1")->size() == 1);
}

TEST_CASE("a userName is unique per connection and a user has one row per connection", "[store][scim]")
{
    test::file_store db;
    auto tx = db.begin();
    test::add_connection(*tx, "okta");
    test::add_user(*tx, "u1", "okta", "s1");
    test::add_user(*tx, "u2", "okta", "s2");
    REQUIRE(tx->scim().create_user(scim_user("u1", "alice@example.com", std::nullopt, t0)).has_value());

    auto clash = tx->scim().create_user(scim_user("u2", "ALICE@example.com", std::nullopt, t0));
    REQUIRE(clash.has_error());
    CHECK(clash.error() == store::errc::user_name_taken);
    auto twice = tx->scim().create_user(scim_user("u1", "other@example.com", std::nullopt, t0));
    REQUIRE(twice.has_error());
    CHECK(twice.error() == store::errc::already_exists);
    auto unknown = tx->scim().create_user(scim_user("nobody", "x@example.com", std::nullopt, t0));
    REQUIRE(unknown.has_error());
    CHECK(unknown.error() == store::errc::missing_reference);
    auto not_object = scim_user("u2", "bob@example.com", std::nullopt, t0);
    not_object.resource_json = "[1]";
    auto refused = tx->scim().create_user(not_object);
    REQUIRE(refused.has_error());
    CHECK(refused.error() == store::errc::invalid_argument);

    REQUIRE(tx->scim().create_user(scim_user("u2", "bob@example.com", std::nullopt, t0)).has_value());
    auto rename_clash = tx->scim().update_user(scim_user("u2", "Alice@example.com", std::nullopt, t0));
    REQUIRE(rename_clash.has_error());
    CHECK(rename_clash.error() == store::errc::user_name_taken);
}

TEST_CASE("updating or touching a scim user bumps its version and lastModified", "[store][scim]")
{
    test::file_store db;
    auto tx = db.begin();
    test::add_connection(*tx, "okta");
    test::add_user(*tx, "u1", "okta", "s1");
    REQUIRE(tx->scim().create_user(scim_user("u1", "alice@example.com", std::nullopt, t0)).has_value());

    auto changed = scim_user("u1", "alice.smith@example.com", "ext-1", t0);
    changed.updated_at = t0 + hours(1);
    changed.version = 77; // ignored
    REQUIRE(*tx->scim().update_user(changed));
    auto after = tx->scim().find_user("okta", "u1");
    CHECK((*after)->version == 2);
    CHECK((*after)->user_name == "alice.smith@example.com");
    CHECK((*after)->external_id == std::optional<std::string>("ext-1"));
    CHECK((*after)->created_at == t0);
    CHECK((*after)->updated_at == t0 + hours(1));

    REQUIRE(*tx->scim().touch_user("okta", "u1", t0 + hours(2)));
    CHECK((*tx->scim().find_user("okta", "u1"))->version == 3);
    CHECK_FALSE(*tx->scim().touch_user("okta", "nobody", t0));
    CHECK_FALSE(*tx->scim().update_user(scim_user("nobody", "n@example.com", std::nullopt, t0)));

    REQUIRE(*tx->scim().remove_user("okta", "u1"));
    CHECK_FALSE(*tx->scim().remove_user("okta", "u1"));
    CHECK(tx->users().find("u1")->has_value()); // the user itself stays
}

TEST_CASE("scim users list in creation order with offset, limit and a separate total", "[store][scim]")
{
    test::file_store db;
    auto tx = db.begin();
    test::add_connection(*tx, "okta");
    test::add_connection(*tx, "entra");
    // Created in the order c, a, b: the list follows creation time, not ids.
    for (auto const& [id, at] : {std::pair{"c", 0}, std::pair{"a", 1}, std::pair{"b", 1}}) {
        test::add_user(*tx, id, "okta", std::string("s-") + id);
        REQUIRE(tx->scim().create_user(scim_user(id, std::string(id) + "@example.com", std::nullopt, t0 + hours(at)))
                    .has_value());
    }
    test::add_user(*tx, "z", "entra", "s-z");
    auto other = scim_user("z", "z@example.com", std::nullopt, t0);
    other.connection_id = "entra";
    REQUIRE(tx->scim().create_user(other).has_value());

    CHECK(*tx->scim().count_users("okta") == 3);
    CHECK(*tx->scim().count_users("entra") == 1);
    auto all = tx->scim().list_users("okta", 0, 10);
    REQUIRE(all->size() == 3);
    CHECK((*all)[0].user_id == "c");
    CHECK((*all)[1].user_id == "a");
    CHECK((*all)[2].user_id == "b");
    auto page = tx->scim().list_users("okta", 1, 1);
    REQUIRE(page->size() == 1);
    CHECK((*page)[0].user_id == "a");
    CHECK(tx->scim().list_users("okta", 5, 10)->empty());
    CHECK(tx->scim().list_users("okta", 0, 0)->empty());
}

TEST_CASE("scim group rows page, bump versions and go with their team", "[store][scim]")
{
    test::file_store db;
    auto tx = db.begin();
    test::add_connection(*tx, "okta");
    REQUIRE(tx->teams().create({"t1", "Engineering", "scim:okta", t0, t0}).has_value());
    REQUIRE(tx->teams().create({"t2", "Sales", "scim:okta", t0, t0}).has_value());
    REQUIRE(tx->scim().create_group({"okta", "t2", "g-2", 1, t0, t0}).has_value());
    REQUIRE(tx->scim().create_group({"okta", "t1", std::nullopt, 1, t0 + hours(1), t0 + hours(1)}).has_value());
    auto twice = tx->scim().create_group({"okta", "t1", std::nullopt, 1, t0, t0});
    REQUIRE(twice.has_error());
    CHECK(twice.error() == store::errc::already_exists);
    auto unknown = tx->scim().create_group({"okta", "nope", std::nullopt, 1, t0, t0});
    REQUIRE(unknown.has_error());
    CHECK(unknown.error() == store::errc::missing_reference);

    CHECK(*tx->scim().count_groups("okta") == 2);
    auto all = tx->scim().list_groups("okta", 0, 10);
    REQUIRE(all->size() == 2);
    CHECK((*all)[0].team_id == "t2");
    CHECK(tx->scim().find_groups_by_external_id("okta", "g-2")->size() == 1);

    REQUIRE(*tx->scim().touch_group("okta", "t1", t0 + hours(2)));
    REQUIRE(*tx->scim().update_group({"okta", "t1", "g-1", 0, t0, t0 + hours(3)}));
    auto g = tx->scim().find_group("okta", "t1");
    CHECK((*g)->version == 3);
    CHECK((*g)->external_id == std::optional<std::string>("g-1"));
    CHECK((*g)->updated_at == t0 + hours(3));

    REQUIRE(*tx->teams().remove("t1"));
    CHECK_FALSE(tx->scim().find_group("okta", "t1")->has_value());
    CHECK(*tx->scim().count_groups("okta") == 1);
}

TEST_CASE("deleting a user removes its scim rows", "[store][scim]")
{
    test::file_store db;
    auto tx = db.begin();
    test::add_connection(*tx, "okta");
    test::add_user(*tx, "u1", "okta", "s1");
    REQUIRE(tx->scim().create_user(scim_user("u1", "alice@example.com", std::nullopt, t0)).has_value());
    REQUIRE(*tx->users().remove("u1"));
    CHECK(*tx->scim().count_users("okta") == 0);
}

TEST_CASE("the scim tables carry the indexes behind userName, externalId and page-order lookups", "[store][scim]")
{
    test::file_store db;
    auto schema = test::raw_schema(db.path());
    CHECK(schema.find("scim_users_user_name") != std::string::npos);
    CHECK(schema.find("scim_users_external_id") != std::string::npos);
    CHECK(schema.find("scim_users_order") != std::string::npos);
    CHECK(schema.find("scim_groups_order") != std::string::npos);
    CHECK(schema.find("scim_groups_external_id") != std::string::npos);
}
