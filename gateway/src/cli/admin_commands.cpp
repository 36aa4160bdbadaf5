// `ssogate admin token create|revoke|list`: admin API tokens (issue 6).
//
//   ssogate admin token create [--name NAME]
//       Prints the new token's secret alone on one line (stdout; shown once, stored
//       only as its SHA-256); its id goes to stderr. Audit: admin.token.created.
//   ssogate admin token revoke ID
//       Exit 0 revoked, 1 no such active admin token. Audit: admin.token.revoked.
//   ssogate admin token list [--json]
//       id, name, created, revoked (never secrets).
#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/cli.hpp>

#include "cli/open_store.hpp"
#include "cli/token_commands.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <ostream>

namespace ssogate::gateway {

namespace {

struct token_args {
    std::string name;
    std::string id;
    bool json = false;
};

void run_create(cli_context& cli, token_args const& a)
{
    auto db = detail::open_store(cli.load_config());
    auto created = create_admin_token(*db, a.name, detail::cli_actor(), system_random(), std::chrono::system_clock::now());
    if (!created)
        throw startup_error(exit_failure, "cannot create the admin token: " + created.error().message());
    cli.out << created->secret << std::endl;
    cli.err << "created admin token " << created->record.id
            << "; the secret above is shown only once (revoke with: ssogate admin token revoke "
            << created->record.id << ")\n";
}

void run_revoke(cli_context& cli, token_args const& a)
{
    auto db = detail::open_store(cli.load_config());
    detail::report_revoke(cli, "admin token", a.id,
                          revoke_admin_token(*db, a.id, detail::cli_actor(), system_random(),
                                             std::chrono::system_clock::now()));
}

void run_list(cli_context& cli, token_args const& a)
{
    auto db = detail::open_store(cli.load_config());
    detail::list_tokens(cli, *db, store::token_kind::admin, a.json, {});
}

} // namespace

void add_admin_commands(CLI::App& app, cli_context& ctx)
{
    auto args = std::make_shared<token_args>();
    auto* admin = app.add_subcommand("admin", "Administer the admin API");
    admin->require_subcommand(1);
    auto* token = admin->add_subcommand("token", "Admin API tokens");
    token->require_subcommand(1);

    auto* create = token->add_subcommand("create", "Create an admin token and print its secret once");
    create->add_option("--name", args->name, "A label for the token")->type_name("NAME");
    create->callback([&ctx, args] { run_create(ctx, *args); });

    auto* revoke = token->add_subcommand("revoke", "Revoke an admin token");
    revoke->add_option("ID", args->id, "The token id (adm_...)")->required();
    revoke->callback([&ctx, args] { run_revoke(ctx, *args); });

    auto* list = token->add_subcommand("list", "List admin tokens (never their secrets)");
    list->add_flag("--json", args->json, "Print JSON lines");
    list->callback([&ctx, args] { run_list(ctx, *args); });
}

} // namespace ssogate::gateway
