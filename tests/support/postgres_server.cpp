#include "postgres_server.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ssogate::test {
namespace {

namespace fs = std::filesystem;

struct pg_conn_deleter {
    void operator()(PGconn* c) const noexcept { PQfinish(c); }
};
struct pg_result_deleter {
    void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using conn_ptr = std::unique_ptr<PGconn, pg_conn_deleter>;
using result_ptr = std::unique_ptr<PGresult, pg_result_deleter>;

conn_ptr connect(std::string const& url)
{
    conn_ptr c(PQconnectdb(url.c_str()));
    if (!c || PQstatus(c.get()) != CONNECTION_OK)
        throw std::runtime_error("postgres_server: cannot connect to " + url + ": " +
                                 (c ? PQerrorMessage(c.get()) : "out of memory"));
    return c;
}

fs::path find_bindir()
{
    auto has_initdb = [](fs::path const& dir) {
        std::error_code ec;
        return !dir.empty() && fs::exists(dir / "initdb", ec) && fs::exists(dir / "postgres", ec);
    };
    if (char const* env = std::getenv("SSOGATE_PG_BINDIR"); env && has_initdb(env))
        return env;
    if (FILE* p = ::popen("pg_config --bindir 2>/dev/null", "r")) {
        std::array<char, 512> buf{};
        std::string out;
        while (std::fgets(buf.data(), static_cast<int>(buf.size()), p))
            out += buf.data();
        ::pclose(p);
        while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
            out.pop_back();
        if (has_initdb(out))
            return out;
    }
    std::error_code ec;
    fs::path best;
    int best_version = -1;
    for (auto const& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
        int const version = std::atoi(entry.path().filename().c_str());
        if (version > best_version && has_initdb(entry.path() / "bin")) {
            best_version = version;
            best = entry.path() / "bin";
        }
    }
    if (!best.empty())
        return best;
    if (char const* path = std::getenv("PATH")) {
        std::stringstream in(path);
        std::string dir;
        while (std::getline(in, dir, ':'))
            if (has_initdb(dir))
                return dir;
    }
    throw std::runtime_error("postgres_server: initdb/postgres not found (install Debian's postgresql package "
                             "with scripts/install-deps, or set SSOGATE_PG_BINDIR)");
}

// argv for execv, built before fork (no allocation in the child).
struct argv_holder {
    explicit argv_holder(std::vector<std::string> a) : args(std::move(a))
    {
        for (auto& s : args)
            ptrs.push_back(s.data());
        ptrs.push_back(nullptr);
    }
    std::vector<std::string> args;
    std::vector<char*> ptrs;
};

// Forks and execs `argv` with stdout/stderr appended to `log`, as (uid, gid) when
// `drop` is set. `tie_to_parent`: the child gets SIGQUIT when this thread dies.
pid_t spawn(argv_holder& argv, fs::path const& log, bool drop, uid_t uid, gid_t gid, bool tie_to_parent)
{
    std::string const log_path = log.string();
    pid_t const parent = ::getpid();
    pid_t const pid = ::fork();
    if (pid < 0)
        throw std::system_error(errno, std::generic_category(), "postgres_server: fork");
    if (pid == 0) {
        int const fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
        }
        int const devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            ::dup2(devnull, 0);
        ::setpgid(0, 0);   // Ctrl-C on the test runner must not hit the server first
        if (drop) {
            if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0)
                ::_exit(126);
        }
        if (tie_to_parent) {
            ::prctl(PR_SET_PDEATHSIG, SIGQUIT);
            if (::getppid() != parent)
                ::_exit(125);
        }
        ::execv(argv.ptrs[0], argv.ptrs.data());
        ::_exit(127);
    }
    return pid;
}

} // namespace

postgres_server& postgres_server::shared()
{
    static postgres_server server;
    return server;
}

postgres_server::postgres_server() : bindir_(find_bindir())
{
    // A private directory: data/, the socket and the log.
    std::string tmpl = (fs::temp_directory_path() / "ssogate-pg-XXXXXX").string();
    if (!::mkdtemp(tmpl.data()))
        throw std::system_error(errno, std::generic_category(), "postgres_server: mkdtemp");
    dir_ = tmpl;
    if (::geteuid() == 0) {
        struct passwd const* pw = ::getpwnam("postgres");
        if (!pw)
            throw std::runtime_error("postgres_server: running as root but there is no `postgres` user to run "
                                     "the server as (install Debian's postgresql package)");
        run_uid_ = pw->pw_uid;
        run_gid_ = pw->pw_gid;
        drop_privileges_ = true;
        if (::chown(dir_.c_str(), run_uid_, run_gid_) != 0)
            throw std::system_error(errno, std::generic_category(), "postgres_server: chown " + dir_.string());
    }
    ::chmod(dir_.c_str(), 0755);   // the socket must be reachable by the tests

    try {
        run_tool("initdb", {"-D", (dir_ / "data").string(), "-U", "postgres", "--auth=trust", "--no-sync",
                            "-E", "UTF8", "--locale=C", "--no-instructions"});
        start();
    } catch (...) {
        std::string const tail = log_tail();
        std::error_code ec;
        fs::remove_all(dir_, ec);
        try {
            throw;
        } catch (std::exception const& e) {
            throw std::runtime_error(std::string(e.what()) + "\n" + tail);
        }
    }
}

