// `ssogate dev-idp`: the development IdP on its own HTTPS port (issue 4). Loopback only
// unless forced; prints loudly that it is for development.
#include <ssogate/gateway/cli.hpp>
#include <ssogate/gateway/dev_idp.hpp>
#include <ssogate/gateway/logger.hpp>
#include <ssogate/gateway/server.hpp>
#include <ssogate/gateway/tls.hpp>

#include <ssogate/saml/library.hpp>

#include <CLI/CLI.hpp>

#include <charconv>
#include <csignal>
#include <fstream>
#include <ostream>

namespace ssogate::gateway {

namespace {

namespace fs = std::filesystem;

struct dev_idp_options {
    std::string listen = "127.0.0.1:9443";
    std::vector<std::string> acs_urls;
    std::string sp_entity_id = "https://127.0.0.1:8443/sso/metadata";
    std::string entity_id;
    fs::path data_dir = "dev-idp";
    bool force_non_loopback = false;
    bool print_connection_toml = false;
    std::string connection_id = "dev";
    std::string domain = "example.com";
};

struct host_port {
    std::string host; // without brackets
    std::uint16_t port = 0;
};

host_port parse_listen(std::string const& listen)
{
    auto bad = [&] {
        return startup_error(exit_usage, "dev-idp: --listen must be HOST:PORT (\"127.0.0.1:9443\", \"[::1]:9443\"), got \"" +
                                             listen + "\"");
    };
    auto colon = listen.rfind(':');
    if (colon == std::string::npos || colon == 0)
        throw bad();
    host_port hp;
    hp.host = listen.substr(0, colon);
    if (hp.host.front() == '[') {
        if (hp.host.size() < 3 || hp.host.back() != ']')
            throw bad();
        hp.host = hp.host.substr(1, hp.host.size() - 2);
    } else if (hp.host.find(':') != std::string::npos) {
        throw bad();
    }
    auto port = std::string_view(listen).substr(colon + 1);
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), hp.port);
    if (port.empty() || ec != std::errc() || p != port.data() + port.size())
        throw bad();
    return hp;
}

std::string base_url_of(host_port const& hp)
{
    bool const v6 = hp.host.find(':') != std::string::npos;
    return "https://" + (v6 ? "[" + hp.host + "]" : hp.host) + ":" + std::to_string(hp.port);
}

void write_file(fs::path const& path, std::string const& text)
{
    auto tmp = path;
    tmp += ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        f << text;
        if (!f.flush())
            throw startup_error(exit_failure, "cannot write " + tmp.string());
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec)
        throw startup_error(exit_failure, "cannot write " + path.string() + ": " + ec.message());
}

