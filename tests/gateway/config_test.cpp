#include <ssogate/gateway/config.hpp> // first: the public header is self-contained

#include <catch2/catch.hpp>

#include "temp_dir.hpp"

#include <boost/system/system_error.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

using namespace ssogate::gateway;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

fs::path fixture(std::string const& name)
{
    return ssogate::test::data_path("gateway/config") / name;
}

// The error a fixture (named for its single defect) is refused with.
config_error rejection(std::string const& name)
{
    auto r = load_config(fixture(name));
    INFO("fixture " << name);
    REQUIRE_FALSE(r.has_value());
    return r.error();
}

// The message for a fixture's defect: "<fixture path>: <what>".
std::string message_for(std::string const& name, std::string const& what)
{
    return fixture(name).string() + ": " + what;
}

config parsed(std::string const& text)
{
    auto r = parse_config(text, "ssogate.toml");
    if (!r)
        FAIL(r.error().message);
    return *r;
}

config_error refused(std::string const& text)
{
    auto r = parse_config(text, "ssogate.toml");
    REQUIRE_FALSE(r.has_value());
    return r.error();
}

void write(fs::path const& path, std::string const& text)
{
    std::ofstream out(path, std::ios::binary);
    out << text;
}

std::string const okta = "[[connection]]\nid = \"okta\"\nidp_metadata_file = \"okta.xml\"\n";

} // namespace

// --- errc ---------------------------------------------------------------------------

TEST_CASE("config error codes start at 1 and each has its own message", "[gateway][config]")
{
    CHECK(static_cast<int>(config_errc::file_not_found) == 1);
    std::set<std::string> messages;
    int const last = static_cast<int>(config_errc::conflicting_keys);
    for (int ev = 1; ev <= last; ++ev) {
        auto const ec = make_error_code(static_cast<config_errc>(ev));
        INFO("code " << ev << ": " << ec.message());
        CHECK(ec.category().name() == std::string("ssogate.config"));
        CHECK(ec.message() != "unknown configuration error");
        CHECK(messages.insert(ec.message()).second);
    }
    CHECK(messages.size() == static_cast<std::size_t>(last));
    boost::system::error_code ec = config_errc::unknown_key; // is_error_code_enum
    CHECK(ec == config_errc::unknown_key);
}

TEST_CASE("a config error streams as its message and value() throws it as a system_error", "[gateway][config]")
{
    auto r = parse_config("[server]\nthreads = 0\n", "ssogate.toml");
    REQUIRE_FALSE(r);
    std::ostringstream os;
    os << r.error();
    CHECK(os.str() == r.error().message);
    try {
        (void)r.value();
        FAIL("value() did not throw");
    } catch (boost::system::system_error const& e) {
        CHECK(e.code() == config_errc::out_of_range);
        CHECK(std::string(e.what()).find("server.threads") != std::string::npos);
    }
}

// --- defaults -----------------------------------------------------------------------

TEST_CASE("default_config holds the embedded defaults", "[gateway][config]")
{
    auto const c = default_config();
    CHECK_FALSE(c.source_file.has_value());
    CHECK(c.server.listen_host == "127.0.0.1");
    CHECK(c.server.listen_port == 8443);
    CHECK(c.server.public_url == "https://127.0.0.1:8443");
    CHECK(c.server.public_url_from_listen);
    CHECK_FALSE(c.server.tls_cert);
    CHECK_FALSE(c.server.tls_key);
    CHECK(c.server.threads == 0);
    CHECK(c.server.max_body_bytes == 1024 * 1024);
    CHECK(c.server.max_header_bytes == 16 * 1024);
    CHECK(c.server.read_timeout == 15s);
    CHECK(c.server.idle_timeout == 60s);
    CHECK(c.server.data_dir == ".");
    CHECK(c.store.path == "ssogate.db");
    CHECK_FALSE(c.store.url);
    CHECK(c.store.pool_size == 8);
    CHECK(c.store.refresh_interval == std::chrono::seconds(1));
    CHECK(c.session.lifetime == 8h);
    CHECK(c.session.idle_timeout == 1h);
    CHECK(c.roles.order == std::vector<std::string>{"member", "editor", "owner"});
    CHECK(c.admin.roles == std::vector<std::string>{"owner"});
    CHECK(c.admin.session_idle_timeout == 15min);
    CHECK_FALSE(c.audit.file);
    CHECK(c.sp.entity_id == "https://127.0.0.1:8443/sso/metadata");
    CHECK_FALSE(c.sp.key);
    CHECK(c.connections.empty());
}

TEST_CASE("an empty config file gives the embedded defaults with paths relative to the file's directory",
          "[gateway][config]")
{
    auto const r = parse_config("", "/etc/ssogate/ssogate.toml");
    REQUIRE(r);
    CHECK(r->source_file == fs::path("/etc/ssogate/ssogate.toml"));
    CHECK(r->store.path == "/etc/ssogate/ssogate.db");
    CHECK(r->server.data_dir == "/etc/ssogate/");
    CHECK(r->server.public_url == default_config().server.public_url);
    CHECK(r->roles.order == default_config().roles.order);
}

