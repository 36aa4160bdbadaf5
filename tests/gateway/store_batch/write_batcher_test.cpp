// write_batcher: group commit of write jobs (issue 8), against a real SQLite file.
#include <ssogate/gateway/write_batcher.hpp>

#include <ssogate/store/sqlite.hpp>

#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace gateway = ssogate::gateway;
namespace store = ssogate::store;

namespace {

store::audit_event event(std::string id)
{
    store::audit_event ev;
    ev.id = std::move(id);
    ev.time = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
    ev.action = "test.batched";
    ev.actor_type = "system";
    ev.result_status = "success";
    return ev;
}

/// A job that appends one event.
gateway::write_batcher::job_fn append(std::string id)
{
    return [id = std::move(id)](store::transaction& tx) -> store::result<void> {
        if (auto r = tx.audit().append(event(id)); !r)
            return r.error();
        return {};
    };
}

/// The ids of the committed events, in seq order (a fresh read transaction).
std::vector<std::string> committed_ids(store::store& s)
{
    auto tx = s.begin(store::access::read);
    REQUIRE(tx.has_value());
    auto events = (*tx)->audit().after(0, 1000, {});
    REQUIRE(events.has_value());
    std::vector<std::string> ids;
    for (auto const& e : *events)
        ids.push_back(e.event.id);
    return ids;
}

/// committed_ids without assertions, for a completion (on the writer thread).
std::optional<std::vector<std::string>> try_committed_ids(store::store& s)
{
    auto tx = s.begin(store::access::read);
    if (!tx)
        return std::nullopt;
    auto events = (*tx)->audit().after(0, 1000, {});
    if (!events)
        return std::nullopt;
    std::vector<std::string> ids;
    for (auto const& e : *events)
        ids.push_back(e.event.id);
    return ids;
}

bool chain_valid(store::store& s)
{
    auto tx = s.begin(store::access::read);
    REQUIRE(tx.has_value());
    auto v = (*tx)->audit().verify_chain();
    REQUIRE(v.has_value());
    return !v->first_break.has_value();
}

/// Holds the writer inside a job until release(): jobs submitted meanwhile queue up
/// and form the next batch together.
class writer_gate {
public:
    explicit writer_gate(gateway::write_batcher& b)
    {
        b.submit(
            [this](store::transaction&) -> store::result<void> {
                entered_.set_value();
                released_.get_future().wait();
                return {};
            },
            [](store::result<void>) {});
        entered_.get_future().wait();
    }
    void release() { released_.set_value(); }

private:
    std::promise<void> entered_;
    std::promise<void> released_;
};

/// Collects completions.
struct outcomes {
    std::mutex mutex;
    std::vector<std::pair<int, store::result<void>>> results;
    std::atomic<int> count{0};

    gateway::write_batcher::completion_fn for_job(int n)
    {
        return [this, n](store::result<void> r) {
            std::lock_guard lock(mutex);
            results.emplace_back(n, std::move(r));
            ++count;
        };
    }
    void wait_for(int n) const
    {
        while (count.load() < n)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
};

} // namespace

TEST_CASE("write_batcher runs jobs queued together in one transaction, each with its own result", "[write_batcher]")
{
    ssogate::test::temp_dir dir;
    auto s = store::open_sqlite(dir / "batch.db");
    REQUIRE(s.has_value());
    gateway::write_batcher batcher(**s, {});
    outcomes out;
    {
        writer_gate gate(batcher);
        for (int i = 0; i < 5; ++i)
            batcher.submit(append("ev-" + std::to_string(i)), out.for_job(i));
        gate.release();
    }
    out.wait_for(5);
    auto const stats = batcher.stats();
    CHECK(stats.batches == 2); // the gate's, then the five together
    CHECK(stats.largest == 5);
    CHECK(stats.jobs == 6);
    for (auto const& [n, r] : out.results)
        CHECK(r.has_value());
    CHECK(committed_ids(**s) == std::vector<std::string>{"ev-0", "ev-1", "ev-2", "ev-3", "ev-4"});
    CHECK(chain_valid(**s));
}

TEST_CASE("write_batcher rolls back a failing job alone while the other jobs of its batch commit", "[write_batcher]")
{
    ssogate::test::temp_dir dir;
    auto s = store::open_sqlite(dir / "batch.db");
    REQUIRE(s.has_value());
    gateway::write_batcher batcher(**s, {});
    outcomes out;
    {
        writer_gate gate(batcher);
        batcher.submit(append("first"), out.for_job(0));
        // Writes an event, then collides with "first" (a uniqueness failure): both undone.
        batcher.submit(
            [](store::transaction& tx) -> store::result<void> {
                if (auto r = tx.audit().append(event("doomed")); !r)
                    return r.error();
                if (auto r = tx.audit().append(event("first")); !r)
                    return r.error();
                return {};
            },
            out.for_job(1));
        batcher.submit(append("third"), out.for_job(2));
        gate.release();
    }
    out.wait_for(3);
    CHECK(batcher.stats().largest == 3);
    for (auto const& [n, r] : out.results) {
        if (n == 1) {
            REQUIRE_FALSE(r.has_value());
            CHECK(r.error() == store::errc::already_exists);
        } else {
            CHECK(r.has_value());
        }
    }
    // "doomed" is gone with its job; the chain has no gap where it was.
    CHECK(committed_ids(**s) == std::vector<std::string>{"first", "third"});
    CHECK(chain_valid(**s));
}

TEST_CASE("write_batcher completes a job only after its batch has committed", "[write_batcher]")
{
    ssogate::test::temp_dir dir;
    auto s = store::open_sqlite(dir / "batch.db");
    REQUIRE(s.has_value());
    std::atomic<int> commits{0};
    gateway::write_batcher batcher(**s, {}, [&] { ++commits; });
    struct observed {
        bool ok = false;
        int commits = 0;
        std::optional<std::vector<std::string>> ids;
    };
    std::promise<observed> seen;
    batcher.submit(append("durable"), [&](store::result<void> r) {
        // Another connection sees only committed data: the event must be there already.
        seen.set_value({r.has_value(), commits.load(), try_committed_ids(**s)});
    });
    auto const o = seen.get_future().get();
    CHECK(o.ok);
    CHECK(o.commits == 1); // on_commit ran before the completion
    CHECK(o.ids == std::vector<std::string>{"durable"});
}

TEST_CASE("write_batcher fails every job of a batch whose transaction cannot begin", "[write_batcher]")
{
    ssogate::test::temp_dir dir;
    store::sqlite_options options;
    options.busy_timeout = std::chrono::milliseconds(50);
    auto s = store::open_sqlite(dir / "batch.db", options);
    REQUIRE(s.has_value());
    auto holder = (*s)->begin(store::access::write); // another writer holds the lock
    REQUIRE(holder.has_value());
    gateway::write_batcher batcher(**s, {});
    std::promise<store::result<void>> done;
    batcher.submit(append("never"), [&](store::result<void> r) { done.set_value(std::move(r)); });
    auto const r = done.get_future().get();
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == store::errc::busy);
    holder->reset();
    CHECK(committed_ids(**s).empty());
}

