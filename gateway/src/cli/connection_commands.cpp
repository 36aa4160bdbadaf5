// `ssogate connection list|show|create|set|delete|jit`: connections at runtime (issues
// 5 and 6), on the store named by --config, locally. The same operations as the admin
// API (connection_admin.hpp): same validation, same messages, same audit events (actor
// `cli` with the OS user name). A running `ssogate serve` obeys a change on its next
// lookup of the connection (connections.hpp); nothing needs to be signalled.
//
//   ssogate connection list [--json]
//   ssogate connection show ID
//   ssogate connection create ID --idp-metadata FILE [--idp-entity-id ENTITY] [--domain D]...
//                                [--name NAME] [--jit on|off] [--settings FILE.json]
//   ssogate connection set ID [KEY=VALUE]... [--idp-metadata FILE] [--idp-entity-id ENTITY]
//       KEY is a dotted key of the JSON form (jit.update, role_mapping.groups.Admins);
//       VALUE is JSON when it parses as JSON (true, 5, ["a"], null), else a string.
//   ssogate connection delete ID
//   ssogate connection jit ID on|off
//
// Each change prints what it changed. Exit codes (cli.hpp): 0 done (also "nothing
// changed"); 1 refused — unknown connection, id taken, users still on it, a connection
// declared in the configuration file (the message names the file and the line to
// edit), store failure; 2 usage or invalid settings (the message names the key).
#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/audit.hpp>
#include <ssogate/gateway/cli.hpp>
#include <ssogate/gateway/connection_admin.hpp>
#include <ssogate/gateway/connections.hpp>
#include <ssogate/saml/library.hpp>
#include <ssogate/saml/metadata.hpp>

#include "cli/open_store.hpp"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <pwd.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <ostream>
#include <sstream>

namespace ssogate::gateway {

namespace json = boost::json;

namespace {

struct connection_args {
    std::string id;
    bool json = false;
    std::string idp_metadata;
    std::string idp_entity_id;
    std::vector<std::string> domains;
    std::string name;
    std::string jit;
    std::string settings_file;
    std::vector<std::string> assignments;
};

admin_actor cli_actor()
{
    admin_actor a;
    a.type = "cli";
    if (auto const* pw = ::getpwuid(::geteuid()); pw && pw->pw_name)
        a.id = pw->pw_name;
    else
        a.id = "uid:" + std::to_string(::geteuid());
    return a;
}

std::string read_file(std::string const& path, std::string const& what)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw startup_error(exit_usage, "cannot read " + what + " " + path);
    std::ostringstream buf;
    buf << in.rdbuf();
    return buf.str();
}

/// What a command works with: the config, the store, the SP, and the file's
/// connections (their settings and lines, for refusals; their metadata is not read).
struct cli_session {
    explicit cli_session(cli_context& cli)
        : cfg(cli.load_config()), db(detail::open_store(cfg))
    {
        registry.set_sp(load_sp_context(cfg));
        for (auto const& c : cfg.connections) {
            sso_connection sc;
            sc.id = c.id;
            sc.name = c.name;
            sc.domains = c.domains;
            sc.settings = c;
            registry.add(std::move(sc));
        }
    }

    connection_admin_context context() const
    {
        return {*db, registry, cli_actor(), system_random(), std::chrono::system_clock::now()};
    }

    /// Refuses (exit 1) a change to a connection declared in the file, even when the
    /// server never ran and the store has no row for it yet.
    void refuse_file_owned(std::string const& id, std::string_view key) const
    {
        auto const* c = cfg.find_connection(id);
        if (!c)
            return;
        store::connection_record row;
        row.id = id;
        row.source_file = cfg.source_file ? cfg.source_file->string() : "the configuration";
        throw startup_error(exit_failure, file_owned_message(row, c, key));
    }