std::string toml_string(std::string_view s)
{
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string connection_toml(dev_idp_options const& o, fs::path const& metadata_file)
{
    return "# The ssogate development IdP (ssogate dev-idp). For development only.\n"
           "[[connection]]\n"
           "id = " + toml_string(o.connection_id) + "\n"
           "name = \"Development IdP\"\n"
           "domains = [" + toml_string(o.domain) + "]\n"
           "idp_metadata_file = " + toml_string(metadata_file.string()) + "\n"
           "allow_idp_initiated = true\n";
}

int run_dev_idp(cli_context& cli, dev_idp_options o)
{
    auto& out = cli.out;
    auto const hp = parse_listen(o.listen);
    if (!dev_idp::is_loopback_host(hp.host) && !o.force_non_loopback)
        throw startup_error(exit_usage, "dev-idp refuses to listen on " + hp.host +
                                            ": it signs in anyone who types an email, so it binds to loopback "
                                            "(127.0.0.0/8, ::1) only; pass --force-non-loopback to override");
    if (o.acs_urls.empty())
        o.acs_urls.push_back("https://127.0.0.1:8443/sso/acs/" + o.connection_id);

    saml::library_guard const saml_guard;
    auto const now = std::chrono::system_clock::now();
    auto keys = dev_idp::ensure_signing_keys(o.data_dir, now);
    auto const metadata_file = fs::absolute(o.data_dir / dev_idp::metadata_file_name).lexically_normal();

    if (o.print_connection_toml) {
        dev_idp::identity_provider idp({base_url_of(hp), o.entity_id, o.acs_urls, o.sp_entity_id}, keys,
                                       system_clock(), system_random());
        write_file(metadata_file, idp.metadata());
        out << connection_toml(o, metadata_file);
        return exit_ok;
    }

    std::signal(SIGPIPE, SIG_IGN);
    auto const log = logger::to_stderr();
    auto const tls = ensure_self_signed(o.data_dir, hp.host, now);

    server_options so;
    so.host = hp.host;
    so.port = hp.port;
    so.threads = 1;
    std::unique_ptr<dev_idp::identity_provider> idp; // set before start(): no request can arrive earlier
    server srv(so, tls, [&idp](http_request const& req) { return idp->handle(req); }, log);
    auto base = srv.url();
    base.pop_back();
    idp = std::make_unique<dev_idp::identity_provider>(dev_idp::idp_settings{base, o.entity_id, o.acs_urls, o.sp_entity_id},
                                                       keys, system_clock(), system_random());
    write_file(metadata_file, idp->metadata());

    std::string const bar(78, '!');
    out << bar << "\n"
        << "!!  ssogate dev-idp: DEVELOPMENT ONLY. It signs in ANYONE who types an email,\n"
        << "!!  with any groups and role, without a password. Never expose it or trust it\n"
        << "!!  in production.\n"
        << bar << "\n"
        << "signing key: " << keys.key_file.string() << (keys.generated ? " (generated, RSA-2048, mode 0600)" : " (reused)")
        << "\nsigning certificate: " << keys.cert_file.string() << "\n"
        << "tls: " << tls.cert.string() << (tls.how == tls_files::origin::generated ? " (generated)" : " (reused)")
        << "; browsers will warn about the self-signed certificate\n"
        << "entity ID: " << idp->entity_id() << "\n"
        << "metadata URL: " << idp->metadata_url() << "\n"
        << "metadata file: " << metadata_file.string() << "\n"
        << "responses may be posted to:";
    for (auto const& a : o.acs_urls)
        out << " " << a;
    out << "\nIdP-initiated sign-in: " << base << "/idp-initiated\n"
        << "configure ssogate with this connection (ssogate dev-idp --print-connection-toml prints it):\n\n"
        << connection_toml(o, metadata_file) << "\n"
        << "ssogate dev-idp serving " << base << "/" << std::endl;
    log.info("dev-idp listening", {{"url", base}, {"entity_id", idp->entity_id()}});

    srv.stop_on_signals();
    srv.start();
    srv.wait();
    log.info("dev-idp stopped");
    return exit_ok;
}

} // namespace

void add_dev_idp_command(CLI::App& app, cli_context& ctx)
{
    auto opts = std::make_shared<dev_idp_options>();
    auto* cmd = app.add_subcommand("dev-idp", "Run a SAML IdP for development (signs in whoever you type; loopback only)");
    cmd->add_option("--listen", opts->listen, "HOST:PORT to listen on (loopback only unless forced)")
        ->capture_default_str();
    cmd->add_option("--acs-url", opts->acs_urls,
                    "SP assertion consumer service URL responses may be posted to (repeatable; default "
                    "https://127.0.0.1:8443/sso/acs/<connection-id>)");
    cmd->add_option("--sp-entity-id", opts->sp_entity_id, "Audience of IdP-initiated responses")->capture_default_str();
    cmd->add_option("--entity-id", opts->entity_id, "The IdP's entity ID (default: its metadata URL)");
    cmd->add_option("--data-dir", opts->data_dir, "Where the signing key, TLS pair and metadata live")
        ->capture_default_str();
    cmd->add_option("--connection-id", opts->connection_id, "Connection id in the printed TOML and the default ACS URL")
        ->capture_default_str();
    cmd->add_option("--domain", opts->domain, "Email domain of the printed connection")->capture_default_str();
    cmd->add_flag("--force-non-loopback", opts->force_non_loopback, "Allow listening on a non-loopback address");
    cmd->add_flag("--print-connection-toml", opts->print_connection_toml,
                  "Write the metadata file, print the [[connection]] TOML for ssogate.toml and exit");
    cmd->callback([&ctx, opts] { ctx.exit_code = run_dev_idp(ctx, *opts); });
}

} // namespace ssogate::gateway
