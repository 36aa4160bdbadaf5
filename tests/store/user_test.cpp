#include <ssogate/store/user.hpp>

#include "support/store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace ssogate;
using ssogate::test::t0;
using std::chrono::hours;

namespace {

struct users_fixture {
    test::file_store db;
    std::unique_ptr<store::transaction> tx = db.begin();

    users_fixture()
    {
        test::add_connection(*tx, "okta");
        test::add_connection(*tx, "entra");
        test::add_user(*tx, "u1", "okta", "alice-nameid");
    }

    store::user_repository& users() { return tx->users(); }
};

} // namespace

TEST_CASE("a user is found by its identity, never by another connection's subject", "[store][user]")
{
    users_fixture f;
    auto found = f.users().find_by_identity("okta", "alice-nameid");
    REQUIRE(found.has_value());
    REQUIRE(found->has_value());
    CHECK((*found)->id == "u1");
    CHECK((*found)->created_by == "jit:okta");
    CHECK((*found)->active);
    CHECK_FALSE((*found)->email.has_value());

    auto other = f.users().find_by_identity("entra", "alice-nameid");
    REQUIRE(other.has_value());
    CHECK_FALSE(other->has_value());
}

TEST_CASE("the same subject cannot be linked twice on one connection", "[store][user]")
{
    users_fixture f;
    REQUIRE(f.users().create({"u2", "admin", true, t0}).has_value());
    auto dup = f.users().add_identity({"okta", "alice-nameid", "u2", t0, std::nullopt, ""});
    REQUIRE(dup.has_error());
    CHECK(dup.error() == store::errc::identity_taken);
    // The same subject on another connection is another identity.
    CHECK(f.users().add_identity({"entra", "alice-nameid", "u2", t0, std::nullopt, ""}).has_value());
}

TEST_CASE("one user may hold identities on several connections", "[store][user]")
{
    users_fixture f;
    REQUIRE(f.users().add_identity({"entra", "oid-123", "u1", t0, std::nullopt, ""}).has_value());
    auto ids = f.users().identities("u1");
    REQUIRE(ids.has_value());
    REQUIRE(ids->size() == 2);
    CHECK((*ids)[0].connection_id == "entra");
    CHECK((*ids)[1].connection_id == "okta");
    auto via_entra = f.users().find_by_identity("entra", "oid-123");
    REQUIRE(via_entra.has_value());
    REQUIRE(via_entra->has_value());
    CHECK((*via_entra)->id == "u1");
}

TEST_CASE("an identity needs an existing user and connection", "[store][user]")
{
    users_fixture f;
    auto no_user = f.users().add_identity({"okta", "x", "ghost", t0, std::nullopt, ""});
    REQUIRE(no_user.has_error());
    CHECK(no_user.error() == store::errc::missing_reference);
    auto no_connection = f.users().add_identity({"nowhere", "x", "u1", t0, std::nullopt, ""});
    REQUIRE(no_connection.has_error());
    CHECK(no_connection.error() == store::errc::missing_reference);
}

TEST_CASE("a user id cannot be reused and created_by must be an owner", "[store][user]")
{
    users_fixture f;
    auto dup = f.users().create({"u1", "admin", true, t0});
    REQUIRE(dup.has_error());
    CHECK(dup.error() == store::errc::already_exists);
    auto bad = f.users().create({"u9", "ldap", true, t0});
    REQUIRE(bad.has_error());
    CHECK(bad.error() == store::errc::invalid_argument);
}

