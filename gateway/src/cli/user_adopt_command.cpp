// `ssogate user adopt` (user_adopt_command.hpp).
#include "cli/user_adopt_command.hpp"

#include <ssogate/gateway/audit.hpp>
#include <ssogate/gateway/cli.hpp>
#include <ssogate/gateway/connections.hpp>
#include <ssogate/scim/user.hpp>
#include <ssogate/store/owner.hpp>

#include "cli/open_store.hpp"
#include "provisioning/adopt.hpp"

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

/// The SCIM resource of an adopted user, from its stored values.
std::string resource_of(std::vector<store::attribute_record> const& attrs, std::string const& email)
{
    scim::user u;
    u.user_name = email;
    for (auto const& a : attrs) {
        if (a.name == "given_name")
            u.name.given_name = a.value;
        else if (a.name == "family_name")
            u.name.family_name = a.value;
        else if (a.name == "display_name")
            u.display_name = a.value;
    }
    u.emails.push_back({email, "work", "", true});
    auto o = scim::render_user(u, scim::resource_meta{}, "");
    o.erase("id");
    o.erase("meta");
    return boost::json::serialize(o);
}

void run_adopt(cli_context& cli, adopt_args const& a)
{
    auto const& cfg = cli.load_config();
    auto const* conn = cfg.find_connection(a.connection);
    if (!conn)
        throw startup_error(exit_usage, "no connection \"" + a.connection + "\" in the configuration");
    auto db = detail::open_store(cfg);
    auto const now = std::chrono::system_clock::now();
    if (!a.dry_run)
        sync_file_connections(cfg, *db, now); // the SCIM row refers to the connection's store row

    auto began = db->begin(a.dry_run ? store::access::read : store::access::write);
    if (!began)
        throw startup_error(exit_failure, "cannot open a transaction: " + began.error().message());
    auto& tx = **began;
    auto user = tx.users().find_by_email(a.email);
    if (!user)
        throw startup_error(exit_failure, "cannot read the store: " + user.error().message());
    if (!*user) {
        cli.err << "ssogate: no user with email " << a.email << '\n';
        cli.exit_code = exit_failure;
        return;
    }
    auto const& u = **user;
    auto const email = u.email.value_or(a.email);
    auto existing = tx.scim().find_user(a.connection, u.id);
    if (!existing)
        throw startup_error(exit_failure, "cannot read the store: " + existing.error().message());
    if (*existing) {
        cli.out << "user " << u.id << " (" << email << ") is already provisioned by SCIM of connection "
                << a.connection << "; nothing to do\n";
        return;
    }
    auto taken = tx.scim().find_user_by_user_name(a.connection, email);
    if (!taken)
        throw startup_error(exit_failure, "cannot read the store: " + taken.error().message());
    if (*taken) {
        cli.err << "ssogate: the userName " << email << " already belongs to user " << (*taken)->user_id
                << " in the SCIM view of connection " << a.connection << '\n';
        cli.exit_code = exit_failure;
        return;
    }
    auto changes = provisioning::plan_admin_adoption(tx, u.id, a.connection);
    if (!changes)
        throw startup_error(exit_failure, "cannot read the store: " + changes.error().message());

    if (a.json) {
        boost::json::object o{{"user_id", u.id},
                              {"email", email},
                              {"connection", a.connection},
                              {"dry_run", a.dry_run},
                              {"scim_user_name", email},
                              {"changes", provisioning::to_json(*changes)}};
        cli.out << boost::json::serialize(o) << '\n';
    } else {
        cli.out << (a.dry_run ? "would adopt" : "adopting") << " user " << u.id << " (" << email
                << ", created by " << u.created_by << ") into SCIM of connection " << a.connection << '\n';
        cli.out << "  scim userName \"" << email << "\": enters the SCIM view of " << a.connection << '\n';
        for (auto const& c : *changes)
            cli.out << "  " << provisioning::describe(c) << '\n';
        if (changes->empty())
            cli.out << "  (no value changes owner: nothing is owned by jit:" << a.connection << " or admin)\n";
    }
    if (!conn->scim.enabled)
        cli.err << "note: SCIM is not enabled for connection " << a.connection << '\n';
    if (a.dry_run)
        return; // read transaction: nothing written

    if (auto r = provisioning::apply_owner_changes(tx, u.id, *changes, now); !r)
        throw startup_error(exit_failure, "cannot adopt: " + r.error().message());
    auto attrs = tx.users().attributes(u.id);
    if (!attrs)
        throw startup_error(exit_failure, "cannot adopt: " + attrs.error().message());
    store::scim_user_record row;
    row.connection_id = a.connection;
    row.user_id = u.id;
    row.user_name = email;
    row.resource_json = resource_of(*attrs, email);
    row.created_at = now;
    row.updated_at = now;
    if (auto r = tx.scim().create_user(row); !r)
        throw startup_error(exit_failure, "cannot adopt: " + r.error().message());

    store::audit_event e;
    auto const random = system_random();
    e.id = new_audit_event_id(random);
    e.time = now;
    e.action = "scim.user.adopted";
    e.actor_type = "cli";
    e.actor_id = local_user();
    e.target = u.id;
    e.connection_id = a.connection;
    e.result_status = "success";
    e.changes_json = boost::json::serialize(boost::json::object{
        {"before", boost::json::object{{"created_by", u.created_by}, {"scim", nullptr}}},
        {"after", boost::json::object{{"created_by", u.created_by}, {"scim", boost::json::object{{"userName", email}}}}},
        {"owners", provisioning::to_json(*changes)}});
    if (auto r = tx.audit().append(e); !r)
        throw startup_error(exit_failure, "cannot adopt: " + r.error().message());
    if (auto r = tx.commit(); !r)
        throw startup_error(exit_failure, "cannot adopt: " + r.error().message());
    if (!a.json)
        cli.out << "adopted: " << changes->size() << " value(s) now owned by " << store::owner_scim(a.connection)
                << '\n';
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
