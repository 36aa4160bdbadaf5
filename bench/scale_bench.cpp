// scale_bench — how the store operations of one sign-in, the audit tail and the SCIM /
// email lookups behave as the store grows (issue 8, "scale"). Run by hand:
//
//   build/bench/scale_bench [--sizes 10000,100000,1000000] [--samples 2000] [--dir DIR]
//
// For each size N it bulk-generates, in a fresh SQLite file under a temporary
// directory, N users (identity okta/subject-i, email, userName, given name, a role,
// one of 50 teams) and N audit events through the store's own repositories, in
// transactions of 10,000 rows, then times random operations and prints p50/p99 per
// size and the ratio largest/smallest measured in the same run (the machine is shared
// and noisy: only the ratios compare). Durability as in production (synchronous=FULL)
// for the timed sign-in writes; the bulk load uses synchronous=NORMAL to finish in minutes.
#include <ssogate/store/owner.hpp>
#include <ssogate/store/sqlite.hpp>
#include <ssogate/store/store.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace store = ssogate::store;
using clock_type = std::chrono::steady_clock;

namespace {

store::time_point const t0 = store::time_point{} + std::chrono::seconds(1'767'225'600); // 2026-01-01

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

store::audit_event audit_event(std::string id, std::string action, store::time_point at)
{
    store::audit_event e;
    e.id = std::move(id);
    e.time = at;
    e.action = std::move(action);
    e.actor_type = "system";
    e.actor_id = store::owner_jit("okta");
    e.connection_id = "okta";
    e.source_ip = "192.0.2.10";
    e.result_status = "success";
    e.changes_json = R"({"decision":"no_change"})";
    return e;
}

/// Fills a fresh store with `n` users and `n` audit events.
void generate(store::store& db, std::size_t n)
{
    constexpr std::size_t batch = 10'000;
    constexpr std::size_t team_count = 50;
    {
        auto tx = must(db.begin(store::access::write), "begin");
        store::connection_record c;
        c.id = "okta";
        c.display_name = "Okta";
        c.created_at = c.updated_at = t0;
        must(tx->connections().create(c), "connection");
        for (std::size_t t = 0; t < team_count; ++t)
            must(tx->teams().create({"team-" + std::to_string(t), "Team " + std::to_string(t),
                                     store::owner_jit("okta"), t0, t0}),
                 "team");
        must(tx->commit(), "commit");
    }
    auto const owner = store::owner_jit("okta");
    auto const scim_owner = store::owner_scim("okta");
    for (std::size_t start = 0; start < n; start += batch) {
        auto tx = must(db.begin(store::access::write), "begin");
        auto& users = tx->users();
        for (std::size_t i = start; i < std::min(n, start + batch); ++i) {
            auto const id = user_id(i);
            must(users.create({id, owner, true, t0}), "create user");
            must(users.add_identity({"okta", subject(i), id, t0, std::nullopt, ""}), "identity");
            must(users.set_attribute(id, {"email", email(i), owner, t0, std::nullopt}), "email");
            must(users.set_attribute(id, {"userName", email(i), scim_owner, t0, std::nullopt}), "userName");
            must(users.set_attribute(id, {"given_name", "Person", owner, t0, std::nullopt}), "given_name");
            must(users.grant_role(id, {"member", owner, t0, std::nullopt}), "role");
            must(tx->teams().add_member({id, "team-" + std::to_string(i % team_count), owner, t0, std::nullopt}),
                 "member");
            must(tx->audit().append(audit_event("ev-" + std::to_string(i), i % 3 ? "sso.login.succeeded"
                                                                                  : "jit.user.created",
                                                t0 + std::chrono::seconds(i))),
                 "audit");
        }
        must(tx->commit(), "commit");
    }
}

struct percentiles {
    double p50 = 0;
    double p99 = 0;
};

/// Runs `op` `samples` times (with the sample index); returns p50/p99 in microseconds.
percentiles measure(std::size_t samples, std::function<void(std::size_t)> const& op)
{
    for (std::size_t i = 0; i < std::min<std::size_t>(samples / 10 + 1, 100); ++i) // warm up
        op(i);
    std::vector<double> us;
    us.reserve(samples);
    for (std::size_t i = 0; i < samples; ++i) {
        auto const start = clock_type::now();
        op(i);
        us.push_back(std::chrono::duration<double, std::micro>(clock_type::now() - start).count());
    }
    std::sort(us.begin(), us.end());
    return {us[us.size() / 2], us[std::min(us.size() - 1, us.size() * 99 / 100)]};
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
    std::size_t samples = 2000;
    std::filesystem::path base = std::filesystem::temp_directory_path();
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string const flag = argv[i];
        if (flag == "--sizes")
            sizes = parse_sizes(argv[i + 1]);
        else if (flag == "--samples")
            samples = std::stoul(argv[i + 1]);
        else if (flag == "--dir")
            base = argv[i + 1];
        else {
            std::fprintf(stderr, "usage: scale_bench [--sizes N,N,...] [--samples S] [--dir DIR]\n");
            return 2;
        }
    }
#ifdef NDEBUG
    char const* build = "optimised (NDEBUG)";
#else
    char const* build = "not NDEBUG (assertions on)";
#endif
    std::printf("CPU: %s, %u hardware threads, build: %s\n", cpu_model().c_str(), std::thread::hardware_concurrency(),
                build);
    std::printf("samples per operation: %zu; times in microseconds\n\n", samples);

    std::vector<std::string> const names{"sign-in: read state (find by identity, values, roles, teams, email)",
                                         "sign-in: write (record login, session, audit event, commit)",
                                         "audit after= first page (100 events)",
                                         "SCIM userName eq lookup",
                                         "email lookup"};
    std::map<std::size_t, std::vector<percentiles>> results;
    auto const dir = base / ("ssogate-scale-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);

    for (auto const n : sizes) {
        auto const path = dir / ("scale-" + std::to_string(n) + ".db");
        std::filesystem::remove(path);
        auto const gen_start = clock_type::now();
        {
            store::sqlite_options bulk;
            bulk.sync_every_commit = false;
            auto db = store::open_sqlite(path, bulk).value();
            generate(*db, n);
        }
        double const gen_s = std::chrono::duration<double>(clock_type::now() - gen_start).count();
        std::printf("%zu users + %zu audit events generated in %.1f s (%.0f MB)\n", n, n, gen_s,
                    static_cast<double>(std::filesystem::file_size(path)) / 1e6);
        std::fflush(stdout);

        auto db = store::open_sqlite(path).value();
        std::mt19937_64 rng(42);
        std::uniform_int_distribution<std::size_t> pick(0, n - 1);
        std::size_t session = 0;
        auto const last = [&] {
            auto tx = must(db->begin(store::access::read), "begin");
            return must(tx->audit().last_seq(), "last_seq");
        }();
        std::uniform_int_distribution<std::int64_t> pick_seq(0, std::max<std::int64_t>(0, last - 100));

        std::vector<percentiles> row;
        row.push_back(measure(samples, [&](std::size_t) {
            auto const i = pick(rng);
            auto tx = must(db->begin(store::access::read), "begin");
            auto u = must(tx->users().find_by_identity("okta", subject(i)), "find_by_identity");
            if (!u)
                throw std::runtime_error("user not found");
            (void)must(tx->users().attributes(u->id), "attributes");
            (void)must(tx->users().roles(u->id), "roles");
            for (auto const& m : must(tx->teams().memberships_of(u->id), "memberships"))
                (void)must(tx->teams().find(m.team_id), "team");
            (void)must(tx->users().find_by_email(email(i)), "find_by_email");
            (void)must(tx->teams().find_by_name("Team 7"), "find_by_name");
        }));
        row.push_back(measure(samples, [&](std::size_t) {
            auto const i = pick(rng);
            auto tx = must(db->begin(store::access::write), "begin");
            (void)must(tx->users().record_login("okta", subject(i), R"({"name_id":"x"})", t0), "record_login");
            (void)must(tx->sessions().create("session-secret-" + std::to_string(++session),
                                             {user_id(i), "okta", t0, t0 + std::chrono::hours(8), ""}),
                       "session");
            (void)must(tx->audit().append(audit_event("signin-" + std::to_string(session), "sso.login.succeeded", t0)),
                       "audit");
            must(tx->commit(), "commit");
        }));
        row.push_back(measure(samples, [&](std::size_t) {
            auto tx = must(db->begin(store::access::read), "begin");
            if (must(tx->audit().after(pick_seq(rng), 100, {}), "after").size() != 100)
                throw std::runtime_error("short audit page");
        }));
        row.push_back(measure(samples, [&](std::size_t) {
            auto tx = must(db->begin(store::access::read), "begin");
            if (must(tx->users().find_by_attribute("userName", email(pick(rng))), "userName").size() != 1)
                throw std::runtime_error("userName not found");
        }));
        row.push_back(measure(samples, [&](std::size_t) {
            auto tx = must(db->begin(store::access::read), "begin");
            if (!must(tx->users().find_by_email(email(pick(rng))), "email"))
                throw std::runtime_error("email not found");
        }));
        for (std::size_t k = 0; k < names.size(); ++k)
            std::printf("  %-72s p50 %9.1f  p99 %9.1f\n", names[k].c_str(), row[k].p50, row[k].p99);
        std::printf("\n");
        results[n] = row;
        db.reset();
        std::filesystem::remove(path);
        std::filesystem::remove(path.string() + "-wal");
        std::filesystem::remove(path.string() + "-shm");
    }
    std::filesystem::remove_all(dir);

    if (results.size() >= 2) {
        auto const& small = results.begin()->second;
        auto const& large = results.rbegin()->second;
        std::printf("ratio %zu / %zu users (target for sign-in p50: <= 1.2)\n", results.rbegin()->first,
                    results.begin()->first);
        for (std::size_t k = 0; k < names.size(); ++k)
            std::printf("  %-72s p50 x%5.2f  p99 x%5.2f\n", names[k].c_str(), large[k].p50 / small[k].p50,
                        large[k].p99 / small[k].p99);
    }
    return 0;
}