TEST_CASE("a config connection gets the documented defaults for every omitted key", "[gateway][config]")
{
    auto const c = parsed(okta);
    REQUIRE(c.connections.size() == 1);
    auto const& k = c.connections[0];
    CHECK(k.id == "okta");
    CHECK(k.name == "okta");
    CHECK(k.domains.empty());
    CHECK(k.idp.file == fs::path("okta.xml"));
    CHECK_FALSE(k.idp.xml);
    CHECK_FALSE(k.idp.entity_id);
    CHECK_FALSE(k.sp.sign_requests);
    CHECK_FALSE(k.sp.want_assertions_signed);
    CHECK_FALSE(k.sp.want_encrypted_assertions);
    CHECK_FALSE(k.sp.allow_idp_initiated);
    CHECK_FALSE(k.sp.allow_sha1);
    CHECK(k.sp.clock_skew == 180s);
    CHECK(k.sp.allowed_return_origins.empty());
    CHECK(k.jit.enabled);
    CHECK(k.jit.update == update_mode::each_login);
    CHECK(k.jit.groups == group_sync_mode::merge);
    CHECK(k.jit.default_role == std::optional<std::string>("member"));
    CHECK_FALSE(k.jit.default_team);
    CHECK_FALSE(k.jit.create_teams);
    CHECK(k.jit.link == link_policy::deny);
    CHECK_FALSE(k.jit.attributes.subject);
    CHECK(k.roles.order == c.roles.order);
    CHECK_FALSE(k.roles.update);
    CHECK(k.roles.attribute_values.empty());
    CHECK(k.roles.groups.empty());
    CHECK_FALSE(k.teams.update);
    CHECK(k.teams.groups.empty());
    CHECK_FALSE(k.teams.organization_convention);
    CHECK_FALSE(k.scim.enabled);
    CHECK_FALSE(k.scim.adopt_existing);
    CHECK(k.scim.match_on == scim_match::user_name);
    CHECK(k.declared_at.file == fs::path("ssogate.toml"));
    CHECK(k.declared_at.line == 1);
    CHECK(k.jit_enabled_line == 0);
    CHECK(c.find_connection("okta") == &k);
    CHECK(c.find_connection("entra") == nullptr);
}

TEST_CASE("the default config attribute names cover the claim URIs common IdPs send", "[gateway][config]")
{
    auto const n = default_attribute_names();
    auto has = [](std::vector<std::string> const& v, std::string const& x) {
        return std::find(v.begin(), v.end(), x) != v.end();
    };
    CHECK(has(n.email, "email"));
    CHECK(has(n.email, "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"));
    CHECK(has(n.email, "urn:oid:0.9.2342.19200300.100.1.3"));
    CHECK(has(n.given_name, "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname"));
    CHECK(has(n.family_name, "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname"));
    CHECK(has(n.display_name, "http://schemas.microsoft.com/identity/claims/displayname"));
    CHECK(has(n.groups, "groups"));
    CHECK(has(n.groups, "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"));
    CHECK(has(n.groups, "http://schemas.xmlsoap.org/claims/Group"));
    CHECK(has(n.role, "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"));
    CHECK_FALSE(n.subject);
}

TEST_CASE("configs compare equal field by field, so a reload can tell what changed", "[gateway][config]")
{
    CHECK(parsed(okta) == parsed(okta));
    CHECK(parse_config("", "ssogate.toml").value() == parse_config("", "ssogate.toml").value());
    CHECK_FALSE(parsed(okta) == parsed(okta + "jit = { enabled = false }\n"));
    CHECK(parsed(okta).connections[0].jit != parsed(okta + "jit = { enabled = false }\n").connections[0].jit);
    CHECK(parsed(okta).server == parsed(okta + "jit = { enabled = false }\n").server);
}

TEST_CASE("a config file spelling out every documented default equals the embedded defaults", "[gateway][config]")
{
    auto const text = ssogate::test::read_file(fixture("all_defaults_spelled_out.toml"));
    auto c = parsed(text);
    c.source_file.reset();
    CHECK_FALSE(c.server.public_url_from_listen); // written out, so not derived
    c.server.public_url_from_listen = true;
    auto const d = default_config();
    CHECK(c.server == d.server);
    CHECK(c.store == d.store);
    CHECK(c.session == d.session);
    CHECK(c.roles == d.roles);
    CHECK(c.admin == d.admin);
    CHECK(c.audit == d.audit);
    CHECK(c.sp == d.sp);
    CHECK(c == d);

    auto const connection_text = ssogate::test::read_file(fixture("connection_defaults_spelled_out.toml"));
    auto spelled = parsed(connection_text).connections.at(0);
    auto minimal = parsed(okta).connections.at(0);
    spelled.declared_at = minimal.declared_at = {};
    CHECK(spelled.jit_enabled_line != 0);
    spelled.jit_enabled_line = 0;
    CHECK(spelled == minimal);
}

// --- every key ----------------------------------------------------------------------