postgres_server::~postgres_server()
{
    try {
        stop();
    } catch (...) {
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

void postgres_server::run_tool(std::string const& tool, std::vector<std::string> const& args)
{
    std::vector<std::string> all{(bindir_ / tool).string()};
    all.insert(all.end(), args.begin(), args.end());
    argv_holder argv(std::move(all));
    pid_t const pid = spawn(argv, dir_ / "server.log", drop_privileges_, run_uid_, run_gid_, false);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error("postgres_server: " + tool + " failed (status " + std::to_string(status) + ")");
}

void postgres_server::start()
{
    if (running())
        return;
    argv_holder argv({(bindir_ / "postgres").string(), "-D", (dir_ / "data").string(), "-k", dir_.string(),
                      "-p", std::to_string(port_), "-c", "listen_addresses=", "-c", "fsync=off",
                      "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "shared_buffers=16MB",
                      "-c", "max_connections=200"});
    pid_ = spawn(argv, dir_ / "server.log", drop_privileges_, run_uid_, run_gid_, true);

    // Ready when it accepts connections (PQping), within 60 s.
    std::string const probe = url("postgres");
    auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (;;) {
        if (PQping(probe.c_str()) == PQPING_OK)
            return;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("postgres_server: postgres exited during start\n" + log_tail());
        }
        if (std::chrono::steady_clock::now() > deadline) {
            stop();
            throw std::runtime_error("postgres_server: postgres did not accept connections within 60 s\n" +
                                     log_tail());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

void postgres_server::stop()
{
    if (!running())
        return;
    ::kill(pid_, SIGINT);   // fast shutdown: disconnect clients, checkpoint, exit
    int status = 0;
    auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
        pid_t const r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_ || (r < 0 && errno != EINTR))
            break;
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
}

std::string postgres_server::url(std::string const& name) const
{
    return "postgresql:///" + name + "?host=" + dir_.string() + "&port=" + std::to_string(port_) + "&user=postgres";
}

std::string postgres_server::create_database()
{
    std::string const name =
        "ssogate_test_" + std::to_string(::getpid()) + "_" + std::to_string(next_database_.fetch_add(1) + 1);
    exec(url("postgres"), "CREATE DATABASE " + name);
    return url(name);
}

void postgres_server::exec(std::string const& url, std::string const& sql)
{
    if (auto const error = try_exec(url, sql); !error.empty())
        throw std::runtime_error("postgres_server: " + sql + ": " + error);
}

std::string postgres_server::try_exec(std::string const& url, std::string const& sql)
{
    conn_ptr c(PQconnectdb(url.c_str()));
    if (!c || PQstatus(c.get()) != CONNECTION_OK)
        return c ? PQerrorMessage(c.get()) : "out of memory";
    result_ptr r(PQexec(c.get(), sql.c_str()));
    auto const status = PQresultStatus(r.get());
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
        return "";
    std::string message = PQresultErrorMessage(r.get());
    if (message.empty())
        message = "error";
    return message;
}

std::string postgres_server::query_value(std::string const& url, std::string const& sql)
{
    auto const c = connect(url);
    result_ptr r(PQexec(c.get(), sql.c_str()));
    auto const status = PQresultStatus(r.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
        throw std::runtime_error("postgres_server: " + sql + ": " + PQresultErrorMessage(r.get()));
    if (PQntuples(r.get()) == 0 || PQnfields(r.get()) == 0 || PQgetisnull(r.get(), 0, 0))
        return "";
    return PQgetvalue(r.get(), 0, 0);
}

std::string postgres_server::log_tail() const
{
    std::ifstream in(dir_ / "server.log");
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (all.size() > 4000)
        all = all.substr(all.size() - 4000);
    return "server log (" + (dir_ / "server.log").string() + "):\n" + all;
}

} // namespace ssogate::test
