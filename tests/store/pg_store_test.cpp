// What is particular to the PostgreSQL backend (issue 10): several stores ("nodes") on
// one database, the server going away and coming back, LISTEN/NOTIFY, migrations
// under the advisory lock. The rest of the store suite runs on PostgreSQL as it is
// (SSOGATE_TEST_STORE=postgres, "store[postgres]: " in ctest).
//
// Hidden tag [.postgres]: these tests always use the test process's PostgreSQL server,
// so only the PostgreSQL registration runs them (its spec names [postgres]).
#include <ssogate/store/postgres.hpp>

#include "postgres_server.hpp"
#include "support/store_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace ssogate;
using ssogate::test::postgres_server;
using ssogate::test::t0;
using namespace std::chrono_literals;

namespace {

std::unique_ptr<store::store> open(std::string const& url, store::postgres_options const& options = {})
{
    auto opened = store::open_postgres(url, options);
    if (!opened)
        FAIL("open_postgres: " << opened.error().message);
    return std::move(*opened);
}

std::unique_ptr<store::transaction> begin(store::store& s, store::access mode = store::access::write)
{
    auto tx = s.begin(mode);
    if (!tx)
        FAIL("begin: " << tx.error().message());
    return std::move(*tx);
}

store::audit_event event(std::string id)
{
    store::audit_event e;
    e.id = std::move(id);
    e.time = t0;
    e.action = "sso.login.succeeded";
    e.actor_type = "user";
    e.actor_id = "u1";
    e.target = "user:u1";
    e.connection_id = "okta";
    e.result_status = "success";
    e.trace_id = "trace-" + e.id;
    return e;
}

/// Records the kinds a watch delivers and lets a test wait for them.
struct recorder {
    std::mutex mutex;
    std::condition_variable cv;
    std::vector<store::change_kind> seen;

    void operator()(store::change_kind kind)
    {
        std::lock_guard lock(mutex);
        seen.push_back(kind);
        cv.notify_all();
    }

    bool wait_for(store::change_kind kind, std::chrono::milliseconds timeout)
    {
        std::unique_lock lock(mutex);
        return cv.wait_for(lock, timeout, [&] { return std::find(seen.begin(), seen.end(), kind) != seen.end(); });
    }

    std::size_t count()
    {
        std::lock_guard lock(mutex);
        return seen.size();
    }

    void clear()
    {
        std::lock_guard lock(mutex);
        seen.clear();
    }
};

} // namespace

TEST_CASE("two stores on one database racing to consume one assertion ID: exactly one wins", "[store][.postgres]")
{
    auto const url = postgres_server::shared().create_database();
    auto a = open(url);
    auto b = open(url);
    {
        auto tx = begin(*a);
        test::add_connection(*tx, "okta");
        REQUIRE(tx->commit().has_value());
    }
    for (int round = 0; round < 5; ++round) {
        std::string const id = "assertion-" + std::to_string(round);
        std::atomic<int> won{0}, replayed{0}, other{0};
        std::vector<std::thread> racers;
        for (int i = 0; i < 8; ++i)
            racers.emplace_back([&, i] {
                auto& node = i % 2 == 0 ? *a : *b;
                auto tx = node.begin(store::access::write);
                if (!tx) {
                    ++other;
                    return;
                }
                auto r = (*tx)->replay().consume("okta", id, t0 + 1h);
                if (r && (*tx)->commit())
                    ++won;
                else if (!r && r.error() == store::errc::replayed)
                    ++replayed;
                else
                    ++other;
            });
        for (auto& r : racers)
            r.join();
        CHECK(won == 1);
        CHECK(replayed == 7);
        CHECK(other == 0);
    }
}

