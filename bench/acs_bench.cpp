// acs_bench — end-to-end ACS sign-ins per second over HTTPS keep-alive (issue 4,
// "Benchmark"; issue 8). Run by hand:
//   build/bench/acs_bench [sign-ins-per-level] [--levels 1,8,64,256] [--open-loop 0.8]
//
// What it does:
//  1. Writes a config into a fresh temporary directory: listen 127.0.0.1:0, a SQLite
//     store file there, one connection `bench` with allow_idp_initiated = true whose
//     IdP metadata carries a development-IdP signing certificate (generated with the
//     project's own code, dev_idp::ensure_signing_keys).
//  2. Starts the real `ssogate serve` (the binary next to this build) as a child
//     process and reads the port it bound from its stdout. The server logs to a file
//     in the temporary directory (as in production, logging is part of the cost).
//  3. For each concurrency level (1, 8, 64, 256): signs N unique IdP-initiated
//     responses before timing (dev_idp::build_response_xml: Response and Assertion
//     signed, RSA-2048/SHA-256; unique response and assertion IDs; users cycle over
//     1000 emails, so the first 1000 sign-ins create users and the rest update them),
//     opens one TLS connection per virtual client, then times N POST /sso/acs/bench
//     requests spread over the clients (keep-alive, one request in flight per client).
//     Every sign-in commits JIT + replay ID + session + audit events to the SQLite file.
//  4. Prints sign-ins/s, p50/p99/max latency (client side), failures, the server's
//     peak RSS (VmHWM of the child), and, in the same run, the single-thread
//     saml::verify_response rate on the same responses, with the ratio acs / verify.
//  5. Open loop (issue 8, "p99 at 80% of the peak rate"): 256 keep-alive clients, the
//     requests scheduled at a fixed rate (the given fraction of the best closed-loop
//     rate of this run); each latency is measured from the request's *scheduled* time,
//     so a server that falls behind is charged for the queue (no coordinated omission).
//     Prints the rate reached, p50/p99/max, and the server's RSS with 256 clients.
//  6. `--stores` (issue 10): instead of 3-5, in one run, the same closed-loop levels
//     (default 64,256) against (a) one node on SQLite, (b) one node on PostgreSQL and
//     (c) two nodes on the same PostgreSQL database, the client's connections spread
//     round-robin over both nodes. PostgreSQL is a throwaway server started like the
//     tests' (tests/support/postgres_server: initdb in a temp dir, Unix socket only,
//     fsync=off, synchronous_commit=off); each configuration gets a fresh database or
//     file and starts again at user 0. Prints each server's VmHWM and the load average.
//
// The client runs on one thread in this process (Asio + Beast SSL, C++20 coroutines)
// and shares the machine's cores with the server: on a 2-core machine the numbers are
// a floor, not a ceiling. See bench/README.md.
#include <ssogate/gateway/dev_idp.hpp>
#include <ssogate/saml/library.hpp>
#include <ssogate/saml/verify.hpp>

#include "postgres_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/evp.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
namespace fs = std::filesystem;
namespace dev_idp = ssogate::gateway::dev_idp;
namespace saml = ssogate::saml;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr char public_url[] = "https://sso.bench.test";
constexpr char idp_entity[] = "https://idp.bench.test/metadata";
constexpr char connection_id[] = "bench";
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

std::string acs_url() { return std::string(public_url) + "/sso/acs/" + connection_id; }
std::string sp_entity() { return std::string(public_url) + "/sso/metadata"; }

std::string base64(std::string const& in)
{
    std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
    int const n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<unsigned char const*>(in.data()), static_cast<int>(in.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string form_encode(std::string const& s)
{
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size() + s.size() / 8);
    for (unsigned char c : s) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~')
            out += static_cast<char>(c);
        else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}

std::string hex_id(std::mt19937_64& rng)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "_%016llx%016llx", static_cast<unsigned long long>(rng()),
                  static_cast<unsigned long long>(rng()));
    return buf;
}