TEST_CASE("a config file that sets every key is parsed into the typed config", "[gateway][config]")
{
    auto const file = fixture("every_key_set.toml");
    auto const dir = file.parent_path();
    auto const r = load_config(file);
    if (!r)
        FAIL(r.error().message);
    auto const& c = *r;
    CHECK(c.source_file == file);

    CHECK(c.server.listen_host == "::1");
    CHECK(c.server.listen_port == 9443);
    CHECK(c.server.public_url == "https://sso.example.com");
    CHECK_FALSE(c.server.public_url_from_listen);
    CHECK(c.server.tls_cert == dir / "tls/cert.pem");
    CHECK(c.server.tls_key == fs::path("/etc/ssogate/tls/key.pem"));
    CHECK(c.server.threads == 4);
    CHECK(c.server.max_body_bytes == 2097152);
    CHECK(c.server.max_header_bytes == 32768);
    CHECK(c.server.read_timeout == 20s);
    CHECK(c.server.idle_timeout == 2min);
    CHECK(c.server.data_dir == dir / "var");

    CHECK(c.store.path == dir / "data/ssogate.db");
    CHECK(c.store.pool_size == 16);
    CHECK(c.store.refresh_interval == std::chrono::seconds(30));
    CHECK(c.session.lifetime == 12h);
    CHECK(c.session.idle_timeout == 90min);
    CHECK(c.roles.order == std::vector<std::string>{"viewer", "member", "editor", "owner"});
    CHECK(c.admin.roles == std::vector<std::string>{"owner", "editor"});
    CHECK(c.admin.session_idle_timeout == 10min);
    CHECK(c.audit.file == dir / "log/audit.jsonl");
    CHECK(c.sp.entity_id == "urn:example:ssogate");
    CHECK(c.sp.key == dir / "sp/key.pem");
    CHECK(c.sp.cert == dir / "sp/cert.pem");

    REQUIRE(c.connections.size() == 2);
    auto const& k = c.connections[0];
    CHECK(k.id == "okta-main");
    CHECK(k.name == "Okta (main)");
    CHECK(k.domains == std::vector<std::string>{"example.com", "corp.example.com"});
    CHECK(k.idp.file == dir / "idp/okta.xml");
    CHECK(k.idp.entity_id == std::optional<std::string>("http://www.okta.com/exk1"));
    CHECK(k.sp.sign_requests);
    CHECK(k.sp.want_assertions_signed);
    CHECK(k.sp.want_encrypted_assertions);
    CHECK(k.sp.allow_idp_initiated);
    CHECK(k.sp.allow_sha1);
    CHECK(k.sp.clock_skew == 120s);
    CHECK(k.sp.allowed_return_origins
          == std::vector<std::string>{"https://app.example.com", "https://wiki.example.com:8443"});

    CHECK_FALSE(k.jit.enabled);
    CHECK(k.jit_enabled_line == 53);
    CHECK(k.declared_at.line == 38);
    CHECK(k.declared_at.file == file);
    CHECK(k.jit.update == update_mode::on_create);
    CHECK(k.jit.groups == group_sync_mode::sync);
    CHECK(k.jit.default_role == std::optional<std::string>("viewer"));
    CHECK(k.jit.default_team == std::optional<std::string>("Everyone"));
    CHECK(k.jit.create_teams);
    CHECK(k.jit.link == link_policy::verified_domain);
    CHECK(k.jit.attributes.email == std::vector<std::string>{"mail"});
    CHECK(k.jit.attributes.given_name == std::vector<std::string>{"gn"});
    CHECK(k.jit.attributes.family_name == std::vector<std::string>{"fn"});
    CHECK(k.jit.attributes.display_name.empty());
    CHECK(k.jit.attributes.groups == std::vector<std::string>{"http://schemas.xmlsoap.org/claims/Group"});
    CHECK(k.jit.attributes.role == std::vector<std::string>{"appRole"});
    CHECK(k.jit.attributes.subject
          == std::optional<std::string>("http://schemas.microsoft.com/identity/claims/objectidentifier"));

    CHECK(k.roles.order == c.roles.order);
    CHECK(k.roles.update == std::optional<update_mode>(update_mode::each_login));
    CHECK(k.roles.attribute_values == std::map<std::string, std::string>{{"admin", "owner"}, {"writer", "editor"}});
    CHECK(k.roles.groups == std::map<std::string, std::string>{{"Engineering", "editor"}, {"sso-admins", "owner"}});
    CHECK(k.teams.update == std::optional<update_mode>(update_mode::never));
    CHECK(k.teams.groups
          == std::map<std::string, std::vector<std::string>>{{"Engineering", {"engineering"}},
                                                             {"Platform", {"platform", "engineering"}}});
    CHECK(k.teams.organization_convention);
    CHECK(k.teams.organization == std::optional<std::string>("acme"));
    CHECK(k.scim.enabled);
    CHECK(k.scim.adopt_existing);
    CHECK(k.scim.match_on == scim_match::external_id);

    auto const& e = c.connections[1];
    CHECK(e.id == "entra");
    REQUIRE(e.idp.xml);
    CHECK(e.idp.xml->find("https://sts.windows.net/t/") != std::string::npos);
    CHECK_FALSE(e.idp.file);
    CHECK(e.jit.default_role == std::optional<std::string>("viewer")); // the lowest role of [roles] order
}

// --- the example of STYLE.md rule 4 ---------------------------------------------------

TEST_CASE("a config connection with jit.update = \"always\" is rejected naming the file, connection and key",
          "[gateway][config]")
{
    auto const e = rejection("jit_update_always.toml");
    CHECK(e.code == config_errc::not_one_of);
    CHECK(e.message
          == message_for("jit_update_always.toml",
                         "connection \"okta\": jit.update must be one of each_login, on_create, never (got \"always\")"));
    CHECK(e.connection == "okta");
    CHECK(e.key == "jit.update");
    CHECK(e.line == 7);
    CHECK(e.column == 10);
}

TEST_CASE("a config with bad jit.groups, jit.link or scim.match_on words lists the allowed words",
          "[gateway][config]")
{
    auto e = rejection("jit_groups_bad_mode.toml");
    CHECK(e.code == config_errc::not_one_of);
    CHECK(e.message
          == message_for("jit_groups_bad_mode.toml",
                         "connection \"okta\": jit.groups must be one of off, merge, sync (got \"replace\")"));
    e = rejection("jit_link_bad_policy.toml");
    CHECK(e.message
          == message_for("jit_link_bad_policy.toml", "connection \"okta\": jit.link must be one of deny, "
                                                     "verified_domain, admin_approval (got \"email\")"));
    e = rejection("scim_match_on_bad.toml");
    CHECK(e.message
          == message_for("scim_match_on_bad.toml",
                         "connection \"okta\": scim.match_on must be one of userName, externalId (got \"email\")"));
}

// --- unknown keys ---------------------------------------------------------------------

