// `ssogate serve`: load the config, open the store, get the TLS pair, listen, serve
// until SIGINT/SIGTERM, drain, close the store.
#include <ssogate/gateway/app_context.hpp>
#include <ssogate/gateway/cli.hpp>
#include <ssogate/gateway/connections.hpp>
#include <ssogate/gateway/logger.hpp>
#include <ssogate/gateway/routes.hpp>
#include <ssogate/gateway/server.hpp>
#include <ssogate/gateway/sp_keys.hpp>
#include <ssogate/gateway/tls.hpp>
#include <ssogate/gateway/version.hpp>
#include <ssogate/saml/library.hpp>

#include "cli/open_store.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <ostream>

namespace ssogate::gateway {

namespace {

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
    auto const cfg_sp = with_sp_keys(cfg, sp); // what the registry and the handlers see

    // libxml2/xmlsec/OpenSSL for metadata parsing and every ACS post; alive until exit.
    saml::library_guard const saml_guard;
    auto const connections = connection_registry::build(cfg_sp);
    sync_file_connections(cfg, *store, std::chrono::system_clock::now());
    out << "connections: " << connections.all().size() << '\n';

    app_context const ctx{cfg_sp, *store, system_clock(), system_random(), log, connections};
    server srv(server_options::from(cfg.server), tls,
               [&ctx](http_request const& req) { return handle_request(ctx, req); }, log);
    srv.stop_on_signals();
    srv.start();
    out << "ssogate " << version() << " serving " << srv.url() << std::endl;
    log.info("listening", {{"url", srv.url()}, {"version", version()}});

    srv.wait();
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