std::string first_line_with(char const* file, std::string const& prefix)
{
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(prefix, 0) == 0)
            return line.substr(line.find(':') + 1);
    return "unknown";
}

std::string trim(std::string s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.erase(s.begin());
    return s;
}

/// The child `ssogate serve`: started with a config, killed on destruction.
class server_process {
public:
    /// `callgrind_out`: run the server under valgrind --tool=callgrind with
    /// instrumentation off until instrument_on(). `no_group_commit`: one transaction
    /// per sign-in (SSOGATE_BENCH_NO_GROUP_COMMIT, the behaviour before issue 8).
    server_process(fs::path const& binary, fs::path const& dir, std::string const& callgrind_out = {},
                   bool no_group_commit = false)
    {
        int out[2];
        if (::pipe(out) != 0)
            throw std::runtime_error("pipe failed");
        pid_ = ::fork();
        if (pid_ < 0)
            throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            ::dup2(out[1], 1);
            int err = ::open((dir / "server.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(err, 2);
            ::close(out[0]);
            ::close(out[1]);
            if (::chdir(dir.c_str()) != 0)
                ::_exit(127);
            if (no_group_commit)
                ::setenv("SSOGATE_BENCH_NO_GROUP_COMMIT", "1", 1);
            if (!callgrind_out.empty()) {
                std::string const out_file = "--callgrind-out-file=" + callgrind_out;
                ::execlp("valgrind", "valgrind", "--tool=callgrind", "--instr-atstart=no", out_file.c_str(),
                         binary.c_str(), "--config", (dir / "ssogate.toml").c_str(), "serve",
                         static_cast<char*>(nullptr));
                ::_exit(127);
            }
            ::execl(binary.c_str(), binary.c_str(), "--config", (dir / "ssogate.toml").c_str(), "serve",
                    static_cast<char*>(nullptr));
            ::_exit(127);
        }
        ::close(out[1]);
        out_ = out[0];
    }
    ~server_process()
    {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
        if (out_ >= 0)
            ::close(out_);
    }
    server_process(server_process const&) = delete;
    server_process& operator=(server_process const&) = delete;

    /// Reads stdout until "serving https://127.0.0.1:PORT/"; returns PORT.
    std::uint16_t wait_for_port()
    {
        std::string text;
        char buf[512];
        for (;;) {
            auto n = ::read(out_, buf, sizeof buf);
            if (n <= 0)
                throw std::runtime_error("ssogate serve ended before serving:\n" + text);
            text.append(buf, static_cast<std::size_t>(n));
            auto const at = text.find("serving https://127.0.0.1:");
            if (at != std::string::npos && text.find('\n', at) != std::string::npos)
                return static_cast<std::uint16_t>(std::stoi(text.substr(at + 26)));
        }
    }

    /// Turns callgrind's instrumentation on (after start-up: key generation and
    /// migrations are not part of a sign-in).
    void instrument_on() const
    {
        std::string const cmd = "callgrind_control -i on " + std::to_string(pid_) + " >/dev/null";
        if (std::system(cmd.c_str()) != 0)
            throw std::runtime_error("callgrind_control failed");
    }

    /// "VmHWM" or "VmRSS" of the child, in kB.
    long status_kb(std::string const& field) const
    {
        std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
        std::string line;
        while (std::getline(in, line))
            if (line.rfind(field + ":", 0) == 0)
                return std::atol(line.c_str() + field.size() + 1);
        return -1;
    }

private:
    pid_t pid_ = -1;
    int out_ = -1;
};

using tls_stream = beast::ssl_stream<beast::tcp_stream>;

struct level_result {
    std::size_t ok = 0;
    std::size_t failed = 0;
    double seconds = 0;
    std::vector<double> latencies_ms;
    /// Open loop: from the moment the request was actually written (the server's part,
    /// without the client's own lateness in sending it).
    std::vector<double> service_ms;
    std::string first_failure;
};

net::awaitable<void> connect_client(tls_stream& s, std::uint16_t port, std::atomic<int>& failures)
{
    auto& sock = beast::get_lowest_layer(s);
    auto [ec] = co_await sock.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), use_tuple);
    if (!ec) {
        auto [hec] = co_await s.async_handshake(ssl::stream_base::client, use_tuple);
        ec = hec;
    }
    if (ec)
        ++failures;
}

