#include <ssogate/store/transaction.hpp>

#include "support/store_fixture.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace ssogate;
using ssogate::test::t0;

TEST_CASE("a transaction destroyed without commit rolls back", "[store][transaction]")
{
    test::file_store db;
    {
        auto tx = db.begin();
        test::add_connection(*tx, "okta");
        test::add_user(*tx, "u1", "okta", "alice");
    } // no commit
    auto tx = db.begin(store::access::read);
    auto c = tx->connections().find("okta");
    REQUIRE(c.has_value());
    CHECK_FALSE(c->has_value());
    auto u = tx->users().find("u1");
    REQUIRE(u.has_value());
    CHECK_FALSE(u->has_value());
}

TEST_CASE("a committed transaction is visible to later transactions", "[store][transaction]")
{
    test::file_store db;
    {
        auto tx = db.begin();
        test::add_connection(*tx, "okta");
        REQUIRE(tx->commit().has_value());
    }
    auto tx = db.begin(store::access::read);
    auto c = tx->connections().find("okta");
    REQUIRE(c.has_value());
    REQUIRE(c->has_value());
    CHECK((*c)->display_name == "Connection okta");
    CHECK((*c)->created_at == t0);
}

TEST_CASE("a transaction abandoned after an error rolls back the writes before the error", "[store][transaction]")
{
    test::file_store db;
    {
        auto tx = db.begin();
        test::add_connection(*tx, "okta");
        REQUIRE(tx->commit().has_value());
    }
    {
        // The sign-in path: create the user, then the replay check fails; the caller
        // returns on the error and the user is not created.
        auto tx = db.begin();
        test::add_user(*tx, "u1", "okta", "alice");
        REQUIRE(tx->replay().consume("okta", "_a1", t0).has_value());
        auto again = tx->replay().consume("okta", "_a1", t0);
        REQUIRE(again.has_error());
        CHECK(again.error() == store::errc::replayed);
    }
    auto tx = db.begin(store::access::read);
    auto u = tx->users().find("u1");
    REQUIRE(u.has_value());
    CHECK_FALSE(u->has_value());
}

TEST_CASE("a failed call leaves the transaction usable and its earlier writes intact", "[store][transaction]")
{
    test::file_store db;
    {
        auto tx = db.begin();
        test::add_connection(*tx, "okta");
        auto dup = tx->connections().create({"okta", "again", store::connection_owner::store, "", true, "{}", t0, t0});
        REQUIRE(dup.has_error());
        CHECK(dup.error() == store::errc::already_exists);
        CHECK_FALSE(tx->last_error_detail().empty());
        test::add_connection(*tx, "entra");
        REQUIRE(tx->commit().has_value());
    }
    auto tx = db.begin(store::access::read);
    auto all = tx->connections().list();
    REQUIRE(all.has_value());
    REQUIRE(all->size() == 2);
    CHECK((*all)[0].id == "entra");
    CHECK((*all)[1].id == "okta");
    CHECK((*all)[1].display_name == "Connection okta");
}

TEST_CASE("a multi-statement call that fails changes nothing", "[store][transaction]")
{
    test::file_store db;
    auto tx = db.begin();
    test::add_connection(*tx, "okta");
    test::add_user(*tx, "u1", "okta", "alice");
    test::add_user(*tx, "u2", "okta", "bob");
    REQUIRE(tx->users().set_attribute("u1", {"email", "a@example.com", "jit:okta", t0, std::nullopt}).has_value());
    auto before = tx->users().find("u2");
    REQUIRE(before.has_value());
    // set_attribute writes the attribute and touches the user: both or neither.
    auto taken = tx->users().set_attribute("u2", {"email", "A@example.com", "jit:okta", t0 + std::chrono::hours(1),
                                                  std::nullopt});
    REQUIRE(taken.has_error());
    CHECK(taken.error() == store::errc::email_taken);
    auto after = tx->users().find("u2");
    REQUIRE(after.has_value());
    CHECK(**after == **before);
}

TEST_CASE("a committed transaction refuses further calls and a second commit", "[store][transaction]")
{
    test::file_store db;
    auto tx = db.begin();
    REQUIRE(tx->commit().has_value());
    auto again = tx->commit();
    REQUIRE(again.has_error());
    CHECK(again.error() == store::errc::transaction_closed);
    auto find = tx->connections().find("x");
    REQUIRE(find.has_error());
    CHECK(find.error() == store::errc::transaction_closed);
}

TEST_CASE("a read transaction refuses writes", "[store][transaction]")
{
    test::file_store db;
    auto tx = db.begin(store::access::read);
    CHECK(tx->mode() == store::access::read);
    auto c = tx->connections().create({"okta", "Okta", store::connection_owner::store, "", true, "{}", t0, t0});
    REQUIRE(c.has_error());
    CHECK(c.error() == store::errc::read_only_transaction);
    auto a = tx->audit().append({"e1", t0, "test.event", "system", "", "", "", "", "", "", "", "", ""});
    REQUIRE(a.has_error());
    CHECK(a.error() == store::errc::read_only_transaction);
    auto s = tx->users().set_attribute("u", {"email", "x@y", "admin", t0, std::nullopt});
    REQUIRE(s.has_error());
    CHECK(s.error() == store::errc::read_only_transaction);
}

