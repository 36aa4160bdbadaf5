// connection_registry::build: [[connection]] tables → trust, SP options and JIT policy,
// once at startup; and the sync of file-declared connections into the store.
#include <ssogate/gateway/connections.hpp>
#include <ssogate/gateway/logger.hpp>
#include <ssogate/gateway/startup_error.hpp>
#include <ssogate/saml/metadata.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

namespace ssogate::gateway {

namespace {

bool iequals(std::string_view a, std::string_view b) noexcept
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
               return lower(x) == lower(y);
           });
}

[[noreturn]] void fail(connection_config const& c, std::string const& what)
{
    throw startup_error(exit_usage, "connection \"" + c.id + "\": " + what);
}

std::string read_whole_file(std::filesystem::path const& p, std::string const& what_for,
                            connection_config const* c)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream buf;
    if (in)
        buf << in.rdbuf();
    if (!in || in.bad()) {
        auto msg = "cannot read " + what_for + " " + p.string();
        if (c)
            fail(*c, msg);
        throw startup_error(exit_usage, msg);
    }
    return buf.str();
}

std::optional<std::string> try_read_file(std::filesystem::path const& p)
{
    std::ifstream in(p, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad())
        return std::nullopt;
    return buf.str();
}

jit::update_mode to_jit(update_mode m) noexcept
{
    switch (m) {
    case update_mode::each_login: return jit::update_mode::each_login;
    case update_mode::on_create: return jit::update_mode::on_create;
    case update_mode::never: return jit::update_mode::never;
    }
    return jit::update_mode::never;
}

jit::group_mode to_jit(group_sync_mode m) noexcept
{
    switch (m) {
    case group_sync_mode::off: return jit::group_mode::off;
    case group_sync_mode::merge: return jit::group_mode::merge;
    case group_sync_mode::sync: return jit::group_mode::sync;
    }
    return jit::group_mode::off;
}

jit::link_policy to_jit(link_policy p) noexcept
{
    switch (p) {
    case link_policy::deny: return jit::link_policy::deny;
    case link_policy::verified_domain: return jit::link_policy::verified_domain;
    case link_policy::admin_approval: return jit::link_policy::admin_approval;
    }
    return jit::link_policy::deny;
}

} // namespace

jit::connection_policy to_jit_policy(connection_config const& c)
{
    jit::connection_policy p;
    p.connection_id = c.id;
    p.jit_enabled = c.jit.enabled;
    p.update = to_jit(c.jit.update);
    if (c.roles.update)
        p.overrides.role = to_jit(*c.roles.update);
    if (c.teams.update)
        p.overrides.teams = to_jit(*c.teams.update);
    p.groups = to_jit(c.jit.groups);

    auto const& a = c.jit.attributes;
    p.attributes.email = a.email;
    p.attributes.given_name = a.given_name;
    p.attributes.family_name = a.family_name;
    p.attributes.display_name = a.display_name;
    p.attributes.groups = a.groups;
    p.attributes.role = a.role;
    p.attributes.subject.clear();
    if (a.subject)
        p.attributes.subject.push_back(*a.subject);

    p.roles = c.roles.order;
    p.default_role.reset();
    if (c.jit.default_role && !c.jit.default_role->empty())
        p.default_role = c.jit.default_role;
    for (auto const& [value, role] : c.roles.attribute_values)
        p.role_values.push_back({value, role});
    for (auto const& [group, role] : c.roles.groups)
        p.group_roles.push_back({group, role});

    for (auto const& [group, teams] : c.teams.groups)
        for (auto const& team : teams)
            p.group_teams.push_back({group, team});
    if (c.teams.organization_convention)
        p.team_organization = c.teams.organization.value_or(std::string());
    p.default_team = c.jit.default_team;
    p.create_teams = c.jit.create_teams;

    p.link = to_jit(c.jit.link);
    p.verified_domains = c.domains;
    return p;
}