TEST_CASE("a config with an unknown top-level table is rejected with a suggestion", "[gateway][config]")
{
    auto const e = rejection("unknown_top_level_table.toml");
    CHECK(e.code == config_errc::unknown_key);
    CHECK(e.key == "serverr");
    CHECK(e.message
          == message_for("unknown_top_level_table.toml",
                         "unknown key serverr (did you mean server?); expected one of server, store, session, roles, "
                         "admin, audit, sp, connection"));
}

TEST_CASE("a config with an unknown key in [server] is rejected naming it", "[gateway][config]")
{
    auto const e = rejection("unknown_server_key.toml");
    CHECK(e.code == config_errc::unknown_key);
    CHECK(e.key == "server.listen_addr");
    CHECK(e.line == 3);
    CHECK(e.message.rfind(message_for("unknown_server_key.toml", "unknown key server.listen_addr (did you mean server.listen?); expected one of listen, "),
                          0)
          == 0);
}

TEST_CASE("a config with a typo inside a connection or its sections is rejected, never ignored",
          "[gateway][config]")
{
    auto e = rejection("unknown_connection_key.toml");
    CHECK(e.code == config_errc::unknown_key);
    CHECK(e.connection == "okta");
    CHECK(e.message.find("connection \"okta\": unknown key allow_idp_initated (did you mean allow_idp_initiated?)")
          != std::string::npos);

    e = rejection("unknown_jit_key.toml");
    CHECK(e.code == config_errc::unknown_key);
    CHECK(e.key == "jit.updte");
    CHECK(e.message.find("connection \"okta\": unknown key jit.updte (did you mean jit.update?); expected one of "
                         "enabled, update, groups, default_role, default_team, create_teams, link, attributes")
          != std::string::npos);

    e = rejection("unknown_jit_attributes_key.toml");
    CHECK(e.code == config_errc::unknown_key);
    CHECK(e.key == "jit.attributes.mail");

    e = rejection("unknown_scim_key.toml");
    CHECK(e.code == config_errc::unknown_key);
    CHECK(e.key == "scim.adopt");
    CHECK(e.message.find("unknown key scim.adopt (did you mean scim.adopt_existing?)") != std::string::npos);

    e = rejection("unknown_team_mapping_key.toml");
    CHECK(e.code == config_errc::unknown_key);
    CHECK(e.key == "team_mapping.convention");

    e = refused(okta + "[connection.role_mapping]\nvalues = {}\n");
    CHECK(e.code == config_errc::unknown_key);
    CHECK(e.key == "role_mapping.values");
    e = refused("[store]\nfile = \"x.db\"\n");
    CHECK(e.key == "store.file");
    e = refused("[session]\nttl = \"1h\"\n");
    CHECK(e.key == "session.ttl");
    e = refused("[admin]\nrole = [\"owner\"]\n");
    CHECK(e.message.find("unknown key admin.role (did you mean admin.roles?)") != std::string::npos);
    e = refused("[audit]\npath = \"a.jsonl\"\n");
    CHECK(e.key == "audit.path");
    e = refused("[sp]\nentityid = \"urn:x\"\n");
    CHECK(e.key == "sp.entityid");
    e = refused("[roles]\nnames = [\"a\"]\n");
    CHECK(e.key == "roles.names");
}

// --- wrong types ------------------------------------------------------------------------

TEST_CASE("a config value of the wrong TOML type is rejected saying what was expected", "[gateway][config]")
{
    auto e = rejection("threads_as_string.toml");
    CHECK(e.code == config_errc::wrong_type);
    CHECK(e.message
          == message_for("threads_as_string.toml",
                         "server.threads must be an integer between 1 and 1024 (got string \"4\")"));

    e = rejection("jit_enabled_as_string.toml");
    CHECK(e.code == config_errc::wrong_type);
    CHECK(e.message
          == message_for("jit_enabled_as_string.toml",
                         "connection \"okta\": jit.enabled must be true or false (got string \"yes\")"));

    e = rejection("connection_single_table.toml");
    CHECK(e.code == config_errc::wrong_type);
    CHECK(e.message.find("connection must be an array of tables, each written [[connection]] (got a table)")
          != std::string::npos);

    e = rejection("team_mapping_group_to_number.toml");
    CHECK(e.code == config_errc::wrong_type);
    CHECK(e.key == "team_mapping.groups.\"Engineering\"");

    e = refused("server = 1\n");
    CHECK(e.code == config_errc::wrong_type);
    CHECK(e.message == "ssogate.toml: server must be a table (got integer 1)");
    e = refused(okta + "domains = \"example.com\"\n");
    CHECK(e.code == config_errc::wrong_type);
    CHECK(e.message == "ssogate.toml: connection \"okta\": domains must be an array of strings (got string \"example.com\")");
    e = refused(okta + "domains = [\"example.com\", 3]\n");
    CHECK(e.key == "domains[1]");
    e = refused(okta + "jit = true\n");
    CHECK(e.message == "ssogate.toml: connection \"okta\": jit must be a table (got boolean true)");
    e = refused("[server]\nread_timeout = 1.5\n");
    CHECK(e.code == config_errc::wrong_type);
}

// --- durations --------------------------------------------------------------------------

TEST_CASE("config durations are strings with units; bare integers and words are rejected", "[gateway][config]")
{
    auto e = rejection("duration_as_integer.toml");
    CHECK(e.code == config_errc::wrong_type);
    CHECK(e.message
          == message_for("duration_as_integer.toml", "session.lifetime must be a duration such as \"180s\", \"30m\", "
                                                     "\"8h\" or \"1h30m\" (got integer 28800)"));
    e = rejection("duration_with_words.toml");
    CHECK(e.code == config_errc::invalid_value);
    CHECK(e.message.find("(got \"8 hours\")") != std::string::npos);

    CHECK(parsed("[session]\nlifetime = \"1h30m\"\n").session.lifetime == 90min);
    CHECK(parsed("[session]\nlifetime = \"7d\"\n").session.lifetime == 7 * 24h);
    CHECK(parsed("[session]\nlifetime = \"45s\"\n").session.lifetime == 45s);
    for (auto bad : {"", "h", "8", "8H", "-8h", "8h ", "1.5h", "8hh", "99999999999s"}) {
        INFO("duration \"" << bad << "\"");
        CHECK(refused(std::string("[session]\nlifetime = \"") + bad + "\"\n").code == config_errc::invalid_value);
    }
}

