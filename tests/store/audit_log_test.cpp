#include <ssogate/store/audit_log.hpp>

#include "support/store_fixture.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

using namespace ssogate;
using ssogate::test::t0;
using std::chrono::seconds;

namespace {

store::audit_event event(std::string id, std::string action = "sso.login.succeeded", std::string connection = "okta")
{
    store::audit_event e;
    e.id = std::move(id);
    e.time = t0;
    e.action = std::move(action);
    e.actor_type = "user";
    e.actor_id = "u1";
    e.target = "user:u1";
    e.connection_id = std::move(connection);
    e.source_ip = "192.0.2.1";
    e.user_agent = "test-agent";
    e.result_status = "success";
    e.result_reason = "";
    e.changes_json = R"({ "email": { "before": null, "after": "a@example.com" } })";
    e.trace_id = "trace-" + e.id;
    return e;
}

void append_all(test::file_store& db, int n, std::string const& prefix = "e")
{
    auto tx = db.begin();
    for (int i = 1; i <= n; ++i)
        REQUIRE(tx->audit().append(event(prefix + std::to_string(i))).has_value());
    REQUIRE(tx->commit().has_value());
}

store::chain_verification verify(test::file_store& db)
{
    auto tx = db.begin(store::access::read);
    auto v = tx->audit().verify_chain();
    REQUIRE(v.has_value());
    return *v;
}

} // namespace

TEST_CASE("appended events get seq 1, 2, 3 and a hash chain from the genesis hash", "[store][audit]")
{
    test::file_store db;
    auto tx = db.begin();
    auto first = tx->audit().append(event("e1"));
    auto second = tx->audit().append(event("e2"));
    REQUIRE(first.has_value());
    REQUIRE(second.has_value());
    CHECK(first->seq == 1);
    CHECK(first->prev_hash == store::genesis_hash);
    CHECK(first->hash.size() == 64);
    CHECK(second->seq == 2);
    CHECK(second->prev_hash == first->hash);
    CHECK(first->event.changes_json == R"({"email":{"before":null,"after":"a@example.com"}})");
    REQUIRE(tx->commit().has_value());

    auto rtx = db.begin(store::access::read);
    auto stored = rtx->audit().after(0, 10);
    REQUIRE(stored.has_value());
    REQUIRE(stored->size() == 2);
    CHECK((*stored)[0] == *first);
    CHECK((*stored)[1] == *second);
    CHECK(*rtx->audit().last_seq() == 2);
}

TEST_CASE("a rolled-back append frees its seq: seq is gapless on commit", "[store][audit]")
{
    test::file_store db;
    append_all(db, 2);
    {
        auto tx = db.begin();
        auto e = tx->audit().append(event("rolled-back"));
        REQUIRE(e.has_value());
        CHECK(e->seq == 3);
    } // rolled back
    append_all(db, 1, "after");
    auto tx = db.begin(store::access::read);
    auto all = tx->audit().after(0, 100);
    REQUIRE(all->size() == 3);
    CHECK((*all)[2].seq == 3);
    CHECK((*all)[2].event.id == "after1");
    CHECK_FALSE(verify(db).first_break.has_value());
}

TEST_CASE("after() pages by seq and filters by action and connection", "[store][audit]")
{
    test::file_store db;
    {
        auto tx = db.begin();
        REQUIRE(tx->audit().append(event("a", "sso.login.succeeded", "okta")).has_value());
        REQUIRE(tx->audit().append(event("b", "provision.conflict", "okta")).has_value());
        REQUIRE(tx->audit().append(event("c", "sso.login.succeeded", "entra")).has_value());
        REQUIRE(tx->audit().append(event("d", "sso.login.succeeded", "okta")).has_value());
        REQUIRE(tx->commit().has_value());
    }
    auto tx = db.begin(store::access::read);
    auto page = tx->audit().after(1, 2);
    REQUIRE(page->size() == 2);
    CHECK((*page)[0].seq == 2);
    CHECK((*page)[1].seq == 3);
    auto logins = tx->audit().after(0, 10, {"sso.login.succeeded", "okta"});
    REQUIRE(logins->size() == 2);
    CHECK((*logins)[0].event.id == "a");
    CHECK((*logins)[1].event.id == "d");
    auto all_logins = tx->audit().after(0, 10, {"sso.login.succeeded", ""});
    REQUIRE(all_logins->size() == 3);
    CHECK((*all_logins)[1].event.id == "c");
    auto on_okta = tx->audit().after(1, 10, {"", "okta"});
    REQUIRE(on_okta->size() == 2);
    CHECK((*on_okta)[0].event.id == "b");
    CHECK((*on_okta)[1].event.id == "d");
    CHECK(tx->audit().after(0, 1, {"", "entra"})->size() == 1);
    CHECK(tx->audit().after(4, 10)->empty());
}

