// scale_bench — how the store operations of one sign-in, the audit tail and the SCIM
// lookup behave as the store grows (issue 8, "scale"). Run by hand:
//
//   build/bench/scale_bench [--sizes 10000,100000,1000000] [--audit-events 10000000]
//                           [--samples 2000] [--dir DIR] [--keep]
//                           [--cache-kib N] [--mmap-bytes N]
//
// Levels: for each size N, N users and N audit events; then, unless --audit-events 0,
// the largest size again with that many audit events (a copy of its file with the
// further events appended). Each user has an identity (okta/subject), email, userName,
// given name, a role, one of 50 teams and a SCIM view row (scim_users, userName).
//
// Generation is a bulk load: the store's own open_sqlite() creates the schema, then
// plain INSERTs in 200,000-row transactions on one connection with synchronous=OFF,
// foreign keys off (the rows are consistent by construction) and a 1 GiB page cache.
// Audit events carry the store's real hash chain (store/src/audit_chain.hpp), so
// `ssogate audit verify` holds on the generated file. --keep keeps the files in DIR
// and reuses them on the next run with the same DIR (a `.done` marker per file).
//
// Measurement: all levels are opened at once with the production store options
// (synchronous=FULL, sqlite_options' cache and memory map, or --cache-kib/--mmap-bytes)
// and every operation runs in short slices that alternate between the levels, so a
// neighbour's load on this shared machine falls on all sizes alike; the ratios
// largest/smallest are the numbers to compare. Each operation runs twice over the same
// random keys: "first" reads each key's pages for the first time in this process (the
// file is in the OS page cache: generated just before), "again" repeats the same keys
// (their pages already in the connection's cache or memory map: a long-running server's
// steady state for users who signed in before).
#include <ssogate/store/owner.hpp>
#include <ssogate/store/scim.hpp>
#include <ssogate/store/sqlite.hpp>
#include <ssogate/store/store.hpp>

#include "audit_chain.hpp" // store/src: the chain hash every backend stores

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace store = ssogate::store;
namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

namespace {

store::time_point const t0 = store::time_point{} + std::chrono::seconds(1'767'225'600); // 2026-01-01
constexpr std::size_t team_count = 50;

template <class T>
T must(store::result<T> r, char const* what)
{
    if (!r)
        throw std::runtime_error(std::string(what) + ": " + r.error().message());
    return std::move(*r);
}

void must(store::result<void> r, char const* what)
{
    if (!r)
        throw std::runtime_error(std::string(what) + ": " + r.error().message());
}

std::string user_id(std::size_t i) { return "user-" + std::to_string(i); }
std::string subject(std::size_t i) { return "00u" + std::to_string(i * 7919 % 1000003) + "-" + std::to_string(i); }
std::string email(std::size_t i) { return "person" + std::to_string(i) + "@example.com"; }
std::string team_id(std::size_t t) { return "team-" + std::to_string(t); }
std::string team_name(std::size_t t) { return "Team " + std::to_string(t); }

store::audit_event audit_event(std::string id, std::string action, store::time_point at, std::string target)
{
    store::audit_event e;
    e.id = std::move(id);
    e.time = at;
    e.action = std::move(action);
    e.actor_type = "user";
    e.actor_id = target;
    e.target = std::move(target);
    e.connection_id = "okta";
    e.source_ip = "192.0.2.10";
    e.user_agent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
    e.result_status = "success";
    e.changes_json = R"({"decision":"no_change"})";
    e.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    return e;
}

// ---------------------------------------------------------------------------
// Bulk load
// ---------------------------------------------------------------------------

/// One raw SQLite connection for the bulk load (the bench's only direct SQLite use).
class raw_db {
public:
    explicit raw_db(fs::path const& path)
    {
        sqlite3* db = nullptr;
        if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
            sqlite3_close(db);
            throw std::runtime_error("cannot open " + path.string());
        }
        db_.reset(db);
        exec("PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF; PRAGMA cache_size = -1048576; "
             "PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 100000");
    }

    void exec(char const* sql)
    {
        char* message = nullptr;
        if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, &message) != SQLITE_OK) {
            std::string const why = message ? message : "?";
            sqlite3_free(message);
            throw std::runtime_error(std::string(sql) + ": " + why);
        }
    }

    struct finalize {
        void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
    };

    /// A prepared statement that binds its parameters in order and runs once per insert().
    class insert_statement {
    public:
        insert_statement(sqlite3* db, char const* sql) : db_(db)
        {
            sqlite3_stmt* st = nullptr;
            if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK)
                throw std::runtime_error(std::string(sql) + ": " + sqlite3_errmsg(db));
            st_.reset(st);
        }
        insert_statement& text(std::string const& v)
        {
            sqlite3_bind_text(st_.get(), ++index_, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
            return *this;
        }
        insert_statement& integer(std::int64_t v)
        {
            sqlite3_bind_int64(st_.get(), ++index_, v);
            return *this;
        }
        void insert()
        {
            if (sqlite3_step(st_.get()) != SQLITE_DONE)
                throw std::runtime_error(std::string("bulk insert: ") + sqlite3_errmsg(db_));
            sqlite3_reset(st_.get());
            index_ = 0;
        }

    private:
        sqlite3* db_;
        std::unique_ptr<sqlite3_stmt, finalize> st_;
        int index_ = 0;
    };

    insert_statement prepare(char const* sql) { return insert_statement(db_.get(), sql); }

    /// The last audit event (seq, hash), or (0, genesis).
    std::pair<std::int64_t, std::string> audit_head()
    {
        sqlite3_stmt* raw = nullptr;
        if (sqlite3_prepare_v2(db_.get(), "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1", -1, &raw,
                               nullptr) != SQLITE_OK)
            throw std::runtime_error(std::string("audit head: ") + sqlite3_errmsg(db_.get()));
        std::unique_ptr<sqlite3_stmt, finalize> st(raw);
        if (sqlite3_step(raw) == SQLITE_ROW)
            return {sqlite3_column_int64(raw, 0), reinterpret_cast<char const*>(sqlite3_column_text(raw, 1))};
        return {0, std::string(store::genesis_hash)};
    }

