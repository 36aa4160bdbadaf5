// `ssogate scim token create|revoke|list`: SCIM bearer tokens, one connection each (issue 7).
//
//   ssogate scim token create CONNECTION [--name NAME]
//       Prints the secret alone on one line (stdout; shown once, stored only as its
//       SHA-256); the id and the SCIM base URL go to stderr. Audit: scim.token.created.
//       The connection must be declared in the configuration; a note says when its
//       SCIM is not enabled yet ([connection.scim] enabled = true).
//   ssogate scim token revoke ID
//       Exit 0 revoked, 1 no such active SCIM token. Audit: scim.token.revoked.
//   ssogate scim token list [--connection C] [--json]
//       id, connection, name, created, revoked (never secrets).
#include <ssogate/gateway/audit.hpp>
#include <ssogate/gateway/cli.hpp>
#include <ssogate/gateway/connections.hpp>
#include <ssogate/gateway/scim.hpp>

#include "cli/open_store.hpp"
#include "cli/token_commands.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <ostream>

namespace ssogate::gateway {

namespace {

struct scim_token_args {
    std::string connection;
    std::string name;
    std::string id;
    bool json = false;
};

void run_create(cli_context& cli, scim_token_args const& a)
{
    auto const& cfg = cli.load_config();
    auto const* conn = cfg.find_connection(a.connection);
    if (!conn)
        throw startup_error(exit_usage, "no connection \"" + a.connection + "\" in the configuration");
    auto db = detail::open_store(cfg);
    auto const now = std::chrono::system_clock::now();
    // The token row refers to the connection's store row, which `serve` creates at
    // startup; create it here too so that a token can be issued before the first start.
    sync_file_connections(cfg, *db, now);
    auto created = create_scim_token(*db, a.connection, a.name, detail::cli_actor(), system_random(), now);
    if (!created)
        throw startup_error(exit_failure, "cannot create the SCIM token: " + created.error().message());
    cli.out << created->secret << std::endl;
    auto base = cfg.server.public_url;
    while (!base.empty() && base.back() == '/')
        base.pop_back();
    cli.err << "created SCIM token " << created->record.id << " for connection " << a.connection
            << "; the secret above is shown only once (revoke with: ssogate scim token revoke " << created->record.id
            << ")\nSCIM base URL: " << base << "/scim/v2/" << a.connection << '\n';
    if (!conn->scim.enabled)
        cli.err << "note: SCIM is not enabled for connection " << a.connection
                << "; set [connection.scim] enabled = true and reload\n";
}

void run_revoke(cli_context& cli, scim_token_args const& a)
{
    auto db = detail::open_store(cli.load_config());
    detail::report_revoke(cli, "SCIM token", a.id,
                          revoke_scim_token(*db, a.id, detail::cli_actor(), system_random(),
                                            std::chrono::system_clock::now()));
}

void run_list(cli_context& cli, scim_token_args const& a)
{
    auto db = detail::open_store(cli.load_config());
    detail::list_tokens(cli, *db, store::token_kind::scim, a.json, a.connection);
}

} // namespace

void add_scim_commands(CLI::App& app, cli_context& ctx)
{
    auto args = std::make_shared<scim_token_args>();
    auto* scim = app.add_subcommand("scim", "Administer the SCIM server");
    scim->require_subcommand(1);
    auto* token = scim->add_subcommand("token", "SCIM bearer tokens (one connection each)");
    token->require_subcommand(1);

    auto* create = token->add_subcommand("create", "Create a SCIM token for a connection and print its secret once");
    create->add_option("CONNECTION", args->connection, "The connection id")->required();
    create->add_option("--name", args->name, "A label for the token")->type_name("NAME");
    create->callback([&ctx, args] { run_create(ctx, *args); });

    auto* revoke = token->add_subcommand("revoke", "Revoke a SCIM token");
    revoke->add_option("ID", args->id, "The token id (scim_...)")->required();
    revoke->callback([&ctx, args] { run_revoke(ctx, *args); });

    auto* list = token->add_subcommand("list", "List SCIM tokens (never their secrets)");
    list->add_option("--connection", args->connection, "Only this connection's tokens")->type_name("C");
    list->add_flag("--json", args->json, "Print JSON lines");
    list->callback([&ctx, args] { run_list(ctx, *args); });
}

} // namespace ssogate::gateway
