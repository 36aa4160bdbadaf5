#include <ssogate/store/session.hpp>

#include "support/store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace ssogate;
using ssogate::test::t0;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

struct sessions_fixture {
    test::file_store db;
    std::unique_ptr<store::transaction> tx = db.begin();

    sessions_fixture()
    {
        test::add_connection(*tx, "okta");
        test::add_user(*tx, "u1", "okta", "alice");
    }
};

} // namespace

TEST_CASE("a session is stored under the hash of its secret, never the secret", "[store][session]")
{
    sessions_fixture f;
    std::string const secret = "0123456789abcdef0123456789abcdef-session-secret";
    auto created = f.tx->sessions().create(secret, {"u1", "okta", t0, t0 + hours(8), "idx-1"});
    REQUIRE(created.has_value());
    CHECK(created->id_hash.size() == 64);
    CHECK(created->id_hash.find(secret) == std::string::npos);
    CHECK(created->last_seen_at == t0);
    REQUIRE(f.tx->commit().has_value());

    CHECK(test::raw_integer(f.db.path(), "SELECT count(*) FROM sessions WHERE id_hash = '" + created->id_hash + "'") ==
          1);
    CHECK(test::raw_integer(f.db.path(), "SELECT count(*) FROM sessions WHERE id_hash LIKE '%session-secret%'") == 0);

    auto tx = f.db.begin(store::access::read);
    auto found = tx->sessions().find(secret);
    REQUIRE(found.has_value());
    REQUIRE(found->has_value());
    CHECK(**found == *created);
    CHECK_FALSE(tx->sessions().find(secret + "x")->has_value());
}

TEST_CASE("the same session secret cannot be stored twice", "[store][session]")
{
    sessions_fixture f;
    REQUIRE(f.tx->sessions().create("s1", {"u1", "okta", t0, t0 + hours(8), ""}).has_value());
    auto dup = f.tx->sessions().create("s1", {"u1", "okta", t0, t0 + hours(8), ""});
    REQUIRE(dup.has_error());
    CHECK(dup.error() == store::errc::already_exists);
    auto no_user = f.tx->sessions().create("s2", {"ghost", "okta", t0, t0 + hours(8), ""});
    REQUIRE(no_user.has_error());
    CHECK(no_user.error() == store::errc::missing_reference);
    auto empty = f.tx->sessions().create("", {"u1", "okta", t0, t0 + hours(8), ""});
    REQUIRE(empty.has_error());
    CHECK(empty.error() == store::errc::invalid_argument);
}

TEST_CASE("a session is live until its absolute expiry and its idle timeout, exclusive", "[store][session]")
{
    store::session_record s{"h", "u1", "okta", t0, t0 + hours(8), t0 + hours(1), ""};
    auto const idle = seconds(minutes(30));
    CHECK(store::is_live(s, t0 + hours(1), idle));
    CHECK(store::is_live(s, t0 + hours(1) + minutes(30) - seconds(1), idle));
    CHECK_FALSE(store::is_live(s, t0 + hours(1) + minutes(30), idle));
    s.last_seen_at = t0 + hours(8);
    CHECK_FALSE(store::is_live(s, t0 + hours(8), idle));
    CHECK(store::is_live(s, t0 + hours(8) - seconds(1), idle));
}

TEST_CASE("touch, end and sweep keep exactly the live sessions", "[store][session]")
{
    sessions_fixture f;
    auto& sessions = f.tx->sessions();
    auto const idle = seconds(minutes(30));
    REQUIRE(sessions.create("fresh", {"u1", "okta", t0, t0 + hours(8), ""}).has_value());
    REQUIRE(sessions.create("idle", {"u1", "okta", t0, t0 + hours(8), ""}).has_value());
    REQUIRE(sessions.create("old", {"u1", "okta", t0 - hours(9), t0 - hours(1), ""}).has_value());

    auto const now = t0 + minutes(45);
    REQUIRE(*sessions.touch("fresh", t0 + minutes(40)));
    CHECK_FALSE(*sessions.touch("nope", now));
    CHECK(*sessions.count_live(now, idle) == 1);

    auto swept = sessions.sweep(now, idle);
    REQUIRE(swept.has_value());
    CHECK(*swept == 2);
    CHECK(sessions.find("fresh")->has_value());
    CHECK_FALSE(sessions.find("idle")->has_value());

    REQUIRE(*sessions.end("fresh"));
    CHECK_FALSE(*sessions.end("fresh"));
}

TEST_CASE("ending all sessions of a user leaves other users' sessions", "[store][session]")
{
    sessions_fixture f;
    test::add_user(*f.tx, "u2", "okta", "bob");
    REQUIRE(f.tx->sessions().create("a1", {"u1", "okta", t0, t0 + hours(8), ""}).has_value());
    REQUIRE(f.tx->sessions().create("a2", {"u1", "okta", t0, t0 + hours(8), ""}).has_value());
    REQUIRE(f.tx->sessions().create("b1", {"u2", "okta", t0, t0 + hours(8), ""}).has_value());
    CHECK(*f.tx->sessions().end_all_for_user("u1") == 2);
    CHECK(f.tx->sessions().find("b1")->has_value());
}