std::variant<sso_connection, connection_problem> build_connection(connection_config const& c, sp_context const& sp)
{
    auto problem = [&](std::string field, std::string what) {
        return connection_problem{std::move(field), "connection \"" + c.id + "\": " + std::move(what)};
    };
    sso_connection sc;
    sc.id = c.id;
    sc.name = c.name.empty() ? c.id : c.name;
    sc.domains = c.domains;
    sc.settings = c;

    // IdP metadata: file or inline.
    std::string xml;
    std::string where = "inline idp_metadata";
    std::string field = "idp_metadata";
    if (c.idp.file) {
        sc.metadata_file = *c.idp.file;
        where = "idp_metadata_file " + c.idp.file->string();
        field = "idp_metadata_file";
        auto text = try_read_file(*c.idp.file);
        if (!text)
            return problem(field, "cannot read idp_metadata_file " + c.idp.file->string());
        xml = std::move(*text);
    } else if (c.idp.xml) {
        xml = *c.idp.xml;
    } else {
        return problem("idp_metadata", "no idp_metadata_file or idp_metadata");
    }
    saml::metadata_options mo;
    mo.entity_id = c.idp.entity_id;
    auto md = saml::parse_idp_metadata(xml, mo);
    if (!md) {
        auto msg = where + ": " + md.error().detail;
        if (!md.error().idp_entity_ids.empty()) {
            msg += " (set idp_entity_id to one of:";
            for (auto const& e : md.error().idp_entity_ids)
                msg += " " + e;
            msg += ")";
            field = "idp_entity_id";
        }
        return problem(field, msg);
    }
    sc.trust = md->trust();
    auto sso = md->sso_url(saml::binding_http_redirect);
    if (!sso)
        return problem(field, where + ": the IdP has no SingleSignOnService with the HTTP-Redirect binding");
    sc.sso_redirect_url = *sso;
    sc.sign_requests = c.sp.sign_requests || md->want_authn_requests_signed;
    if (sc.sign_requests && (!sp.key || sp.key->type() != saml::private_key::kind::rsa))
        return problem("sign_requests",
                       "signed AuthnRequests are required (sign_requests or the IdP's WantAuthnRequestsSigned) "
                       "but [sp] key is not an RSA private key");
    if (c.sp.want_encrypted_assertions && !sp.key)
        return problem("want_encrypted_assertions", "want_encrypted_assertions needs [sp] key and cert");

    sc.sp.entity_id = sp.entity_id;
    sc.sp.acs_url = sp.public_url + "/sso/acs/" + c.id;
    sc.sp.clock_skew = c.sp.clock_skew;
    sc.sp.want_assertions_signed = c.sp.want_assertions_signed;
    sc.sp.allow_sha1 = c.sp.allow_sha1;
    sc.sp.allow_unsolicited = c.sp.allow_idp_initiated;
    if (sp.key)
        sc.sp.decryption_keys.push_back(*sp.key);
    sc.sp.max_response_bytes = std::min<std::size_t>(sc.sp.max_response_bytes, sp.max_body_bytes);
    sc.want_encrypted_assertions = c.sp.want_encrypted_assertions;
    sc.allowed_return_origins = c.sp.allowed_return_origins;

    // The config parser refuses this too (with the line); kept for configs built in code.
    if (c.teams.organization_convention && !c.teams.organization)
        return problem("team_mapping.organization_convention",
                       "team_mapping.organization_convention needs team_mapping.organization "
                       "(groups of one named organization are mapped)");
    sc.policy = to_jit_policy(c);
    if (auto p = jit::find_policy_problem(sc.policy)) {
        // jit's messages start with the dotted key ("jit.team_organization must ...").
        auto key = p->substr(0, p->find(' '));
        return problem(key.find('.') != std::string::npos ? key : std::string("jit"), *p);
    }
    return sc;
}

