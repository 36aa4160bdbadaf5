#pragma once
// ssogate's typed configuration: `ssogate.toml` parsed, validated and frozen once
// (STYLE.md rule 4: "so that we don't pass around raw" TOML).
//
// A `config` is an immutable value: build it with `load_config` / `parse_config` /
// `default_config`, then share it by const reference or shared_ptr<const config>; it
// is safe to read from any thread. Validation rejects and never clamps; every message
// names the file, the key and what was expected, e.g.
//   ssogate.toml: connection "okta": jit.update must be one of each_login, on_create, never (got "always")
//
// Loading does no I/O beyond reading the one file: IdP metadata, TLS and SP key files
// are only named here (resolved against the config file's directory) and are read by
// whoever uses them.
//
// ---------------------------------------------------------------------------------
// TOML conventions
//
// Durations are strings of one or more <integer><unit> groups, unit one of
//   d (days), h (hours), m (minutes), s (seconds):  "180s", "30m", "8h", "1h30m", "7d".
// A bare integer is refused (is `lifetime = 8` hours or seconds?). Each duration key
// documents its allowed range; "0s" is valid only where said.
//
// Byte sizes are integers (the key name ends in `_bytes`).
//
// Relative paths (tls_cert, tls_key, data_dir, store.path, audit.file, sp.key, sp.cert,
// idp_metadata_file) are relative to the directory of the configuration file, also
// when the path is a default; with the embedded defaults (no file) they are relative
// to the working directory.
//
// Unknown keys are errors at every level, including inside connection sections.
//
// tests/data/gateway/config/all_defaults_spelled_out.toml and
// connection_defaults_spelled_out.toml list every key with its default and meaning;
// a test keeps them equal to the code's defaults.
// ---------------------------------------------------------------------------------
#include <ssogate/scim/role_attribute.hpp>

#include <boost/assert/source_location.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/system/error_category.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace ssogate::gateway {

// ---------------------------------------------------------------------------------
// Errors

/// Why a configuration was refused. The full human message is in `config_error`.
enum class config_errc {
    /// The configuration file that was named explicitly does not exist.
    file_not_found = 1,
    /// The configuration file exists but cannot be read (permissions, a directory, an I/O error).
    file_unreadable,
    /// The text is not valid TOML; the message carries file:line:column.
    syntax_error,
    /// A key ssogate does not know, at any level (a typo is never ignored).
    unknown_key,
    /// A key holds a value of the wrong TOML type (a string where a boolean belongs, ...).
    wrong_type,
    /// A required key is absent.
    missing_key,
    /// A value has the right type but the wrong shape (address, URL, duration, name, ...).
    invalid_value,
    /// A value is not one of the allowed words.
    not_one_of,
    /// A number or duration is outside its allowed range (values are never clamped).
    out_of_range,
    /// A value that must be unique appears twice (connection id, a domain within one connection, ...).
    duplicate_value,
    /// Keys that must come together or must not come together (tls_cert without tls_key,
    /// both idp_metadata and idp_metadata_file, ...).
    conflicting_keys,
};

/// The error category of config_errc ("ssogate.config").
boost::system::error_category const& config_category() noexcept;

inline boost::system::error_code make_error_code(config_errc e) noexcept
{
    return {static_cast<int>(e), config_category()};
}

/// A refused configuration: the code, where, and one complete human sentence.
struct config_error {
    config_errc code{};
    /// The whole message, ready to print: `ssogate.toml: server.listen must be ...`,
    /// `ssogate.toml:3:7: <TOML syntax error>`, or `ssogate.toml: cannot read ...`.
    std::string message;
    /// Connection id when the error is inside a [[connection]] whose id is known, else empty.
    std::string connection;
    /// Dotted key, relative to the connection when `connection` is set
    /// (`jit.update`, `server.listen`); empty for file and syntax errors.
    std::string key;
    /// 1-based position of the offending value in the file; 0 when unknown.
    std::uint32_t line = 0;
    std::uint32_t column = 0;
};

std::ostream& operator<<(std::ostream& os, config_error const& e);

/// Lets `result<config, config_error>::value()` throw (startup code only): a
/// boost::system::system_error with the code and the full message.
[[noreturn]] void throw_exception_from_error(config_error const& e, boost::source_location const& loc);