TEST_CASE("audit appends from two stores and several threads get one gapless seq and one valid chain",
          "[store][.postgres]")
{
    auto const url = postgres_server::shared().create_database();
    auto a = open(url);
    auto b = open(url);
    constexpr int threads = 4;
    constexpr int per_thread = 20;
    std::atomic<int> failures{0};
    std::vector<std::thread> writers;
    for (int t = 0; t < threads; ++t)
        writers.emplace_back([&, t] {
            auto& node = t % 2 == 0 ? *a : *b;
            for (int i = 0; i < per_thread; ++i) {
                auto tx = node.begin(store::access::write);
                if (!tx) {
                    ++failures;
                    continue;
                }
                // Two events per transaction, so seq is gapless across transactions too.
                auto const id = "t" + std::to_string(t) + "-" + std::to_string(i);
                if (!(*tx)->audit().append(event(id + "a")) || !(*tx)->audit().append(event(id + "b")) ||
                    !(*tx)->commit())
                    ++failures;
            }
        });
    for (auto& w : writers)
        w.join();
    CHECK(failures == 0);

    auto tx = begin(*b, store::access::read);
    auto last = tx->audit().last_seq();
    REQUIRE(last.has_value());
    CHECK(*last == threads * per_thread * 2);
    auto verified = tx->audit().verify_chain();
    REQUIRE(verified.has_value());
    CHECK_FALSE(verified->first_break.has_value());
    CHECK(verified->events_checked == threads * per_thread * 2);
    // The two events of one transaction are adjacent: seq follows commit order.
    auto all = tx->audit().after(0, 1000, {});
    REQUIRE(all.has_value());
    for (std::size_t i = 0; i + 1 < all->size(); i += 2) {
        auto const& first = (*all)[i].event.id;
        auto const& second = (*all)[i + 1].event.id;
        CHECK(first.substr(0, first.size() - 1) == second.substr(0, second.size() - 1));
    }
}

TEST_CASE("a writer on another node waits for the open writer and fails with busy after the busy timeout",
          "[store][.postgres]")
{
    // The writer lock is one per database, not per process: write transactions of every
    // node run one at a time (transaction.hpp), so an audit append reads the chain head
    // and a sign-in plans against every earlier commit.
    auto const url = postgres_server::shared().create_database();
    store::postgres_options options;
    options.busy_timeout = 200ms;
    auto a = open(url, options);
    auto b = open(url, options);
    auto first = begin(*a);
    REQUIRE(first->audit().append(event("e1")).has_value());
    auto const started = std::chrono::steady_clock::now();
    auto blocked = b->begin(store::access::write);
    REQUIRE(blocked.has_error());
    CHECK(blocked.error() == store::errc::busy);
    CHECK(std::chrono::steady_clock::now() - started >= 150ms);
    // Reads are never blocked by the writer.
    auto reader = begin(*b, store::access::read);
    CHECK(reader->users().find("u1").has_value());
    reader.reset();
    // The timed-out node's pool is fine: once the first writer commits, it writes.
    REQUIRE(first->commit().has_value());
    auto second = begin(*b);
    REQUIRE(second->users().create({"u1", "admin", true, t0}).has_value());
    auto appended = second->audit().append(event("e2"));
    REQUIRE(appended.has_value());
    CHECK(appended->seq == 2);
    REQUIRE(second->commit().has_value());
    auto tx = begin(*a, store::access::read);
    auto u1 = tx->users().find("u1");
    REQUIRE(u1.has_value());
    CHECK(u1->has_value());
}

TEST_CASE("a transaction that outlives a server restart fails cleanly and begin() works once the server is back",
          "[store][.postgres]")
{
    auto& server = postgres_server::shared();
    auto const url = server.create_database();
    store::postgres_options options;
    options.pool_size = 3;
    auto s = open(url, options);
    {
        // Fill the pool with connections that the restart will kill.
        auto t1 = begin(*s);
        auto t2 = begin(*s, store::access::read);
        test::add_connection(*t1, "okta");
        REQUIRE(t1->commit().has_value());
    }
    auto open_tx = begin(*s);
    REQUIRE(open_tx->users().create({"u1", "admin", true, t0}).has_value());

    server.stop();
    auto during = s->begin(store::access::read);
    REQUIRE(during.has_error());
    CHECK(during.error() == store::errc::unavailable);
    server.start();

    // The old transaction's connection is gone: its calls and its commit fail, cleanly.
    auto lost = open_tx->users().create({"u2", "admin", true, t0});
    REQUIRE(lost.has_error());
    CHECK(lost.error() == store::errc::unavailable);
    auto commit = open_tx->commit();
    REQUIRE(commit.has_error());
    CHECK(commit.error() == store::errc::unavailable);
    open_tx.reset();

    // Every later begin() works: dead pooled connections are dropped and replaced.
    for (int i = 0; i < 4; ++i) {
        auto tx = begin(*s);
        auto found = tx->connections().find("okta");
        REQUIRE(found.has_value());
        CHECK(found->has_value());
        auto u1 = tx->users().find("u1");
        REQUIRE(u1.has_value());
        CHECK_FALSE(u1->has_value());   // never committed
    }
}