TEST_CASE("a config default session idle timeout never exceeds a shorter lifetime", "[gateway][config]")
{
    CHECK(parsed("[session]\nlifetime = \"30m\"\n").session.idle_timeout == 30min);
    auto const e = rejection("session_idle_longer_than_lifetime.toml");
    CHECK(e.code == config_errc::out_of_range);
    CHECK(e.message
          == message_for("session_idle_longer_than_lifetime.toml",
                         "session.idle_timeout must not be longer than session.lifetime (1h) (got \"2h\")"));
}

// --- ranges: no clamping ----------------------------------------------------------------

TEST_CASE("config values out of range are rejected, never clamped", "[gateway][config]")
{
    auto e = rejection("threads_zero.toml");
    CHECK(e.code == config_errc::out_of_range);
    CHECK(e.message == message_for("threads_zero.toml", "server.threads must be an integer between 1 and 1024 (got 0)"));

    e = rejection("max_body_bytes_negative.toml");
    CHECK(e.code == config_errc::out_of_range);
    CHECK(e.key == "server.max_body_bytes");

    e = rejection("session_lifetime_zero.toml");
    CHECK(e.code == config_errc::out_of_range);
    CHECK(e.message
          == message_for("session_lifetime_zero.toml", "session.lifetime must be between 1s and 365d (got \"0s\")"));

    e = rejection("clock_skew_too_large.toml");
    CHECK(e.code == config_errc::out_of_range);
    CHECK(e.message
          == message_for("clock_skew_too_large.toml",
                         "connection \"okta\": clock_skew must be between 0s and 1h (got \"2h\")"));

    CHECK(parsed(okta + "clock_skew = \"0s\"\n").connections[0].sp.clock_skew == 0s);
    CHECK(parsed("[server]\nthreads = 1024\n").server.threads == 1024);
    CHECK(refused("[server]\nthreads = 1025\n").code == config_errc::out_of_range);
    CHECK(refused("[server]\nmax_header_bytes = 1023\n").code == config_errc::out_of_range);
    CHECK(refused("[server]\nread_timeout = \"0s\"\n").code == config_errc::out_of_range);
    CHECK(refused("[server]\nidle_timeout = \"2h\"\n").code == config_errc::out_of_range);
    CHECK(refused("[store]\npool_size = 0\n").code == config_errc::out_of_range);
    CHECK(refused("[store]\nrefresh_interval = \"0s\"\n").code == config_errc::out_of_range);
    CHECK(refused("[store]\nrefresh_interval = \"2h\"\n").message.find(
              "store.refresh_interval must be between 1s and 1h (got \"2h\")") != std::string::npos);
    CHECK(refused("[store]\nrefresh_interval = 10\n").code == config_errc::wrong_type);
    CHECK(parsed("[store]\nrefresh_interval = \"1h\"\n").store.refresh_interval == std::chrono::hours(1));
    CHECK(refused("[admin]\nsession_idle_timeout = \"2d\"\n").code == config_errc::out_of_range);
    CHECK(refused("[admin]\nroles = []\n").code == config_errc::out_of_range);
    CHECK(refused("[roles]\norder = []\n").code == config_errc::out_of_range);
}

TEST_CASE("a config server.max_connections is an integer from 1 to 1000000, default 1024", "[gateway][config]")
{
    CHECK(default_config().server.max_connections == 1024);
    CHECK(parsed("[server]\nmax_connections = 1\n").server.max_connections == 1);
    CHECK(parsed("[server]\nmax_connections = 1000000\n").server.max_connections == 1'000'000);

    auto e = refused("[server]\nmax_connections = 0\n");
    CHECK(e.code == config_errc::out_of_range);
    CHECK(e.key == "server.max_connections");
    CHECK(e.message.find("server.max_connections must be an integer between 1 and 1000000 (got 0)") != std::string::npos);
    CHECK(refused("[server]\nmax_connections = 1000001\n").code == config_errc::out_of_range);

    e = refused("[server]\nmax_connections = \"many\"\n");
    CHECK(e.code == config_errc::wrong_type);
    CHECK(e.message.find("server.max_connections must be an integer between 1 and 1000000 (got string \"many\")")
          != std::string::npos);
    e = refused("[server]\nmax_connections = 10.5\n");
    CHECK(e.code == config_errc::wrong_type);
    CHECK(e.key == "server.max_connections");
}

// --- connections --------------------------------------------------------------------------

TEST_CASE("a config with two connections of the same id is rejected", "[gateway][config]")
{
    auto const e = rejection("duplicate_connection_id.toml");
    CHECK(e.code == config_errc::duplicate_value);
    CHECK(e.message
          == message_for("duplicate_connection_id.toml",
                         "connection \"okta\": id is already used by the connection declared at line 2; ids must be "
                         "unique"));
    CHECK(e.line == 7);
}