TEST_CASE("write_batcher stop runs and commits the queued jobs and refuses a job submitted after it", "[write_batcher]")
{
    ssogate::test::temp_dir dir;
    auto s = store::open_sqlite(dir / "batch.db");
    REQUIRE(s.has_value());
    gateway::write_batcher batcher(**s, {});
    outcomes out;
    std::thread stopper;
    {
        writer_gate gate(batcher);
        for (int i = 0; i < 3; ++i)
            batcher.submit(append("queued-" + std::to_string(i)), out.for_job(i));
        stopper = std::thread([&] { batcher.stop(); });
        std::this_thread::sleep_for(std::chrono::milliseconds(20)); // stop() is waiting for the writer
        gate.release();
    }
    stopper.join();
    CHECK(out.count.load() == 3);
    for (auto const& [n, r] : out.results)
        CHECK(r.has_value());
    CHECK(committed_ids(**s).size() == 3);

    std::optional<store::result<void>> late;
    batcher.submit(append("late"), [&](store::result<void> r) { late = std::move(r); });
    REQUIRE(late); // completed at once, on this thread
    REQUIRE_FALSE(late->has_value());
    CHECK(late->error() == store::errc::unavailable);
    CHECK(committed_ids(**s).size() == 3);
}

TEST_CASE("transaction savepoints undo only what was done since them", "[write_batcher][store]")
{
    ssogate::test::temp_dir dir;
    auto s = store::open_sqlite(dir / "batch.db");
    REQUIRE(s.has_value());
    auto tx = (*s)->begin(store::access::write);
    REQUIRE(tx.has_value());
    auto& t = **tx;
    REQUIRE((t.audit().append(event("kept"))).has_value());
    REQUIRE((t.savepoint("outer")).has_value());
    REQUIRE((t.audit().append(event("undone"))).has_value());
    REQUIRE((t.savepoint("inner")).has_value());
    REQUIRE((t.audit().append(event("undone-too"))).has_value());
    REQUIRE((t.rollback_to_savepoint("outer")).has_value());
    REQUIRE((t.savepoint("again")).has_value());
    REQUIRE((t.audit().append(event("released"))).has_value());
    REQUIRE((t.release_savepoint("again")).has_value());
    CHECK(t.savepoint("bad name; DROP TABLE x").error() == store::errc::invalid_argument);
    CHECK(t.savepoint("1st").error() == store::errc::invalid_argument);
    REQUIRE((t.commit()).has_value());
    CHECK(committed_ids(**s) == std::vector<std::string>{"kept", "released"});
    CHECK(chain_valid(**s));

    auto read = (*s)->begin(store::access::read);
    REQUIRE(read.has_value());
    CHECK((*read)->savepoint("x").error() == store::errc::read_only_transaction);
}
