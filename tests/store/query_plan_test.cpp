// Issue 8: "EXPLAIN QUERY PLAN shows no table scan on the sign-in, SCIM lookup and
// audit-tail paths". No copy of the store's SQL is kept here (it would drift): the test
// drives the real repositories through the public interface while an SQLite
// auto-extension traces every statement the store runs (sqlite3_trace_v2,
// SQLITE_TRACE_STMT gives the statement text as prepared), then asks SQLite for the
// plan of each captured statement on the same database file.
#include <ssogate/store/owner.hpp>
#include <ssogate/store/scim.hpp>
#include <ssogate/store/store.hpp>
#include <ssogate/store/token.hpp>

#include "support/store_fixture.hpp"

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

using namespace ssogate;
using ssogate::test::t0;

namespace {

// The statements traced while `recording` is set, by text (SQLite passes the text as
// prepared, with its ?N parameters). Written only on the test's thread.
bool recording = false;
std::set<std::string>* captured = nullptr;

int on_trace(unsigned type, void*, void* stmt, void*)
{
    if (type != SQLITE_TRACE_STMT || !recording || !captured)
        return 0;
    if (char const* sql = sqlite3_sql(static_cast<sqlite3_stmt*>(stmt)))
        captured->insert(sql);
    return 0;
}

int install_trace(sqlite3* db, char const**, sqlite3_api_routines const*)
{
    sqlite3_trace_v2(db, SQLITE_TRACE_STMT, on_trace, nullptr);
    return SQLITE_OK;
}

/// Registers the tracing auto-extension for connections opened while it lives.
class statement_tracer {
public:
    statement_tracer() { sqlite3_auto_extension(reinterpret_cast<void (*)()>(install_trace)); }
    ~statement_tracer() { sqlite3_cancel_auto_extension(reinterpret_cast<void (*)()>(install_trace)); }
    statement_tracer(statement_tracer const&) = delete;
    statement_tracer& operator=(statement_tracer const&) = delete;
};

/// Records the statements `work` runs.
template <class F>
std::set<std::string> statements_of(F&& work)
{
    std::set<std::string> out;
    captured = &out;
    recording = true;
    work();
    recording = false;
    captured = nullptr;
    return out;
}

/// The EXPLAIN QUERY PLAN detail lines of `sql` on the database file.
std::vector<std::string> plan_of(std::filesystem::path const& db_path, std::string const& sql)
{
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open_v2(db_path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
    sqlite3_stmt* st = nullptr;
    std::string const explain = "EXPLAIN QUERY PLAN " + sql;
    INFO(explain);
    REQUIRE(sqlite3_prepare_v2(db.get(), explain.c_str(), -1, &st, nullptr) == SQLITE_OK);
    std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> guard(st, &sqlite3_finalize);
    std::vector<std::string> lines;
    while (sqlite3_step(st) == SQLITE_ROW)
        lines.emplace_back(reinterpret_cast<char const*>(sqlite3_column_text(st, 3)));
    return lines;
}

/// A plan line that reads a whole table: `SCAN <table>`, with or without an index (a full
/// pass over an index is as long as the table; only SEARCH seeks). A constant row is not.
bool is_table_scan(std::string const& line)
{
    return line.rfind("SCAN ", 0) == 0 && line != "SCAN CONSTANT ROW";
}

/// A scan that stops after LIMIT rows: no WHERE to skip rows, and an ORDER BY that the
/// scan order itself satisfies (no temporary b-tree), e.g. the audit chain's head
/// `SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1` reads one row.
bool is_bounded_scan(std::string const& sql, std::vector<std::string> const& lines)
{
    auto const has = [&](char const* s) { return sql.find(s) != std::string::npos; };
    bool const sorts = std::any_of(lines.begin(), lines.end(),
                                   [](auto const& l) { return l.find("TEMP B-TREE") != std::string::npos; });
    return !has("WHERE") && !has("JOIN") && has("ORDER BY") && has(" LIMIT ") && !sorts;
}

/// Tables whose size the code fixes, not the data: one row per schema migration (read
/// when the pool opens a connection).
bool is_fixed_size_table(std::string const& line)
{
    return line == "SCAN schema_migrations";
}

/// Every captured statement whose plan scans a table, with its plan.
std::vector<std::string> table_scans(std::filesystem::path const& db, std::set<std::string> const& statements)
{
    std::vector<std::string> found;
    for (auto const& sql : statements) {
        if (sql.rfind("--", 0) == 0)
            continue; // a trigger's body is reported as a comment
        auto const lines = plan_of(db, sql);
        auto const unbounded = [&](std::string const& line) {
            return is_table_scan(line) && !is_fixed_size_table(line) && !is_bounded_scan(sql, lines);
        };
        if (std::any_of(lines.begin(), lines.end(), unbounded)) {
            std::string text = sql + "\n";
            for (auto const& l : lines)
                text += "    " + l + "\n";
            found.push_back(text);
        }
    }
    return found;
}

std::string joined(std::vector<std::string> const& v)
{
    std::string out;
    for (auto const& s : v)
        out += s;
    return out;
}

/// A store with a few users, teams, sessions and audit events, so that every path below
/// finds rows (plans do not depend on them without ANALYZE; the repositories' branches do).
struct populated_store {
    statement_tracer tracer;
    test::file_store db;

    populated_store()
    {
        auto tx = db.begin();
        test::add_connection(*tx, "okta");
        for (int i = 0; i < 20; ++i) {
            auto const id = "u" + std::to_string(i);
            test::add_user(*tx, id, "okta", "subject-" + std::to_string(i));
            REQUIRE(tx->users()
                        .set_attribute(id, {"email", "user" + std::to_string(i) + "@example.com",
                                            store::owner_jit("okta"), t0, std::nullopt})
                        .has_value());
            REQUIRE(tx->users()
                        .set_attribute(id, {"userName", "user" + std::to_string(i) + "@example.com",
                                            store::owner_scim("okta"), t0, std::nullopt})
                        .has_value());
            REQUIRE(tx->users().grant_role(id, {"member", store::owner_jit("okta"), t0, std::nullopt}).has_value());
        }
        for (int i = 0; i < 20; ++i) {
            store::scim_user_record r;
            r.connection_id = "okta";
            r.user_id = "u" + std::to_string(i);
            r.user_name = "user" + std::to_string(i) + "@example.com";
            r.external_id = "ext-" + std::to_string(i);
            r.created_at = r.updated_at = t0;
            REQUIRE(tx->scim().create_user(r).has_value());
        }
        // The bearer tokens that authenticate the SCIM and admin (audit tail) requests.
        REQUIRE(tx->tokens()
                    .create({"scim-1", store::token_kind::scim, "okta scim", "okta", t0, std::nullopt}, "scim-secret")
                    .has_value());
        REQUIRE(tx->tokens()
                    .create({"admin-1", store::token_kind::admin, "ops", "", t0, std::nullopt}, "admin-secret")
                    .has_value());
        REQUIRE(tx->teams().create({"t1", "Engineering", store::owner_jit("okta"), t0, t0}).has_value());
        REQUIRE(tx->teams().add_member({"u1", "t1", store::owner_jit("okta"), t0, std::nullopt}).has_value());
        for (int i = 0; i < 50; ++i) {
            store::audit_event e;
            e.id = "e" + std::to_string(i);
            e.time = t0;
            e.action = i % 2 ? "sso.login.succeeded" : "jit.user.created";
            e.actor_type = "system";
            e.connection_id = "okta";
            e.result_status = "success";
            REQUIRE(tx->audit().append(e).has_value());
        }
        REQUIRE(tx->commit().has_value());
    }
};

} // namespace

TEST_CASE("the statements of one sign-in use an index for every table they read", "[store][query_plan]")
{
    populated_store s;
    auto const statements = statements_of([&] {
        auto tx = s.db.begin();
        auto& t = *tx;
        // GET /sso/login: the pending request, and the sweep of expired rows.
        REQUIRE(t.requests().sweep(t0).has_value());
        REQUIRE(t.replay().sweep(t0).has_value());
        REQUIRE(t.sessions().sweep(t0, std::chrono::minutes(30)).has_value());
        REQUIRE(t.requests().create({"_req1", "okta", "/", t0, t0 + std::chrono::minutes(5)}, "flow").has_value());
        REQUIRE(t.requests().consume("_req1", "okta", "flow", t0).has_value());
        // ACS: replay cache, the connection's JIT switch, the current state.
        REQUIRE(t.replay().consume("okta", "_assertion-1", t0 + std::chrono::minutes(5)).has_value());
        REQUIRE(t.connections().find("okta").has_value());
        REQUIRE(t.users().find_by_identity("okta", "subject-1").value().has_value());
        REQUIRE(t.users().find_by_identity("okta", "nobody").has_value());
        REQUIRE(t.users().find_by_email("USER1@example.com").value().has_value());
        REQUIRE(t.users().find("u1").has_value());
        REQUIRE(t.users().attributes("u1").has_value());
        REQUIRE(t.users().roles("u1").has_value());
        REQUIRE(t.users().identities("u1").has_value());
        for (auto const& m : t.teams().memberships_of("u1").value())
            REQUIRE(t.teams().find(m.team_id).has_value());
        REQUIRE(t.teams().find_by_name("engineering").has_value());
        REQUIRE(t.link_approvals().find_pending("okta", "subject-new").has_value());
        // Applying a plan: create, bind, values, grants, teams, memberships, login.
        REQUIRE(t.users().create({"u-new", store::owner_jit("okta"), true, t0}).has_value());
        REQUIRE(t.users().add_identity({"okta", "subject-new", "u-new", t0, std::nullopt, ""}).has_value());
        REQUIRE(t.users()
                    .set_attribute("u-new", {"email", "new@example.com", store::owner_jit("okta"), t0, std::nullopt})
                    .has_value());
        REQUIRE(t.users().grant_role("u-new", {"editor", store::owner_jit("okta"), t0, std::nullopt}).has_value());
        REQUIRE(t.users().revoke_role("u1", "member", t0).has_value());
        REQUIRE(t.teams().create({"t2", "Payments", store::owner_jit("okta"), t0, t0}).has_value());
        REQUIRE(t.teams().add_member({"u-new", "t2", store::owner_jit("okta"), t0, std::nullopt}).has_value());
        REQUIRE(t.teams().remove_member("u1", "t1", t0).has_value());
        REQUIRE(t.users().record_login("okta", "subject-1", "{}", t0).has_value());
        // The session and the audit events.
        REQUIRE(t.sessions().create("secret", {"u1", "okta", t0, t0 + std::chrono::hours(8), ""}).has_value());
        store::audit_event e;
        e.id = "e-signin";
        e.time = t0;
        e.action = "sso.login.succeeded";
        e.actor_type = "user";
        e.result_status = "success";
        REQUIRE(t.audit().append(e).has_value());
        REQUIRE(t.commit().has_value());
    });
    REQUIRE(statements.size() > 20);
    auto scans = table_scans(s.db.path(), statements);
    INFO(joined(scans));
    // The idle-session sweep's OR is served by sessions_by_expiry and sessions_by_last_seen
    // (migration 5); before that index it scanned the table.
    CHECK(scans.empty());
}

TEST_CASE("the statements of a session check use an index for every table they read", "[store][query_plan]")
{
    populated_store s;
    {
        auto tx = s.db.begin();
        REQUIRE(tx->sessions().create("secret", {"u1", "okta", t0, t0 + std::chrono::hours(8), ""}).has_value());
        REQUIRE(tx->commit().has_value());
    }
    auto const statements = statements_of([&] {
        auto tx = s.db.begin();
        REQUIRE(tx->sessions().find("secret").value().has_value());
        REQUIRE(tx->sessions().touch("secret", t0 + std::chrono::minutes(1)).has_value());
        REQUIRE(tx->users().find("u1").has_value());
        REQUIRE(tx->users().attributes("u1").has_value());
        REQUIRE(tx->users().roles("u1").has_value());
        REQUIRE(tx->teams().memberships_of("u1").has_value());
        REQUIRE(tx->commit().has_value());
    });
    auto const scans = table_scans(s.db.path(), statements);
    INFO(joined(scans));
    CHECK(scans.empty());
}

TEST_CASE("listing every team is a table scan, which is why sign-in looks teams up by name",
          "[store][query_plan]")
{
    populated_store s;
    auto const statements = statements_of([&] {
        auto tx = s.db.begin(store::access::read);
        REQUIRE(tx->teams().list().has_value());
    });
    auto const scans = table_scans(s.db.path(), statements);
    REQUIRE(scans.size() == 1);
    CHECK_THAT(scans[0], Catch::Contains("SCAN teams"));
}

TEST_CASE("a SCIM userName eq or externalId lookup, with its token check, uses an index", "[store][query_plan]")
{
    populated_store s;
    auto const statements = statements_of([&] {
        auto tx = s.db.begin(store::access::read);
        // Every SCIM request: the bearer token by its hash, then (scim_support) by id.
        REQUIRE(tx->tokens().find_active("scim-secret").value().has_value());
        REQUIRE(tx->tokens().find("scim-1").value().has_value());
        // The SCIM views (filter userName eq / externalId eq, GET /Users/{id}; the
        // first sign-in's SCIM match uses the first two) ...
        REQUIRE(tx->scim().find_user_by_user_name("okta", "USER3@example.com").value().has_value());
        REQUIRE(tx->scim().find_users_by_external_id("okta", "ext-3").value().size() == 1);
        REQUIRE(tx->scim().find_user("okta", "u3").value().has_value());
        // ... the user row each SCIM result renders (active) ...
        REQUIRE(tx->users().find("u3").value().has_value());
        // ... and the generic attribute lookup.
        auto found = tx->users().find_by_attribute("userName", "USER3@example.com");
        REQUIRE(found.has_value());
        CHECK(found->size() == 1);
    });
    REQUIRE(!statements.empty());
    auto const scans = table_scans(s.db.path(), statements);
    INFO(joined(scans));
    CHECK(scans.empty());
}

TEST_CASE("the audit tail's after= page and its token check use an index, with and without filters",
          "[store][query_plan]")
{
    populated_store s;
    auto const statements = statements_of([&] {
        auto tx = s.db.begin(store::access::read);
        // GET /admin/v1/audit?after=: the admin token by its hash, then the page.
        REQUIRE(tx->tokens().find_active("admin-secret").value().has_value());
        REQUIRE(tx->audit().after(10, 100, {}).value().size() == 40);
        REQUIRE(tx->audit().after(0, 100, {"jit.user.created", ""}).value().size() == 25);
        REQUIRE(tx->audit().after(0, 100, {"", "okta"}).value().size() == 50);
        REQUIRE(tx->audit().after(0, 100, {"sso.login.succeeded", "okta"}).value().size() == 25);
        REQUIRE(tx->audit().last_seq().value() == 50);
    });
    REQUIRE(!statements.empty());
    auto const scans = table_scans(s.db.path(), statements);
    INFO(joined(scans));
    CHECK(scans.empty());
}

// after() with a filter must seek through the filter's index: served in seq order, a rare
// action walked every later event (28.8 s for a 100-event page at 10M events, bench/README.md
// "scale"), which is_table_scan() cannot see because the plan says SEARCH.
TEST_CASE("a filtered audit page seeks through the filter's index", "[store][query_plan]")
{
    populated_store s;
    auto const statements = statements_of([&] {
        auto tx = s.db.begin(store::access::read);
        REQUIRE(tx->audit().after(0, 100, {"jit.user.created", ""}).value().size() == 25);
    });
    bool uses_filter_index = false;
    for (auto const& sql : statements)
        for (auto const& line : plan_of(s.db.path(), sql))
            uses_filter_index = uses_filter_index || line.find("audit_events_by_action") != std::string::npos;
    CHECK(uses_filter_index);
}

TEST_CASE("a scan that stops at its LIMIT in scan order is bounded; one that filters or sorts is not",
          "[store][query_plan]")
{
    CHECK(is_bounded_scan("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1", {"SCAN audit_events"}));
    CHECK_FALSE(is_bounded_scan("SELECT * FROM t WHERE x = ?1 ORDER BY id LIMIT 1", {"SCAN t"}));
    CHECK_FALSE(is_bounded_scan("SELECT * FROM t ORDER BY name LIMIT 1", {"SCAN t", "USE TEMP B-TREE FOR ORDER BY"}));
    CHECK_FALSE(is_bounded_scan("SELECT * FROM t ORDER BY id", {"SCAN t"}));
}

TEST_CASE("is_table_scan reports a table scan and nothing else", "[store][query_plan]")
{
    CHECK(is_table_scan("SCAN users"));
    CHECK(is_table_scan("SCAN u"));
    CHECK(is_table_scan("SCAN u USING COVERING INDEX users_by_x"));
    CHECK_FALSE(is_table_scan("SEARCH u USING INTEGER PRIMARY KEY (rowid=?)"));
    CHECK_FALSE(is_table_scan("SEARCH a USING INDEX user_attributes_by_value (name=? AND value=?)"));
    CHECK_FALSE(is_table_scan("SCAN CONSTANT ROW"));
    CHECK_FALSE(is_table_scan("USE TEMP B-TREE FOR ORDER BY"));
}