TEST_CASE("a config connection needs exactly one of idp_metadata_file and idp_metadata", "[gateway][config]")
{
    auto e = rejection("both_metadata_forms.toml");
    CHECK(e.code == config_errc::conflicting_keys);
    CHECK(e.message
          == message_for("both_metadata_forms.toml",
                         "connection \"okta\": idp_metadata and idp_metadata_file are both set; use exactly one (a "
                         "file or the XML inline)"));
    e = rejection("no_metadata.toml");
    CHECK(e.code == config_errc::missing_key);
    CHECK(e.message
          == message_for("no_metadata.toml",
                         "connection \"okta\": one of idp_metadata_file or idp_metadata (inline XML) is required"));
    e = refused("[[connection]]\nid = \"okta\"\nidp_metadata = \"not xml\"\n");
    CHECK(e.code == config_errc::invalid_value);
    CHECK(e.key == "idp_metadata");
}

TEST_CASE("a config connection id must be a lower-case slug and is required", "[gateway][config]")
{
    auto e = rejection("connection_id_uppercase.toml");
    CHECK(e.code == config_errc::invalid_value);
    CHECK(e.message
          == message_for("connection_id_uppercase.toml",
                         "connection #1: id must match [a-z0-9][a-z0-9_-]{0,62}, e.g. \"okta-main\" (got \"Okta\")"));
    CHECK(e.connection.empty());
    e = rejection("connection_id_missing.toml");
    CHECK(e.code == config_errc::missing_key);
    CHECK(e.message.find("connection #1: id is required") != std::string::npos);

    CHECK(parsed("[[connection]]\nid = \"0-a_b\"\nidp_metadata_file = \"m.xml\"\n").connections[0].id == "0-a_b");
    std::string const longest(63, 'a');
    CHECK(parsed("[[connection]]\nid = \"" + longest + "\"\nidp_metadata_file = \"m.xml\"\n").connections[0].id
          == longest);
    CHECK(refused("[[connection]]\nid = \"" + longest + "a\"\nidp_metadata_file = \"m.xml\"\n").code
          == config_errc::invalid_value);
    CHECK(refused("[[connection]]\nid = \"-okta\"\nidp_metadata_file = \"m.xml\"\n").code == config_errc::invalid_value);
    CHECK(refused("[[connection]]\nid = \"ok ta\"\nidp_metadata_file = \"m.xml\"\n").code == config_errc::invalid_value);
}

TEST_CASE("a config domain is lower-cased, must be a DNS name, and may be shared by connections",
          "[gateway][config]")
{
    auto const shared = load_config(fixture("same_domain_two_connections.toml"));
    REQUIRE(shared);
    CHECK(shared->connections.at(0).domains == std::vector<std::string>{"example.com"});
    CHECK(shared->connections.at(1).domains == std::vector<std::string>{"example.com"});

    auto e = rejection("domain_twice_in_connection.toml");
    CHECK(e.code == config_errc::duplicate_value);
    CHECK(e.message
          == message_for("domain_twice_in_connection.toml",
                         "connection \"okta\": domains names domain \"example.com\" twice"));
    e = rejection("domain_invalid.toml");
    CHECK(e.code == config_errc::invalid_value);
    CHECK(e.message.find("connection \"okta\": domains must hold DNS names") != std::string::npos);
    CHECK(e.message.find("(got \"exa mple.com\")") != std::string::npos);

    CHECK(parsed(okta + "domains = [\"xn--bcher-kva.example\"]\n").connections[0].domains[0] == "xn--bcher-kva.example");
    for (auto bad : {"example.com.", "-example.com", "example-.com", "exa_mple.com", "bücher.example", ".example.com", ""}) {
        INFO("domain \"" << bad << "\"");
        CHECK(refused(okta + "domains = [\"" + bad + "\"]\n").code == config_errc::invalid_value);
    }
}

TEST_CASE("a config with jit.link = \"verified_domain\" needs verified domains", "[gateway][config]")
{
    auto const e = rejection("link_verified_domain_without_domains.toml");
    CHECK(e.code == config_errc::conflicting_keys);
    CHECK(e.message
          == message_for("link_verified_domain_without_domains.toml",
                         "connection \"okta\": jit.link = \"verified_domain\" needs at least one entry in domains (the "
                         "verified domains)"));
    CHECK(parsed(okta + "domains = [\"example.com\"]\njit = { link = \"verified_domain\" }\n").connections[0].jit.link
          == link_policy::verified_domain);
}

TEST_CASE("a config return origin must be an https origin without a path", "[gateway][config]")
{
    auto e = rejection("return_origin_http.toml");
    CHECK(e.code == config_errc::invalid_value);
    CHECK(e.message
          == message_for("return_origin_http.toml", "connection \"okta\": allowed_return_origins entries must use the "
                                                    "https scheme (got \"http://app.example.com\")"));
    e = rejection("return_origin_with_path.toml");
    CHECK(e.code == config_errc::invalid_value);
    CHECK(e.message.find("must be an origin only") != std::string::npos);
    CHECK(refused(okta + "allowed_return_origins = [\"https://u:p@app.example.com\"]\n").code
          == config_errc::invalid_value);
    CHECK(refused(okta + "allowed_return_origins = [\"https://app.example.com\", \"https://APP.example.com/\"]\n").code
          == config_errc::duplicate_value);
    CHECK(parsed(okta + "allowed_return_origins = [\"https://app.example.com:443\"]\n")
              .connections[0]
              .sp.allowed_return_origins
          == std::vector<std::string>{"https://app.example.com"});
}

TEST_CASE("a config public_url and return origins may name an IPv6 literal and drop port 443", "[gateway][config]")
{
    auto const c = parsed("[server]\npublic_url = \"https://[::1]:9443/\"\n" + okta
                          + "allowed_return_origins = [\"https://[::1]:8443\", \"https://EXAMPLE.com:443/\"]\n");
    CHECK(c.server.public_url == "https://[::1]:9443");
    CHECK(c.sp.entity_id == "https://[::1]:9443/sso/metadata");
    CHECK(c.connections[0].sp.allowed_return_origins
          == std::vector<std::string>{"https://[::1]:8443", "https://example.com"});
}

