// `ssogate audit verify|tail` against a tampered or filled store file, and `ssogate
// serve` with the [audit] file sink rotated by SIGHUP — the built binary (issue 6).
#include <catch2/catch.hpp>

#include <ssogate/store/sqlite.hpp>

#include "support/process.hpp"
#include "temp_dir.hpp"

#include <boost/json.hpp>

#include <signal.h>
#include <sqlite3.h>
#include <sys/types.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using ssogate::test::run_ssogate;
using namespace std::chrono_literals;
namespace store = ssogate::store;
namespace fs = std::filesystem;

namespace {

/// A working directory with ssogate.toml naming its store file.
struct audit_dir {
    explicit audit_dir(std::string const& extra = {})
    {
        std::ofstream(dir / "ssogate.toml") << "[server]\nlisten = \"127.0.0.1:0\"\ndata_dir = \""
                                            << (dir / "data").string() << "\"\n[store]\npath = \"audit.db\"\n"
                                            << extra;
    }
    ssogate::test::process_result run(std::vector<std::string> args)
    {
        args.insert(args.begin(), {"--config", (dir / "ssogate.toml").string()});
        return run_ssogate(args, dir.path());
    }
    /// Appends events through the store's own append path (its own connection).
    void append(std::vector<store::audit_event> const& events)
    {
        auto db = store::open_sqlite(dir / "audit.db");
        REQUIRE(db.has_value());
        auto tx = (*db)->begin(store::access::write);
        REQUIRE(tx.has_value());
        for (auto const& e : events)
            REQUIRE((*tx)->audit().append(e).has_value());
        REQUIRE((*tx)->commit().has_value());
    }
    ssogate::test::temp_dir dir;
};

store::audit_event event(std::string const& id, std::string const& action, std::string const& connection = {})
{
    store::audit_event e;
    e.id = id;
    e.time = std::chrono::system_clock::time_point(std::chrono::seconds(1714564800));
    e.action = action;
    e.actor_type = "user";
    e.actor_id = "u-" + id;
    e.target = "alice@example.com";
    e.connection_id = connection;
    e.result_status = action == "sso.login.denied" ? "failure" : "success";
    e.result_reason = action == "sso.login.denied" ? "audience_mismatch" : "";
    return e;
}

/// Five events: seq 1..5, two connections, two actions.
void fill(audit_dir& d)
{
    d.append({event("e1", "sso.login.succeeded", "okta"), event("e2", "sso.login.denied", "okta"),
              event("e3", "sso.login.succeeded", "entra"), event("e4", "session.ended", "okta"),
              event("e5", "sso.login.denied", "entra")});
}

std::vector<std::string> lines_of(std::string const& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

std::vector<std::int64_t> seqs_of(std::string const& json_lines)
{
    std::vector<std::int64_t> out;
    for (auto const& l : lines_of(json_lines))
        out.push_back(boost::json::parse(l).at("seq").as_int64());
    return out;
}

/// Runs SQL on the store file through a connection of its own, the way an attacker
/// with write access to the file would (dropping the append-only triggers first).
void tamper(fs::path const& db, std::string const& sql)
{
    sqlite3* h = nullptr;
    REQUIRE(sqlite3_open(db.string().c_str(), &h) == SQLITE_OK);
    char* err = nullptr;
    int const rc = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err);
    std::string const msg = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(h);
    INFO(msg);
    REQUIRE(rc == SQLITE_OK);
}

boost::json::object verify_json(audit_dir& d, int expected_exit)
{
    auto r = d.run({"audit", "verify", "--json"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == expected_exit);
    return boost::json::parse(r.out).as_object();
}

/// Reads a file whole ("" when missing).
std::string read_file(fs::path const& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Waits until `p` holds `needle` (the file is written by another process).
bool wait_for_text(fs::path const& p, std::string const& needle, std::chrono::milliseconds timeout)
{
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    while (read_file(p).find(needle) == std::string::npos) {
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

/// The pid of the `ssogate --config <config> serve` process (from /proc), 0 if none.
pid_t pid_of_serve(fs::path const& config)
{
    for (auto const& entry : fs::directory_iterator("/proc")) {
        auto const name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        auto cmdline = read_file(entry.path() / "cmdline");
        std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
        if (cmdline.find(" --config " + config.string() + " serve ") != std::string::npos)
            return static_cast<pid_t>(std::stol(name));
    }
    return 0;
}

} // namespace

TEST_CASE("ssogate audit verify names a deleted event as a gap in seq and exits 1", "[gateway][audit][cli][verify]")
{
    audit_dir d;
    fill(d);
    tamper(d.dir / "audit.db", "DROP TRIGGER audit_events_no_delete; DELETE FROM audit_events WHERE seq = 3;");
    auto r = d.run({"audit", "verify"});
    CHECK(r.exit_code == 1);
    CHECK(r.out == "audit chain broken at seq 3: seq differs (expected 3, found 4): a gap: event 3 is missing "
                   "(deleted)\n");
    auto j = verify_json(d, 1);
    CHECK(j.at("events_checked").as_int64() == 2);
    CHECK(j.at("first_break").at("seq").as_int64() == 3);
    CHECK(j.at("first_break").at("field").as_string() == "seq");
    CHECK(j.at("first_break").at("expected").as_string() == "3");
    CHECK(j.at("first_break").at("actual").as_string() == "4");
}

TEST_CASE("ssogate audit verify names a link that does not point at the previous hash and exits 1",
          "[gateway][audit][cli][verify]")
{
    audit_dir d;
    fill(d);
    auto const bogus = std::string(64, 'f');
    tamper(d.dir / "audit.db",
           "DROP TRIGGER audit_events_no_update; UPDATE audit_events SET prev_hash = '" + bogus + "' WHERE seq = 4;");
    auto r = d.run({"audit", "verify"});
    CHECK(r.exit_code == 1);
    CHECK(r.out.rfind("audit chain broken at seq 4: prev_hash differs (expected ", 0) == 0);
    CHECK(r.out.find(", found " + bogus + "): it does not point at the hash of event 3") != std::string::npos);
    auto j = verify_json(d, 1);
    CHECK(j.at("events_checked").as_int64() == 3);
    CHECK(j.at("first_break").at("field").as_string() == "prev_hash");
    CHECK(j.at("first_break").at("actual").as_string() == bogus);
}

TEST_CASE("ssogate audit verify names an event whose contents no longer match its hash and exits 1",
          "[gateway][audit][cli][verify]")
{
    audit_dir d;
    fill(d);
    CHECK(d.run({"audit", "verify"}).out == "audit chain ok: 5 events\n");
    // The attacker turns a denial into a success.
    tamper(d.dir / "audit.db", "DROP TRIGGER audit_events_no_update;"
                               "UPDATE audit_events SET result_status = 'success', result_reason = '' WHERE seq = 5;");
    auto r = d.run({"audit", "verify"});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("audit chain broken at seq 5: hash differs") == 0);
    CHECK(r.out.find("its contents do not match its hash (modified after it was written)") != std::string::npos);
    auto j = verify_json(d, 1);
    CHECK(j.at("events_checked").as_int64() == 4);
    CHECK(j.at("first_break").at("field").as_string() == "hash");
}

TEST_CASE("ssogate audit tail --action and --connection select matching events, alone and together",
          "[gateway][audit][cli][tail]")
{
    audit_dir d;
    fill(d);
    CHECK(seqs_of(d.run({"audit", "tail", "--json", "--action", "sso.login.denied"}).out) ==
          std::vector<std::int64_t>{2, 5});
    CHECK(seqs_of(d.run({"audit", "tail", "--json", "--connection", "okta"}).out) ==
          std::vector<std::int64_t>{1, 2, 4});
    CHECK(seqs_of(d.run({"audit", "tail", "--json", "--connection", "entra", "--action", "sso.login.denied"}).out) ==
          std::vector<std::int64_t>{5});
    CHECK(seqs_of(d.run({"audit", "tail", "--json", "--connection", "okta", "--after", "2"}).out) ==
          std::vector<std::int64_t>{4});
}

TEST_CASE("ssogate audit tail prints time, action, actor, target, result and reason, one event per line",
          "[gateway][audit][cli][tail]")
{
    audit_dir d;
    auto forged = event("e9", "sso.login.denied", "okta");
    forged.target = "mallory x\nseq 99"; // cannot fake a column or a line
    d.append({event("e1", "sso.login.succeeded", "okta"), forged});
    auto r = d.run({"audit", "tail"});
    REQUIRE(r.exit_code == 0);
    auto lines = lines_of(r.out);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == "2024-05-01T12:00:00.000000Z sso.login.succeeded user:u-e1 alice@example.com success -");
    CHECK(lines[1] ==
          "2024-05-01T12:00:00.000000Z sso.login.denied user:u-e9 mallory\\x20x\\x0aseq\\x2099 failure audience_mismatch");

    auto json = d.run({"audit", "tail", "--json"});
    auto const e = boost::json::parse(lines_of(json.out)[1]).as_object();
    for (auto const* key : {"seq", "id", "time", "action", "actor", "target", "connection", "source", "result",
                            "changes", "trace_id", "prev_hash", "hash"})
        CHECK(e.contains(key));
    CHECK(e.size() == 13);
    CHECK(e.at("result").at("reason").as_string() == "audience_mismatch");
}

TEST_CASE("ssogate audit tail -f follows with its filters and stops with exit 0 on SIGTERM",
          "[gateway][audit][cli][tail]")
{
    audit_dir d;
    fill(d);
    ssogate::test::background_process tail({"--config", (d.dir / "ssogate.toml").string(), "audit", "tail", "-f",
                                            "--json", "--after", "4", "--connection", "entra"},
                                           d.dir.path());
    REQUIRE(tail.wait_for_line("\"seq\":5", 10s));
    d.append({event("e6", "sso.login.succeeded", "okta"), event("e7", "sso.login.succeeded", "entra")});
    REQUIRE(tail.wait_for_line("\"seq\":7", 10s));
    CHECK(tail.signal_and_wait(SIGTERM, 5s) == 0);
    CHECK(seqs_of(tail.out()) == std::vector<std::int64_t>{5, 7});
}

TEST_CASE("ssogate serve appends committed events to the [audit] file and reopens it on SIGHUP",
          "[gateway][audit][cli][file][serve]")
{
    audit_dir d("[audit]\nfile = \"audit.jsonl\"\n");
    auto const file = d.dir / "audit.jsonl";
    auto const rotated = d.dir / "audit.jsonl.1";
    ssogate::test::background_process serve({"--config", (d.dir / "ssogate.toml").string(), "serve"}, d.dir.path());
    auto up = serve.wait_for_line("serving https://", 30s);
    INFO("stdout: " << serve.out() << "\nstderr: " << serve.err());
    REQUIRE(up);
    CHECK(serve.out().find("audit: appending events to " + file.string() + " (reopened on SIGHUP)") !=
          std::string::npos);

    // Events committed by another process (the CLI) reach the file too.
    REQUIRE(d.run({"admin", "token", "create", "--name", "one"}).exit_code == 0);
    REQUIRE(wait_for_text(file, "\"seq\":1,", 10s));

    fs::rename(file, rotated);
    auto const pid = pid_of_serve(d.dir / "ssogate.toml");
    REQUIRE(pid > 0);
    REQUIRE(::kill(pid, SIGHUP) == 0);
    // The sink creates the path again when it reopens.
    auto const deadline = std::chrono::steady_clock::now() + 10s;
    while (!fs::exists(file) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(20ms);
    REQUIRE(fs::exists(file));
    REQUIRE(d.run({"admin", "token", "create", "--name", "two"}).exit_code == 0);
    REQUIRE(wait_for_text(file, "\"name\":\"two\"", 10s));

    CHECK(serve.signal_and_wait(SIGTERM, 10s) == 0);
    CHECK(serve.err().find("audit file reopened") != std::string::npos);
    // SIGHUP may also reload the config, which is an event of its own: it lands in one
    // file or the other. Together the files hold every event once, in order.
    auto all = seqs_of(read_file(rotated));
    auto const after = seqs_of(read_file(file));
    REQUIRE_FALSE(all.empty());
    CHECK(all.front() == 1);
    REQUIRE_FALSE(after.empty());
    CHECK(lines_of(read_file(file)).back().find("\"name\":\"two\"") != std::string::npos);
    all.insert(all.end(), after.begin(), after.end());
    std::vector<std::int64_t> expected;
    for (std::int64_t i = 1; i <= after.back(); ++i)
        expected.push_back(i);
    CHECK(all == expected);
}