    config const& cfg;
    saml::library_guard guard;
    std::unique_ptr<store::store> db;
    connection_registry registry;
};

/// Turns a refusal into the exit code (cli.hpp): invalid settings are usage errors.
template <class T>
T or_throw(connection_outcome<T> o)
{
    if (auto const* e = std::get_if<connection_admin_error>(&o))
        throw startup_error(e->code == connection_admin_errc::invalid ? exit_usage : exit_failure, e->message);
    return std::get<T>(std::move(o));
}

/// JSON with two-space indentation, for people.
void pretty(std::ostream& os, json::value const& v, int indent = 0)
{
    auto const pad = [&](int n) { return std::string(static_cast<std::size_t>(n), ' '); };
    if (auto const* o = v.if_object()) {
        if (o->empty()) {
            os << "{}";
            return;
        }
        os << "{\n";
        bool first = true;
        for (auto const& [k, x] : *o) {
            os << (first ? "" : ",\n") << pad(indent + 2) << json::serialize(json::string(k)) << ": ";
            pretty(os, x, indent + 2);
            first = false;
        }
        os << '\n' << pad(indent) << '}';
    } else {
        os << json::serialize(v);
    }
}

void print_changes(std::ostream& os, std::string const& id, connection_change const& change)
{
    if (change.actions.empty()) {
        os << "connection " << id << ": nothing changed\n";
        return;
    }
    os << "changed connection " << id << ":\n";
    for (auto const& [k, before] : change.before) {
        auto const* after = change.after.if_contains(k);
        os << "  " << std::string_view(k) << ": " << json::serialize(before) << " -> "
           << (after ? json::serialize(*after) : std::string("null")) << '\n';
    }
}

/// The IdP metadata of FILE, with the entity chosen when it holds several IdPs.
void import_metadata(json::object& body, std::string const& file, std::string const& entity_id)
{
    auto xml = read_file(file, "IdP metadata");
    saml::metadata_options mo;
    if (!entity_id.empty())
        mo.entity_id = entity_id;
    auto md = saml::parse_idp_metadata(xml, mo);
    if (!md) {
        if (!md.error().idp_entity_ids.empty()) {
            std::string list;
            for (auto const& e : md.error().idp_entity_ids)
                list += "\n  " + e;
            throw startup_error(exit_usage, file + " holds several IdPs; choose one with --idp-entity-id:" + list);
        }
        throw startup_error(exit_usage, file + ": " + md.error().detail);
    }
    body["idp_metadata"] = xml;
    if (!entity_id.empty())
        body["idp_entity_id"] = entity_id;
}

bool on_off(std::string const& word)
{
    if (word == "on")
        return true;
    if (word == "off")
        return false;
    throw startup_error(exit_usage, "expected on or off (got \"" + word + "\")");
}

void run_list(cli_context& cli, connection_args const& a)
{
    cli_session s(cli);
    auto const views = or_throw(list_connections(s.context()));
    for (auto const& v : views) {
        if (a.json) {
            cli.out << json::serialize(connection_view_to_json(v, false)) << '\n';
            continue;
        }
        std::string domains;
        if (v.settings)
            for (auto const& d : v.settings->domains)
                domains += (domains.empty() ? "" : ",") + d;
        cli.out << v.row.id << "  " << (v.row.owner == store::connection_owner::file ? "file" : "store") << "  jit "
                << (v.row.jit_enabled ? "on " : "off") << "  " << v.row.display_name << "  "
                << (domains.empty() ? "-" : domains);
        if (v.row.owner == store::connection_owner::file)
            cli.out << "  (" << v.row.source_file << ")";
        cli.out << '\n';
    }
}

void run_show(cli_context& cli, connection_args const& a)
{
    cli_session s(cli);
    auto const v = or_throw(show_connection(s.context(), a.id));
    pretty(cli.out, connection_view_to_json(v, true));
    cli.out << '\n';
}

void run_create(cli_context& cli, connection_args const& a)
{
    cli_session s(cli);
    json::object body;
    if (!a.settings_file.empty()) {
        boost::system::error_code ec;
        auto v = json::parse(read_file(a.settings_file, "settings"), ec);
        if (ec || !v.is_object())
            throw startup_error(exit_usage, a.settings_file + ": not a JSON object");
        body = v.get_object();
    }
    body["id"] = a.id;
    if (!a.name.empty())
        body["name"] = a.name;
    if (!a.domains.empty())
        body["domains"] = json::value_from(a.domains);
    if (!a.idp_metadata.empty())
        import_metadata(body, a.idp_metadata, a.idp_entity_id);
    else if (!body.contains("idp_metadata"))
        throw startup_error(exit_usage, "--idp-metadata FILE is required (the IdP's SAML metadata)");
    if (!a.jit.empty())
        body["jit"].emplace_object()["enabled"] = on_off(a.jit);
    if (s.cfg.find_connection(a.id))
        throw startup_error(exit_failure, "connection id \"" + a.id + "\" is taken by a connection declared in "
                                              + (s.cfg.source_file ? s.cfg.source_file->string() : std::string()));
    auto const change = or_throw(create_connection(s.context(), body));
    auto const& c = *change.view.settings;
    std::string domains;
    for (auto const& d : c.domains)
        domains += (domains.empty() ? "" : ", ") + d;
    cli.out << "created connection " << c.id << " (" << c.name << "): JIT " << (c.jit.enabled ? "on" : "off")
            << ", domains " << (domains.empty() ? "none" : domains) << '\n';
}

void run_set(cli_context& cli, connection_args const& a)
{
    cli_session s(cli);
    s.refuse_file_owned(a.id, "");
    json::value patch = json::object();
    for (auto const& assignment : a.assignments) {
        auto const eq = assignment.find('=');
        if (eq == std::string::npos || eq == 0)
            throw startup_error(exit_usage, "expected KEY=VALUE (got \"" + assignment + "\")");
        auto const key = assignment.substr(0, eq);
        auto const text = assignment.substr(eq + 1);
        boost::system::error_code ec;
        json::value value = json::parse(text, ec);
        if (ec)
            value = json::string(text);
        // jit.update=never → {"jit":{"update":"never"}}
        json::object* at = &patch.get_object();
        std::size_t start = 0;
        for (auto dot = key.find('.'); dot != std::string::npos; dot = key.find('.', start)) {
            auto& next = (*at)[key.substr(start, dot - start)];
            if (!next.is_object())
                next = json::object();
            at = &next.get_object();
            start = dot + 1;
        }
        (*at)[key.substr(start)] = std::move(value);
    }
    if (!a.idp_metadata.empty())
        import_metadata(patch.get_object(), a.idp_metadata, a.idp_entity_id);
    else if (!a.idp_entity_id.empty())
        patch.get_object()["idp_entity_id"] = a.idp_entity_id;
    if (patch.get_object().empty())
        throw startup_error(exit_usage, "nothing to set: give KEY=VALUE pairs or --idp-metadata FILE");
    print_changes(cli.out, a.id, or_throw(change_connection(s.context(), a.id, patch)));
}

void run_jit(cli_context& cli, connection_args const& a)
{
    bool const enabled = on_off(a.jit);
    cli_session s(cli);
    s.refuse_file_owned(a.id, "jit.enabled");
    auto const change = or_throw(set_connection_jit(s.context(), a.id, enabled));
    if (change.actions.empty())
        cli.out << "connection " << a.id << ": JIT is already " << (enabled ? "on" : "off") << "; nothing changed\n";
    else
        cli.out << "connection " << a.id << ": JIT " << (enabled ? "on" : "off") << " (was "
                << (enabled ? "off" : "on") << "); the next sign-in obeys it\n";
}

void run_delete(cli_context& cli, connection_args const& a)
{
    cli_session s(cli);
    s.refuse_file_owned(a.id, "");
    auto const v = or_throw(delete_connection(s.context(), a.id));
    cli.out << "deleted connection " << v.row.id << '\n';
}

} // namespace