TEST_CASE("email is unique across users case-insensitively", "[store][user]")
{
    users_fixture f;
    test::add_user(*f.tx, "u2", "entra", "bob-oid");
    REQUIRE(f.users().set_attribute("u1", {"email", "Alice@Example.com", "jit:okta", t0, std::nullopt}).has_value());

    auto taken = f.users().set_attribute("u2", {"email", "alice@EXAMPLE.COM", "jit:entra", t0, std::nullopt});
    REQUIRE(taken.has_error());
    CHECK(taken.error() == store::errc::email_taken);

    // The owner of the address may change its case.
    CHECK(f.users().set_attribute("u1", {"email", "alice@example.com", "jit:okta", t0, std::nullopt}).has_value());
    // Other attributes may hold the same text.
    CHECK(f.users().set_attribute("u2", {"userName", "alice@example.com", "scim:entra", t0, std::nullopt})
              .has_value());

    auto by_email = f.users().find_by_email("ALICE@example.com");
    REQUIRE(by_email.has_value());
    REQUIRE(by_email->has_value());
    CHECK((*by_email)->id == "u1");
    CHECK((*by_email)->email == "alice@example.com");

    auto nobody = f.users().find_by_email("nobody@example.com");
    REQUIRE(nobody.has_value());
    CHECK_FALSE(nobody->has_value());
}

TEST_CASE("attributes record their owner, time and event and replace in place", "[store][user]")
{
    users_fixture f;
    REQUIRE(f.users().set_attribute("u1", {"given_name", "Alice", "jit:okta", t0, std::nullopt}).has_value());
    REQUIRE(f.users().set_attribute("u1", {"family_name", "Liddell", "scim:okta", t0, "evt-1"}).has_value());
    REQUIRE(f.users().set_attribute("u1", {"given_name", "Alicia", "admin", t0 + hours(1), "evt-2"}).has_value());

    auto attrs = f.users().attributes("u1");
    REQUIRE(attrs.has_value());
    REQUIRE(attrs->size() == 2);
    CHECK((*attrs)[0] == store::attribute_record{"family_name", "Liddell", "scim:okta", t0, "evt-1"});
    CHECK((*attrs)[1] == store::attribute_record{"given_name", "Alicia", "admin", t0 + hours(1), "evt-2"});

    auto user = f.users().find("u1");
    REQUIRE(user.has_value());
    CHECK((*user)->updated_at == t0 + hours(1));

    auto removed = f.users().remove_attribute("u1", "given_name", t0 + hours(2));
    REQUIRE(removed.has_value());
    CHECK(*removed);
    auto again = f.users().remove_attribute("u1", "given_name", t0 + hours(3));
    REQUIRE(again.has_value());
    CHECK_FALSE(*again);
    user = f.users().find("u1");
    CHECK((*user)->updated_at == t0 + hours(2));
}

TEST_CASE("an attribute with a malformed owner or for an unknown user is refused", "[store][user]")
{
    users_fixture f;
    auto bad_owner = f.users().set_attribute("u1", {"given_name", "A", "jit:", t0, std::nullopt});
    REQUIRE(bad_owner.has_error());
    CHECK(bad_owner.error() == store::errc::invalid_argument);
    auto ghost = f.users().set_attribute("ghost", {"given_name", "A", "admin", t0, std::nullopt});
    REQUIRE(ghost.has_error());
    CHECK(ghost.error() == store::errc::missing_reference);
}

TEST_CASE("users are found by an attribute value case-insensitively", "[store][user]")
{
    users_fixture f;
    REQUIRE(f.users().set_attribute("u1", {"externalId", "00uABC", "scim:okta", t0, std::nullopt}).has_value());
    auto found = f.users().find_by_attribute("externalId", "00uabc");
    REQUIRE(found.has_value());
    REQUIRE(found->size() == 1);
    CHECK((*found)[0].id == "u1");
    auto none = f.users().find_by_attribute("userName", "00uabc");
    REQUIRE(none.has_value());
    CHECK(none->empty());
}

TEST_CASE("role grants record their owner and replace in place", "[store][user]")
{
    users_fixture f;
    REQUIRE(f.users().grant_role("u1", {"member", "jit:okta", t0, std::nullopt}).has_value());
    REQUIRE(f.users().grant_role("u1", {"editor", "scim:okta", t0, "evt-7"}).has_value());
    REQUIRE(f.users().grant_role("u1", {"member", "admin", t0 + hours(1), std::nullopt}).has_value());
    auto roles = f.users().roles("u1");
    REQUIRE(roles.has_value());
    REQUIRE(roles->size() == 2);
    CHECK((*roles)[0] == store::role_grant{"editor", "scim:okta", t0, "evt-7"});
    CHECK((*roles)[1] == store::role_grant{"member", "admin", t0 + hours(1), std::nullopt});

    auto revoked = f.users().revoke_role("u1", "editor", t0 + hours(2));
    REQUIRE(revoked.has_value());
    CHECK(*revoked);
    roles = f.users().roles("u1");
    CHECK(roles->size() == 1);
}