sp_context load_sp_context(config const& cfg)
{
    sp_context sp;
    sp.entity_id = cfg.sp.entity_id;
    sp.public_url = cfg.server.public_url;
    sp.max_body_bytes = cfg.server.max_body_bytes;
    sp.roles = cfg.roles;
    // The SP key pair ([sp] key / cert). Without one, requests go unsigned and
    // encrypted assertions cannot be read; a connection that needs either is refused.
    if (cfg.sp.key) {
        auto k = saml::private_key::from_pem(read_whole_file(*cfg.sp.key, "SP key", nullptr));
        if (!k)
            throw startup_error(exit_usage, "sp.key " + cfg.sp.key->string() + ": not a usable unencrypted private key");
        sp.key = *k;
    }
    if (cfg.sp.cert) {
        auto ct = saml::certificate::from_pem(read_whole_file(*cfg.sp.cert, "SP certificate", nullptr));
        if (!ct)
            throw startup_error(exit_usage, "sp.cert " + cfg.sp.cert->string() + ": not a PEM certificate");
        sp.cert = *ct;
    }
    if (sp.key && sp.cert && !sp.key->matches(*sp.cert))
        throw startup_error(exit_usage, "sp.key and sp.cert are not a pair");
    return sp;
}

// --- the registry ------------------------------------------------------------------------

struct connection_registry::state {
    sp_context sp;
    store::store* db = nullptr;
    logger const* log = nullptr;

    mutable std::mutex mutex;
    /// The file's connections; replaced whole by a reload.
    std::vector<connection_ptr> file;
    /// Store-owned connections by id: what was built from which settings_json
    /// (conn null when that row could not be built).
    struct cached {
        connection_ptr conn;
        std::string settings_json;
    };
    std::map<std::string, cached, std::less<>> store_owned;
    /// When the rows were last listed (for_domain/all); nullopt forces a listing.
    std::optional<std::chrono::steady_clock::time_point> listed_at;
    std::chrono::milliseconds refresh_interval{1000};
};

connection_registry::connection_registry() : state_(std::make_unique<state>()) {}
connection_registry::~connection_registry() = default;
connection_registry::connection_registry(connection_registry&&) noexcept = default;
connection_registry& connection_registry::operator=(connection_registry&&) noexcept = default;

void connection_registry::set_sp(std::string entity_id, std::optional<saml::private_key> key,
                                 std::optional<saml::certificate> cert)
{
    state_->sp.entity_id = std::move(entity_id);
    state_->sp.key = std::move(key);
    state_->sp.cert = std::move(cert);
}

void connection_registry::set_sp(sp_context sp)
{
    state_->sp = std::move(sp);
}

sp_context const& connection_registry::sp() const noexcept
{
    return state_->sp;
}

void connection_registry::add(sso_connection c)
{
    std::lock_guard l(state_->mutex);
    state_->file.push_back(std::make_shared<sso_connection const>(std::move(c)));
}

void connection_registry::attach(store::store& db, logger const& log)
{
    state_->db = &db;
    state_->log = &log;
}

void connection_registry::set_refresh_interval(std::chrono::milliseconds interval)
{
    std::lock_guard l(state_->mutex);
    state_->refresh_interval = interval;
}

connection_registry connection_registry::build(config const& cfg)
{
    connection_registry reg;
    reg.set_sp(load_sp_context(cfg));
    for (auto const& c : cfg.connections) {
        auto built = build_connection(c, reg.sp());
        if (auto* p = std::get_if<connection_problem>(&built))
            throw startup_error(exit_usage, p->message);
        reg.add(std::get<sso_connection>(std::move(built)));
    }
    return reg;
}

connection_registry::connection_ptr connection_registry::build_from_row(store::connection_record const& row) const
{
    auto warn = [&](std::string const& why) {
        if (state_->log)
            state_->log->warn("connection in the store cannot be used", {{"connection", row.id}, {"error", why}});
        return connection_ptr();
    };
    boost::system::error_code ec;
    auto json = boost::json::parse(row.settings_json, ec);
    if (ec)
        return warn("settings_json is not JSON: " + ec.message());
    auto parsed = connection_from_json(json, state_->sp.roles);
    if (!parsed)
        return warn(parsed.error().message);
    if (parsed->id != row.id)
        return warn("settings_json names connection " + parsed->id);
    parsed->jit.enabled = row.jit_enabled;
    auto built = build_connection(*parsed, state_->sp);
    if (auto* p = std::get_if<connection_problem>(&built))
        return warn(p->message);
    auto c = std::get<sso_connection>(std::move(built));
    c.owner = store::connection_owner::store;
    c.settings_json = row.settings_json;
    return std::make_shared<sso_connection const>(std::move(c));
}

