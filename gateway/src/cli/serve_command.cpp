// `ssogate serve`: load the config, open the store, get the TLS pair, listen, serve
// until SIGINT/SIGTERM, drain, close the store.
#include <ssogate/gateway/app_context.hpp>
#include <ssogate/gateway/audit_file_sink.hpp>
#include <ssogate/gateway/cli.hpp>
#include <ssogate/gateway/connections.hpp>
#include <ssogate/gateway/logger.hpp>
#include <ssogate/gateway/node_sync.hpp>
#include <ssogate/gateway/reload.hpp>
#include <ssogate/gateway/routes.hpp>
#include <ssogate/gateway/server.hpp>
#include <ssogate/gateway/write_batcher.hpp>
#include <ssogate/gateway/sp_keys.hpp>
#include <ssogate/gateway/tls.hpp>
#include <ssogate/gateway/version.hpp>
#include <ssogate/saml/library.hpp>

#include "cli/open_store.hpp"
#include "crypto/self_signed.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json.hpp>

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <thread>
#include <ostream>

namespace ssogate::gateway {

namespace {

/// A configured private key other users may read: served anyway (secret mounts are often
/// 0644), but logged at every start; `ssogate doctor` reports it too (private_key_shared).
void warn_if_shared(logger const& log, std::filesystem::path const& key, std::string_view what)
{
    if (auto mode = detail::shared_file_mode(key))
        log.warn("private key may be read by other users",
                 {{"setting", what}, {"file", key.string()}, {"mode", *mode}, {"fix", "chmod 600 " + key.string()}});
}

/// SIGHUP → config_reloader::reload() on a thread of its own (its own io_context and
/// signal_set, so other SIGHUP users such as the audit file sink are independent).
/// After each reload: one line on `out`, and data_dir/ssogate.reload replaced with the
/// outcome (reload.hpp) for `ssogate reload`.
class reload_on_sighup {
public:
    reload_on_sighup(config_reloader& reloader, std::filesystem::path status_file, std::ostream& out)
        : reloader_(reloader), status_file_(std::move(status_file)), out_(out), signals_(io_, SIGHUP)
    {
        wait();
        thread_ = std::thread([this] { io_.run(); });
    }
    ~reload_on_sighup()
    {
        io_.stop();
        thread_.join();
    }
    reload_on_sighup(reload_on_sighup const&) = delete;
    reload_on_sighup& operator=(reload_on_sighup const&) = delete;

private:
    void wait()
    {
        signals_.async_wait([this](boost::system::error_code ec, int) {
            if (ec)
                return;
            auto r = reloader_.reload();
            auto status = reload_result_to_json(r);
            status["pid"] = static_cast<std::int64_t>(::getpid());
            status["count"] = ++count_;
            auto const tmp = status_file_.string() + ".tmp";
            {
                std::ofstream f(tmp, std::ios::trunc);
                f << boost::json::serialize(status) << '\n';
            }
            std::error_code fec;
            std::filesystem::rename(tmp, status_file_, fec);
            out_ << "reload: " << boost::json::serialize(status) << std::endl;
            wait();
        });
    }