// --- roles and mappings ------------------------------------------------------------------

TEST_CASE("a config role name must be one of [roles] order wherever it appears", "[gateway][config]")
{
    auto e = rejection("role_mapping_unknown_role.toml");
    CHECK(e.code == config_errc::not_one_of);
    CHECK(e.message
          == message_for("role_mapping_unknown_role.toml",
                         "connection \"okta\": role_mapping.groups.\"sso-admins\" must be one of member, editor, owner "
                         "(the roles of [roles] order) (got \"root\")"));
    e = rejection("admin_unknown_role.toml");
    CHECK(e.code == config_errc::not_one_of);
    CHECK(e.key == "admin.roles");
    e = refused(okta + "jit = { default_role = \"boss\" }\n");
    CHECK(e.code == config_errc::not_one_of);
    CHECK(e.key == "jit.default_role");
    e = rejection("roles_order_duplicate.toml");
    CHECK(e.code == config_errc::duplicate_value);
    CHECK(refused("[roles]\norder = [\"Member\"]\n").code == config_errc::invalid_value);
}

TEST_CASE("a config with default_role = \"\" has no default role", "[gateway][config]")
{
    CHECK_FALSE(parsed(okta + "jit = { default_role = \"\" }\n").connections[0].jit.default_role);
}

TEST_CASE("a config with custom roles and no owner role lets the highest role administer", "[gateway][config]")
{
    auto const c = parsed("[roles]\norder = [\"user\", \"admin\"]\n" + okta);
    CHECK(c.admin.roles == std::vector<std::string>{"admin"});
    CHECK(c.connections[0].jit.default_role == std::optional<std::string>("user"));
    CHECK(c.connections[0].roles.order == std::vector<std::string>{"user", "admin"});
}

TEST_CASE("a config team mapping takes a team or a list of teams per group", "[gateway][config]")
{
    auto e = rejection("organization_without_convention.toml");
    CHECK(e.code == config_errc::conflicting_keys);
    CHECK(e.key == "team_mapping.organization");
    CHECK(refused(okta + "team_mapping = { groups = { \"Eng\" = [] } }\n").code == config_errc::wrong_type);
    CHECK(refused(okta + "team_mapping = { groups = { \"Eng\" = [\"a\", \"a\"] } }\n").code
          == config_errc::duplicate_value);
    CHECK(refused(okta + "team_mapping = { groups = { \"Eng\" = \"\" } }\n").code == config_errc::invalid_value);
    CHECK(refused(okta + "team_mapping = { organization_convention = true, organization = \"a:b\" }\n").code
          == config_errc::invalid_value);
    CHECK(refused(okta + "jit = { attributes = { email = [\"mail\", \"mail\"] } }\n").code
          == config_errc::duplicate_value);
}

// --- server -----------------------------------------------------------------------------

TEST_CASE("a config tls_cert without tls_key is rejected, and the reverse", "[gateway][config]")
{
    auto const e = rejection("tls_cert_without_key.toml");
    CHECK(e.code == config_errc::conflicting_keys);
    CHECK(e.message
          == message_for("tls_cert_without_key.toml",
                         "server.tls_cert is set without server.tls_key; set both (a PEM certificate and its key) or "
                         "neither (a self-signed pair is generated)"));
    CHECK(refused("[server]\ntls_key = \"k.pem\"\n").key == "server.tls_key");
    auto const s = rejection("sp_key_without_cert.toml");
    CHECK(s.code == config_errc::conflicting_keys);
    CHECK(s.key == "sp.key");
}

TEST_CASE("a config public_url must be https without query or fragment", "[gateway][config]")
{
    auto e = rejection("public_url_http.toml");
    CHECK(e.code == config_errc::invalid_value);
    CHECK(e.message
          == message_for("public_url_http.toml", "server.public_url must use the https scheme, e.g. "
                                                 "\"https://sso.example.com\" (got \"http://sso.example.com\")"));
    e = rejection("public_url_with_query.toml");
    CHECK(e.code == config_errc::invalid_value);
    CHECK(e.message.find("must not have a query or fragment") != std::string::npos);
    CHECK(refused("[server]\npublic_url = \"https://sso.example.com/#top\"\n").code == config_errc::invalid_value);
    CHECK(refused("[server]\npublic_url = \"sso.example.com\"\n").code == config_errc::invalid_value);
    CHECK(refused("[server]\npublic_url = \"https://sso.example.com:0\"\n").code == config_errc::invalid_value);

    auto const c = parsed("[server]\npublic_url = \"https://sso.example.com:443/gate/\"\n");
    CHECK(c.server.public_url == "https://sso.example.com/gate");
    CHECK(c.sp.entity_id == "https://sso.example.com/gate/sso/metadata");
}

TEST_CASE("a config listen address is an IP literal and a port; public_url follows it by default",
          "[gateway][config]")
{
    auto e = rejection("listen_hostname.toml");
    CHECK(e.code == config_errc::invalid_value);
    CHECK(e.message
          == message_for("listen_hostname.toml", "server.listen must be \"host:port\" with an IP address as host, "
                                                 "e.g. \"127.0.0.1:8443\" or \"[::1]:8443\" (got \"localhost:8443\")"));
    CHECK(rejection("listen_without_port.toml").code == config_errc::invalid_value);
    CHECK(rejection("listen_port_too_large.toml").code == config_errc::invalid_value);
    for (auto bad : {"::1:8443", "[::1]8443", "[::1]:", "1.2.3:80", "127.0.0.1:-1", "[127.0.0.1]:80", ":8443"}) {
        INFO("listen \"" << bad << "\"");
        CHECK(refused(std::string("[server]\nlisten = \"") + bad + "\"\n").code == config_errc::invalid_value);
    }

    auto v6 = parsed("[server]\nlisten = \"[::1]:8443\"\n");
    CHECK(v6.server.listen_host == "::1");
    CHECK(v6.server.listen_port == 8443);
    CHECK(v6.server.public_url == "https://[::1]:8443");
    CHECK(v6.sp.entity_id == "https://[::1]:8443/sso/metadata");

    auto any = parsed("[server]\nlisten = \"0.0.0.0:0\"\n");
    CHECK(any.server.listen_host == "0.0.0.0");
    CHECK(any.server.listen_port == 0);
    CHECK(any.server.public_url_from_listen);
}

