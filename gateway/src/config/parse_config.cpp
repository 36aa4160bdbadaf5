// parse_config: TOML text → validated, immutable `config`. No I/O.
#include <ssogate/gateway/config.hpp>

#include "config/reader.hpp"
#include "config/values.hpp"

#include <algorithm>
#include <set>

namespace ssogate::gateway {

using namespace std::chrono_literals;
using config_detail::config_failure;
using config_detail::context;
using config_detail::quote;
using config_detail::section;

namespace {

constexpr auto one_day = std::chrono::seconds{86400};

template <class T>
bool contains(std::vector<T> const& v, T const& x)
{
    return std::find(v.begin(), v.end(), x) != v.end();
}

std::string join(std::vector<std::string> const& v)
{
    std::string out;
    for (auto const& s : v)
        out += (out.empty() ? "" : ", ") + s;
    return out;
}

// A role name that must be one of [roles] order.
std::string checked_role(section const& s, std::string const& key_name, std::string const& role,
                         std::vector<std::string> const& order, toml::node const* at)
{
    if (!contains(order, role))
        s.ctx().fail(config_errc::not_one_of, key_name,
                     "must be one of " + join(order) + " (the roles of [roles] order) (got " + quote(role) + ")", at);
    return role;
}

// --- [roles] -----------------------------------------------------------------------

role_settings read_roles(context const& ctx, toml::table const* t)
{
    role_settings out;
    if (!t)
        return out;
    section s(ctx, *t, "roles.", {"order"});
    if (auto order = s.strings("order")) {
        if (order->empty())
            s.fail(config_errc::out_of_range, "order", "must name at least one role");
        std::set<std::string> seen;
        for (auto const& r : *order) {
            if (!config_detail::is_role_name(r))
                s.fail(config_errc::invalid_value, "order",
                       "must hold role names matching [a-z][a-z0-9_-]{0,62} (got " + quote(r) + ")");
            if (!seen.insert(r).second)
                s.fail(config_errc::duplicate_value, "order", "names role " + quote(r) + " twice");
        }
        out.order = std::move(*order);
    }
    return out;
}

// --- [server] ----------------------------------------------------------------------

server_settings read_server(context const& ctx, toml::table const* t)
{
    server_settings out;
    out.data_dir = ctx.resolve(out.data_dir);
    config_detail::listen_address listen{out.listen_host, out.listen_port, false};
    if (t) {
        section s(ctx, *t, "server.",
                  {"listen", "public_url", "tls_cert", "tls_key", "threads", "max_body_bytes",
                   "max_header_bytes", "max_connections", "read_timeout", "idle_timeout", "data_dir"});
        if (auto text = s.string("listen")) {
            auto parsed = config_detail::parse_listen(*text);
            if (!parsed)
                s.fail(config_errc::invalid_value, "listen",
                       "must be \"host:port\" with an IP address as host, e.g. \"127.0.0.1:8443\" or "
                       "\"[::1]:8443\" (got " + quote(*text) + ")");
            listen = *parsed;
            out.listen_host = listen.host;
            out.listen_port = listen.port;
        }
        if (auto url = s.string("public_url")) {
            std::string why;
            auto normalized = config_detail::normalize_https_url(*url, why);
            if (!normalized)
                s.fail(config_errc::invalid_value, "public_url",
                       why + ", e.g. \"https://sso.example.com\" (got " + quote(*url) + ")");
            out.public_url = std::move(*normalized);
            out.public_url_from_listen = false;
        }
        out.tls_cert = s.path("tls_cert");
        out.tls_key = s.path("tls_key");
        if (out.tls_cert.has_value() != out.tls_key.has_value()) {
            auto const set = out.tls_cert ? "tls_cert" : "tls_key";
            auto const unset = out.tls_cert ? "tls_key" : "tls_cert";
            s.fail(config_errc::conflicting_keys, set,
                   std::string("is set without server.") + unset
                       + "; set both (a PEM certificate and its key) or neither (a self-signed pair is generated)");
        }
        if (auto n = s.integer("threads", 1, 1024))
            out.threads = static_cast<unsigned>(*n);
        if (auto n = s.integer("max_body_bytes", 1024, 1024 * 1024 * 1024))
            out.max_body_bytes = static_cast<std::size_t>(*n);
        if (auto n = s.integer("max_header_bytes", 1024, 1024 * 1024))
            out.max_header_bytes = static_cast<std::size_t>(*n);
        if (auto n = s.integer("max_connections", 1, 1'000'000))
            out.max_connections = static_cast<std::size_t>(*n);
        if (auto d = s.duration("read_timeout", 1s, 1h))
            out.read_timeout = *d;
        if (auto d = s.duration("idle_timeout", 1s, 1h))
            out.idle_timeout = *d;
        if (auto p = s.path("data_dir"))
            out.data_dir = std::move(*p);
    }
    if (out.public_url_from_listen)
        out.public_url = "https://" + config_detail::authority_of(listen);
    return out;
}

// --- [store] -----------------------------------------------------------------------

store_settings read_store(context const& ctx, toml::table const* t)
{
    store_settings out;
    out.path = ctx.resolve(out.path);
    if (!t)
        return out;
    section s(ctx, *t, "store.", {"path", "url", "pool_size", "refresh_interval"});
    if (auto p = s.path("path"))
        out.path = std::move(*p);
    if (auto url = s.string("url")) {
        std::string why;
        // The URL may carry a password: it is never echoed in a message.
        if (!config_detail::is_postgresql_url(*url, why))
            s.fail(config_errc::invalid_value, "url", why);
        if (s.has("path"))
            s.fail(config_errc::conflicting_keys, "url",
                   "and store.path are both set; use path for SQLite or url for PostgreSQL, not both");
        out.url = std::move(*url);
    }
    if (auto n = s.integer("pool_size", 1, 1024))
        out.pool_size = static_cast<unsigned>(*n);
    if (auto d = s.duration("refresh_interval", 1s, 1h))
        out.refresh_interval = *d;
    return out;
}

// --- [session] ---------------------------------------------------------------------

session_settings read_session(context const& ctx, toml::table const* t)
{
    session_settings out;
    if (!t)
        return out;
    section s(ctx, *t, "session.", {"lifetime", "idle_timeout"});
    if (auto d = s.duration("lifetime", 1s, 365 * one_day))
        out.lifetime = *d;
    if (auto d = s.duration("idle_timeout", 1s, 365 * one_day)) {
        if (*d > out.lifetime)
            s.fail(config_errc::out_of_range, "idle_timeout",
                   "must not be longer than session.lifetime (" + config_detail::format_duration(out.lifetime)
                       + ") (got " + quote(config_detail::format_duration(*d)) + ")");
        out.idle_timeout = *d;
    } else {
        // The default idle timeout never exceeds a shorter configured lifetime.
        out.idle_timeout = std::min(out.idle_timeout, out.lifetime);
    }
    return out;
}

// --- [admin] -----------------------------------------------------------------------

admin_settings read_admin(context const& ctx, toml::table const* t, role_settings const& roles)
{
    admin_settings out;
    if (!contains(roles.order, std::string("owner")))
        out.roles = {roles.order.back()}; // the default is the highest role
    if (!t) {
        return out;
    }
    section s(ctx, *t, "admin.", {"roles", "session_idle_timeout"});
    if (auto list = s.strings("roles")) {
        if (list->empty())
            s.fail(config_errc::out_of_range, "roles", "must name at least one role");
        std::set<std::string> seen;
        for (auto const& r : *list) {
            checked_role(s, s.key("roles"), r, roles.order, s.node("roles"));
            if (!seen.insert(r).second)
                s.fail(config_errc::duplicate_value, "roles", "names role " + quote(r) + " twice");
        }
        out.roles = std::move(*list);
    }
    if (auto d = s.duration("session_idle_timeout", 1s, one_day))
        out.session_idle_timeout = *d;
    return out;
}

// --- [audit] -----------------------------------------------------------------------

audit_settings read_audit(context const& ctx, toml::table const* t)
{
    audit_settings out;
    if (!t)
        return out;
    section s(ctx, *t, "audit.", {"file"});
    out.file = s.path("file");
    return out;
}

// --- [sp] --------------------------------------------------------------------------

sp_settings read_sp(context const& ctx, toml::table const* t, server_settings const& server)
{
    sp_settings out;
    out.entity_id = server.public_url + "/sso/metadata";
    if (!t)
        return out;
    section s(ctx, *t, "sp.", {"entity_id", "key", "cert"});
    if (auto id = s.string("entity_id")) {
        if (!config_detail::is_absolute_uri(*id) || id->size() > 1024)
            s.fail(config_errc::invalid_value, "entity_id",
                   "must be an absolute URI such as \"https://sso.example.com/sso/metadata\" (got " + quote(*id) + ")");
        out.entity_id = std::move(*id);
    }
    out.key = s.path("key");
    out.cert = s.path("cert");
    if (out.key.has_value() != out.cert.has_value()) {
        auto const set = out.key ? "key" : "cert";
        auto const unset = out.key ? "cert" : "key";
        s.fail(config_errc::conflicting_keys, set,
               std::string("is set without sp.") + unset
                   + "; set both (a PEM key and its certificate) or neither (a pair is generated)");
    }
    return out;
}

// --- [[connection]] ----------------------------------------------------------------

std::optional<update_mode> read_update(section const& s, std::string_view name)
{
    return s.one_of<update_mode>(name, {{"each_login", update_mode::each_login},
                                        {"on_create", update_mode::on_create},
                                        {"never", update_mode::never}});
}

// A list of attribute names: non-empty, unique.
std::vector<std::string> read_attribute_list(section const& s, std::string_view name, std::vector<std::string> fallback)
{
    auto list = s.strings(name);
    if (!list)
        return fallback;
    std::set<std::string> seen;
    for (auto const& a : *list) {
        if (!config_detail::is_plain_name(a, 1024))
            s.fail(config_errc::invalid_value, name,
                   "must hold non-empty attribute names without control characters (got " + quote(a) + ")");
        if (!seen.insert(a).second)
            s.fail(config_errc::duplicate_value, name, "names attribute " + quote(a) + " twice");
    }
    return std::move(*list);
}

attribute_names read_attributes(context const& ctx, toml::table const* t)
{
    attribute_names out = default_attribute_names();
    if (!t)
        return out;
    section s(ctx, *t, "jit.attributes.",
              {"email", "given_name", "family_name", "display_name", "groups", "role", "subject"});
    out.email = read_attribute_list(s, "email", std::move(out.email));
    out.given_name = read_attribute_list(s, "given_name", std::move(out.given_name));
    out.family_name = read_attribute_list(s, "family_name", std::move(out.family_name));
    out.display_name = read_attribute_list(s, "display_name", std::move(out.display_name));
    out.groups = read_attribute_list(s, "groups", std::move(out.groups));
    out.role = read_attribute_list(s, "role", std::move(out.role));
    out.subject = s.text("subject");
    return out;
}

jit_settings read_jit(context const& ctx, toml::table const* t, role_settings const& roles,
                      std::uint32_t& enabled_line)
{
    jit_settings out;
    out.default_role = roles.order.front();
    if (!t)
        return out;
    section s(ctx, *t, "jit.",
              {"enabled", "update", "groups", "default_role", "default_team", "create_teams", "link", "attributes"});
    if (auto b = s.boolean("enabled")) {
        out.enabled = *b;
        enabled_line = config_detail::position_of(s.node("enabled")).first;
    }
    if (auto m = read_update(s, "update"))
        out.update = *m;
    if (auto m = s.one_of<group_sync_mode>(
            "groups", {{"off", group_sync_mode::off}, {"merge", group_sync_mode::merge}, {"sync", group_sync_mode::sync}}))
        out.groups = *m;
    if (auto r = s.string("default_role")) {
        if (r->empty())
            out.default_role.reset();
        else
            out.default_role = checked_role(s, s.key("default_role"), *r, roles.order, s.node("default_role"));
    }
    if (auto team = s.string("default_team")) {
        if (!config_detail::is_plain_name(*team, 128))
            s.fail(config_errc::invalid_value, "default_team",
                   "must be a team name of 1 to 128 characters without control characters (got " + quote(*team) + ")");
        out.default_team = std::move(*team);
    }
    if (auto b = s.boolean("create_teams"))
        out.create_teams = *b;
    if (auto p = s.one_of<link_policy>("link", {{"deny", link_policy::deny},
                                                {"verified_domain", link_policy::verified_domain},
                                                {"admin_approval", link_policy::admin_approval}}))
        out.link = *p;
    out.attributes = read_attributes(ctx, s.sub_table("attributes"));
    return out;
}

// Iterates a table of "name" = value pairs where the names are data (group names).
template <class F>
void for_each_entry(section const& s, std::string_view name, F&& f)
{
    auto const* t = s.sub_table(name);
    if (!t)
        return;
    for (auto const& [k, v] : *t) {
        std::string const entry_key = s.key(name) + "." + quote(k.str());
        if (!config_detail::is_plain_name(k.str(), 1024))
            s.ctx().fail(config_errc::invalid_value, entry_key,
                         "must be a non-empty name without control characters", &v);
        f(std::string(k.str()), entry_key, v);
    }
}

role_mapping read_role_mapping(context const& ctx, toml::table const* t, role_settings const& roles)
{
    role_mapping out;
    out.order = roles.order;
    if (!t)
        return out;
    section s(ctx, *t, "role_mapping.", {"update", "attribute_values", "groups"});
    out.update = read_update(s, "update");
    auto read_map = [&](std::string_view name, std::map<std::string, std::string>& into) {
        for_each_entry(s, name, [&](std::string key_text, std::string const& entry_key, toml::node const& v) {
            auto const* role = v.as_string();
            if (!role)
                ctx.fail(config_errc::wrong_type, entry_key,
                         "must be a role name, one of " + join(roles.order) + " (got " + config_detail::describe(v) + ")",
                         &v);
            into.emplace(std::move(key_text), checked_role(s, entry_key, role->get(), roles.order, &v));
        });
    };
    read_map("attribute_values", out.attribute_values);
    read_map("groups", out.groups);
    return out;
}

std::string checked_team(context const& ctx, std::string const& key_name, std::string const& team, toml::node const* at)
{
    if (!config_detail::is_plain_name(team, 128))
        ctx.fail(config_errc::invalid_value, key_name,
                 "must name teams of 1 to 128 characters without control characters (got " + quote(team) + ")", at);
    return team;
}

team_mapping read_team_mapping(context const& ctx, toml::table const* t)
{
    team_mapping out;
    if (!t)
        return out;
    section s(ctx, *t, "team_mapping.", {"update", "groups", "organization_convention", "organization"});
    out.update = read_update(s, "update");
    for_each_entry(s, "groups", [&](std::string group, std::string const& entry_key, toml::node const& v) {
        std::vector<std::string> teams;
        if (auto const* one = v.as_string()) {
            teams.push_back(checked_team(ctx, entry_key, one->get(), &v));
        } else if (auto const* many = v.as_array(); many && !many->empty()) {
            for (auto const& element : *many) {
                auto const* name = element.as_string();
                if (!name)
                    ctx.fail(config_errc::wrong_type, entry_key,
                             "must be a team name or an array of team names (got an array holding "
                                 + config_detail::describe(element) + ")",
                             &element);
                if (contains(teams, name->get()))
                    ctx.fail(config_errc::duplicate_value, entry_key, "names team " + quote(name->get()) + " twice",
                             &element);
                teams.push_back(checked_team(ctx, entry_key, name->get(), &element));
            }
        } else {
            ctx.fail(config_errc::wrong_type, entry_key,
                     "must be a team name or a non-empty array of team names (got " + config_detail::describe(v) + ")",
                     &v);
        }
        out.groups.emplace(std::move(group), std::move(teams));
    });
    if (auto b = s.boolean("organization_convention"))
        out.organization_convention = *b;
    if (auto org = s.string("organization")) {
        if (!config_detail::is_plain_name(*org, 128) || org->find(':') != std::string::npos)
            s.fail(config_errc::invalid_value, "organization",
                   "must be an organization name of 1 to 128 characters without \":\" or control characters (got "
                       + quote(*org) + ")");
        if (!out.organization_convention)
            s.fail(config_errc::conflicting_keys, "organization",
                   "only applies with team_mapping.organization_convention = true");
        out.organization = std::move(*org);
    }
    // The planner maps "organization:team" groups of one named organization only
    // (jit::connection_policy::team_organization); without the name it would refuse
    // the connection at startup, so say so here, with the line.
    if (out.organization_convention && !out.organization)
        s.fail(config_errc::missing_key, "organization_convention",
               "= true needs team_mapping.organization (the organization whose \"organization:team\" groups "
               "are mapped)");
    return out;
}

scim_settings read_scim(context const& ctx, toml::table const* t)
{
    scim_settings out;
    if (!t)
        return out;
    section s(ctx, *t, "scim.", {"enabled", "adopt_existing", "match_on", "role_attribute"});
    if (auto b = s.boolean("enabled"))
        out.enabled = *b;
    if (auto b = s.boolean("adopt_existing"))
        out.adopt_existing = *b;
    if (auto m = s.one_of<scim_match>("match_on", {{"userName", scim_match::user_name},
                                                   {"externalId", scim_match::external_id}}))
        out.match_on = *m;
    if (auto a = s.string("role_attribute")) {
        auto parsed = scim::parse_role_attribute(*a);
        if (!parsed)
            s.fail(config_errc::invalid_value, "role_attribute", parsed.error().detail);
        out.role_attribute = std::move(*parsed);
    }
    return out;
}

connection_config read_connection(context ctx, toml::table const& t, std::size_t index, role_settings const& roles)
{
    // Name the connection in messages by its id as soon as the id is usable.
    ctx.connection_label = "connection #" + std::to_string(index + 1);
    if (auto const* id = t.get_as<std::string>("id"); id && config_detail::is_connection_id(id->get())) {
        ctx.connection_label = "connection \"" + id->get() + "\"";
        ctx.connection_id = id->get();
    }
    section s(ctx, t, "",
              {"id", "name", "domains", "idp_metadata_file", "idp_metadata", "idp_entity_id", "sign_requests",
               "want_assertions_signed", "want_encrypted_assertions", "allow_idp_initiated", "allow_sha1",
               "clock_skew", "allowed_return_origins", "jit", "role_mapping", "team_mapping", "scim"});
    connection_config out;
    out.declared_at = {ctx.file, config_detail::position_of(&t).first};

    auto id = s.string("id");
    if (!id)
        ctx.fail_sentence(config_errc::missing_key, "id",
                          "id is required (a name such as \"okta\" matching [a-z0-9][a-z0-9_-]{0,62})", &t);
    if (!config_detail::is_connection_id(*id))
        s.fail(config_errc::invalid_value, "id",
               "must match [a-z0-9][a-z0-9_-]{0,62}, e.g. \"okta-main\" (got " + quote(*id) + ")");
    out.id = *id;
    out.name = s.text("name").value_or(out.id);

    if (auto list = s.strings("domains")) {
        for (auto const& d : *list) {
            auto normalized = config_detail::normalize_domain(d);
            if (!normalized)
                s.fail(config_errc::invalid_value, "domains",
                       "must hold DNS names such as \"example.com\" (IDNs in xn-- form, no trailing dot) (got "
                           + quote(d) + ")");
            if (contains(out.domains, *normalized))
                s.fail(config_errc::duplicate_value, "domains", "names domain " + quote(*normalized) + " twice");
            out.domains.push_back(std::move(*normalized));
        }
    }

    // IdP metadata: exactly one source.
    out.idp.file = s.path("idp_metadata_file");
    if (auto xml = s.string("idp_metadata")) {
        auto const first = xml->find_first_not_of(" \t\r\n");
        if (first == std::string::npos || (*xml)[first] != '<')
            s.fail(config_errc::invalid_value, "idp_metadata",
                   "must hold the IdP's metadata XML (an EntityDescriptor or EntitiesDescriptor)");
        out.idp.xml = std::move(*xml);
    }
    if (out.idp.file && out.idp.xml)
        s.fail(config_errc::conflicting_keys, "idp_metadata",
               "and idp_metadata_file are both set; use exactly one (a file or the XML inline)");
    if (!out.idp.file && !out.idp.xml)
        ctx.fail_sentence(config_errc::missing_key, "idp_metadata_file",
                          "one of idp_metadata_file or idp_metadata (inline XML) is required", &t);
    out.idp.entity_id = s.text("idp_entity_id");

    // SAML options.
    auto flag = [&](std::string_view name, bool& into) {
        if (auto b = s.boolean(name))
            into = *b;
    };
    flag("sign_requests", out.sp.sign_requests);
    flag("want_assertions_signed", out.sp.want_assertions_signed);
    flag("want_encrypted_assertions", out.sp.want_encrypted_assertions);
    flag("allow_idp_initiated", out.sp.allow_idp_initiated);
    flag("allow_sha1", out.sp.allow_sha1);
    if (auto d = s.duration("clock_skew", 0s, 1h))
        out.sp.clock_skew = *d;
    if (auto list = s.strings("allowed_return_origins")) {
        for (auto const& o : *list) {
            std::string why;
            auto normalized = config_detail::normalize_https_origin(o, why);
            if (!normalized)
                s.fail(config_errc::invalid_value, "allowed_return_origins", "entries " + why + " (got " + quote(o) + ")");
            if (contains(out.sp.allowed_return_origins, *normalized))
                s.fail(config_errc::duplicate_value, "allowed_return_origins",
                       "names origin " + quote(*normalized) + " twice");
            out.sp.allowed_return_origins.push_back(std::move(*normalized));
        }
    }

    out.jit = read_jit(ctx, s.sub_table("jit"), roles, out.jit_enabled_line);
    if (out.jit.link == link_policy::verified_domain && out.domains.empty())
        ctx.fail(config_errc::conflicting_keys, "jit.link",
                 "= \"verified_domain\" needs at least one entry in domains (the verified domains)",
                 s.sub_table("jit")->get("link"));
    out.roles = read_role_mapping(ctx, s.sub_table("role_mapping"), roles);
    out.teams = read_team_mapping(ctx, s.sub_table("team_mapping"));
    out.scim = read_scim(ctx, s.sub_table("scim"));
    return out;
}

std::vector<connection_config> read_connections(context const& ctx, toml::node const* n, role_settings const& roles)
{
    std::vector<connection_config> out;
    if (!n)
        return out;
    auto const* array = n->as_array();
    if (!array || !array->is_array_of_tables())
        ctx.fail(config_errc::wrong_type, "connection",
                 "must be an array of tables, each written [[connection]] (got " + config_detail::describe(*n) + ")", n);
    for (std::size_t i = 0; i < array->size(); ++i) {
        auto const& table = *array->get(i)->as_table();
        auto c = read_connection(ctx, table, i, roles);
        for (auto const& earlier : out)
            if (earlier.id == c.id) {
                context named = ctx;
                named.connection_label = "connection \"" + c.id + "\"";
                named.connection_id = c.id;
                named.fail(config_errc::duplicate_value, "id",
                           "is already used by the connection declared at line "
                               + std::to_string(earlier.declared_at.line) + "; ids must be unique",
                           table.get("id"));
            }
        out.push_back(std::move(c));
    }
    return out;
}

} // namespace

namespace config_detail {

connection_config read_connection_table(context const& ctx, toml::table const& t, role_settings const& roles)
{
    return read_connection(ctx, t, 0, roles);
}

} // namespace config_detail

attribute_names default_attribute_names()
{
    // What common IdPs send, short names first: Okta and Keycloak (email, firstName,
    // groups), Entra ID and ADFS (claim URIs), Google (custom names), OneLogin
    // (User.*), SimpleSAMLphp and Shibboleth (urn:oid: LDAP names).
    attribute_names n;
    n.email = {"email", "mail", "emailAddress", "Email", "User.email",
               "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
               "urn:oid:0.9.2342.19200300.100.1.3"};
    n.given_name = {"given_name", "givenName", "firstName", "first_name", "FirstName", "User.FirstName",
                    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname", "urn:oid:2.5.4.42"};
    n.family_name = {"family_name", "familyName", "sn", "surname", "lastName", "last_name", "LastName",
                     "User.LastName", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
                     "urn:oid:2.5.4.4"};
    n.display_name = {"display_name", "displayName", "name", "cn",
                      "http://schemas.microsoft.com/identity/claims/displayname",
                      "urn:oid:2.16.840.1.113730.3.1.241", "urn:oid:2.5.4.3"};
    n.groups = {"groups", "Groups", "group", "memberOf", "isMemberOf",
                "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
                "http://schemas.xmlsoap.org/claims/Group", "urn:oid:1.3.6.1.4.1.5923.1.5.1.1"};
    n.role = {"role", "roles", "Role", "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"};
    return n;
}

connection_config const* config::find_connection(std::string_view id) const noexcept
{
    for (auto const& c : connections)
        if (c.id == id)
            return &c;
    return nullptr;
}

config default_config()
{
    config c;
    c.server.public_url = "https://" + c.server.listen_host + ":" + std::to_string(c.server.listen_port);
    c.sp.entity_id = c.server.public_url + "/sso/metadata";
    return c;
}

boost::system::result<config, config_error> parse_config(std::string_view toml_text,
                                                         std::filesystem::path const& source_name)
{
    context ctx;
    ctx.file = source_name.string();
    ctx.base = source_name.parent_path();

    toml::table root;
    try {
        root = toml::parse(toml_text, ctx.file);
    } catch (toml::parse_error const& e) {
        config_error err;
        err.code = config_errc::syntax_error;
        err.line = static_cast<std::uint32_t>(e.source().begin.line);
        err.column = static_cast<std::uint32_t>(e.source().begin.column);
        err.message = ctx.file + ":" + std::to_string(err.line) + ":" + std::to_string(err.column)
            + ": invalid TOML: " + std::string(e.description());
        return err;
    }

    try {
        section top(ctx, root, "", {"server", "store", "session", "roles", "admin", "audit", "sp", "connection"});
        config c;
        c.source_file = source_name;
        c.roles = read_roles(ctx, top.sub_table("roles"));
        c.server = read_server(ctx, top.sub_table("server"));
        c.store = read_store(ctx, top.sub_table("store"));
        c.session = read_session(ctx, top.sub_table("session"));
        c.admin = read_admin(ctx, top.sub_table("admin"), c.roles);
        c.audit = read_audit(ctx, top.sub_table("audit"));
        c.sp = read_sp(ctx, top.sub_table("sp"), c.server);
        c.connections = read_connections(ctx, top.node("connection"), c.roles);
        return c;
    } catch (config_failure& f) {
        return std::move(f.error);
    }
}

} // namespace ssogate::gateway