private:
    struct close_db {
        void operator()(sqlite3* d) const noexcept { sqlite3_close(d); }
    };
    std::unique_ptr<sqlite3, close_db> db_;
};

constexpr std::size_t batch = 200'000;

/// Adds the connection and the teams through the store's repositories (creating the schema).
void create_schema(fs::path const& path)
{
    auto db = store::open_sqlite(path).value();
    auto tx = must(db->begin(store::access::write), "begin");
    store::connection_record c;
    c.id = "okta";
    c.display_name = "Okta";
    c.created_at = c.updated_at = t0;
    must(tx->connections().create(c), "connection");
    for (std::size_t t = 0; t < team_count; ++t)
        must(tx->teams().create({team_id(t), team_name(t), store::owner_jit("okta"), t0, t0}), "team");
    must(tx->commit(), "commit");
}

void insert_users(raw_db& db, std::size_t n)
{
    auto users = db.prepare("INSERT INTO users (id, active, created_by, created_at, updated_at) VALUES (?,1,?,?,?)");
    auto identities = db.prepare(
        "INSERT INTO user_identities (connection_id, subject, user_id, created_at, last_login_at, last_assertion) "
        "VALUES ('okta',?,?,?,NULL,'')");
    auto attributes = db.prepare(
        "INSERT INTO user_attributes (user_id, name, value, owner, set_at, event_id) VALUES (?,?,?,?,?,NULL)");
    auto roles = db.prepare(
        "INSERT INTO role_grants (user_id, role, owner, set_at, event_id) VALUES (?,'member',?,?,NULL)");
    auto members = db.prepare(
        "INSERT INTO team_memberships (user_id, team_id, owner, set_at, event_id) VALUES (?,?,?,?,NULL)");
    auto scim = db.prepare(
        "INSERT INTO scim_users (connection_id, user_id, user_name, external_id, resource, version, created_at, "
        "updated_at) VALUES ('okta',?,?,?,'{}',1,?,?)");
    auto const jit = store::owner_jit("okta");
    auto const scim_owner = store::owner_scim("okta");
    std::int64_t const at = std::chrono::duration_cast<std::chrono::microseconds>(t0.time_since_epoch()).count();
    for (std::size_t start = 0; start < n; start += batch) {
        db.exec("BEGIN");
        for (std::size_t i = start; i < std::min(n, start + batch); ++i) {
            auto const id = user_id(i);
            auto const mail = email(i);
            users.text(id).text(jit).integer(at).integer(at).insert();
            identities.text(subject(i)).text(id).integer(at).insert();
            attributes.text(id).text("email").text(mail).text(jit).integer(at).insert();
            attributes.text(id).text("userName").text(mail).text(scim_owner).integer(at).insert();
            attributes.text(id).text("given_name").text("Person").text(jit).integer(at).insert();
            roles.text(id).text(jit).integer(at).insert();
            members.text(id).text(team_id(i % team_count)).text(jit).integer(at).insert();
            scim.text(id).text(mail).text(subject(i)).integer(at).integer(at).insert();
        }
        db.exec("COMMIT");
    }
}