// ---------------------------------------------------------------------------------
// Top-level sections

/// [server]
struct server_settings {
    /// `listen`: "host:port", host an IP literal (IPv6 in brackets: "[::1]:8443");
    /// port 0 asks the OS for a free port (tests). Default 127.0.0.1:8443.
    /// `listen_host` holds the address without brackets ("::1").
    std::string listen_host = "127.0.0.1";
    std::uint16_t listen_port = 8443;
    /// `public_url`: the https URL browsers and IdPs use, no query or fragment, no
    /// trailing slash. Default "https://" + listen.
    std::string public_url = "https://127.0.0.1:8443";
    /// True when `public_url` was not configured and was derived from `listen`; with
    /// port 0 the server should derive it again from the port it bound.
    bool public_url_from_listen = true;
    /// `tls_cert` / `tls_key` (PEM files; both or neither). Absent: a self-signed
    /// ECDSA P-256 pair is generated into `data_dir` on first start and reused.
    std::optional<std::filesystem::path> tls_cert;
    std::optional<std::filesystem::path> tls_key;
    /// `threads`: worker threads, 1..1024; 0 here (key absent) means
    /// std::thread::hardware_concurrency().
    unsigned threads = 0;
    /// `max_body_bytes`: request body limit, 1024..1073741824. Default 1 MiB (a SAMLResponse POST fits).
    std::size_t max_body_bytes = 1024 * 1024;
    /// `max_header_bytes`: request line + header limit, 1024..1048576. Default 16 KiB.
    std::size_t max_header_bytes = 16 * 1024;
    /// `max_connections`: client connections open at once, 1..1000000. Default 1024. At
    /// the limit the server stops accepting (new connections wait in the kernel's listen
    /// backlog) until one closes; see server_options::max_connections.
    std::size_t max_connections = 1024;
    /// `read_timeout`: time allowed to receive one whole request, 1s..1h. Default 15s.
    std::chrono::seconds read_timeout{15};
    /// `idle_timeout`: keep-alive idle time before the connection is closed, 1s..1h. Default 60s.
    std::chrono::seconds idle_timeout{60};
    /// `data_dir`: where generated files (self-signed TLS pair, SP key) live. Default ".".
    std::filesystem::path data_dir = ".";

    friend bool operator==(server_settings const&, server_settings const&) = default;
};

/// [store]
struct store_settings {
    /// `path`: SQLite database file. Default "ssogate.db".
    std::filesystem::path path = "ssogate.db";
    /// `url`: "postgresql://user@host:port/db" or "postgresql:///db?host=/run/socket/dir"
    /// selects the PostgreSQL backend (issue 10) instead of `path`. Validated as a
    /// postgresql URL here; a build without the PostgreSQL backend must refuse to
    /// open it ("PostgreSQL store is not available in this build"). May carry a
    /// password: never log it.
    std::optional<std::string> url;
    /// `pool_size`: connections in the PostgreSQL pool, 1..1024. Default 8. Ignored by SQLite.
    unsigned pool_size = 8;
    /// `refresh_interval`: how stale this node's view of store-owned connections may get
    /// when no change notification arrives, 1s..1h. Default 1s. Changes committed by
    /// another node on PostgreSQL arrive at once (LISTEN/NOTIFY); this interval bounds
    /// the rest (a lost notification, another process on a SQLite file such as the CLI).
    std::chrono::seconds refresh_interval{1};

    friend bool operator==(store_settings const&, store_settings const&) = default;
};

/// [session]
struct session_settings {
    /// `lifetime`: absolute lifetime of a sign-in session, 1s..365d. Default 8h.
    std::chrono::seconds lifetime{8 * 3600};
    /// `idle_timeout`: a session unused this long ends, 1s..lifetime. Default 1h.
    std::chrono::seconds idle_timeout{3600};

    friend bool operator==(session_settings const&, session_settings const&) = default;
};

/// [roles]
struct role_settings {
    /// `order`: every role ssogate knows, lowest first (a user's highest mapped role
    /// wins). Names match [a-z][a-z0-9_-]{0,62}, unique. Default member < editor < owner.
    std::vector<std::string> order{"member", "editor", "owner"};

    friend bool operator==(role_settings const&, role_settings const&) = default;
};