TEST_CASE("watch_changes hears audit appends and connection changes committed through another store",
          "[store][.postgres]")
{
    auto const url = postgres_server::shared().create_database();
    auto listener = open(url);
    auto writer = open(url);
    recorder heard;
    auto watch = listener->watch_changes([&](store::change_kind k) { heard(k); });
    REQUIRE(watch.has_value());
    std::this_thread::sleep_for(200ms);   // LISTEN is issued on the watch's thread

    // Nothing is delivered before commit, or for a rolled-back transaction.
    {
        auto tx = begin(*writer);
        REQUIRE(tx->audit().append(event("rolled-back")).has_value());
        test::add_connection(*tx, "never");
        std::this_thread::sleep_for(300ms);
        CHECK(heard.count() == 0);
    }
    std::this_thread::sleep_for(300ms);
    CHECK(heard.count() == 0);

    {
        auto tx = begin(*writer);
        REQUIRE(tx->audit().append(event("e1")).has_value());
        REQUIRE(tx->commit().has_value());
    }
    CHECK(heard.wait_for(store::change_kind::audit_appended, 5s));
    {
        auto tx = begin(*writer);
        test::add_connection(*tx, "okta");
        REQUIRE(tx->commit().has_value());
    }
    CHECK(heard.wait_for(store::change_kind::connections_changed, 5s));
    heard.clear();
    {
        auto tx = begin(*writer);
        REQUIRE(tx->connections().set_jit_enabled("okta", false, t0).has_value());
        REQUIRE(tx->commit().has_value());
    }
    CHECK(heard.wait_for(store::change_kind::connections_changed, 5s));
}

TEST_CASE("after losing its connection the watch reconnects and delivers every kind once", "[store][.postgres]")
{
    auto& server = postgres_server::shared();
    auto const url = server.create_database();
    auto listener = open(url);
    recorder heard;
    auto const destroyed_in = [&] {
        auto watch = listener->watch_changes([&](store::change_kind k) { heard(k); });
        REQUIRE(watch.has_value());
        std::this_thread::sleep_for(200ms);
        server.stop();
        server.start();
        CHECK(heard.wait_for(store::change_kind::audit_appended, 10s));
        CHECK(heard.wait_for(store::change_kind::connections_changed, 10s));

        // And it listens again.
        heard.clear();
        auto writer = open(url);
        auto tx = begin(*writer);
        REQUIRE(tx->audit().append(event("after-restart")).has_value());
        REQUIRE(tx->commit().has_value());
        CHECK(heard.wait_for(store::change_kind::audit_appended, 5s));
        // Destroying the watch is prompt (its thread polls with a timeout and a stop pipe).
        auto const start = std::chrono::steady_clock::now();
        watch->reset();
        return std::chrono::steady_clock::now() - start;
    }();
    CHECK(destroyed_in < 1s);
}

TEST_CASE("two stores opening a new database at once apply each migration once", "[store][.postgres]")
{
    auto const url = postgres_server::shared().create_database();
    std::vector<std::unique_ptr<store::store>> stores(4);
    std::vector<std::thread> openers;
    std::atomic<int> failures{0};
    for (auto& slot : stores)
        openers.emplace_back([&] {
            auto opened = store::open_postgres(url);
            if (opened)
                slot = std::move(*opened);
            else
                ++failures;
        });
    for (auto& o : openers)
        o.join();
    CHECK(failures == 0);
    for (auto& s : stores)
        if (s)
            CHECK(s->schema_version() == store::latest_schema_version);
    CHECK(test::raw_integer(url, "SELECT count(*) FROM schema_migrations") == store::latest_schema_version);
}