/// Open loop: request i is due at start + i × interval; latency counts from then.
struct schedule {
    clock_type::time_point start;
    std::chrono::nanoseconds interval{0};
};

net::awaitable<void> run_client(tls_stream& s, std::vector<std::string> const& bodies, std::atomic<std::size_t>& next,
                                level_result& result, std::vector<double>& latencies,
                                std::optional<schedule> sched = std::nullopt, std::vector<double>* service = nullptr)
{
    beast::flat_buffer buffer;
    net::steady_timer timer(s.get_executor());
    for (;;) {
        auto const i = next.fetch_add(1);
        if (i >= bodies.size())
            co_return;
        std::optional<clock_type::time_point> due;
        if (sched) {
            due = sched->start + sched->interval * static_cast<long long>(i);
            timer.expires_at(*due);
            (void)co_await timer.async_wait(use_tuple);
        }
        http::request<http::string_body> req{http::verb::post, std::string("/sso/acs/") + connection_id, 11};
        req.set(http::field::host, "127.0.0.1");
        req.set(http::field::content_type, "application/x-www-form-urlencoded");
        req.set(http::field::user_agent, "acs_bench");
        req.keep_alive(true);
        req.body() = bodies[i];
        req.prepare_payload();
        auto const sent = clock_type::now();
        auto const start = due ? std::min(*due, sent) : sent;
        auto [wec, wn] = co_await http::async_write(s, req, use_tuple);
        (void)wn;
        http::response<http::string_body> res;
        boost::system::error_code rec = wec;
        if (!wec) {
            auto [e, rn] = co_await http::async_read(s, buffer, res, use_tuple);
            (void)rn;
            rec = e;
        }
        latencies.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - start).count());
        if (service)
            service->push_back(std::chrono::duration<double, std::milli>(clock_type::now() - sent).count());
        if (rec || res.result_int() != 303) {
            ++result.failed;
            if (result.first_failure.empty())
                result.first_failure = rec ? rec.message()
                                           : std::to_string(res.result_int()) + " " + res.body().substr(0, 300);
            if (rec)
                co_return; // the connection is gone
        } else {
            ++result.ok;
        }
    }
}

