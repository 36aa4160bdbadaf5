// `ssogate reload`: makes the running `ssogate serve` re-read its configuration file
// (reload.hpp). It sends SIGHUP to the pid in <data_dir>/ssogate.pid (written by serve
// once it listens), waits up to --timeout for serve to replace <data_dir>/ssogate.reload
// with the outcome of that reload, and prints it.
//
// Exit codes: 0 applied (also when nothing changed); 1 no running server (no pid file,
// or a stale one), the reload was refused (serve keeps the previous configuration; the
// message says why), or no outcome in time; 2 usage, or a configuration file that does
// not load (checked here first: nothing is signalled).
#include <ssogate/gateway/cli.hpp>
#include <ssogate/gateway/reload.hpp>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <signal.h>
#include <sys/types.h>

#include <cerrno>
#include <cstring>
#include <charconv>
#include <fstream>
#include <memory>
#include <optional>
#include <ostream>
#include <thread>

namespace ssogate::gateway {

namespace json = boost::json;

namespace {

struct reload_args {
    double timeout_seconds = 10;
};

std::string joined(json::value const* v)
{
    std::string s;
    if (v && v->is_array())
        for (auto const& x : v->get_array())
            s += (s.empty() ? "" : ", ") + (x.is_string() ? std::string(x.get_string()) : json::serialize(x));
    return s.empty() ? std::string("none") : s;
}

/// The status file's object, when it exists and parses.
std::optional<json::object> read_status(std::filesystem::path const& path)
{
    std::ifstream f(path);
    std::string line;
    if (!std::getline(f, line))
        return std::nullopt;
    boost::system::error_code ec;
    auto v = json::parse(line, ec);
    if (ec || !v.is_object())
        return std::nullopt;
    return v.get_object();
}

std::int64_t count_for(std::optional<json::object> const& status, pid_t pid)
{
    if (!status)
        return 0;
    auto const* p = status->if_contains("pid");
    auto const* c = status->if_contains("count");
    if (!p || !c || !p->is_int64() || !c->is_int64() || p->get_int64() != pid)
        return 0;
    return c->get_int64();
}

void run_reload(cli_context& cli, reload_args const& a)
{
    auto const& cfg = cli.load_config();
    auto const pid_path = pid_file_path(cfg);
    std::ifstream f(pid_path);
    std::string text;
    if (!(f >> text))
        throw startup_error(exit_failure, "no running ssogate serve found: " + pid_path.string()
                                              + " does not exist (it is written while ssogate serve runs)");
    pid_t pid = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
    if (ec != std::errc{} || end != text.data() + text.size() || pid <= 1)
        throw startup_error(exit_failure, pid_path.string() + " does not hold a process id");
    if (::kill(pid, 0) != 0 && errno == ESRCH)
        throw startup_error(exit_failure, "no running ssogate serve found: process " + text + " named in "
                                              + pid_path.string() + " is not running");

    auto const status_path = reload_status_path(cfg);
    auto const seen = count_for(read_status(status_path), pid);
    if (::kill(pid, SIGHUP) != 0)
        throw startup_error(exit_failure, "cannot signal process " + text + ": " + std::strerror(errno));

    auto const deadline = std::chrono::steady_clock::now()
                          + std::chrono::milliseconds(static_cast<long>(a.timeout_seconds * 1000));
    while (std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        auto status = read_status(status_path);
        if (count_for(status, pid) <= seen)
            continue;
        auto const& s = *status;
        if (!s.at("applied").as_bool())
            throw startup_error(exit_failure, "reload refused; ssogate serve keeps the previous configuration: "
                                                  + std::string(s.at("error").as_string()));
        cli.out << "reloaded the configuration of ssogate serve (pid " << text << ")\n";
        cli.out << "  connections added: " << joined(s.if_contains("added")) << '\n';
        cli.out << "  connections removed: " << joined(s.if_contains("removed")) << '\n';
        cli.out << "  connections changed: " << joined(s.if_contains("changed")) << '\n';
        cli.out << "  JIT switches changed: " << joined(s.if_contains("jit")) << '\n';
        if (auto const* restart = s.if_contains("restart_required");
            restart && restart->is_array() && !restart->get_array().empty())
            cli.out << "  changed but needs a restart of ssogate serve: " << joined(restart) << '\n';
        return;
    }
    throw startup_error(exit_failure, "sent SIGHUP to process " + text
                                          + " but it reported no outcome in time; see its log");
}

} // namespace

void add_reload_command(CLI::App& app, cli_context& ctx)
{
    auto args = std::make_shared<reload_args>();
    auto* reload = app.add_subcommand("reload", "Make the running ssogate serve re-read its configuration file");
    reload->add_option("--timeout", args->timeout_seconds, "Seconds to wait for the outcome (default 10)")
        ->type_name("SECONDS")
        ->check(CLI::Range(0.1, 600.0));
    reload->callback([&ctx, args] { run_reload(ctx, *args); });
}

} // namespace ssogate::gateway