// --- store --------------------------------------------------------------------------------

TEST_CASE("a config store url must be a postgresql URL and is never echoed", "[gateway][config]")
{
    auto const c = parsed("[store]\nurl = \"postgresql://ssogate@db.example.com:5432/ssogate\"\n");
    CHECK(c.store.url == std::optional<std::string>("postgresql://ssogate@db.example.com:5432/ssogate"));
    CHECK(parsed("[store]\nurl = \"postgresql:///ssogate?host=/run/postgresql\"\n").store.url.has_value());

    auto e = rejection("store_url_mysql.toml");
    CHECK(e.code == config_errc::invalid_value);
    CHECK(e.message == message_for("store_url_mysql.toml", "store.url must use the postgresql:// scheme"));
    CHECK(e.message.find("hunter2") == std::string::npos);

    e = rejection("store_url_and_path.toml");
    CHECK(e.code == config_errc::conflicting_keys);
    CHECK(e.key == "store.url");
    CHECK(refused("[store]\nurl = \"postgresql://h:99999/db\"\n").code == config_errc::invalid_value);
}

// --- syntax and files ----------------------------------------------------------------------

TEST_CASE("a config TOML syntax error gives file:line:column", "[gateway][config]")
{
    auto const e = rejection("syntax_error.toml");
    CHECK(e.code == config_errc::syntax_error);
    CHECK(e.line == 3);
    CHECK(e.column > 0);
    auto const prefix = fixture("syntax_error.toml").string() + ":3:" + std::to_string(e.column) + ": invalid TOML: ";
    CHECK(e.message.rfind(prefix, 0) == 0);

    auto const dup = refused("[server]\nthreads = 1\nthreads = 2\n");
    CHECK(dup.code == config_errc::syntax_error);
    CHECK(dup.message.rfind("ssogate.toml:3:", 0) == 0);
}

TEST_CASE("load_config resolves relative config paths against the config file's directory", "[gateway][config]")
{
    ssogate::test::temp_dir dir;
    fs::create_directories(dir / "etc");
    write(dir / "etc/ssogate.toml",
          "[server]\ntls_cert = \"tls/cert.pem\"\ntls_key = \"../keys/key.pem\"\n"
          "[store]\npath = \"db/ssogate.db\"\n[audit]\nfile = \"/var/log/ssogate.jsonl\"\n"
          "[[connection]]\nid = \"okta\"\nidp_metadata_file = \"idp/okta.xml\"\n");
    auto const r = load_config(dir / "etc/ssogate.toml");
    REQUIRE(r);
    CHECK(r->server.tls_cert == dir / "etc/tls/cert.pem");
    CHECK(r->server.tls_key == dir / "keys/key.pem");
    CHECK(r->store.path == dir / "etc/db/ssogate.db");
    CHECK(r->server.data_dir == dir / "etc/");
    CHECK(r->audit.file == fs::path("/var/log/ssogate.jsonl"));
    CHECK(r->connections.at(0).idp.file == dir / "etc/idp/okta.xml");
}

TEST_CASE("load_config of a missing config file is file_not_found naming the file", "[gateway][config]")
{
    ssogate::test::temp_dir dir;
    auto const r = load_config(dir / "nope.toml");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == config_errc::file_not_found);
    CHECK(r.error().message == (dir / "nope.toml").string() + ": cannot read the configuration file: no such file");

    auto const d = load_config(dir.path());
    REQUIRE_FALSE(d);
    CHECK(d.error().code == config_errc::file_unreadable);
}

TEST_CASE("load_config_or_defaults: explicit config must exist, a missing default file means embedded defaults",
          "[gateway][config]")
{
    ssogate::test::temp_dir dir;
    auto const absent_default = dir / "ssogate.toml";

    auto const defaults = load_config_or_defaults(std::nullopt, absent_default);
    REQUIRE(defaults);
    CHECK_FALSE(defaults->source_file);
    CHECK(defaults->store.path == "ssogate.db");

    auto const explicit_missing = load_config_or_defaults(dir / "custom.toml", absent_default);
    REQUIRE_FALSE(explicit_missing);
    CHECK(explicit_missing.error().code == config_errc::file_not_found);

    write(absent_default, "[server]\nthreads = 2\n");
    auto const from_default = load_config_or_defaults(std::nullopt, absent_default);
    REQUIRE(from_default);
    CHECK(from_default->source_file == absent_default);
    CHECK(from_default->server.threads == 2);

    write(absent_default, "[server]\nthreads = 0\n");
    auto const broken_default = load_config_or_defaults(std::nullopt, absent_default);
    REQUIRE_FALSE(broken_default);
    CHECK(broken_default.error().code == config_errc::out_of_range);
}

TEST_CASE("a config error quotes control characters and cuts long values", "[gateway][config]")
{
    auto const e = refused("[server]\nlisten = \"a\\u0001" + std::string(200, 'x') + "\"\n");
    CHECK(e.message.find("\\u0001") != std::string::npos);
    CHECK(e.message.find(std::string(81, 'x')) == std::string::npos);
    CHECK(e.message.find("...\")") != std::string::npos);
}
