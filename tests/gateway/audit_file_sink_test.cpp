// The JSON-lines audit file sink: order, resume after a crash, torn lines, rotation
// by rename + reopen / SIGHUP with nothing lost or written twice.
#include <ssogate/gateway/audit_file_sink.hpp>

#include <catch2/catch.hpp>

#include <ssogate/gateway/startup_error.hpp>

#include "support/app_fixture.hpp"

#include <boost/json.hpp>

#include <atomic>
#include <csignal>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace ssogate::gateway;
using namespace std::chrono_literals;
namespace store = ssogate::store;
namespace fs = std::filesystem;

namespace {

/// Appends `n` events (one transaction each) and wakes tailers; returns the last seq.
std::int64_t append_events(store::store& db, int n, bool notify = true)
{
    static std::atomic<int> counter{0};
    std::int64_t last = 0;
    for (int i = 0; i < n; ++i) {
        store::audit_event e;
        e.id = "file-sink-" + std::to_string(++counter);
        e.time = ssogate::test::test_now();
        e.action = "test.file_sink";
        e.actor_type = "system";
        e.changes_json = R"({"n":)" + std::to_string(i) + "}";
        auto tx = db.begin(store::access::write);
        REQUIRE(tx.has_value());
        auto appended = (*tx)->audit().append(e);
        REQUIRE(appended.has_value());
        REQUIRE((*tx)->commit().has_value());
        last = appended->seq;
        if (notify)
            process_audit_notifier().notify();
    }
    return last;
}

std::vector<std::string> lines_of(fs::path const& file)
{
    std::vector<std::string> out;
    std::ifstream in(file, std::ios::binary);
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

std::vector<std::int64_t> seqs_in(fs::path const& file)
{
    std::vector<std::int64_t> out;
    for (auto const& l : lines_of(file))
        out.push_back(boost::json::parse(l).at("seq").as_int64());
    return out;
}

std::vector<std::int64_t> range(std::int64_t from, std::int64_t to)
{
    std::vector<std::int64_t> v;
    for (auto i = from; i <= to; ++i)
        v.push_back(i);
    return v;
}

} // namespace

TEST_CASE("audit file sink appends each committed event as one JSON line in seq order", "[gateway][audit][file]")
{
    ssogate::test::app_fixture app;
    append_events(*app.store, 2); // before the sink: a new file starts after these
    auto const file = app.dir / "audit.jsonl";
    audit_file_sink sink(*app.store, file, app.log.logger());
    CHECK(sink.written_seq() == 2);
    auto const last = append_events(*app.store, 40);
    REQUIRE(sink.wait_written(last, 10s));
    CHECK(seqs_in(file) == range(3, 42));

    // Each line is exactly the event JSON of the admin API.
    auto tx = app.store->begin(store::access::read);
    REQUIRE(tx.has_value());
    auto events = (*tx)->audit().after(2, 100);
    REQUIRE(events.has_value());
    auto const lines = lines_of(file);
    REQUIRE(lines.size() == events->size());
    for (std::size_t i = 0; i < lines.size(); ++i)
        CHECK(lines[i] == boost::json::serialize(audit_event_to_json((*events)[i])));
    CHECK((fs::status(file).permissions() & fs::perms::others_all) == fs::perms::none);
}

TEST_CASE("audit file sink finds events committed by another process by polling the store", "[gateway][audit][file]")
{
    ssogate::test::app_fixture app;
    auto const file = app.dir / "audit.jsonl";
    audit_file_sink sink(*app.store, file, app.log.logger(), process_audit_notifier(),
                         audit_file_sink_options{50ms, 500});
    auto const last = append_events(*app.store, 3, /*notify=*/false);
    REQUIRE(sink.wait_written(last, 10s));
    CHECK(seqs_in(file) == range(1, 3));
}

TEST_CASE("audit file sink resumes after the last seq in the file, so events committed while it was down are written",
          "[gateway][audit][file]")
{
    ssogate::test::app_fixture app;
    auto const file = app.dir / "audit.jsonl";
    {
        audit_file_sink sink(*app.store, file, app.log.logger());
        REQUIRE(sink.wait_written(append_events(*app.store, 10), 10s));
    }
    append_events(*app.store, 5); // committed, never written: the process was down
    audit_file_sink sink(*app.store, file, app.log.logger());
    CHECK(sink.written_seq() == 10);
    REQUIRE(sink.wait_written(15, 10s));
    REQUIRE(sink.wait_written(append_events(*app.store, 1), 10s));
    CHECK(seqs_in(file) == range(1, 16));
}

TEST_CASE("audit file sink cuts off a torn last line and writes its event again whole", "[gateway][audit][file]")
{
    ssogate::test::app_fixture app;
    auto const file = app.dir / "audit.jsonl";
    {
        audit_file_sink sink(*app.store, file, app.log.logger());
        REQUIRE(sink.wait_written(append_events(*app.store, 3), 10s));
    }
    append_events(*app.store, 2);
    std::ofstream(file, std::ios::app) << R"({"seq":4,"id":"file-si)"; // a crash mid-write
    audit_file_sink sink(*app.store, file, app.log.logger());
    REQUIRE(sink.wait_written(5, 10s));
    CHECK(seqs_in(file) == range(1, 5));
    CHECK(app.log.text().find("torn last line") != std::string::npos);
}