TEST_CASE("deactivating a user keeps it and its values", "[store][user]")
{
    users_fixture f;
    REQUIRE(f.users().grant_role("u1", {"member", "jit:okta", t0, std::nullopt}).has_value());
    auto off = f.users().set_active("u1", false, t0 + hours(1));
    REQUIRE(off.has_value());
    CHECK(*off);
    auto user = f.users().find("u1");
    REQUIRE(user->has_value());
    CHECK_FALSE((*user)->active);
    CHECK((*user)->updated_at == t0 + hours(1));
    CHECK(f.users().roles("u1")->size() == 1);
    auto ghost = f.users().set_active("ghost", false, t0);
    REQUIRE(ghost.has_value());
    CHECK_FALSE(*ghost);
}

TEST_CASE("removing a user removes everything it owns", "[store][user]")
{
    users_fixture f;
    REQUIRE(f.users().set_attribute("u1", {"email", "a@example.com", "jit:okta", t0, std::nullopt}).has_value());
    REQUIRE(f.users().grant_role("u1", {"member", "jit:okta", t0, std::nullopt}).has_value());
    REQUIRE(f.tx->sessions().create("secret", {"u1", "okta", t0, t0 + hours(8), ""}).has_value());
    auto removed = f.users().remove("u1");
    REQUIRE(removed.has_value());
    CHECK(*removed);
    CHECK_FALSE(f.users().find_by_identity("okta", "alice-nameid")->has_value());
    CHECK_FALSE(f.users().find_by_email("a@example.com")->has_value());
    CHECK_FALSE(f.tx->sessions().find("secret")->has_value());
    // The address is free again.
    test::add_user(*f.tx, "u2", "okta", "alice-nameid");
    CHECK(f.users().set_attribute("u2", {"email", "a@example.com", "jit:okta", t0, std::nullopt}).has_value());
}

TEST_CASE("a sign-in through an identity records when and what was asserted", "[store][user]")
{
    users_fixture f;
    auto recorded = f.users().record_login("okta", "alice-nameid", R"({"groups":["eng"]})", t0 + hours(1));
    REQUIRE(recorded.has_value());
    CHECK(*recorded);
    auto ids = f.users().identities("u1");
    REQUIRE(ids->size() == 1);
    CHECK((*ids)[0].last_login_at == t0 + hours(1));
    CHECK((*ids)[0].last_assertion_json == R"({"groups":["eng"]})");
    auto unknown = f.users().record_login("okta", "nobody", "{}", t0);
    REQUIRE(unknown.has_value());
    CHECK_FALSE(*unknown);
}

TEST_CASE("users are listed in pages by id", "[store][user]")
{
    users_fixture f;
    for (auto id : {"u3", "u2", "u4"})
        REQUIRE(f.users().create({id, "admin", true, t0}).has_value());
    auto page1 = f.users().list("", 2);
    REQUIRE(page1.has_value());
    REQUIRE(page1->size() == 2);
    CHECK((*page1)[0].id == "u1");
    CHECK((*page1)[1].id == "u2");
    auto page2 = f.users().list(page1->back().id, 2);
    REQUIRE(page2->size() == 2);
    CHECK((*page2)[0].id == "u3");
    CHECK((*page2)[1].id == "u4");
    CHECK(f.users().list("u4", 2)->empty());
}

TEST_CASE("times round-trip with microsecond precision", "[store][user]")
{
    users_fixture f;
    auto const precise = t0 + std::chrono::microseconds(123456);
    REQUIRE(f.users().create({"u7", "admin", true, precise + std::chrono::nanoseconds(789)}).has_value());
    auto user = f.users().find("u7");
    CHECK((*user)->created_at == precise);
}
