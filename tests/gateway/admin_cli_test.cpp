// `ssogate admin token …` and `ssogate audit verify|tail` with the built binary (issue 6).
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "support/process.hpp"
#include "temp_dir.hpp"

#include <sqlite3.h>

#include <csignal>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using ssogate::test::run_ssogate;

namespace {

/// A working directory with ssogate.toml naming its store file.
struct cli_dir {
    cli_dir()
    {
        std::ofstream(dir / "ssogate.toml") << "[store]\npath = \"audit.db\"\n";
    }
    ssogate::test::process_result run(std::vector<std::string> args)
    {
        args.insert(args.begin(), {"--config", (dir / "ssogate.toml").string()});
        return run_ssogate(args, dir.path());
    }
    ssogate::test::temp_dir dir;
};

std::vector<std::string> lines_of(std::string const& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

/// Runs SQL on the store file the way an attacker with file access would.
void tamper(std::filesystem::path const& db, std::string const& sql)
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

} // namespace

TEST_CASE("ssogate admin token create prints the secret alone on one line and audits it", "[gateway][admin][cli]")
{
    cli_dir d;
    auto created = d.run({"admin", "token", "create", "--name", "ci"});
    REQUIRE(created.exit_code == 0);
    auto out = lines_of(created.out);
    REQUIRE(out.size() == 1);
    CHECK(out[0].rfind("sgadm_", 0) == 0);
    CHECK(out[0].size() == 6 + 43);
    CHECK(created.err.find("created admin token adm_") != std::string::npos);

    auto second = d.run({"admin", "token", "create"});
    REQUIRE(second.exit_code == 0);
    CHECK(lines_of(second.out)[0] != out[0]);

    auto list = d.run({"admin", "token", "list", "--json"});
    REQUIRE(list.exit_code == 0);
    auto tokens = lines_of(list.out);
    REQUIRE(tokens.size() == 2);
    auto first = boost::json::parse(tokens[0]).as_object();
    CHECK(first.at("name").as_string() == "ci");
    CHECK(list.out.find("sgadm_") == std::string::npos);
    std::string const id(first.at("id").as_string());

    auto revoked = d.run({"admin", "token", "revoke", id});
    CHECK(revoked.exit_code == 0);
    CHECK(revoked.out.find("revoked admin token " + id) != std::string::npos);
    auto again = d.run({"admin", "token", "revoke", id});
    CHECK(again.exit_code == 1);
    CHECK(d.run({"admin", "token", "revoke"}).exit_code == 2);

    auto tail = d.run({"audit", "tail", "--json"});
    REQUIRE(tail.exit_code == 0);
    auto events = lines_of(tail.out);
    REQUIRE(events.size() == 3);
    auto e1 = boost::json::parse(events[0]).as_object();
    CHECK(e1.at("seq").as_int64() == 1);
    CHECK(e1.at("action").as_string() == "admin.token.created");
    CHECK(e1.at("actor").as_object().at("type").as_string() == "cli");
    CHECK(boost::json::parse(events[2]).at("action").as_string() == "admin.token.revoked");
    CHECK(boost::json::parse(events[2]).at("target").as_string() == id);
    CHECK(tail.out.find("sgadm_") == std::string::npos);
}

TEST_CASE("ssogate audit tail filters, starts after a seq and prints human lines", "[gateway][audit][cli]")
{
    cli_dir d;
    for (int i = 0; i < 3; ++i)
        REQUIRE(d.run({"admin", "token", "create", "--name", "t" + std::to_string(i)}).exit_code == 0);
    auto human = d.run({"audit", "tail"});
    REQUIRE(human.exit_code == 0);
    auto lines = lines_of(human.out);
    REQUIRE(lines.size() == 3);
    // time action actor target result reason
    CHECK(lines[0].find(" admin.token.created cli:") != std::string::npos);
    CHECK(lines[0].find(" adm_") != std::string::npos);
    CHECK(lines[0].ends_with(" success -"));

    auto after = d.run({"audit", "tail", "--json", "--after", "2"});
    REQUIRE(after.exit_code == 0);
    auto later = lines_of(after.out);
    REQUIRE(later.size() == 1);
    CHECK(boost::json::parse(later[0]).at("seq").as_int64() == 3);

    CHECK(lines_of(d.run({"audit", "tail", "--action", "admin.token.revoked"}).out).empty());
    CHECK(lines_of(d.run({"audit", "tail", "--connection", "okta"}).out).empty());
    CHECK(d.run({"audit", "tail", "--after", "x"}).exit_code == 2);
}

TEST_CASE("ssogate audit verify exits 0 on an intact chain and 1 naming the seq of a tampered row",
          "[gateway][audit][cli]")
{
    cli_dir d;
    auto empty = d.run({"audit", "verify"});
    CHECK(empty.exit_code == 0);
    for (int i = 0; i < 3; ++i)
        REQUIRE(d.run({"admin", "token", "create", "--name", "t" + std::to_string(i)}).exit_code == 0);

    auto ok = d.run({"audit", "verify"});
    CHECK(ok.exit_code == 0);
    CHECK(ok.out == "audit chain ok: 3 events\n");
    auto ok_json = d.run({"audit", "verify", "--json"});
    CHECK(ok_json.exit_code == 0);
    auto okj = boost::json::parse(ok_json.out).as_object();
    CHECK(okj.at("ok").as_bool());
    CHECK(okj.at("events_checked").as_int64() == 3);
    CHECK(okj.at("first_break").is_null());

    // What an attacker with the file would do: drop the append-only triggers, rewrite.
    tamper(d.dir / "audit.db", "DROP TRIGGER audit_events_no_update;"
                               "UPDATE audit_events SET actor_id = 'someone-else' WHERE seq = 2;");
    auto broken = d.run({"audit", "verify"});
    CHECK(broken.exit_code == 1);
    CHECK(broken.out.find("audit chain broken at seq 2: hash differs") != std::string::npos);
    auto broken_json = d.run({"audit", "verify", "--json"});
    CHECK(broken_json.exit_code == 1);
    auto bj = boost::json::parse(broken_json.out).as_object();
    CHECK_FALSE(bj.at("ok").as_bool());
    CHECK(bj.at("first_break").at("seq").as_int64() == 2);
    CHECK(bj.at("first_break").at("field").as_string() == "hash");
}

TEST_CASE("ssogate audit tail -f follows new events until interrupted", "[gateway][audit][cli]")
{
    cli_dir d;
    REQUIRE(d.run({"admin", "token", "create", "--name", "before"}).exit_code == 0);
    ssogate::test::background_process tail(
        {"--config", (d.dir / "ssogate.toml").string(), "audit", "tail", "-f", "--json", "--after", "1"}, d.dir.path());
    REQUIRE(d.run({"admin", "token", "create", "--name", "during"}).exit_code == 0);
    auto line = tail.wait_for_line("\"seq\":2", std::chrono::milliseconds(10000));
    REQUIRE(line);
    CHECK(line->find("admin.token.created") != std::string::npos);
    CHECK(tail.out().find("\"seq\":1") == std::string::npos);
    CHECK(tail.signal_and_wait(SIGINT, std::chrono::milliseconds(5000)) == 0);
}
