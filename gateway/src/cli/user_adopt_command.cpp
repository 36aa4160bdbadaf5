// `ssogate user adopt` (user_adopt_command.hpp).
#include "cli/user_adopt_command.hpp"

#include <ssogate/gateway/cli.hpp>
#include <ssogate/gateway/connection_admin.hpp>
#include <ssogate/gateway/connections.hpp>
#include <ssogate/gateway/user_adoption.hpp>
#include <ssogate/store/owner.hpp>

#include "cli/open_store.hpp"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <pwd.h>
#include <unistd.h>

#include <memory>
#include <ostream>

namespace ssogate::gateway {

namespace {

struct adopt_args {
    std::string email;
    std::string connection;
    bool dry_run = false;
    bool json = false;
};

std::string local_user()
{
    if (auto const* pw = ::getpwuid(::geteuid()); pw && pw->pw_name)
        return pw->pw_name;
    return "uid:" + std::to_string(::geteuid());
}

/// The CLI's view of connections: the file's (by the config, the server may never have
/// run), then the store's rows (their settings as the admin API reads them).
scim_switch_lookup cli_scim_switch(config const& cfg, store::store& db)
{
    return [&cfg, &db](std::string_view id) -> std::optional<bool> {
        if (auto const* c = cfg.find_connection(id))
            return c->scim.enabled;
        connection_registry none;
        auto shown = show_connection({db, none, {}, system_random(), std::chrono::system_clock::now()}, id);
        if (auto const* v = std::get_if<connection_view>(&shown))
            return v->settings ? v->settings->scim.enabled : false;
        if (std::get<connection_admin_error>(shown).code == connection_admin_errc::not_found)
            return std::nullopt;
        throw startup_error(exit_failure, std::get<connection_admin_error>(shown).message);
    };
}

void run_adopt(cli_context& cli, adopt_args const& a)
{
    auto const& cfg = cli.load_config();
    auto db = detail::open_store(cfg);
    auto const now = std::chrono::system_clock::now();
    if (!a.dry_run && cfg.find_connection(a.connection))
        sync_file_connections(cfg, *db, now); // the SCIM row refers to the connection's store row

    adoption_context ctx{*db, cli_scim_switch(cfg, *db), admin_actor{"cli", local_user(), "", ""}, system_random(),
                         now};
    auto outcome = adopt_user(ctx, a.email, a.connection, a.dry_run);
    if (auto const* e = std::get_if<adoption_error>(&outcome)) {
        bool const usage = e->code == adoption_errc::invalid || e->code == adoption_errc::unknown_connection;
        if (e->code == adoption_errc::store_failed || usage)
            throw startup_error(usage ? exit_usage : exit_failure, e->message);
        cli.err << "ssogate: " << e->message << '\n';
        cli.exit_code = exit_failure;
        return;
    }
    auto const& plan = std::get<adoption_plan>(outcome);
    if (a.json) {
        cli.out << boost::json::serialize(adoption_plan_to_json(plan)) << '\n';
    } else if (plan.already_adopted) {
        cli.out << "user " << plan.user_id << " (" << plan.email << ") is already provisioned by SCIM of connection "
                << plan.connection_id << "; nothing to do\n";
    } else {
        cli.out << (a.dry_run ? "would adopt" : "adopted") << " user " << plan.user_id << " (" << plan.email
                << ", created by " << plan.created_by << ") into SCIM of connection " << plan.connection_id << '\n';
        cli.out << "  scim userName \"" << plan.scim_user_name << "\": enters the SCIM view of " << plan.connection_id
                << '\n';
        for (auto const& c : plan.changes)
            cli.out << "  " << c.description << '\n';
        if (plan.changes.empty())
            cli.out << "  (no value changes owner: nothing is owned by jit:" << plan.connection_id << " or admin)\n";
        if (plan.applied)
            cli.out << "adopted: " << plan.changes.size() << " value(s) now owned by "
                    << store::owner_scim(plan.connection_id) << '\n';
    }
    if (!plan.scim_enabled)
        cli.err << "note: SCIM is not enabled for connection " << plan.connection_id << '\n';
}

} // namespace

void add_user_adopt_command(CLI::App& user, cli_context& ctx)
{
    auto args = std::make_shared<adopt_args>();
    auto* adopt = user.add_subcommand("adopt", "Hand an existing JIT/admin user to a connection's SCIM");
    adopt->add_option("EMAIL", args->email, "The user's email")->required();
    adopt->add_option("--connection", args->connection, "The SCIM connection that takes the user over")
        ->required()
        ->type_name("C");
    adopt->add_flag("--dry-run", args->dry_run, "Print what would change owner; write nothing");
    adopt->add_flag("--json", args->json, "Print the plan as JSON");
    adopt->callback([&ctx, args] { run_adopt(ctx, *args); });
}

} // namespace ssogate::gateway