TEST_CASE("a reader sees the committed snapshot while a writer holds a write transaction", "[store][transaction]")
{
    test::file_store db;
    {
        auto tx = db.begin();
        test::add_connection(*tx, "okta");
        test::add_user(*tx, "u1", "okta", "alice");
        REQUIRE(tx->commit().has_value());
    }

    auto writer = db.begin(store::access::write);
    test::add_user(*writer, "u2", "okta", "bob");
    REQUIRE(writer->connections().set_jit_enabled("okta", false, t0).has_value());

    // A reader on another thread neither waits for the writer nor sees its changes.
    auto read_state = [&] {
        auto tx = db->begin(store::access::read);
        REQUIRE(tx.has_value());
        auto u2 = (*tx)->users().find("u2");
        auto okta = (*tx)->connections().find("okta");
        REQUIRE(u2.has_value());
        REQUIRE(okta.has_value());
        REQUIRE(okta->has_value());
        return std::pair{u2->has_value(), (*okta)->jit_enabled};
    };
    auto during = std::async(std::launch::async, read_state);
    REQUIRE(during.wait_for(std::chrono::seconds(2)) == std::future_status::ready);
    CHECK(during.get() == std::pair{false, true});

    // A read transaction begun before the commit keeps its snapshot after it.
    auto early = db.begin(store::access::read);
    REQUIRE(writer->commit().has_value());
    auto u2 = early->users().find("u2");
    REQUIRE(u2.has_value());
    CHECK_FALSE(u2->has_value());

    auto after = std::async(std::launch::async, read_state);
    CHECK(after.get() == std::pair{true, false});
}

// Write transactions run one at a time on both backends (SQLite: BEGIN IMMEDIATE;
// PostgreSQL: the writer lock taken at begin(), across every node: pg_store_test.cpp).
TEST_CASE("a second writer waits for the first and fails with busy after the busy timeout",
          "[store][transaction]")
{
    store::sqlite_options options;
    options.busy_timeout = std::chrono::milliseconds(100);
    test::file_store db(options);
    auto first = db.begin(store::access::write);
    auto const started = std::chrono::steady_clock::now();
    auto second = std::async(std::launch::async, [&] { return db->begin(store::access::write); }).get();
    REQUIRE(second.has_error());
    CHECK(second.error() == store::errc::busy);
    CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(80));
    REQUIRE(first->commit().has_value());
    auto third = db->begin(store::access::write);
    CHECK(third.has_value());
}

TEST_CASE("a second writer that waits while the first commits goes on and sees what the first wrote",
          "[store][transaction]")
{
    test::file_store db;
    auto first = db.begin(store::access::write);
    REQUIRE(first->users().create({"u1", "admin", true, t0}).has_value());
    // The second writer begins while the first is open: it waits, then reads after the
    // first's commit (it cannot have planned against the state before it).
    auto second = std::async(std::launch::async, [&]() -> std::optional<bool> {
        auto tx = db->begin(store::access::write);
        if (!tx)
            return std::nullopt;
        auto u1 = (*tx)->users().find("u1");
        if (!u1)
            return std::nullopt;
        return u1->has_value();
    });
    CHECK(second.wait_for(std::chrono::milliseconds(200)) == std::future_status::timeout);
    REQUIRE(first->commit().has_value());
    auto saw = second.get();
    REQUIRE(saw.has_value());
    CHECK(*saw);
}

TEST_CASE("writers queued behind an open writer leave the pool's other connections to readers",
          "[store][transaction]")
{
    // Writers wait for their turn before taking a connection (store/src/writer_gate.hpp):
    // with a pool of two, an open writer and three waiting ones, a reader still gets the
    // second connection at once instead of waiting for the busy timeout.
    store::sqlite_options options;
    options.max_connections = 2;
    options.busy_timeout = std::chrono::milliseconds(3000);
    test::file_store db(options);
    auto first = db.begin(store::access::write);
    std::vector<std::future<bool>> waiting;
    for (int i = 0; i < 3; ++i)
        waiting.push_back(std::async(std::launch::async, [&, i] {
            auto tx = db->begin(store::access::write);
            return tx && (*tx)->users().create({"w" + std::to_string(i), "admin", true, t0}).has_value() &&
                   (*tx)->commit().has_value();
        }));
    std::this_thread::sleep_for(std::chrono::milliseconds(100)); // let them queue
    auto const started = std::chrono::steady_clock::now();
    auto reader = db->begin(store::access::read);
    auto const waited = std::chrono::steady_clock::now() - started;
    REQUIRE(reader.has_value());
    CHECK(waited < std::chrono::milliseconds(1500));
    reader->reset();
    REQUIRE(first->commit().has_value());
    first.reset();
    for (auto& w : waiting)
        CHECK(w.get());
}

TEST_CASE("concurrent writers are serialised and every committed write lands", "[store][transaction]")
{
    test::file_store db;
    {
        auto tx = db.begin();
        test::add_connection(*tx, "okta");
        REQUIRE(tx->commit().has_value());
    }
    constexpr int threads = 4;
    constexpr int per_thread = 25;
    std::atomic<int> failures{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                auto tx = db->begin(store::access::write);
                if (!tx) {
                    ++failures;
                    continue;
                }
                auto id = "u" + std::to_string(t) + "-" + std::to_string(i);
                if (!(*tx)->users().create({id, "admin", true, t0}) || !(*tx)->commit())
                    ++failures;
            }
        });
    for (auto& w : workers)
        w.join();
    CHECK(failures == 0);
    auto tx = db.begin(store::access::read);
    auto all = tx->users().list("", 1000);
    REQUIRE(all.has_value());
    CHECK(all->size() == threads * per_thread);
}