TEST_CASE("a PostgreSQL database with a newer schema is refused with both versions in the message",
          "[store][.postgres]")
{
    auto const url = postgres_server::shared().create_database();
    open(url).reset();
    test::raw_exec(url, "INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')");
    auto opened = store::open_postgres(url);
    REQUIRE(opened.has_error());
    CHECK(opened.error().code == store::errc::schema_too_new);
    CHECK_THAT(opened.error().message, Catch::Contains("99") && Catch::Contains("newer"));
}

TEST_CASE("open_postgres on a server that does not answer fails with unavailable, naming the database "
          "but never the password",
          "[store][.postgres]")
{
    auto const& server = postgres_server::shared();
    std::string const url = "postgresql://someone:s3cret-pw@/nodb?host=" + (server.socket_dir() / "missing").string();
    store::postgres_options options;
    options.connect_timeout = 2s;
    auto opened = store::open_postgres(url, options);
    REQUIRE(opened.has_error());
    CHECK(opened.error().code == store::errc::unavailable);
    CHECK_THAT(opened.error().message, Catch::Contains("nodb"));
    CHECK_THAT(opened.error().message, !Catch::Contains("s3cret-pw"));
}

TEST_CASE("is_postgres_url tells PostgreSQL URLs from SQLite paths", "[store][.postgres]")
{
    CHECK(store::is_postgres_url("postgresql://user@db.example:5432/ssogate"));
    CHECK(store::is_postgres_url("postgres:///ssogate?host=/run/postgresql"));
    CHECK_FALSE(store::is_postgres_url("/var/lib/ssogate/ssogate.db"));
    CHECK_FALSE(store::is_postgres_url("postgresql.db"));
}

TEST_CASE("verify_chain on PostgreSQL reads a log longer than one page and finds a break past it",
          "[store][.postgres]")
{
    auto const url = postgres_server::shared().create_database();
    auto s = open(url);
    {
        auto tx = begin(*s);
        for (int i = 1; i <= 5003; ++i)
            REQUIRE(tx->audit().append(event("e" + std::to_string(i))).has_value());
        REQUIRE(tx->commit().has_value());
    }
    {
        auto tx = begin(*s, store::access::read);
        auto v = tx->audit().verify_chain();
        REQUIRE(v.has_value());
        CHECK_FALSE(v->first_break.has_value());
        CHECK(v->events_checked == 5003);
    }
    test::raw_exec(url, "DROP TRIGGER audit_events_no_delete");
    test::raw_exec(url, "DELETE FROM audit_events WHERE seq = 5002");
    auto tx = begin(*s, store::access::read);
    auto v = tx->audit().verify_chain();
    REQUIRE(v.has_value());
    REQUIRE(v->first_break.has_value());
    CHECK(v->first_break->seq == 5002);
    CHECK(v->first_break->field == "seq");
    CHECK(v->first_break->actual == "5003");
    CHECK(v->events_checked == 5001);
}

TEST_CASE("destroying a watch is prompt even while its reconnect waits on a server that does not answer",
          "[store][.postgres]")
{
    auto& server = postgres_server::shared();
    auto const url = server.create_database();
    auto listener = open(url);
    recorder heard;
    auto watch = listener->watch_changes([&](store::change_kind k) { heard(k); });
    REQUIRE(watch.has_value());
    std::this_thread::sleep_for(200ms);

    // The server goes away and something that accepts connections but never answers
    // takes its socket: the watch's reconnect hangs in the startup handshake.
    server.stop();
    auto const path = server.socket_dir() / (".s.PGSQL." + std::to_string(server.port()));
    int const mute = ::socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(mute >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
    ::unlink(path.c_str());
    REQUIRE(::bind(mute, reinterpret_cast<sockaddr const*>(&address), sizeof address) == 0);
    REQUIRE(::listen(mute, 16) == 0);
    std::this_thread::sleep_for(500ms);

    auto const start = std::chrono::steady_clock::now();
    watch->reset();
    CHECK(std::chrono::steady_clock::now() - start < 1s);

    ::close(mute);
    ::unlink(path.c_str());
    server.start();
}