connection_registry::connection_ptr connection_registry::find_file_connection(std::string_view id) const
{
    std::lock_guard l(state_->mutex);
    for (auto const& c : state_->file)
        if (c->id == id)
            return c;
    return nullptr;
}

std::vector<connection_registry::connection_ptr> connection_registry::file_connections() const
{
    std::lock_guard l(state_->mutex);
    return state_->file;
}

connection_registry::connection_ptr connection_registry::find(std::string_view id) const
{
    if (auto c = find_file_connection(id))
        return c;
    if (!state_->db)
        return nullptr;

    // The row, read fresh: a change committed by any process is obeyed at once.
    std::optional<store::connection_record> row;
    {
        auto began = state_->db->begin(store::access::read);
        if (!began) {
            if (state_->log)
                state_->log->warn("connections: store unavailable", {{"error", began.error().message()}});
            return nullptr;
        }
        auto found = (*began)->connections().find(id);
        if (!found) {
            if (state_->log)
                state_->log->warn("connections: cannot read a connection",
                                  {{"connection", std::string(id)}, {"error", found.error().message()}});
            return nullptr;
        }
        row = std::move(*found);
    }
    if (!row || row->owner != store::connection_owner::store) {
        // Gone, or a row of a connection the file no longer declares.
        std::lock_guard l(state_->mutex);
        if (auto it = state_->store_owned.find(id); it != state_->store_owned.end())
            state_->store_owned.erase(it);
        return nullptr;
    }
    {
        std::lock_guard l(state_->mutex);
        if (auto it = state_->store_owned.find(id);
            it != state_->store_owned.end() && it->second.settings_json == row->settings_json)
            return it->second.conn;
    }
    auto conn = build_from_row(*row);
    std::lock_guard l(state_->mutex);
    state_->store_owned[row->id] = {conn, row->settings_json};
    return conn;
}

void connection_registry::refresh_listing() const
{
    if (!state_->db)
        return;
    auto const now = std::chrono::steady_clock::now();
    {
        std::lock_guard l(state_->mutex);
        if (state_->listed_at && now - *state_->listed_at < state_->refresh_interval)
            return;
    }
    std::vector<store::connection_record> rows;
    {
        auto began = state_->db->begin(store::access::read);
        if (!began)
            return;
        auto listed = (*began)->connections().list();
        if (!listed)
            return;
        rows = std::move(*listed);
    }
    // Rebuild what changed, outside the lock.
    std::map<std::string, state::cached, std::less<>> next;
    for (auto const& row : rows) {
        if (row.owner != store::connection_owner::store)
            continue;
        {
            std::lock_guard l(state_->mutex);
            if (auto it = state_->store_owned.find(row.id);
                it != state_->store_owned.end() && it->second.settings_json == row.settings_json) {
                next.emplace(row.id, it->second);
                continue;
            }
        }
        next.emplace(row.id, state::cached{build_from_row(row), row.settings_json});
    }
    std::lock_guard l(state_->mutex);
    state_->store_owned = std::move(next);
    state_->listed_at = now;
}

std::vector<connection_registry::connection_ptr> connection_registry::for_domain(std::string_view domain) const
{
    refresh_listing();
    std::vector<connection_ptr> out;
    auto matches = [&](sso_connection const& c) {
        return std::any_of(c.domains.begin(), c.domains.end(), [&](auto const& d) { return iequals(d, domain); });
    };
    std::lock_guard l(state_->mutex);
    for (auto const& c : state_->file)
        if (matches(*c))
            out.push_back(c);
    for (auto const& [id, cached] : state_->store_owned)
        if (cached.conn && matches(*cached.conn))
            out.push_back(cached.conn);
    return out;
}