/// [admin]
struct admin_settings {
    /// `roles`: roles that may enter the admin console through SSO; each one of
    /// [roles] order, unique, at least one. Default ["owner"], or the highest role
    /// when [roles] order has no "owner".
    std::vector<std::string> roles{"owner"};
    /// `session_idle_timeout`: idle timeout of the admin console session, 1s..24h. Default 15m.
    std::chrono::seconds session_idle_timeout{15 * 60};

    friend bool operator==(admin_settings const&, admin_settings const&) = default;
};

/// [audit]
struct audit_settings {
    /// `file`: optional JSON-lines sink for SIEM collectors (appended after commit,
    /// reopened on SIGHUP). Absent: no file sink.
    std::optional<std::filesystem::path> file;

    friend bool operator==(audit_settings const&, audit_settings const&) = default;
};

/// [sp] — ssogate as a SAML service provider.
struct sp_settings {
    /// `entity_id`: the SP entity ID (an absolute URI). Default public_url + "/sso/metadata".
    std::string entity_id = "https://127.0.0.1:8443/sso/metadata";
    /// `key` / `cert` (PEM; both or neither): signs AuthnRequests and decrypts
    /// assertions. Absent: generated into data_dir on first start and reused.
    std::optional<std::filesystem::path> key;
    std::optional<std::filesystem::path> cert;

    friend bool operator==(sp_settings const&, sp_settings const&) = default;
};

// ---------------------------------------------------------------------------------
// Connections

/// When later sign-ins update what JIT owns (DESIGN.md "JIT and attribute mapping").
enum class update_mode { each_login, on_create, never };
/// How sign-in changes team memberships: not at all, add only, or add and remove
/// (only memberships this connection's JIT owns).
enum class group_sync_mode { off, merge, sync };
/// Linking a first sign-in to an existing account with the same email.
enum class link_policy { deny, verified_domain, admin_approval };
/// How a SCIM-provisioned user is matched at first sign-in (issue 7).
enum class scim_match { user_name, external_id };

/// The TOML spelling: "each_login", "merge", "verified_domain", "userName", ...
std::string_view to_string(update_mode m) noexcept;
std::string_view to_string(group_sync_mode m) noexcept;
std::string_view to_string(link_policy p) noexcept;
std::string_view to_string(scim_match m) noexcept;

/// Where the IdP's metadata comes from: exactly one of `file` and `xml` is set.
struct idp_metadata_source {
    /// `idp_metadata_file`, resolved against the config file's directory.
    std::optional<std::filesystem::path> file;
    /// `idp_metadata`: the metadata XML inline.
    std::optional<std::string> xml;
    /// `idp_entity_id`: which IdP to use when the metadata is an EntitiesDescriptor.
    std::optional<std::string> entity_id;

    friend bool operator==(idp_metadata_source const&, idp_metadata_source const&) = default;
};

/// Per-connection SAML options (keys directly in the [[connection]] table).
struct connection_sp_options {
    /// `sign_requests`: sign AuthnRequests (also done when the IdP metadata asks). Default false.
    bool sign_requests = false;
    /// `want_assertions_signed`: demand the assertion's own signature. Default false.
    bool want_assertions_signed = false;
    /// `want_encrypted_assertions`: refuse plain assertions. Default false.
    bool want_encrypted_assertions = false;
    /// `allow_idp_initiated`: accept unsolicited responses. Default false.
    bool allow_idp_initiated = false;
    /// `allow_sha1`: accept RSA-SHA1 signatures / SHA-1 digests. Default false.
    bool allow_sha1 = false;
    /// `clock_skew`: allowed clock difference with the IdP, 0s..1h. Default 180s.
    std::chrono::seconds clock_skew{180};
    /// `allowed_return_origins`: https origins ("https://app.example.com[:port]",
    /// lower-cased, no path) that `return_to` may name besides relative paths.
    std::vector<std::string> allowed_return_origins;

    friend bool operator==(connection_sp_options const&, connection_sp_options const&) = default;
};