/// `rate` > 0: open loop at that many requests per second. `with_clients_open`, when
/// set, is called after the last response with every client still connected (the
/// server's RSS at that many keep-alive clients).
/// Client c connects to ports[c % ports.size()] (several nodes: round-robin).
level_result run_level(std::vector<std::uint16_t> const& ports, int clients, std::vector<std::string> const& bodies,
                       double rate = 0, std::function<void()> const& with_clients_open = {})
{
    net::io_context ioc(1);
    ssl::context tls(ssl::context::tls_client);
    tls.set_verify_mode(ssl::verify_none); // the server's self-signed certificate

    std::vector<std::unique_ptr<tls_stream>> streams;
    std::atomic<int> connect_failures{0};
    for (int c = 0; c < clients; ++c) {
        streams.push_back(std::make_unique<tls_stream>(ioc, tls));
        net::co_spawn(ioc,
                      connect_client(*streams.back(), ports[static_cast<std::size_t>(c) % ports.size()],
                                     connect_failures),
                      net::detached);
    }
    ioc.run(); // every handshake done before the clock starts
    if (connect_failures)
        throw std::runtime_error(std::to_string(connect_failures.load()) + " clients could not connect");

    level_result result;
    std::vector<std::vector<double>> per_client(static_cast<std::size_t>(clients));
    std::vector<std::vector<double>> per_client_service(static_cast<std::size_t>(clients));
    std::atomic<std::size_t> next{0};
    ioc.restart();
    auto const start = clock_type::now();
    std::optional<schedule> sched;
    if (rate > 0)
        sched = schedule{start, std::chrono::nanoseconds(static_cast<long long>(1e9 / rate))};
    for (int c = 0; c < clients; ++c)
        net::co_spawn(ioc, run_client(*streams[static_cast<std::size_t>(c)], bodies, next, result,
                                      per_client[static_cast<std::size_t>(c)], sched,
                                      &per_client_service[static_cast<std::size_t>(c)]),
                      net::detached);
    ioc.run();
    result.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    if (with_clients_open)
        with_clients_open();
    for (auto& v : per_client)
        result.latencies_ms.insert(result.latencies_ms.end(), v.begin(), v.end());
    std::sort(result.latencies_ms.begin(), result.latencies_ms.end());
    for (auto& v : per_client_service)
        result.service_ms.insert(result.service_ms.end(), v.begin(), v.end());
    std::sort(result.service_ms.begin(), result.service_ms.end());
    for (auto& s : streams) {
        boost::system::error_code ec;
        beast::get_lowest_layer(*s).socket().close(ec);
    }
    return result;
}

double percentile(std::vector<double> const& sorted, double p)
{
    if (sorted.empty())
        return 0;
    auto const i = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(i, sorted.size() - 1)];
}

/// Writes `dir`/ssogate.toml (and the IdP metadata beside it) for one node; `store`
/// is the body of its [store] section.
void write_config(fs::path const& dir, std::string const& store, saml::certificate const& idp_cert)
{
    fs::create_directories(dir);
    std::ofstream(dir / "idp-metadata.xml")
        << dev_idp::idp_metadata_xml(idp_entity, "https://idp.bench.test/sso", idp_cert);
    std::ofstream cfg(dir / "ssogate.toml");
    cfg << "[server]\nlisten = \"127.0.0.1:0\"\npublic_url = \"" << public_url
        << "\"\ndata_dir = \"data\"\n[store]\n"
        << store << "[sp]\nentity_id = \"" << sp_entity() << "\"\n[[connection]]\nid = \"" << connection_id
        << "\"\ndomains = [\"bench.test\"]\nidp_metadata_file = \"idp-metadata.xml\"\n"
           "allow_idp_initiated = true\n";
}

std::string load_average()
{
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " " + b + " " + c;
}

} // namespace