TEST_CASE("audit file sink refuses a file that is not its own", "[gateway][audit][file][reject]")
{
    ssogate::test::app_fixture app;
    append_events(*app.store, 2);
    auto const file = app.dir / "audit.jsonl";

    SECTION("a file that ends at a seq the store does not have (another store's file)")
    {
        std::ofstream(file) << R"({"seq":7,"id":"x"})" << '\n';
        try {
            audit_file_sink sink(*app.store, file, app.log.logger());
            FAIL("expected a startup_error");
        } catch (startup_error const& e) {
            CHECK(e.exit_code() == exit_failure);
            CHECK(std::string(e.what()).find("ends at seq 7 but the store's last seq is 2") != std::string::npos);
        }
    }
    SECTION("a file whose last line is not an audit event")
    {
        std::ofstream(file) << "hello\n";
        CHECK_THROWS_AS(audit_file_sink(*app.store, file, app.log.logger()), startup_error);
        CHECK_THROWS_AS(last_seq_in_audit_file(file), startup_error);
    }
    SECTION("a path that cannot be opened")
    {
        CHECK_THROWS_AS(audit_file_sink(*app.store, app.dir / "missing-dir" / "audit.jsonl", app.log.logger()),
                        startup_error);
    }
}

TEST_CASE("audit file sink after rename and reopen writes the next events to a new file, none lost or duplicated",
          "[gateway][audit][file]")
{
    ssogate::test::app_fixture app;
    auto const file = app.dir / "audit.jsonl";
    auto const rotated = app.dir / "audit.jsonl.1";
    audit_file_sink sink(*app.store, file, app.log.logger());
    int const n = 300;
    std::atomic<std::int64_t> committed{0};
    std::thread writer([&] {
        for (int i = 0; i < n; ++i)
            committed = append_events(*app.store, 1);
    });
    // Rotate in the middle of the writes, logrotate `create` style.
    REQUIRE(sink.wait_written(100, 10s));
    fs::rename(file, rotated);
    sink.reopen();
    REQUIRE(sink.wait_reopened(1, 10s));
    auto const last_after_rotation = append_events(*app.store, 10); // certainly after the reopen
    writer.join();
    REQUIRE(sink.wait_written(n + 10, 10s));

    auto all = seqs_in(rotated);
    auto const after_rotation = seqs_in(file);
    REQUIRE(after_rotation.size() >= 10);
    CHECK(after_rotation.back() == std::max<std::int64_t>(last_after_rotation, committed));
    CHECK(all.size() >= 100);
    all.insert(all.end(), after_rotation.begin(), after_rotation.end());
    CHECK(all == range(1, n + 10));
}

TEST_CASE("audit file sink reopens its file on SIGHUP", "[gateway][audit][file][signal]")
{
    ssogate::test::app_fixture app;
    auto const file = app.dir / "audit.jsonl";
    auto const rotated = app.dir / "audit.jsonl.1";
    audit_file_sink sink(*app.store, file, app.log.logger());
    sink.reopen_on_sighup();
    REQUIRE(sink.wait_written(append_events(*app.store, 3), 10s));
    fs::rename(file, rotated);
    REQUIRE(std::raise(SIGHUP) == 0);
    REQUIRE(sink.wait_reopened(1, 10s));
    REQUIRE(sink.wait_written(append_events(*app.store, 2), 10s));
    CHECK(seqs_in(rotated) == range(1, 3));
    CHECK(seqs_in(file) == range(4, 5));
}