std::vector<sso_connection> connection_registry::all() const
{
    refresh_listing();
    std::vector<sso_connection> out;
    std::lock_guard l(state_->mutex);
    for (auto const& c : state_->file)
        out.push_back(*c);
    for (auto const& [id, cached] : state_->store_owned)
        if (cached.conn)
            out.push_back(*cached.conn);
    return out;
}

bool connection_registry::is_current(sso_connection const& c, store::connection_record const& row) const noexcept
{
    if (c.owner != store::connection_owner::store)
        return true;
    return row.owner == store::connection_owner::store && row.settings_json == c.settings_json;
}

void connection_registry::invalidate(std::string_view id) const
{
    std::lock_guard l(state_->mutex);
    if (auto it = state_->store_owned.find(id); it != state_->store_owned.end())
        state_->store_owned.erase(it);
    state_->listed_at.reset();
}

void connection_registry::reload_store_connections() const
{
    {
        std::lock_guard l(state_->mutex);
        state_->listed_at.reset();
    }
    refresh_listing();
}

void connection_registry::replace_file_connections(std::vector<sso_connection> connections)
{
    std::vector<connection_ptr> next;
    next.reserve(connections.size());
    for (auto& c : connections)
        next.push_back(std::make_shared<sso_connection const>(std::move(c)));
    std::lock_guard l(state_->mutex);
    state_->file = std::move(next);
}

std::optional<std::string> sync_file_rows(store::transaction& tx, config const& cfg,
                                          std::chrono::system_clock::time_point now)
{
    auto const source = cfg.source_file ? cfg.source_file->string() : std::string("(built-in defaults)");
    for (auto const& c : cfg.connections) {
        auto const name = c.name.empty() ? c.id : c.name;
        boost::json::object settings;
        settings["domains"] = boost::json::value_from(c.domains);
        settings["line"] = c.declared_at.line;
        auto const settings_json = boost::json::serialize(settings);
        auto found = tx.connections().find(c.id);
        if (!found)
            return "connection \"" + c.id + "\": store: " + found.error().message();
        if (!*found) {
            store::connection_record row;
            row.id = c.id;
            row.display_name = name;
            row.owner = store::connection_owner::file;
            row.source_file = source;
            row.jit_enabled = c.jit.enabled;
            row.settings_json = settings_json;
            row.created_at = now;
            row.updated_at = now;
            if (auto r = tx.connections().create(row); !r)
                return "connection \"" + c.id + "\": store: " + r.error().message();
            continue;
        }
        auto row = **found;
        if (row.owner != store::connection_owner::file)
            return "connection \"" + c.id + "\" is declared in " + source
                   + " but a connection with this id was created through the admin API or CLI";
        if (row.display_name == name && row.source_file == source && row.jit_enabled == c.jit.enabled
            && row.settings_json == settings_json)
            continue;
        row.display_name = name;
        row.source_file = source;
        row.jit_enabled = c.jit.enabled;
        row.settings_json = settings_json;
        row.updated_at = std::max<store::time_point>(now, row.updated_at + std::chrono::microseconds(1));
        if (auto r = tx.connections().update(row); !r)
            return "connection \"" + c.id + "\": store: " + r.error().message();
    }
    return std::nullopt;
}

void sync_file_connections(config const& cfg, store::store& db, std::chrono::system_clock::time_point now)
{
    if (cfg.connections.empty())
        return;
    auto began = db.begin(store::access::write);
    if (!began)
        throw startup_error(exit_failure, "store: cannot begin a transaction to record connections: "
                                              + began.error().message());
    auto& tx = **began;
    if (auto problem = sync_file_rows(tx, cfg, now))
        throw startup_error(problem->find("created through") != std::string::npos ? exit_usage : exit_failure,
                            *problem);
    if (auto r = tx.commit(); !r)
        throw startup_error(exit_failure, "store: cannot record connections: " + r.error().message());
}

} // namespace ssogate::gateway