/// [connection.jit.attributes]: accepted SAML attribute names per field, first match
/// wins. Each list may be empty (the field is then never read); names are matched exactly.
struct attribute_names {
    std::vector<std::string> email;
    std::vector<std::string> given_name;
    std::vector<std::string> family_name;
    std::vector<std::string> display_name;
    std::vector<std::string> groups;
    std::vector<std::string> role;
    /// `subject`: a persistent attribute (e.g. Entra's
    /// http://schemas.microsoft.com/identity/claims/objectidentifier) that keys the
    /// user instead of the NameID. Absent (default): the NameID.
    std::optional<std::string> subject;

    friend bool operator==(attribute_names const&, attribute_names const&) = default;
};

/// The default lists, covering what Okta, Entra ID, Google, Keycloak, ADFS, OneLogin
/// and SimpleSAMLphp send.
attribute_names default_attribute_names();

/// [connection.jit]
struct jit_settings {
    /// `enabled`: create users on first sign-in. Default true.
    bool enabled = true;
    /// `update`: each_login | on_create | never. Default each_login.
    update_mode update = update_mode::each_login;
    /// `groups`: off | merge | sync. Default merge.
    group_sync_mode groups = group_sync_mode::merge;
    /// `default_role`: role when nothing maps; one of [roles] order. Default the
    /// lowest role; "" means none (the sign-in is then denied with role_unmapped).
    std::optional<std::string> default_role = "member";
    /// `default_team`: team every JIT user joins. Default none.
    std::optional<std::string> default_team;
    /// `create_teams`: create mapped teams that do not exist (else refuse). Default false.
    bool create_teams = false;
    /// `link`: deny | verified_domain | admin_approval. Default deny.
    link_policy link = link_policy::deny;
    /// [connection.jit.attributes]
    attribute_names attributes = default_attribute_names();

    friend bool operator==(jit_settings const&, jit_settings const&) = default;
};

/// [connection.role_mapping]: roles from a role attribute and from groups; the
/// highest role in `order` wins, `jit.default_role` when nothing maps.
struct role_mapping {
    /// A copy of [roles] order (lowest first), so that a connection is self-contained.
    std::vector<std::string> order{"member", "editor", "owner"};
    /// `update`: overrides jit.update for role grants. Absent: jit.update.
    std::optional<update_mode> update;
    /// `attribute_values`: role attribute value → role.
    std::map<std::string, std::string> attribute_values;
    /// `groups`: group → role.
    std::map<std::string, std::string> groups;

    friend bool operator==(role_mapping const&, role_mapping const&) = default;
};

/// [connection.team_mapping]: team memberships from groups.
struct team_mapping {
    /// `update`: overrides jit.update for team memberships. Absent: jit.update.
    std::optional<update_mode> update;
    /// `groups`: group → team, or group → [teams].
    std::map<std::string, std::vector<std::string>> groups;
    /// `organization_convention`: a group named "organization:team" means that team. Default false.
    bool organization_convention = false;
    /// `organization`: the organization whose "organization:team" groups count; required
    /// with the convention (missing_key at organization_convention otherwise), refused
    /// without it.
    std::optional<std::string> organization;

    friend bool operator==(team_mapping const&, team_mapping const&) = default;
};

/// [connection.scim]
struct scim_settings {
    /// `enabled`: serve SCIM for this connection. Default false.
    bool enabled = false;
    /// `adopt_existing`: a SCIM POST of an existing JIT/admin user adopts it. Default false.
    bool adopt_existing = false;
    /// `match_on`: "userName" | "externalId" — how a SCIM user links to its first
    /// sign-in (against NameID/email). Default userName.
    scim_match match_on = scim_match::user_name;
    /// `role_attribute`: where the SCIM client carries the role SCIM owns — "roles"
    /// (core, the default), an enterprise extension attribute, or a custom extension's
    /// "urn:…:User:NAME" (scim/role_attribute.hpp). The value must be one of [roles] order.
    scim::role_attribute role_attribute;

    friend bool operator==(scim_settings const&, scim_settings const&) = default;
};

/// A position in a configuration file (1-based line; 0 = unknown or not from a file).
struct source_position {
    std::filesystem::path file;
    std::uint32_t line = 0;

    friend bool operator==(source_position const&, source_position const&) = default;
};

