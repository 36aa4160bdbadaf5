#include <ssogate/store/admin_session.hpp>

#include "support/store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace ssogate;
using ssogate::test::t0;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

store::new_admin_session sso_admin(std::string id = "u-owner")
{
    return {"user", std::move(id), "owner@example.com", "sso", t0, t0 + hours(8)};
}

} // namespace

TEST_CASE("an admin session is stored under the hash of its secret, never the secret", "[store][admin_session]")
{
    test::file_store db;
    std::string const secret = "0123456789abcdef0123456789abcdef-admin-secret";
    {
        auto tx = db.begin();
        auto created = tx->admin_sessions().create(secret, sso_admin());
        REQUIRE(created.has_value());
        CHECK(created->id_hash.size() == 64);
        CHECK(created->actor_type == "user");
        CHECK(created->actor_id == "u-owner");
        CHECK(created->label == "owner@example.com");
        CHECK(created->method == "sso");
        CHECK(created->created_at == t0);
        CHECK(created->last_seen_at == t0);
        CHECK(created->expires_at == t0 + hours(8));
        REQUIRE(tx->commit().has_value());
    }
    CHECK(test::raw_integer(db.path(), "SELECT count(*) FROM admin_sessions") == 1);
    CHECK(test::raw_integer(db.path(), "SELECT count(*) FROM admin_sessions WHERE id_hash LIKE '%admin-secret%'") == 0);

    // A second handle on the same database (another node on a shared store) finds it.
    auto other = db.open_another();
    auto tx = other->begin(store::access::read);
    REQUIRE(tx.has_value());
    auto found = (*tx)->admin_sessions().find(secret);
    REQUIRE(found.has_value());
    REQUIRE(found->has_value());
    CHECK((*found)->actor_id == "u-owner");
    CHECK_FALSE((*tx)->admin_sessions().find(secret + "x")->has_value());
}

TEST_CASE("an admin session refuses an empty secret, actor or method and a secret already in use",
          "[store][admin_session][reject]")
{
    test::file_store db;
    auto tx = db.begin();
    auto& s = tx->admin_sessions();
    CHECK(s.create("", sso_admin()).error() == store::errc::invalid_argument);
    auto no_actor = sso_admin("");
    CHECK(s.create("s1", no_actor).error() == store::errc::invalid_argument);
    auto no_type = sso_admin();
    no_type.actor_type.clear();
    CHECK(s.create("s1", no_type).error() == store::errc::invalid_argument);
    auto no_method = sso_admin();
    no_method.method.clear();
    CHECK(s.create("s1", no_method).error() == store::errc::invalid_argument);
    REQUIRE(s.create("s1", sso_admin()).has_value());
    CHECK(s.create("s1", sso_admin("u-other")).error() == store::errc::already_exists);
    // The refused calls wrote nothing; the transaction goes on.
    REQUIRE(tx->commit().has_value());
    CHECK(test::raw_integer(db.path(), "SELECT count(*) FROM admin_sessions") == 1);
}

TEST_CASE("touching an admin session moves last_seen_at forward only", "[store][admin_session]")
{
    test::file_store db;
    auto tx = db.begin();
    auto& s = tx->admin_sessions();
    REQUIRE(s.create("s1", sso_admin()).has_value());
    CHECK(*s.touch("s1", t0 + minutes(5)));
    CHECK((*s.find("s1"))->last_seen_at == t0 + minutes(5));
    CHECK(*s.touch("s1", t0 + minutes(1)));
    CHECK((*s.find("s1"))->last_seen_at == t0 + minutes(5));
    CHECK_FALSE(*s.touch("nope", t0));
}

TEST_CASE("an admin session is live until its idle timeout or its absolute end, whichever comes first",
          "[store][admin_session]")
{
    store::admin_session_record r;
    r.created_at = r.last_seen_at = t0;
    r.expires_at = t0 + hours(1);
    auto const idle = seconds(900);
    CHECK(store::is_live(r, t0, idle));
    CHECK(store::is_live(r, t0 + idle - seconds(1), idle));
    CHECK_FALSE(store::is_live(r, t0 + idle, idle));
    r.last_seen_at = t0 + minutes(50);
    CHECK(store::is_live(r, t0 + minutes(59), idle));
    CHECK_FALSE(store::is_live(r, t0 + hours(1), idle));
}

TEST_CASE("ending admin sessions: one by secret, all of one actor, and the sweep of dead ones",
          "[store][admin_session]")
{
    test::file_store db;
    auto tx = db.begin();
    auto& s = tx->admin_sessions();
    REQUIRE(s.create("a1", sso_admin("u1")).has_value());
    REQUIRE(s.create("a2", sso_admin("u1")).has_value());
    REQUIRE(s.create("t1", {"admin", "u1", "admin token ci", "token", t0, t0 + hours(8)}).has_value());
    REQUIRE(s.create("b1", sso_admin("u2")).has_value());

    CHECK(*s.end("b1"));
    CHECK_FALSE(*s.end("b1"));
    // Same id, other type: an admin token whose id equals a user id is another actor.
    CHECK(*s.end_all_for_actor("user", "u1") == 2);
    CHECK(s.find("t1")->has_value());
    CHECK(*s.end_all_for_actor("user", "u1") == 0);

    REQUIRE(s.create("live", sso_admin("u3")).has_value());
    REQUIRE(s.touch("live", t0 + minutes(20)).has_value());
    REQUIRE(s.create("short", {"user", "u4", "", "sso", t0, t0 + minutes(10)}).has_value());
    // At t0+21m with a 15-minute idle timeout: t1 is idle, short has expired, live is live.
    CHECK(*s.sweep(t0 + minutes(21), minutes(15)) == 2);
    CHECK(s.find("live")->has_value());
    CHECK_FALSE(s.find("t1")->has_value());
    CHECK_FALSE(s.find("short")->has_value());
}

TEST_CASE("a read transaction cannot open or touch an admin session", "[store][admin_session][reject]")
{
    test::file_store db;
    auto tx = db.begin(store::access::read);
    CHECK(tx->admin_sessions().create("s1", sso_admin()).error() == store::errc::read_only_transaction);
    CHECK(tx->admin_sessions().touch("s1", t0).error() == store::errc::read_only_transaction);
}
