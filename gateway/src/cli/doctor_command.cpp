// `ssogate doctor [--json]` (issue 7 "Troubleshooting tools"): checks the configuration
// and the store for the failure modes of JIT next to SCIM, and prints each finding with
// a command that fixes or explains it. Exit 0 when clean, 1 with findings.
//
// Checks (the `check` field of a finding):
//   connection_unreadable     a store-owned connection whose settings do not validate
//   jit_scim_disagree         JIT and SCIM both on (runtime switch), and for a user in the
//                             connection's SCIM view with an identity there, the JIT planner run
//                             on the last assertion (as `user explain` does) conflicts with values
//                             owned by scim:<c>: JIT's mapping would change them at the next
//                             sign-in (one finding per user, with the recorded conflict count)
//   jit_scim_role_unreachable JIT and SCIM both on, and SCIM owns a role that JIT's mapping can
//                             never produce (no value or group rule maps to it, it is not
//                             jit.default_role, and jit.attributes.role is empty); one per role
//   scim_not_owner            a user with an identity on (or created by the JIT of) a SCIM-enabled
//                             connection that is not in that connection's SCIM view and was not
//                             created by its SCIM: `ssogate user adopt EMAIL --connection C`
//   nobody_new_can_sign_in    JIT off and no active SCIM token on the connection
//   idp_certificate_expired / idp_certificate_expiring   (within 30 days)
//   idp_metadata_unreadable   the metadata cannot be read, so its certificates cannot be checked
//   sha1_allowed, idp_initiated_allowed
//   domain_claimed_twice      a verified domain on more than one connection
//   private_key_shared        the SP key or the TLS key (configured, or generated into
//                             data_dir) may be read or written by users other than its owner
//                             (group or other permission bits): `chmod 600 FILE`. `serve`
//                             refuses such a generated key, and warns about a configured one
//                             (secret mounts are often 0644).
//
// JSON (--json): {"findings":[{"check","severity","connection","user","message","commands":[…]}],
//                 "checked":{"connections":N,"users":N}}
#include <ssogate/gateway/audit.hpp>
#include <ssogate/gateway/cli.hpp>
#include <ssogate/saml/library.hpp>
#include <ssogate/saml/metadata.hpp>
#include <ssogate/saml/verify.hpp>
#include <ssogate/store/owner.hpp>

#include "cli/open_store.hpp"
#include "crypto/self_signed.hpp"
#include "users/connection_sources.hpp"

#include <ssogate/gateway/connections.hpp>
#include <ssogate/gateway/sp_keys.hpp>
#include <ssogate/gateway/tls.hpp>
#include <ssogate/gateway/users.hpp>
#include <ssogate/jit/owner.hpp>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <fstream>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <sstream>
#include <variant>