/// One [[connection]]: an identity provider and how its users are provisioned.
struct connection_config {
    /// `id`: [a-z0-9][a-z0-9_-]{0,62}, unique; appears in URLs (/sso/acs/{id}).
    std::string id;
    /// `name`: display name. Default: the id.
    std::string name;
    /// `domains`: verified email domains, lower-cased DNS names, unique within the
    /// connection (several connections may share one: the sign-in page offers a chooser).
    std::vector<std::string> domains;
    /// `idp_metadata_file` | `idp_metadata` (exactly one), `idp_entity_id`.
    idp_metadata_source idp;
    connection_sp_options sp;
    jit_settings jit;
    role_mapping roles;
    team_mapping teams;
    scim_settings scim;
    /// Where the [[connection]] header is, and the line of its `jit.enabled` key
    /// (0 when not written), so that a read-only connection can say "edit line N of FILE".
    source_position declared_at;
    std::uint32_t jit_enabled_line = 0;

    friend bool operator==(connection_config const&, connection_config const&) = default;
};

// ---------------------------------------------------------------------------------
// The whole configuration

struct config {
    /// The file this came from; empty for the embedded defaults.
    std::optional<std::filesystem::path> source_file;
    server_settings server;
    store_settings store;
    session_settings session;
    role_settings roles;
    admin_settings admin;
    audit_settings audit;
    sp_settings sp;
    /// [[connection]] tables, in file order.
    std::vector<connection_config> connections;

    /// The connection with this id, or nullptr.
    [[nodiscard]] connection_config const* find_connection(std::string_view id) const noexcept;

    /// Field-by-field equality (a reload that changes nothing is a no-op).
    friend bool operator==(config const&, config const&) = default;
};

/// A one-line summary ("config from ssogate.toml: 2 connections"), so that results
/// print in logs and test failures.
std::ostream& operator<<(std::ostream& os, config const& c);

/// The embedded defaults: what `ssogate serve` runs on without any file.
[[nodiscard]] config default_config();

/// Parses and validates TOML text. `source_name` is used in messages and its parent
/// directory is the base of relative paths. Reads no file.
[[nodiscard]] boost::system::result<config, config_error>
parse_config(std::string_view toml_text, std::filesystem::path const& source_name);

/// Reads `file` and parses it; a missing file is `file_not_found`.
[[nodiscard]] boost::system::result<config, config_error> load_config(std::filesystem::path const& file);

// ---------------------------------------------------------------------------------
// The JSON form of a connection (admin API bodies, the store's settings_json)
//
// A JSON object with exactly the keys of a [[connection]] table, nested the same way:
//   {"id": "okta", "name": "Okta", "domains": ["example.com"], "idp_metadata": "<EntityDescriptor …>",
//    "clock_skew": "3m", "jit": {"enabled": true, "update": "each_login", "attributes": {…}},
//    "role_mapping": {"groups": {"Admins": "owner"}}, "team_mapping": {…}, "scim": {…}}
// Durations are strings as in TOML; `null` members are treated as absent (the default).
// It is validated by the very code that reads the file, so a value the file refuses is
// refused here with the same sentence, only without the file name in front:
//   connection "okta": jit.update must be one of each_login, on_create, never (got "always")
// and config_error::key names the field ("jit.update").

/// The complete JSON form of `c` (every key written, defaults included; the IdP
/// metadata as `idp_metadata_file` or `idp_metadata`, as configured). Parsing it back
/// with connection_from_json gives `c` again except declared_at and jit_enabled_line.
[[nodiscard]] boost::json::object connection_to_json(connection_config const& c);

/// Validates a connection's JSON form. `roles` is [roles] order (role names are checked
/// against it and copied into role_mapping.order). Reads no file: a relative
/// idp_metadata_file stays relative.
[[nodiscard]] boost::system::result<connection_config, config_error>
connection_from_json(boost::json::value const& json, role_settings const& roles);

/// The CLI's rule: an explicit `--config FILE` must exist (`load_config`); without
/// one, `default_file` is loaded when it exists and otherwise the embedded defaults
/// are returned (`source_file` empty). A default file that exists but cannot be read
/// or parsed is an error, never silently skipped.
[[nodiscard]] boost::system::result<config, config_error>
load_config_or_defaults(std::optional<std::filesystem::path> const& explicit_file,
                        std::filesystem::path const& default_file = "ssogate.toml");

} // namespace ssogate::gateway

template <>
struct boost::system::is_error_code_enum<ssogate::gateway::config_errc> : std::true_type {};