    config_reloader& reloader_;
    std::filesystem::path status_file_;
    std::ostream& out_;
    std::int64_t count_ = 0;
    boost::asio::io_context io_;
    boost::asio::signal_set signals_;
    std::thread thread_;
};

/// data_dir/ssogate.pid while serving (for `ssogate reload`); removed on the way out
/// unless another process has replaced it meanwhile.
class pid_file {
public:
    pid_file(std::filesystem::path path, logger const& log) : path_(std::move(path)), pid_(std::to_string(::getpid()))
    {
        std::ofstream f(path_, std::ios::trunc);
        f << pid_ << '\n';
        if (!f)
            log.warn("cannot write the pid file; ssogate reload will not find this server (send SIGHUP instead)",
                     {{"file", path_.string()}});
    }
    ~pid_file()
    {
        std::ifstream f(path_);
        std::string held;
        if (f >> held && held == pid_) {
            std::error_code ec;
            std::filesystem::remove(path_, ec);
        }
    }
    pid_file(pid_file const&) = delete;
    pid_file& operator=(pid_file const&) = delete;

private:
    std::filesystem::path path_;
    std::string pid_;
};

int run_serve(cli_context& cli)
{
    auto const& cfg = cli.load_config();
    auto const log = logger::to_stderr();
    auto& out = cli.out;

    if (cfg.source_file)
        out << "config: " << cfg.source_file->string() << '\n';
    else
        out << "config: no ssogate.toml here; using the built-in defaults\n";

    // Writes to a closed socket or pipe must be errors, not a silent death.
    std::signal(SIGPIPE, SIG_IGN);

    auto store = detail::open_store(cfg);
    out << "store: " << detail::describe_store(cfg) << '\n';

    auto const tls = resolve_tls_files(cfg.server, std::chrono::system_clock::now());
    switch (tls.how) {
    case tls_files::origin::configured:
        out << "tls: certificate " << tls.cert.string() << ", key " << tls.key.string() << '\n';
        warn_if_shared(log, tls.key, "[server] tls_key");
        break;
    case tls_files::origin::generated:
        out << "tls: generated a self-signed ECDSA P-256 certificate " << tls.cert.string() << " (key "
            << tls.key.string() << ", mode 0600); browsers will warn about it\n";
        break;
    case tls_files::origin::reused:
        out << "tls: using the self-signed certificate " << tls.cert.string() << '\n';
        break;
    }

    // [sp] key/cert absent: an RSA-3072 pair generated into data_dir once (sp_keys.hpp).
    auto const sp = resolve_sp_keys(cfg, std::chrono::system_clock::now());
    if (sp.how == sp_key_files::origin::generated)
        out << "sp: generated an RSA-3072 key " << sp.key.string() << " (mode 0600) and certificate "
            << sp.cert.string() << "; SP metadata advertises it\n";
    else if (sp.how == sp_key_files::origin::reused)
        out << "sp: using the generated key " << sp.key.string() << '\n';
    else
        warn_if_shared(log, sp.key, "[sp] key");
    auto const cfg_sp = with_sp_keys(cfg, sp); // what the registry and the handlers see

    // libxml2/xmlsec/OpenSSL for metadata parsing and every ACS post; alive until exit.
    saml::library_guard const saml_guard;
    auto connections = connection_registry::build(cfg_sp);
    connections.attach(*store, log); // store-owned connections (admin API, CLI), found at runtime
    sync_file_connections(cfg, *store, std::chrono::system_clock::now());
    out << "connections: " << connections.all().size() << '\n';

    // Other nodes on this database (issue 10, node_sync.hpp): their audit commits wake
    // our tailers, their connection changes re-list our registry at once, and
    // [store] refresh_interval bounds how stale the listing gets without a notification.
    connections.set_refresh_interval(cfg.store.refresh_interval);
    std::optional<node_sync> nodes;
    nodes.emplace(*store, connections, process_audit_notifier(), cfg.store.refresh_interval, log);

    // [audit] file: committed events appended as JSON lines by a thread of its own; SIGHUP reopens it.
    std::unique_ptr<audit_file_sink> audit_sink;
    if (cfg.audit.file) {
        audit_sink = std::make_unique<audit_file_sink>(*store, *cfg.audit.file, log);
        audit_sink->reopen_on_sighup();
        out << "audit: appending events to " << cfg.audit.file->string() << " (reopened on SIGHUP)\n";
    }

    // Group commit of the ACS's writes (write_batcher.hpp, issue 8): one writer thread,
    // many sign-ins per transaction and fsync; live audit tailers are woken per batch.
    // SSOGATE_BENCH_NO_GROUP_COMMIT=1 (bench/acs_bench --no-group-commit only): one
    // transaction per sign-in, as before issue 8, to measure both in one run.
    write_batcher batcher(*store, write_batcher_options{}, [] { process_audit_notifier().notify(); });
    bool const group_commit = std::getenv("SSOGATE_BENCH_NO_GROUP_COMMIT") == nullptr;
    app_context const ctx{cfg_sp,     *store, system_clock(), system_random(), log, connections, &process_metrics(),
                          group_commit ? &batcher : nullptr};
    server srv(server_options::from(cfg.server), tls,
               [&ctx](http_request const& req) { return handle_request(ctx, req); }, log);
    srv.stop_on_signals();
    srv.start();
    out << "ssogate " << version() << " serving " << srv.url() << std::endl;
    log.info("listening", {{"url", srv.url()}, {"version", version()}});

    // SIGHUP and `ssogate reload` (which signals the pid in data_dir/ssogate.pid):
    // re-read the file and apply its connections (reload.hpp).
    config_reloader reloader(cfg, *store, connections, log, system_random(), system_clock());
    std::optional<reload_on_sighup> sighup;
    sighup.emplace(reloader, reload_status_path(cfg), out);
    std::optional<pid_file> pid;
    pid.emplace(pid_file_path(cfg), log);

    srv.wait();
    batcher.stop(); // every queued sign-in committed and answered; before the store closes
    pid.reset();
    sighup.reset(); // no reload once the store starts closing
    audit_sink.reset(); // writes the last committed events, before the store closes
    nodes.reset(); // stops the store's change watch before the store closes
    store.reset(); // close the store only after the last request has finished
    log.info("stopped");
    return exit_ok;
}

} // namespace

void add_serve_command(CLI::App& app, cli_context& ctx)
{
    auto* serve = app.add_subcommand("serve", "Run the HTTPS gateway until SIGINT or SIGTERM");
    serve->callback([&ctx] { ctx.exit_code = run_serve(ctx); });
}

} // namespace ssogate::gateway