namespace ssogate::gateway {

namespace {

using time_point = std::chrono::system_clock::time_point;

struct finding {
    std::string check;
    std::string severity;   ///< error | warning
    std::string connection;
    std::string user;       ///< email or id, when about one user
    std::string message;
    std::vector<std::string> commands;
};

struct doctor_report {
    std::vector<finding> findings;
    std::size_t connections = 0;
    std::size_t users = 0;
};

/// The private keys ssogate loads whose file other users may read: the SP key and the TLS
/// key, configured or generated into data_dir (when there).
void check_key_files(config const& cfg, doctor_report& r)
{
    auto const generated = [&](std::string_view name) { return cfg.server.data_dir / std::string(name); };
    std::pair<std::filesystem::path, std::string> const keys[] = {
        {cfg.sp.key.value_or(generated(sp_key_file_name)), "[sp] key"},
        {cfg.server.tls_key.value_or(generated(self_signed_key_name)), "[server] tls_key"},
    };
    for (auto const& [path, what] : keys) {
        if (auto mode = detail::shared_file_mode(path))
            r.findings.push_back({"private_key_shared", "warning", {}, {},
                                  what + " " + path.string() + " may be read by other users (mode " + *mode
                                      + "): whoever reads it can impersonate this service",
                                  {"chmod 600 " + path.string()}});
    }
}

/// How a connection's setting is changed: the file to edit, or the CLI.
std::string how_to_set(users_detail::known_connection const& c, std::string const& key, std::string const& value)
{
    if (c.owner == store::connection_owner::file) {
        std::string file = c.settings.declared_at.file.empty() ? std::string("ssogate.toml")
                                                                : c.settings.declared_at.file.string();
        return "edit " + file + ": set " + key + " = " + value + " in connection \"" + c.settings.id
               + "\", then ssogate reload";
    }
    return "ssogate connection set " + c.settings.id + " " + key + "=" + value;
}

bool effective_jit(users_detail::known_connection const& c)
{
    return c.row ? c.row->jit_enabled : c.settings.jit.enabled;
}

/// The IdP metadata of a connection as text, or the reason it cannot be read.
std::variant<std::string, std::string> metadata_text(connection_config const& c)
{
    if (c.idp.xml)
        return std::variant<std::string, std::string>(std::in_place_index<0>, *c.idp.xml);
    if (c.idp.file) {
        std::ifstream in(*c.idp.file, std::ios::binary);
        if (!in)
            return std::variant<std::string, std::string>(std::in_place_index<1>,
                                                          "cannot read " + c.idp.file->string());
        std::ostringstream s;
        s << in.rdbuf();
        return std::variant<std::string, std::string>(std::in_place_index<0>, s.str());
    }
    return std::variant<std::string, std::string>(std::in_place_index<1>, "no IdP metadata configured");
}

void check_connection_settings(users_detail::known_connection const& c, doctor_report& r)
{
    auto const& id = c.settings.id;
    if (c.settings.sp.allow_sha1)
        r.findings.push_back({"sha1_allowed", "warning", id, {},
                              "connection " + id + " accepts SHA-1 signatures and digests (allow_sha1), which can be "
                              "forged; ask the IdP to sign with RSA-SHA256",
                              {how_to_set(c, "allow_sha1", "false")}});
    if (c.settings.sp.allow_idp_initiated)
        r.findings.push_back({"idp_initiated_allowed", "warning", id, {},
                              "connection " + id + " accepts IdP-initiated (unsolicited) sign-ins "
                              "(allow_idp_initiated), which cannot be bound to a browser and invite login CSRF",
                              {how_to_set(c, "allow_idp_initiated", "false")}});
}

void check_certificates(users_detail::known_connection const& c, time_point now, doctor_report& r)
{
    auto const& id = c.settings.id;
    auto text = metadata_text(c.settings);
    if (text.index() == 1) {
        r.findings.push_back({"idp_metadata_unreadable", "error", id, {},
                              "the IdP metadata of connection " + id + " cannot be read (" + std::get<1>(text)
                                  + "), so its signing certificates cannot be checked",
                              {"ssogate saml metadata-info FILE"}});
        return;
    }
    saml::metadata_options opts;
    opts.entity_id = c.settings.idp.entity_id;
    auto md = saml::parse_idp_metadata(std::get<0>(text), opts);
    if (!md) {
        r.findings.push_back({"idp_metadata_unreadable", "error", id, {},
                              "the IdP metadata of connection " + id + " is refused: " + md.error().detail,
                              {"ssogate saml metadata-info FILE"}});
        return;
    }
    auto const fix = c.settings.idp.file ? "ssogate saml metadata-info " + c.settings.idp.file->string()
                                         : std::string("ssogate connection show ") + id;
    for (auto const& cert : md->signing_certs) {
        auto const not_after = cert.not_after();
        std::string const what = "IdP signing certificate " + cert.subject() + " (SHA-256 "
                                 + cert.sha256_fingerprint().substr(0, 16) + "…) of connection " + id;
        if (not_after <= now)
            r.findings.push_back({"idp_certificate_expired", "error", id, {},
                                  what + " expired at " + format_audit_time(not_after)
                                      + "; the IdP has probably moved to a new one: import its current metadata",
                                  {fix}});
        else if (not_after - now <= std::chrono::hours(24 * 30))
            r.findings.push_back({"idp_certificate_expiring", "warning", id, {},
                                  what + " expires at " + format_audit_time(not_after)
                                      + " (within 30 days): import the IdP's metadata with the next certificate "
                                        "before then",
                                  {fix}});
    }
}

void check_domains(users_detail::known_connections const& known, doctor_report& r)
{
    std::map<std::string, std::vector<std::string>> by_domain;
    for (auto const& c : known.connections)
        for (auto const& d : c.settings.domains)
            by_domain[d].push_back(c.settings.id);
    for (auto const& [domain, ids] : by_domain) {
        if (ids.size() < 2)
            continue;
        std::string list;
        for (auto const& i : ids)
            list += (list.empty() ? "" : ", ") + i;
        r.findings.push_back({"domain_claimed_twice", "warning", ids.front(), {},
                              "the domain " + domain + " is claimed by " + std::to_string(ids.size())
                                  + " connections (" + list
                                  + "): people of that domain must choose their organization at sign-in, and a "
                                    "same-email account may be reached through either IdP",
                              {"ssogate connection show " + ids.front(), "ssogate connection show " + ids[1]}});
    }
}

/// Whether connection `connection_id`'s SCIM owns the user: it created it, or the user is
/// in that connection's SCIM view (created or adopted through SCIM).
store::result<bool> scim_owns(store::transaction& tx, store::user_record const& u, std::string const& connection_id)
{
    if (u.created_by == store::owner_scim(connection_id))
        return true;
    auto row = tx.scim().find_user(connection_id, u.id);
    if (!row)
        return store::result<bool>(boost::system::in_place_error, row.error());
    return row->has_value();
}

/// `provision.conflict` events recorded so far per user on `cid` against scim:<cid>.
store::result<std::map<std::string, std::size_t>> recorded_conflicts(store::transaction& tx, std::string const& cid)
{
    std::map<std::string, std::size_t> per_user;
    std::int64_t seq = 0;
    for (;;) {
        auto page = tx.audit().after(seq, 500, {"provision.conflict", cid});
        if (!page)
            return page.error();
        if (page->empty())
            break;
        for (auto const& e : *page) {
            boost::system::error_code ec;
            auto v = boost::json::parse(e.event.changes_json, ec);
            auto const* o = ec ? nullptr : v.if_object();
            auto const* owner = o ? o->if_contains("stored_owner") : nullptr;
            if (owner && owner->is_string() && owner->get_string() == store::owner_scim(cid))
                ++per_user[e.event.target];
        }
        seq = page->back().seq;
    }
    return per_user;
}

/// The roles JIT's mapping of `p` can give: the targets of its value and group rules and
/// its default role, and — when the connection reads a role attribute at all
/// (jit.attributes.role not empty) — every role, since an attribute value equal to a
/// role name maps to it without a rule.
std::set<std::string> producible_roles(jit::connection_policy const& p)
{
    std::set<std::string> out;
    if (!p.attributes.role.empty())
        out.insert(p.roles.begin(), p.roles.end());
    for (auto const& rule : p.role_values)
        out.insert(rule.role);
    for (auto const& rule : p.group_roles)
        out.insert(rule.role);
    if (p.default_role)
        out.insert(*p.default_role);
    return out;
}

/// jit_scim_disagree and jit_scim_role_unreachable for one connection with JIT and SCIM on
/// (see the file comment).
store::result<void> check_jit_against_scim(store::transaction& tx, users_detail::known_connection const& c,
                                           policy_lookup const& policies,
                                           std::map<std::string, std::string> const& email_of, time_point now,
                                           doctor_report& r)
{
    auto const& cid = c.settings.id;
    auto const scim_owner = store::owner_scim(cid);
    auto const policy = to_jit_policy(c.settings);
    auto const producible = producible_roles(policy);
    auto recorded = recorded_conflicts(tx, cid);
    if (!recorded)
        return recorded.error();
    std::map<std::string, std::vector<std::string>> unreachable; // role → users
    for (std::size_t offset = 0;; offset += 500) {
        auto page = tx.scim().list_users(cid, offset, 500);
        if (!page)
            return page.error();
        for (auto const& row : *page) {
            auto const it = email_of.find(row.user_id);
            std::string const who = it == email_of.end() ? row.user_id : it->second;
            auto roles = tx.users().roles(row.user_id);
            if (!roles)
                return roles.error();
            for (auto const& g : *roles)
                if (g.owner == scim_owner && !producible.contains(g.role))
                    unreachable[g.role].push_back(who);
            auto ids = tx.users().identities(row.user_id);
            if (!ids)
                return ids.error();
            for (auto const& identity : *ids) {
                if (identity.connection_id != cid)
                    continue;
                auto next = plan_next_sign_in(tx, identity, policies, now);
                if (!next)
                    return next.error();
                if (!next->plan)
                    continue;
                std::string what;
                bool role = false;
                for (auto const& k : next->plan->conflicts) {
                    if (!k.stored_owner || *k.stored_owner != jit::owner::scim(cid))
                        continue;
                    role = role || k.kind == jit::conflict_kind::role;
                    what += (what.empty() ? "" : "; ") + k.item + ": the assertion gives \"" + k.assertion_value
                            + "\", SCIM set \"" + k.stored_value + "\"";
                }
                if (what.empty())
                    continue;
                auto const n = recorded->contains(row.user_id) ? recorded->at(row.user_id) : 0;
                std::vector<std::string> commands{"ssogate user explain " + who};
                commands.push_back(role ? how_to_set(c, "role_mapping.update", "\"never\"")
                                        : how_to_set(c, "jit.update", "\"on_create\""));
                r.findings.push_back(
                    {"jit_scim_disagree", "warning", cid, who,
                     "JIT and SCIM are both enabled on connection " + cid + " and disagree about " + who
                         + ": with the last assertion JIT's mapping would change values SCIM owns (" + what
                         + "); SCIM's values are kept and every sign-in records a provision.conflict ("
                         + std::to_string(n) + " recorded so far). Align the IdP's SAML and SCIM mappings, or stop "
                         "JIT from updating them",
                     std::move(commands)});
            }
        }
        if (page->size() < 500)
            break;
    }
    for (auto const& [role, users] : unreachable) {
        std::string list;
        for (std::size_t i = 0; i < users.size() && i < 5; ++i)
            list += (list.empty() ? "" : ", ") + users[i];
        if (users.size() > 5)
            list += ", …";
        r.findings.push_back(
            {"jit_scim_role_unreachable", "warning", cid, users.size() == 1 ? users.front() : std::string(),
             "SCIM gives role " + role + " to " + std::to_string(users.size()) + " user(s) of connection " + cid + " ("
                 + list + ") but JIT's role mapping there can never produce it (no rule maps to it, it is not the "
                 "default role, and no role attribute is read): JIT will try to change it at each sign-in",
             {"ssogate user explain " + users.front(),
              how_to_set(c, "role_mapping.groups.GROUP", "\"" + role + "\"") + "  (GROUP: the IdP group of these users)"}});
    }
    return {};
}

store::result<void> check_data(store::transaction& tx, users_detail::known_connections const& known,
                               time_point now, doctor_report& r)
{
    std::map<std::string, users_detail::known_connection const*, std::less<>> scim_on;
    for (auto const& c : known.connections)
        if (c.settings.scim.enabled)
            scim_on.emplace(c.settings.id, &c);

    // JIT off and no SCIM token: nobody new can sign in.
    auto tokens = tx.tokens().list(store::token_kind::scim);
    if (!tokens)
        return tokens.error();
    for (auto const& c : known.connections) {
        if (effective_jit(c))
            continue;
        bool has_token = false;
        for (auto const& t : *tokens)
            has_token = has_token || (t.connection_id == c.settings.id && !t.revoked_at);
        if (has_token)
            continue;
        auto const& id = c.settings.id;
        r.findings.push_back({"nobody_new_can_sign_in", "error", id, {},
                              "JIT is off on connection " + id
                                  + " and it has no active SCIM token: nobody who does not already have an account "
                                    "can sign in through it",
                              {c.owner == store::connection_owner::file ? how_to_set(c, "jit.enabled", "true")
                                                                        : "ssogate connection jit " + id + " on",
                               "ssogate scim token create " + id}});
    }

    // Users: SCIM ownership on SCIM-enabled connections.
    std::map<std::string, std::string> email_of;   // user id → email (or id)
    std::string after;
    for (;;) {
        auto page = tx.users().list(after, 500);
        if (!page)
            return page.error();
        if (page->empty())
            break;
        for (auto const& u : *page) {
            ++r.users;
            email_of[u.id] = u.email.value_or(u.id);
            if (scim_on.empty())
                continue;
            auto ids = tx.users().identities(u.id);
            if (!ids)
                return ids.error();
            std::set<std::string> connections;
            for (auto const& i : *ids)
                connections.insert(i.connection_id);
            // created by this connection's JIT (identity may have been re-keyed) counts too
            for (auto const& [cid, c] : scim_on)
                if (u.created_by == store::owner_jit(cid))
                    connections.insert(cid);
            for (auto const& cid : connections) {
                auto it = scim_on.find(cid);
                if (it == scim_on.end())
                    continue;
                auto owned = scim_owns(tx, u, cid);
                if (!owned)
                    return owned.error();
                if (*owned)
                    continue;
                std::string const who = u.email.value_or(u.id);
                r.findings.push_back({"scim_not_owner", "warning", cid, who,
                                      "user " + who + " signs in through SCIM-enabled connection " + cid
                                          + " but SCIM does not own it (created by " + u.created_by
                                          + "): SCIM changes to this person will fail with uniqueness or be ignored "
                                            "until it is adopted",
                                      {"ssogate user adopt " + who + " --connection " + cid + " --dry-run",
                                       "ssogate user adopt " + who + " --connection " + cid}});
            }
        }
        after = page->back().id;
    }

    // JIT and SCIM both on: compare what JIT's mapping would write with what SCIM owns.
    auto policies = users_detail::policies_of(known);
    for (auto const& [cid, c] : scim_on) {
        if (!effective_jit(*c))
            continue;
        if (auto checked = check_jit_against_scim(tx, *c, policies, email_of, now, r); !checked)
            return checked;
    }
    return {};
}

struct doctor_args {
    bool json = false;
    std::string now;
};

void run_doctor(cli_context& cli, doctor_args const& args)
{
    bool const json = args.json;
    auto now = std::chrono::system_clock::now();
    if (!args.now.empty()) {
        auto parsed = saml::parse_saml_time(args.now);
        if (!parsed)
            throw startup_error(exit_usage, "--now must be a UTC time like 2026-01-01T00:00:00Z (got \"" + args.now + "\")");
        now = *parsed;
    }
    auto const& cfg = cli.load_config();
    auto db = detail::open_store(cfg);
    auto began = db->begin(store::access::read);
    if (!began)
        throw startup_error(exit_failure, "cannot read the store: " + began.error().message());
    auto& tx = **began;
    auto known = users_detail::read_known_connections(cfg, tx);
    if (!known)
        throw startup_error(exit_failure, "cannot read the connections: " + known.error().message());

    doctor_report report;
    report.connections = known->connections.size();
    for (auto const& p : known->problems)
        report.findings.push_back({"connection_unreadable", "error", p.connection_id, {},
                                   "connection " + p.connection_id + " in the store cannot be used: " + p.message,
                                   {"ssogate connection show " + p.connection_id}});
    {
        saml::library_guard const guard;
        for (auto const& c : known->connections) {
            check_connection_settings(c, report);
            check_certificates(c, now, report);
        }
    }
    check_domains(*known, report);
    check_key_files(cfg, report);
    if (auto r = check_data(tx, *known, now, report); !r)
        throw startup_error(exit_failure, "cannot read the store: " + r.error().message() + " "
                                              + tx.last_error_detail());

    if (json) {
        boost::json::array findings;
        for (auto const& f : report.findings) {
            boost::json::array commands;
            for (auto const& c : f.commands)
                commands.emplace_back(c);
            findings.push_back(boost::json::object{
                {"check", f.check},
                {"severity", f.severity},
                {"connection", f.connection.empty() ? boost::json::value(nullptr) : boost::json::value(f.connection)},
                {"user", f.user.empty() ? boost::json::value(nullptr) : boost::json::value(f.user)},
                {"message", f.message},
                {"commands", std::move(commands)}});
        }
        cli.out << boost::json::serialize(boost::json::object{
                       {"findings", std::move(findings)},
                       {"checked", boost::json::object{{"connections", report.connections}, {"users", report.users}}}})
                << '\n';
    } else {
        for (auto const& f : report.findings) {
            cli.out << f.severity << " [" << f.check << "] " << f.message << '\n';
            for (auto const& c : f.commands)
                cli.out << "    " << c << '\n';
        }
        cli.out << (report.findings.empty() ? "no problems found" : std::to_string(report.findings.size()) + " finding(s)")
                << " (" << report.connections << " connection(s), " << report.users << " user(s) checked)\n";
    }
    cli.exit_code = report.findings.empty() ? exit_ok : exit_failure;
}

} // namespace

void add_doctor_command(CLI::App& app, cli_context& ctx)
{
    auto args = std::make_shared<doctor_args>();
    auto* doctor = app.add_subcommand("doctor", "Check the configuration and the data for known problems");
    doctor->add_flag("--json", args->json, "Print JSON");
    doctor->add_option("--now", args->now, "Check certificate expiry as of this UTC time (default: now)")
        ->type_name("TIME");
    doctor->callback([&ctx, args] { run_doctor(ctx, *args); });
}

} // namespace ssogate::gateway