void add_connection_commands(CLI::App& app, cli_context& ctx)
{
    auto args = std::make_shared<connection_args>();
    auto* group = app.add_subcommand("connection", "Manage identity-provider connections at runtime");
    group->require_subcommand(1);

    auto* list = group->add_subcommand("list", "List connections (id, owner, JIT switch, name, domains)");
    list->add_flag("--json", args->json, "Print JSON lines");
    list->callback([&ctx, args] { run_list(ctx, *args); });

    auto* show = group->add_subcommand("show", "Show a connection's settings as JSON");
    show->add_option("ID", args->id, "The connection id")->required();
    show->callback([&ctx, args] { run_show(ctx, *args); });

    auto* create = group->add_subcommand("create", "Create a connection from the IdP's metadata");
    create->add_option("ID", args->id, "The connection id ([a-z0-9][a-z0-9_-]{0,62})")->required();
    create->add_option("--idp-metadata", args->idp_metadata, "The IdP's SAML metadata file")->type_name("FILE");
    create->add_option("--idp-entity-id", args->idp_entity_id, "The IdP to use when the metadata holds several")
        ->type_name("ENTITY");
    create->add_option("--domain", args->domains, "A verified email domain (repeat for several)")->type_name("DOMAIN");
    create->add_option("--name", args->name, "Display name (default: the id)")->type_name("NAME");
    create->add_option("--jit", args->jit, "Create users on first sign-in (default on)")->type_name("on|off");
    create->add_option("--settings", args->settings_file, "Further settings: a JSON object of the connection's keys")
        ->type_name("FILE");
    create->callback([&ctx, args] { run_create(ctx, *args); });

    auto* set = group->add_subcommand("set", "Change settings of a connection created through the CLI or API");
    set->add_option("ID", args->id, "The connection id")->required();
    set->add_option("KEY=VALUE", args->assignments, "Dotted key of the JSON form = value (JSON or text)");
    set->add_option("--idp-metadata", args->idp_metadata, "Replace the IdP metadata from this file")->type_name("FILE");
    set->add_option("--idp-entity-id", args->idp_entity_id, "The IdP to use when the metadata holds several")
        ->type_name("ENTITY");
    set->callback([&ctx, args] { run_set(ctx, *args); });

    auto* del = group->add_subcommand("delete", "Delete a connection created through the CLI or API");
    del->add_option("ID", args->id, "The connection id")->required();
    del->callback([&ctx, args] { run_delete(ctx, *args); });

    auto* jit = group->add_subcommand("jit", "Switch JIT provisioning of a connection on or off");
    jit->add_option("ID", args->id, "The connection id")->required();
    jit->add_option("STATE", args->jit, "on or off")->required()->check(CLI::IsMember({"on", "off"}));
    jit->callback([&ctx, args] { run_jit(ctx, *args); });
}

} // namespace ssogate::gateway
