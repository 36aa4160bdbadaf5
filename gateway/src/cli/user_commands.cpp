// `ssogate user …`: users as an administrator sees them (issues 5, 6, 7).
//
//   ssogate user list [--email E] [--after ID] [--limit N] [--json]
//       id, email, active, roles and teams with their owners; a cursor line at the end.
//   ssogate user show EMAIL|ID [--json]
//       every profile value, role and team with owner, set_at and the event that set it;
//       identities. Exit 1 for an unknown user.
//   ssogate user explain EMAIL|ID [--json]
//       show, plus conflicts recorded for the user, the last assertion seen, and what
//       JIT would do at the next sign-in through each of the user's connections
//       (nothing is written). The same value as GET /admin/v1/users/{id}/explain.
//   ssogate user link list [--json] | approve ID | deny ID
//       the queue of a connection with `link = "admin_approval"`: approving binds the
//       identity to the existing user at once (so its next sign-in goes through),
//       audited as user.link.approved (actor cli); denying records user.link.denied.
//   ssogate user adopt … (gateway/src/cli/user_adopt_command.cpp, SCIM adoption)
#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/audit.hpp>
#include <ssogate/gateway/cli.hpp>
#include <ssogate/gateway/connections.hpp>
#include <ssogate/gateway/users.hpp>
#include <ssogate/jit/plan_json.hpp>

#include "cli/open_store.hpp"
#include "cli/user_adopt_command.hpp"
#include "users/connection_sources.hpp"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <iomanip>
#include <memory>
#include <ostream>
#include <sstream>