TEST_CASE("an audit event id is unique and its changes must be JSON", "[store][audit]")
{
    test::file_store db;
    auto tx = db.begin();
    REQUIRE(tx->audit().append(event("e1")).has_value());
    auto dup = tx->audit().append(event("e1"));
    REQUIRE(dup.has_error());
    CHECK(dup.error() == store::errc::already_exists);
    auto bad = event("e2");
    bad.changes_json = "{not json";
    auto r = tx->audit().append(bad);
    REQUIRE(r.has_error());
    CHECK(r.error() == store::errc::invalid_argument);
    auto empty = event("e3");
    empty.changes_json.clear();
    CHECK(tx->audit().append(empty).has_value());
}

TEST_CASE("the audit table refuses updates and deletes", "[store][audit]")
{
    test::file_store db;
    append_all(db, 1);
    CHECK_THAT(test::raw_try_exec(db.path(), "UPDATE audit_events SET action = 'x'"),
               Catch::Contains("append-only"));
    CHECK_THAT(test::raw_try_exec(db.path(), "DELETE FROM audit_events"), Catch::Contains("append-only"));
    CHECK_FALSE(verify(db).first_break.has_value());
}

TEST_CASE("verify_chain passes on an untouched log", "[store][audit]")
{
    test::file_store db;
    CHECK(verify(db).events_checked == 0);
    append_all(db, 5);
    auto v = verify(db);
    CHECK(v.events_checked == 5);
    CHECK_FALSE(v.first_break.has_value());
}

TEST_CASE("verify_chain reports the first tampered event and the field that differs", "[store][audit]")
{
    test::file_store db;
    append_all(db, 5);
    // Someone with the file drops the guard and edits event 3.
    test::raw_exec(db.path(), "DROP TRIGGER audit_events_no_update");
    test::raw_exec(db.path(), "UPDATE audit_events SET result_status = 'failure' WHERE seq = 3");

    auto v = verify(db);
    REQUIRE(v.first_break.has_value());
    CHECK(v.first_break->seq == 3);
    CHECK(v.first_break->field == "hash");
    CHECK(v.first_break->expected != v.first_break->actual);
    CHECK(v.events_checked == 2);
}

TEST_CASE("verify_chain reports a rewritten hash as a broken link at the next event", "[store][audit]")
{
    test::file_store db;
    append_all(db, 4);
    test::raw_exec(db.path(), "DROP TRIGGER audit_events_no_update");
    // Recomputing event 2's hash after editing it is not enough: event 3 still points
    // at the old one.
    test::raw_exec(db.path(), "UPDATE audit_events SET hash = '" + std::string(64, 'a') + "' WHERE seq = 2");
    auto v = verify(db);
    REQUIRE(v.first_break.has_value());
    CHECK(v.first_break->seq == 2);
    CHECK(v.first_break->field == "hash");
}

TEST_CASE("verify_chain reports a deleted event as a seq gap", "[store][audit]")
{
    test::file_store db;
    append_all(db, 4);
    test::raw_exec(db.path(), "DROP TRIGGER audit_events_no_delete");
    test::raw_exec(db.path(), "DELETE FROM audit_events WHERE seq = 2");
    auto v = verify(db);
    REQUIRE(v.first_break.has_value());
    CHECK(v.first_break->seq == 2);
    CHECK(v.first_break->field == "seq");
    CHECK(v.first_break->expected == "2");
    CHECK(v.first_break->actual == "3");
}

TEST_CASE("concurrent writers keep seq gapless and the chain valid", "[store][audit]")
{
    test::file_store db;
    constexpr int threads = 4;
    constexpr int per_thread = 20;
    std::atomic<int> failures{0};
    std::vector<std::thread> writers;
    for (int t = 0; t < threads; ++t)
        writers.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                auto tx = db->begin(store::access::write);
                if (!tx) {
                    ++failures;
                    continue;
                }
                auto e = event("t" + std::to_string(t) + "-" + std::to_string(i));
                e.time = t0 + seconds(i);
                if (!(*tx)->audit().append(e))
                    ++failures;
                // Every third transaction rolls back: its seq must be reused.
                if (i % 3 == 2)
                    continue;
                if (!(*tx)->commit())
                    ++failures;
            }
        });
    for (auto& w : writers)
        w.join();
    CHECK(failures == 0);

    int const committed = threads * (per_thread - per_thread / 3);
    auto v = verify(db);
    CHECK_FALSE(v.first_break.has_value());
    CHECK(v.events_checked == committed);
    auto tx = db.begin(store::access::read);
    CHECK(*tx->audit().last_seq() == committed);
}