int main(int argc, char** argv)
{
    std::size_t per_level = 2000;
    std::vector<int> levels{1, 8, 64, 256};
    double open_loop_fraction = 0.8; // 0: no open-loop phase
    std::string callgrind_out;      // --callgrind FILE: profile the server (valgrind)
    bool no_group_commit = false;   // --no-group-commit: the write path before issue 8
    bool stores = false;            // --stores: SQLite, PostgreSQL, 2 nodes on PostgreSQL
    bool levels_given = false;
    for (int i = 1; i < argc; ++i) {
        std::string const arg = argv[i];
        if (arg == "--levels" && i + 1 < argc) {
            levels_given = true;
            levels.clear();
            std::stringstream list(argv[++i]);
            for (std::string item; std::getline(list, item, ',');)
                levels.push_back(std::stoi(item));
        } else if (arg == "--open-loop" && i + 1 < argc) {
            open_loop_fraction = std::atof(argv[++i]);
        } else if (arg == "--callgrind" && i + 1 < argc) {
            callgrind_out = fs::absolute(argv[++i]).string();
        } else if (arg == "--no-group-commit") {
            no_group_commit = true;
        } else if (arg == "--stores") {
            stores = true;
        } else if (!arg.empty() && arg[0] != '-') {
            per_level = static_cast<std::size_t>(std::atol(arg.c_str()));
        } else {
            std::fprintf(stderr, "usage: acs_bench [sign-ins-per-level] [--levels 1,8,64,256] [--open-loop 0.8] "
                                 "[--no-group-commit] [--callgrind FILE] [--stores]\n");
            return 2;
        }
    }
    saml::library_guard guard;

    auto const dir = fs::temp_directory_path() / ("ssogate-acs-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    auto const now = std::chrono::system_clock::now();
    auto const keys = dev_idp::ensure_signing_keys(dir / "idp", now);
    {
        std::ofstream(dir / "idp-metadata.xml")
            << dev_idp::idp_metadata_xml(idp_entity, "https://idp.bench.test/sso", keys.cert);
        std::ofstream cfg(dir / "ssogate.toml");
        cfg << "[server]\nlisten = \"127.0.0.1:0\"\npublic_url = \"" << public_url
            << "\"\ndata_dir = \"data\"\n"
               "[store]\npath = \"ssogate.db\"\n"
               "[sp]\nentity_id = \""
            << sp_entity()
            << "\"\n"
               "[[connection]]\nid = \""
            << connection_id
            << "\"\ndomains = [\"bench.test\"]\nidp_metadata_file = \"idp-metadata.xml\"\n"
               "allow_idp_initiated = true\n";
    }

    std::mt19937_64 rng(42);
    std::size_t user = 0;
    std::string sample_form_value;
    dev_idp::response_input sample_template;
    std::vector<std::pair<int, level_result>> results;
    // Each phase signs its responses before the clock starts (5-minute validity).
    auto sign_level = [&] {
        std::vector<dev_idp::response_input> inputs;
        for (std::size_t i = 0; i < per_level; ++i, ++user) {
            dev_idp::response_input in;
            in.idp_entity_id = idp_entity;
            in.sp_entity_id = sp_entity();
            in.acs_url = acs_url();
            in.user.email = "user" + std::to_string(user % 1000) + "@bench.test";
            in.user.display_name = "Bench User " + std::to_string(user % 1000);
            in.user.groups = {"engineering", "bench"};
            in.user.role = "editor";
            in.now = std::chrono::system_clock::now();
            in.response_id = hex_id(rng);
            in.assertion_id = hex_id(rng);
            in.session_index = hex_id(rng);
            inputs.push_back(std::move(in));
        }
        std::vector<std::string> bodies(per_level);
        std::atomic<std::size_t> next_sign{0};
        std::atomic<bool> sign_failed{false};
        std::vector<std::thread> signers;
        for (unsigned t = 0; t < std::max(1u, std::thread::hardware_concurrency()); ++t)
            signers.emplace_back([&] {
                for (std::size_t i; (i = next_sign.fetch_add(1)) < per_level;) {
                    auto xml = dev_idp::build_response_xml(inputs[i], keys.key, keys.cert);
                    if (!xml) {
                        sign_failed = true;
                        return;
                    }
                    bodies[i] = "SAMLResponse=" + form_encode(base64(*xml));
                }
            });
        for (auto& t : signers)
            t.join();
        if (sign_failed)
            throw std::runtime_error("signing a response failed");
        if (sample_template.assertion_id.empty())
            sample_template = inputs.front();
        return bodies;
    };

    fs::path const binary = fs::path(SSOGATE_BINARY_DIR) / "ssogate";
    if (stores) {
        // (a) one node on SQLite, (b) one node on PostgreSQL, (c) two nodes on the same
        // PostgreSQL database; each configuration from an empty store, users from 0.
        if (!levels_given)
            levels = {64, 256};
        ssogate::test::postgres_server pg;
        std::printf("CPU: %s, %u hardware threads, build %s; PostgreSQL: throwaway server (tests/support/"
                    "postgres_server: Unix socket, fsync=off, synchronous_commit=off), pool_size 16 per node; "
                    "load average before: %s\n\n",
                    trim(first_line_with("/proc/cpuinfo", "model name")).c_str(), std::thread::hardware_concurrency(),
                    SSOGATE_BUILD_TYPE, load_average().c_str());
        struct store_config {
            std::string name;
            std::string store; // [store] body
            int nodes;
        };
        std::vector<store_config> configs{
            {"1 node, SQLite", "path = \"ssogate.db\"\n", 1},
            {"1 node, PostgreSQL", "url = \"" + pg.create_database() + "\"\npool_size = 16\n", 1},
            {"2 nodes, PostgreSQL", "url = \"" + pg.create_database() + "\"\npool_size = 16\n", 2},
        };
        for (std::size_t k = 0; k < configs.size(); ++k) {
            auto const& config = configs[k];
            std::vector<std::unique_ptr<server_process>> nodes;
            std::vector<std::uint16_t> ports;
            for (int n = 0; n < config.nodes; ++n) { // one after the other: the first one migrates
                auto const node_dir = dir / ("store" + std::to_string(k) + "-node" + std::to_string(n));
                write_config(node_dir, config.store, keys.cert);
                nodes.push_back(std::make_unique<server_process>(binary, node_dir, "", no_group_commit));
                ports.push_back(nodes.back()->wait_for_port());
            }
            user = 0;
            for (int const clients : levels) {
                auto const bodies = sign_level();
                auto const r = run_level(ports, clients, bodies);
                std::string rss;
                for (auto const& node : nodes)
                    rss += (rss.empty() ? "" : " + ") + std::to_string(node->status_kb("VmHWM") / 1024) + " MB";
                std::printf("%-20s concurrency %3d: %5zu sign-ins in %6.2f s = %5.0f /s  p50 %7.2f ms  p99 %7.2f ms"
                            "  failed %zu  VmHWM %s  load %s\n",
                            config.name.c_str(), clients, r.ok, r.seconds, static_cast<double>(r.ok) / r.seconds,
                            percentile(r.latencies_ms, 0.50), percentile(r.latencies_ms, 0.99), r.failed, rss.c_str(),
                            load_average().c_str());
                if (!r.first_failure.empty())
                    std::printf("  first failure: %s\n", r.first_failure.c_str());
                std::fflush(stdout);
            }
        }
        std::error_code ec;
        fs::remove_all(dir, ec);
        return 0;
    }

    std::optional<server_process> child;
    child.emplace(binary, dir, callgrind_out, no_group_commit);
    auto& server = *child;
    auto const port = server.wait_for_port();
    if (!callgrind_out.empty())
        server.instrument_on();

#ifdef NDEBUG
    char const* build = "optimised (NDEBUG)";
#else
    char const* build = "not NDEBUG (assertions on)";
#endif
    std::printf("CPU: %s, %u hardware threads, build: %s (%s)\n",
                trim(first_line_with("/proc/cpuinfo", "model name")).c_str(), std::thread::hardware_concurrency(),
                build, SSOGATE_BUILD_TYPE);
    std::printf("server: %s serve on 127.0.0.1:%u (worker threads: one per core), store %s, %s\n", binary.c_str(),
                static_cast<unsigned>(port), (dir / "ssogate.db").c_str(),
                no_group_commit ? "one transaction per sign-in (--no-group-commit)" : "group commit");
    std::printf("client: 1 thread in this process, TLS keep-alive, one connection per virtual client\n");
    std::printf("each sign-in: unique IdP-initiated response (Response + Assertion signed, RSA-2048/SHA-256), "
                "users cycle over 1000 emails\n\n");

    for (int const clients : levels) {
        auto const bodies = sign_level();
        auto r = run_level({port}, clients, bodies);
        std::printf("concurrency %3d: %6zu sign-ins in %6.2f s = %7.0f /s   p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms"
                    "  failed %zu  server VmHWM %ld MB\n",
                    clients, r.ok, r.seconds, static_cast<double>(r.ok) / r.seconds, percentile(r.latencies_ms, 0.50),
                    percentile(r.latencies_ms, 0.99), r.latencies_ms.empty() ? 0.0 : r.latencies_ms.back(), r.failed,
                    server.status_kb("VmHWM") / 1024);
        if (!r.first_failure.empty())
            std::printf("  first failure: %s\n", r.first_failure.c_str());
        std::fflush(stdout);
        results.emplace_back(clients, std::move(r));
    }

    // Open loop at a fraction of the best closed-loop rate, 256 keep-alive clients.
    if (open_loop_fraction > 0 && !results.empty()) {
        double peak = 0;
        for (auto const& [clients, r] : results)
            peak = std::max(peak, static_cast<double>(r.ok) / r.seconds);
        double const rate = open_loop_fraction * peak;
        auto const bodies = sign_level();
        long rss_open_kb = -1;
        auto r = run_level({port}, 256, bodies, rate, [&] { rss_open_kb = server.status_kb("VmRSS"); });
        std::printf("open loop %.0f%% of peak (%.0f /s scheduled), 256 clients: %zu sign-ins in %.2f s = %.0f /s   "
                    "p50 %.2f ms  p99 %.2f ms  max %.2f ms  failed %zu  server VmRSS with 256 clients %ld MB, "
                    "VmHWM %ld MB\n",
                    100 * open_loop_fraction, rate, r.ok, r.seconds, static_cast<double>(r.ok) / r.seconds,
                    percentile(r.latencies_ms, 0.50), percentile(r.latencies_ms, 0.99),
                    r.latencies_ms.empty() ? 0.0 : r.latencies_ms.back(), r.failed, rss_open_kb / 1024,
                    server.status_kb("VmHWM") / 1024);
        std::printf("  from the actual send (without the client's lateness on this shared machine): p50 %.2f ms  "
                    "p99 %.2f ms\n",
                    percentile(r.service_ms, 0.50), percentile(r.service_ms, 0.99));
        if (!r.first_failure.empty())
            std::printf("  first failure: %s\n", r.first_failure.c_str());
        std::fflush(stdout);
    }

    // The same run: saml::verify_response alone, single thread, on one of these responses.
    saml::idp_trust const trust{idp_entity, {keys.cert}};
    saml::sp_options sp;
    sp.entity_id = sp_entity();
    sp.acs_url = acs_url();
    sp.allow_unsolicited = true;
    auto const expectation = saml::response_expectation::unsolicited();
    auto const verify_now = std::chrono::system_clock::now();
    sample_template.now = verify_now; // one of the benchmark's responses, signed again for now
    sample_form_value = base64(dev_idp::build_response_xml(sample_template, keys.key, keys.cert).value());
    if (!saml::verify_response(sample_form_value, trust, sp, expectation, verify_now))
        throw std::runtime_error("verify_response refused the sample response");
    long long n = 0;
    auto const vstart = clock_type::now();
    while (clock_type::now() - vstart < std::chrono::seconds(3)) {
        for (int i = 0; i < 10; ++i)
            (void)saml::verify_response(sample_form_value, trust, sp, expectation, verify_now);
        n += 10;
    }
    double const verify_rate = static_cast<double>(n) / std::chrono::duration<double>(clock_type::now() - vstart).count();
    std::printf("\nsaml::verify_response, 1 thread, same responses: %.0f /s (%.1f us each)\n", verify_rate,
                1e6 / verify_rate);
    for (auto const& [clients, r] : results)
        std::printf("acs / verify at concurrency %3d = %.3f\n", clients,
                    static_cast<double>(r.ok) / r.seconds / verify_rate);
    std::printf("server peak RSS (VmHWM) %ld MB, current RSS %ld MB\n", server.status_kb("VmHWM") / 1024,
                server.status_kb("VmRSS") / 1024);

    child.reset(); // SIGTERM, wait
    std::error_code ec;
    fs::remove_all(dir, ec);
    return 0;
}