namespace ssogate::gateway {

namespace {

struct user_args {
    std::string who;
    std::string email;
    std::string after;
    std::size_t limit = user_page_default_limit;
    std::string approval_id;
    bool json = false;
};

std::string cli_actor_id()
{
    if (auto const* pw = ::getpwuid(::geteuid()); pw && pw->pw_name)
        return pw->pw_name;
    return "uid:" + std::to_string(::geteuid());
}

std::unique_ptr<store::transaction> begin(store::store& db, store::access mode)
{
    auto began = db.begin(mode);
    if (!began)
        throw startup_error(exit_failure, "cannot open a transaction on the store: " + began.error().message());
    return std::move(*began);
}

[[noreturn]] void store_failed(store::transaction& tx, std::string const& what, boost::system::error_code ec)
{
    throw startup_error(exit_failure, "cannot " + what + ": " + ec.message() + " " + tx.last_error_detail());
}

/// The user named on the command line, or exit 1 with a message.
std::optional<store::user_record> lookup(cli_context& cli, store::transaction& tx, std::string const& who)
{
    auto u = find_user(tx, who);
    if (!u)
        store_failed(tx, "find the user", u.error());
    if (!*u) {
        cli.err << "ssogate: no user with id or email " << who << '\n';
        cli.exit_code = exit_failure;
    }
    return std::move(*u);
}

std::string event_text(std::optional<event_ref> const& e)
{
    if (!e)
        return "-";
    return "#" + std::to_string(e->seq) + " " + e->action;
}

/// A plain-text table: columns padded to their widest cell, two spaces apart.
void print_table(std::ostream& out, std::vector<std::vector<std::string>> const& rows, std::string const& indent)
{
    std::vector<std::size_t> width;
    for (auto const& r : rows)
        for (std::size_t i = 0; i < r.size(); ++i) {
            if (width.size() <= i)
                width.push_back(0);
            width[i] = std::max(width[i], r[i].size());
        }
    for (auto const& r : rows) {
        std::string line = indent;
        for (std::size_t i = 0; i < r.size(); ++i) {
            line += r[i];
            if (i + 1 < r.size())
                line += std::string(width[i] - r[i].size() + 2, ' ');
        }
        out << line << '\n';
    }
}

void print_values(std::ostream& out, std::string const& title, std::string const& name_header,
                  std::vector<owned_value> const& values, bool events)
{
    out << title << ":\n";
    if (values.empty()) {
        out << "  (none)\n";
        return;
    }
    std::vector<std::vector<std::string>> rows;
    if (events)
        rows.push_back({name_header, "OWNER", "SET AT", "SET BY EVENT"});
    else
        rows.push_back({name_header, "OWNER", "SET AT"});
    for (auto const& v : values) {
        std::string name = v.name;
        if (title == "profile")
            name += " = " + v.value;
        if (events)
            rows.push_back({name, v.owner, format_audit_time(v.set_at), event_text(v.set_by)});
        else
            rows.push_back({name, v.owner, format_audit_time(v.set_at)});
    }
    print_table(out, rows, "  ");
}

void print_details(std::ostream& out, user_details const& d)
{
    out << "user " << d.user.id << "  " << d.user.email.value_or("(no email)") << "  "
        << (d.user.active ? "active" : "INACTIVE") << "  created by " << d.user.created_by << " at "
        << format_audit_time(d.user.created_at) << '\n';
    print_values(out, "profile", "FIELD = VALUE", d.profile, true);
    print_values(out, "roles", "ROLE", d.roles, true);
    print_values(out, "teams", "TEAM", d.teams, true);
    out << "identities:\n";
    if (d.identities.empty())
        out << "  (none: this user has never signed in through SSO)\n";
    else {
        std::vector<std::vector<std::string>> rows{{"CONNECTION", "SUBJECT", "LINKED AT", "LAST LOGIN"}};
        for (auto const& i : d.identities)
            rows.push_back({i.connection_id, i.subject, format_audit_time(i.created_at),
                            i.last_login_at ? format_audit_time(*i.last_login_at) : "never"});
        print_table(out, rows, "  ");
    }
}

std::string json_text(boost::json::value const& v)
{
    if (v.is_string())
        return std::string(v.get_string());
    if (v.is_null())
        return "-";
    return boost::json::serialize(v);
}

void print_plan(std::ostream& out, jit::provisioning_plan const& p)
{
    out << "    decision: " << jit::to_string(p.decision);
    if (p.denied)
        out << " (" << jit::to_reason_code(p.denied->reason) << ": " << p.denied->detail << ")";
    out << '\n';
    if (p.link)
        out << "    link: " << jit::to_string(p.link->kind) << " to " << p.link->user_id << '\n';
    for (auto const& c : p.profile_changes)
        out << "    set " << jit::to_string(c.field) << ": " << c.before.value_or("(none)") << " -> " << c.after
            << " (owner " << c.owner_after.to_string() << ")\n";
    for (auto const& r : p.roles_added)
        out << "    grant role " << r.role << " (owner " << r.owned_by.to_string() << ")\n";
    for (auto const& r : p.roles_removed)
        out << "    revoke role " << r.role << " (owned by " << r.owned_by.to_string() << ")\n";
    for (auto const& t : p.teams_created)
        out << "    create team " << t << '\n';
    for (auto const& m : p.memberships_added)
        out << "    join team " << m.team << " (owner " << m.owned_by.to_string() << ")\n";
    for (auto const& m : p.memberships_removed)
        out << "    leave team " << m.team << " (owned by " << m.owned_by.to_string() << ")\n";
    for (auto const& c : p.conflicts)
        out << "    conflict on " << jit::to_string(c.kind) << " " << c.item << ": assertion says \""
            << c.assertion_value << "\", stored \"" << c.stored_value << "\" owned by "
            << (c.stored_owner ? c.stored_owner->to_string() : std::string("nobody")) << " (kept)\n";
    for (auto const& s : p.skipped)
        out << "    skip " << jit::to_string(s.source) << " " << s.attribute << " \"" << s.value
            << "\": " << jit::to_string(s.reason) << '\n';
    if (!p.writes_rows() && p.decision != jit::plan_decision::deny)
        out << "    (nothing would be written)\n";
}

void print_explanation(std::ostream& out, user_explanation const& e)
{
    print_details(out, e.details);
    out << "conflicts recorded (provision.conflict):\n";
    if (e.conflicts.empty())
        out << "  (none)\n";
    for (auto const& c : e.conflicts) {
        out << "  #" << c.event.seq << ' ' << format_audit_time(c.event.time) << ' ' << c.connection_id;
        if (auto const* r = c.record.if_object()) {
            auto get = [&](char const* k) { return r->contains(k) ? json_text(r->at(k)) : std::string("-"); };
            out << ": " << get("kind") << ' ' << get("item") << " — assertion \"" << get("assertion_value")
                << "\", stored \"" << get("stored_value") << "\" owned by " << get("stored_owner");
        }
        out << '\n';
    }
    out << "last assertion:\n";
    if (!e.last_assertion)
        out << "  (none stored)\n";
    else {
        auto const& a = *e.last_assertion;
        out << "  connection " << a.connection_id << ", subject " << a.subject << ", at "
            << (a.at ? format_audit_time(*a.at) : std::string("?")) << '\n';
        if (auto const* o = a.assertion.if_object()) {
            if (auto it = o->find("attributes"); it != o->end() && it->value().is_object()) {
                std::vector<std::vector<std::string>> rows{{"ATTRIBUTE", "VALUES"}};
                for (auto const& [name, values] : it->value().get_object()) {
                    std::string vs;
                    if (auto const* arr = values.if_array())
                        for (auto const& v : *arr)
                            vs += (vs.empty() ? "" : ", ") + json_text(v);
                    rows.push_back({std::string(name), vs});
                }
                print_table(out, rows, "  ");
            }
        }
    }
    if (!e.link_approvals.empty()) {
        out << "link requests waiting for approval:\n";
        for (auto const& la : e.link_approvals)
            out << "  " << la.id << ": " << la.connection_id << " subject " << la.subject
                << " (ssogate user link approve " << la.id << ")\n";
    }
    out << "next sign-in (what JIT would do with the last assertion; nothing written):\n";
    if (e.next_sign_ins.empty())
        out << "  (no SSO identity)\n";
    for (auto const& n : e.next_sign_ins) {
        out << "  " << n.connection_id << ": ";
        if (n.jit_enabled)
            out << "JIT " << (*n.jit_enabled ? "on" : "off") << ", ";
        out << n.status;
        if (!n.detail.empty())
            out << " (" << n.detail << ")";
        out << '\n';
        if (n.plan)
            print_plan(out, *n.plan);
        if (n.first) {
            if (!n.first->match_on.empty())
                out << "    links by " << n.first->match_on << " = \"" << n.first->match_value << "\"\n";
            for (auto const& k : n.first->kept)
                out << "    keeps " << k << '\n';
            for (auto const& m : n.first->may_set)
                out << "    may set " << m << '\n';
        }
    }
}

// --------------------------------------------------------------------------------
// Commands

void run_list(cli_context& cli, user_args const& a)
{
    if (!a.email.empty() && !a.after.empty())
        throw startup_error(exit_usage, "--email cannot be combined with --after");
    if (a.limit < 1 || a.limit > user_page_max_limit)
        throw startup_error(exit_usage, "--limit must be from 1 to 1000");
    auto db = detail::open_store(cli.load_config());
    auto tx = begin(*db, store::access::read);
    std::vector<store::user_record> users;
    if (!a.email.empty()) {
        auto u = tx->users().find_by_email(a.email);
        if (!u)
            store_failed(*tx, "find the user", u.error());
        if (*u)
            users.push_back(std::move(**u));
    } else {
        auto page = tx->users().list(a.after, a.limit);
        if (!page)
            store_failed(*tx, "list users", page.error());
        users = std::move(*page);
    }
    std::vector<std::vector<std::string>> rows{{"ID", "EMAIL", "ACTIVE", "ROLES", "TEAMS"}};
    for (auto const& u : users) {
        auto d = read_user_details(*tx, u, false);
        if (!d)
            store_failed(*tx, "read the user", d.error());
        if (a.json) {
            cli.out << boost::json::serialize(user_details_to_json(*d)) << '\n';
            continue;
        }
        auto owned = [](std::vector<owned_value> const& vs) {
            std::string s;
            for (auto const& v : vs)
                s += (s.empty() ? "" : ", ") + v.name + " (" + v.owner + ")";
            return s.empty() ? std::string("-") : s;
        };
        rows.push_back({u.id, u.email.value_or("-"), u.active ? "yes" : "no", owned(d->roles), owned(d->teams)});
    }
    if (!a.json) {
        print_table(cli.out, rows, "");
        if (a.email.empty() && users.size() == a.limit)
            cli.err << "more users: ssogate user list --after " << users.back().id << '\n';
    }
}

void run_show(cli_context& cli, user_args const& a)
{
    auto db = detail::open_store(cli.load_config());
    auto tx = begin(*db, store::access::read);
    auto u = lookup(cli, *tx, a.who);
    if (!u)
        return;
    auto d = read_user_details(*tx, *u, true);
    if (!d)
        store_failed(*tx, "read the user", d.error());
    if (a.json)
        cli.out << boost::json::serialize(user_details_to_json(*d)) << '\n';
    else
        print_details(cli.out, *d);
}

void run_explain(cli_context& cli, user_args const& a)
{
    auto const& cfg = cli.load_config();
    auto db = detail::open_store(cfg);
    auto tx = begin(*db, store::access::read);
    auto u = lookup(cli, *tx, a.who);
    if (!u)
        return;
    auto known = users_detail::read_known_connections(cfg, *tx);
    if (!known)
        store_failed(*tx, "read the connections", known.error());
    for (auto const& p : known->problems)
        cli.err << "ssogate: connection " << p.connection_id << " cannot be read: " << p.message << '\n';
    auto e = explain_user(*tx, *u, users_detail::policies_of(*known), users_detail::scim_settings_of(*known),
                          std::chrono::system_clock::now());
    if (!e)
        store_failed(*tx, "explain the user", e.error());
    if (a.json)
        cli.out << boost::json::serialize(user_explanation_to_json(*e)) << '\n';
    else
        print_explanation(cli.out, *e);
}

void run_link_list(cli_context& cli, user_args const& a)
{
    auto db = detail::open_store(cli.load_config());
    auto tx = begin(*db, store::access::read);
    auto pending = tx->link_approvals().pending();
    if (!pending)
        store_failed(*tx, "read the link requests", pending.error());
    std::vector<std::vector<std::string>> rows{{"ID", "CONNECTION", "SUBJECT", "EMAIL", "USER", "REQUESTED AT"}};
    for (auto const& la : *pending) {
        if (a.json)
            cli.out << boost::json::serialize(boost::json::object{{"id", la.id},
                                                                  {"connection", la.connection_id},
                                                                  {"subject", la.subject},
                                                                  {"email", la.email},
                                                                  {"user_id", la.user_id},
                                                                  {"requested_at", format_audit_time(la.requested_at)}})
                    << '\n';
        else
            rows.push_back({la.id, la.connection_id, la.subject, la.email, la.user_id,
                            format_audit_time(la.requested_at)});
    }
    if (!a.json) {
        if (pending->empty())
            cli.out << "no link request is waiting\n";
        else
            print_table(cli.out, rows, "");
    }
}

void run_link_decide(cli_context& cli, user_args const& a, bool approve)
{
    auto db = detail::open_store(cli.load_config());
    admin_actor actor;
    actor.type = "cli";
    actor.id = cli_actor_id();
    auto outcome = decide_link(*db, a.approval_id, approve, actor, system_random(),
                               std::chrono::system_clock::now());
    if (!outcome)
        throw startup_error(exit_failure, "cannot decide the link request: " + outcome.error().message());
    if (!outcome->approval) {
        cli.err << "ssogate: no pending link request " << a.approval_id << " (see: ssogate user link list)\n";
        cli.exit_code = exit_failure;
        return;
    }
    auto const& la = *outcome->approval;
    if (approve)
        cli.out << "approved: " << la.connection_id << " subject " << la.subject << " is now linked to user "
                << la.user_id << " (" << la.email << "); their next sign-in goes through\n";
    else
        cli.out << "denied: " << la.connection_id << " subject " << la.subject << " stays unlinked from user "
                << la.user_id << " (" << la.email << ")\n";
    process_audit_notifier().notify();
}

} // namespace

void add_user_commands(CLI::App& app, cli_context& ctx)
{
    auto args = std::make_shared<user_args>();
    auto* user = app.add_subcommand("user", "Users: provenance of their values, explain, link approvals");
    user->require_subcommand(1);

    auto* list = user->add_subcommand("list", "List users with their roles and teams (and owners)");
    list->add_option("--email", args->email, "Only the user with this email")->type_name("EMAIL");
    list->add_option("--after", args->after, "Users after this id (the cursor printed by the previous page)")
        ->type_name("ID");
    list->add_option("--limit", args->limit, "Users per page (1-1000, default 100)")->type_name("N");
    list->add_flag("--json", args->json, "Print JSON lines");
    list->callback([&ctx, args] { run_list(ctx, *args); });

    auto* show = user->add_subcommand("show", "A user's values with owner, time and event; identities");
    show->add_option("user", args->who, "Email or user id")->required()->type_name("EMAIL|ID");
    show->add_flag("--json", args->json, "Print JSON");
    show->callback([&ctx, args] { run_show(ctx, *args); });

    auto* explain = user->add_subcommand(
        "explain", "Why does this user have these values? Provenance, conflicts, last assertion, next sign-in");
    explain->add_option("user", args->who, "Email or user id")->required()->type_name("EMAIL|ID");
    explain->add_flag("--json", args->json, "Print JSON (the same as GET /admin/v1/users/{id}/explain)");
    explain->callback([&ctx, args] { run_explain(ctx, *args); });

    auto* link = user->add_subcommand("link", "Account links waiting for an administrator (link = \"admin_approval\")");
    link->require_subcommand(1);
    auto* link_list = link->add_subcommand("list", "Pending link requests");
    link_list->add_flag("--json", args->json, "Print JSON lines");
    link_list->callback([&ctx, args] { run_link_list(ctx, *args); });
    auto* approve = link->add_subcommand("approve", "Link the identity to the existing user now");
    approve->add_option("ID", args->approval_id, "The request id (ssogate user link list)")->required();
    approve->callback([&ctx, args] { run_link_decide(ctx, *args, true); });
    auto* deny = link->add_subcommand("deny", "Refuse the link; the identity stays unlinked");
    deny->add_option("ID", args->approval_id, "The request id (ssogate user link list)")->required();
    deny->callback([&ctx, args] { run_link_decide(ctx, *args, false); });

    add_user_adopt_command(*user, ctx);
}

} // namespace ssogate::gateway