/// Appends audit events up to `total`, continuing the stored chain.
void insert_audit(raw_db& db, std::size_t total)
{
    auto st = db.prepare(
        "INSERT INTO audit_events (seq, id, time, action, actor_type, actor_id, target, connection_id, source_ip, "
        "user_agent, result_status, result_reason, changes, trace_id, prev_hash, hash) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    auto [seq, prev] = db.audit_head();
    while (static_cast<std::size_t>(seq) < total) {
        db.exec("BEGIN");
        for (std::size_t k = 0; k < batch && static_cast<std::size_t>(seq) < total; ++k) {
            ++seq;
            auto const i = static_cast<std::size_t>(seq);
            auto const e = audit_event("ev-" + std::to_string(i), i % 3 ? "sso.login.succeeded" : "jit.user.created",
                                       t0 + std::chrono::milliseconds(i * 10), user_id(i % 1'000'000));
            auto hash = store::detail::chain_hash(seq, e, prev);
            st.integer(seq)
                .text(e.id)
                .integer(std::chrono::duration_cast<std::chrono::microseconds>(e.time.time_since_epoch()).count())
                .text(e.action)
                .text(e.actor_type)
                .text(e.actor_id)
                .text(e.target)
                .text(e.connection_id)
                .text(e.source_ip)
                .text(e.user_agent)
                .text(e.result_status)
                .text(e.result_reason)
                .text(e.changes_json)
                .text(e.trace_id)
                .text(prev)
                .text(hash)
                .insert();
            prev = std::move(hash);
        }
        db.exec("COMMIT");
    }
}

struct level {
    std::size_t users = 0;
    std::size_t events = 0;
    fs::path path;
    std::string label() const
    {
        auto const short_n = [](std::size_t v) {
            return v >= 1'000'000 && v % 1'000'000 == 0 ? std::to_string(v / 1'000'000) + "M"
                   : v >= 1000 && v % 1000 == 0         ? std::to_string(v / 1000) + "k"
                                                        : std::to_string(v);
        };
        return short_n(users) + " users/" + short_n(events) + " events";
    }
};

double file_mb(fs::path const& p)
{
    return static_cast<double>(fs::file_size(p)) / 1e6;
}

/// Creates `l.path` unless a complete one is there; `from` (same user count, fewer
/// events) is copied and extended instead of generating the users again.
void generate(level const& l, level const* from)
{
    fs::path const done = l.path.string() + ".done";
    if (fs::exists(done) && fs::exists(l.path)) {
        std::printf("%-28s reused %s (%.0f MB)\n", l.label().c_str(), l.path.c_str(), file_mb(l.path));
        return;
    }
    for (auto const* suffix : {"", "-wal", "-shm"})
        fs::remove(l.path.string() + suffix);
    auto const start = clock_type::now();
    if (from != nullptr) {
        fs::copy_file(from->path, l.path);
    } else {
        create_schema(l.path);
    }
    {
        raw_db db(l.path);
        if (from == nullptr)
            insert_users(db, l.users);
        insert_audit(db, l.events);
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    std::ofstream(done.string()) << "complete\n";
    std::printf("%-28s generated in %.1f s (%.0f MB)\n", l.label().c_str(),
                std::chrono::duration<double>(clock_type::now() - start).count(), file_mb(l.path));
    std::fflush(stdout);
}

// ---------------------------------------------------------------------------
// Measurement
// ---------------------------------------------------------------------------

struct percentiles {
    double p50 = 0;
    double p99 = 0;
};

percentiles percentiles_of(std::vector<double> us)
{
    std::sort(us.begin(), us.end());
    return {us[us.size() / 2], us[std::min(us.size() - 1, us.size() * 99 / 100)]};
}

/// One opened level and its random keys.
struct opened {
    level const* l = nullptr;
    std::unique_ptr<store::store> db;
    std::vector<std::size_t> users;       // random user indexes, one per sample
    std::vector<std::int64_t> cursors;    // random after= cursors, one per sample
    std::size_t sessions = 0;
};

struct operation {
    std::string name;
    std::function<void(opened&, std::size_t)> run; // (level, sample index)
};

/// Times `op` for every sample on every level, in slices that alternate between levels.
std::vector<percentiles> measure(std::vector<opened>& levels, operation const& op, std::size_t samples)
{
    constexpr std::size_t slice = 25;
    std::vector<std::vector<double>> us(levels.size());
    for (std::size_t from = 0; from < samples; from += slice)
        for (std::size_t k = 0; k < levels.size(); ++k)
            for (std::size_t i = from; i < std::min(samples, from + slice); ++i) {
                auto const start = clock_type::now();
                op.run(levels[k], i);
                us[k].push_back(std::chrono::duration<double, std::micro>(clock_type::now() - start).count());
            }
    std::vector<percentiles> out;
    for (auto& v : us)
        out.push_back(percentiles_of(std::move(v)));
    return out;
}

void read_signin_state(store::transaction& tx, std::size_t i)
{
    (void)must(tx.connections().find("okta"), "connection");
    auto u = must(tx.users().find_by_identity("okta", subject(i)), "find_by_identity");
    if (!u)
        throw std::runtime_error("user not found");
    (void)must(tx.users().attributes(u->id), "attributes");
    (void)must(tx.users().roles(u->id), "roles");
    for (auto const& m : must(tx.teams().memberships_of(u->id), "memberships"))
        (void)must(tx.teams().find(m.team_id), "team");
    (void)must(tx.users().find_by_email(email(i)), "find_by_email");
    (void)must(tx.teams().find_by_name(team_name(i % team_count)), "find_by_name");
}

std::vector<operation> operations()
{
    return {
        {"sign-in reads (connection, identity, values, roles, teams, email holder, team by name)",
         [](opened& o, std::size_t s) {
             auto tx = must(o.db->begin(store::access::read), "begin");
             read_signin_state(*tx, o.users[s]);
         }},
        {"sign-in (one write tx: replay, the reads, record login, session, 2 audit events, commit+fsync)",
         [](opened& o, std::size_t s) {
             auto const i = o.users[s];
             // Unique across runs too: --keep reuses the files.
             auto const n = std::to_string(::getpid()) + "-" + std::to_string(++o.sessions);
             auto tx = must(o.db->begin(store::access::write), "begin");
             must(tx->replay().consume("okta", "_assertion-" + n, t0 + std::chrono::minutes(5)),
                  "replay");
             read_signin_state(*tx, i);
             (void)must(tx->users().record_login("okta", subject(i), R"({"name_id":"x"})", t0), "record_login");
             (void)must(tx->sessions().create("session-secret-" + n,
                                              {user_id(i), "okta", t0, t0 + std::chrono::hours(8), ""}),
                        "session");
             for (char const* action : {"jit.user.updated", "sso.login.succeeded"})
                 (void)must(tx->audit().append(audit_event("signin-" + n + action, action, t0,
                                                           user_id(i))),
                            "audit");
             must(tx->commit(), "commit");
         }},
        {"audit after=SEQ first page (100 events, random cursor)",
         [](opened& o, std::size_t s) {
             auto tx = must(o.db->begin(store::access::read), "begin");
             if (must(tx->audit().after(o.cursors[s], 100, {}), "after").size() != 100)
                 throw std::runtime_error("short audit page");
         }},
        {"SCIM userName eq (scim_users, NOCASE index)",
         [](opened& o, std::size_t s) {
             auto tx = must(o.db->begin(store::access::read), "begin");
             if (!must(tx->scim().find_user_by_user_name("okta", email(o.users[s])), "userName"))
                 throw std::runtime_error("userName not found");
         }},
        {"email lookup (user_attributes, NOCASE unique index)",
         [](opened& o, std::size_t s) {
             auto tx = must(o.db->begin(store::access::read), "begin");
             if (!must(tx->users().find_by_email(email(o.users[s])), "email"))
                 throw std::runtime_error("email not found");
         }},
    };
}

std::string cpu_model()
{
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("model name", 0) == 0)
            return line.substr(line.find(':') + 2);
    return "unknown";
}

std::string load_average()
{
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " " + b + " " + c;
}

std::vector<std::size_t> parse_sizes(std::string const& text)
{
    std::vector<std::size_t> out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto const comma = text.find(',', pos);
        out.push_back(std::stoul(text.substr(pos, comma - pos)));
        if (comma == std::string::npos)
            break;
        pos = comma + 1;
    }
    return out;
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<std::size_t> sizes{10'000, 100'000, 1'000'000};
    std::size_t audit_events = 10'000'000;
    std::size_t samples = 2000;
    bool keep = false;
    fs::path base = fs::temp_directory_path() / ("ssogate-scale-" + std::to_string(::getpid()));
    store::sqlite_options options;
    for (int i = 1; i < argc; ++i) {
        std::string const flag = argv[i];
        bool const has_value = i + 1 < argc;
        if (flag == "--keep")
            keep = true;
        else if (flag == "--sizes" && has_value)
            sizes = parse_sizes(argv[++i]);
        else if (flag == "--audit-events" && has_value)
            audit_events = std::stoul(argv[++i]);
        else if (flag == "--samples" && has_value)
            samples = std::stoul(argv[++i]);
        else if (flag == "--dir" && has_value)
            base = argv[++i];
        else if (flag == "--cache-kib" && has_value)
            options.cache_size_kib = std::stoul(argv[++i]);
        else if (flag == "--mmap-bytes" && has_value)
            options.mmap_size = std::stoll(argv[++i]);
        else {
            std::fprintf(stderr, "usage: scale_bench [--sizes N,N,...] [--audit-events N] [--samples S] [--dir DIR] "
                                 "[--keep] [--cache-kib N] [--mmap-bytes N]\n");
            return 2;
        }
    }
    if (sizes.empty() || samples == 0)
        return 2;
    std::sort(sizes.begin(), sizes.end());
#ifdef NDEBUG
    char const* build = "optimised (NDEBUG)";
#else
    char const* build = "not NDEBUG (assertions on)";
#endif
    std::printf("CPU: %s, %u hardware threads, build: %s, SQLite %s\n", cpu_model().c_str(),
                std::thread::hardware_concurrency(), build, sqlite3_libversion());
    std::printf("store options: cache_size %zu KiB per connection, mmap_size %lld bytes, temp_store %s\n",
                options.cache_size_kib, static_cast<long long>(options.mmap_size),
                options.temp_store_memory ? "MEMORY" : "DEFAULT");
    std::printf("samples per operation and level: %zu (twice: first, again); times in microseconds\n", samples);
    std::printf("load average at start: %s\n\n", load_average().c_str());

    std::vector<level> levels;
    fs::create_directories(base);
    for (auto const n : sizes)
        levels.push_back({n, n, base / ("scale-" + std::to_string(n) + "-" + std::to_string(n) + ".db")});
    if (audit_events > sizes.back())
        levels.push_back({sizes.back(), audit_events,
                          base / ("scale-" + std::to_string(sizes.back()) + "-" + std::to_string(audit_events) + ".db")});
    for (std::size_t k = 0; k < levels.size(); ++k) {
        level const* from = k > 0 && levels[k - 1].users == levels[k].users ? &levels[k - 1] : nullptr;
        generate(levels[k], from);
    }
    std::printf("\n");

    std::vector<opened> open;
    for (auto const& l : levels) {
        opened o;
        o.l = &l;
        o.db = store::open_sqlite(l.path, options).value();
        std::mt19937_64 rng(42 + l.users + l.events);
        std::uniform_int_distribution<std::size_t> pick(0, l.users - 1);
        std::uniform_int_distribution<std::int64_t> pick_seq(0, static_cast<std::int64_t>(l.events) - 100);
        for (std::size_t s = 0; s < samples; ++s) {
            o.users.push_back(pick(rng));
            o.cursors.push_back(pick_seq(rng));
        }
        open.push_back(std::move(o));
    }

    auto const ops = operations();
    std::vector<std::vector<percentiles>> first(ops.size()), again(ops.size());
    for (std::size_t k = 0; k < ops.size(); ++k) {
        first[k] = measure(open, ops[k], samples);
        again[k] = measure(open, ops[k], samples);
        std::printf("%s\n", ops[k].name.c_str());
        for (std::size_t l = 0; l < open.size(); ++l)
            std::printf("  %-28s first p50 %8.1f p99 %9.1f   again p50 %8.1f p99 %9.1f\n", levels[l].label().c_str(),
                        first[k][l].p50, first[k][l].p99, again[k][l].p50, again[k][l].p99);
        std::fflush(stdout);
    }

    std::printf("\nratio to %s, p50 (target for sign-in: <= 1.2 at 1M users)\n", levels.front().label().c_str());
    for (std::size_t k = 0; k < ops.size(); ++k) {
        std::printf("%s\n", ops[k].name.c_str());
        for (std::size_t l = 1; l < open.size(); ++l)
            std::printf("  %-28s first x%5.2f   again x%5.2f\n", levels[l].label().c_str(),
                        first[k][l].p50 / first[k][0].p50, again[k][l].p50 / again[k][0].p50);
    }
    std::printf("\nload average at end: %s\n", load_average().c_str());

    open.clear();
    if (!keep)
        fs::remove_all(base);
    return 0;
}
