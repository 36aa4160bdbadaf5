// connection_registry::build: [[connection]] tables → trust, SP options and JIT policy,
// once at startup; and the sync of file-declared connections into the store.
#include <ssogate/gateway/connections.hpp>
#include <ssogate/gateway/startup_error.hpp>
#include <ssogate/saml/metadata.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
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

void connection_registry::set_sp(std::string entity_id, std::optional<saml::private_key> key,
                                 std::optional<saml::certificate> cert)
{
    sp_entity_id_ = std::move(entity_id);
    sp_key_ = std::move(key);
    sp_cert_ = std::move(cert);
}

connection_registry connection_registry::build(config const& cfg)
{
    connection_registry reg;

    // The SP key pair ([sp] key / cert). Without one, requests go unsigned and
    // encrypted assertions cannot be read; a connection that needs either is refused below.
    std::optional<saml::private_key> key;
    std::optional<saml::certificate> cert;
    if (cfg.sp.key) {
        auto k = saml::private_key::from_pem(read_whole_file(*cfg.sp.key, "SP key", nullptr));
        if (!k)
            throw startup_error(exit_usage, "sp.key " + cfg.sp.key->string() + ": not a usable unencrypted private key");
        key = *k;
    }
    if (cfg.sp.cert) {
        auto ct = saml::certificate::from_pem(read_whole_file(*cfg.sp.cert, "SP certificate", nullptr));
        if (!ct)
            throw startup_error(exit_usage, "sp.cert " + cfg.sp.cert->string() + ": not a PEM certificate");
        cert = *ct;
    }
    if (key && cert && !key->matches(*cert))
        throw startup_error(exit_usage, "sp.key and sp.cert are not a pair");
    reg.set_sp(cfg.sp.entity_id, key, cert);

    for (auto const& c : cfg.connections) {
        sso_connection sc;
        sc.id = c.id;
        sc.name = c.name.empty() ? c.id : c.name;
        sc.domains = c.domains;

        // IdP metadata: file or inline.
        std::string xml;
        std::string where = "inline idp_metadata";
        if (c.idp.file) {
            sc.metadata_file = *c.idp.file;
            where = "idp_metadata_file " + c.idp.file->string();
            xml = read_whole_file(*c.idp.file, "idp_metadata_file", &c);
        } else if (c.idp.xml) {
            xml = *c.idp.xml;
        } else {
            fail(c, "no idp_metadata_file or idp_metadata");
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
            }
            fail(c, msg);
        }
        sc.trust = md->trust();
        auto sso = md->sso_url(saml::binding_http_redirect);
        if (!sso)
            fail(c, where + ": the IdP has no SingleSignOnService with the HTTP-Redirect binding");
        sc.sso_redirect_url = *sso;
        sc.sign_requests = c.sp.sign_requests || md->want_authn_requests_signed;
        if (sc.sign_requests && (!key || key->type() != saml::private_key::kind::rsa))
            fail(c, "signed AuthnRequests are required (sign_requests or the IdP's WantAuthnRequestsSigned) "
                    "but [sp] key is not an RSA private key");
        if (c.sp.want_encrypted_assertions && !key)
            fail(c, "want_encrypted_assertions needs [sp] key and cert");

        sc.sp.entity_id = cfg.sp.entity_id;
        sc.sp.acs_url = cfg.server.public_url + "/sso/acs/" + c.id;
        sc.sp.clock_skew = c.sp.clock_skew;
        sc.sp.want_assertions_signed = c.sp.want_assertions_signed;
        sc.sp.allow_sha1 = c.sp.allow_sha1;
        sc.sp.allow_unsolicited = c.sp.allow_idp_initiated;
        if (key)
            sc.sp.decryption_keys.push_back(*key);
        sc.sp.max_response_bytes = std::min<std::size_t>(sc.sp.max_response_bytes, cfg.server.max_body_bytes);
        sc.want_encrypted_assertions = c.sp.want_encrypted_assertions;
        sc.allowed_return_origins = c.sp.allowed_return_origins;

        if (c.teams.organization_convention && !c.teams.organization)
            fail(c, "team_mapping.organization_convention needs team_mapping.organization "
                    "(groups of one named organization are mapped)");
        sc.policy = to_jit_policy(c);
        if (auto problem = jit::find_policy_problem(sc.policy))
            fail(c, *problem);
        reg.add(std::move(sc));
    }
    return reg;
}

sso_connection const* connection_registry::find(std::string_view id) const noexcept
{
    for (auto const& c : connections_)
        if (c.id == id)
            return &c;
    return nullptr;
}

std::vector<sso_connection const*> connection_registry::for_domain(std::string_view domain) const
{
    std::vector<sso_connection const*> out;
    for (auto const& c : connections_)
        for (auto const& d : c.domains)
            if (iequals(d, domain)) {
                out.push_back(&c);
                break;
            }
    return out;
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
    auto const source = cfg.source_file ? cfg.source_file->string() : std::string("(built-in defaults)");
    for (auto const& c : cfg.connections) {
        auto const name = c.name.empty() ? c.id : c.name;
        boost::json::object settings;
        settings["domains"] = boost::json::value_from(c.domains);
        settings["line"] = c.declared_at.line;
        auto found = tx.connections().find(c.id);
        if (!found)
            throw startup_error(exit_failure, "connection \"" + c.id + "\": store: " + found.error().message());
        if (!*found) {
            store::connection_record row;
            row.id = c.id;
            row.display_name = name;
            row.owner = store::connection_owner::file;
            row.source_file = source;
            row.jit_enabled = c.jit.enabled;
            row.settings_json = boost::json::serialize(settings);
            row.created_at = now;
            row.updated_at = now;
            if (auto r = tx.connections().create(row); !r)
                throw startup_error(exit_failure, "connection \"" + c.id + "\": store: " + r.error().message());
            continue;
        }
        auto row = **found;
        if (row.owner != store::connection_owner::file)
            throw startup_error(exit_usage, "connection \"" + c.id + "\" is declared in " + source
                                                + " but a connection with this id was created through the admin API");
        if (row.display_name == name && row.source_file == source)
            continue;
        row.display_name = name;
        row.source_file = source;
        row.settings_json = boost::json::serialize(settings);
        row.updated_at = now;
        if (auto r = tx.connections().update(row); !r)
            throw startup_error(exit_failure, "connection \"" + c.id + "\": store: " + r.error().message());
    }
    if (auto r = tx.commit(); !r)
        throw startup_error(exit_failure, "store: cannot record connections: " + r.error().message());
}

} // namespace ssogate::gateway
