#pragma once
// The connection registry: every [[connection]] of the configuration turned, once at
// startup, into what sign-in needs — the IdP's trust (entity ID and pinned signing
// certificates from its metadata), its SSO redirect URL, this SP's options for the
// connection, and the JIT policy (STYLE.md rule 4: parse → validate → immutable).
//
// Connections change at runtime (DESIGN.md "Connections and configuration"): the file's
// connections on a reload (`ssogate reload`, SIGHUP), store-owned ones through the admin
// API and CLI (connection_admin.hpp). See connection_registry for how lookups stay valid
// and fresh. What changes most (the JIT switch) lives in the store's connections table
// and is read in the sign-in transaction.
#include <ssogate/gateway/config.hpp>
#include <ssogate/jit/policy.hpp>
#include <ssogate/saml/keys.hpp>
#include <ssogate/saml/trust.hpp>
#include <ssogate/store/connection.hpp>
#include <ssogate/store/store.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ssogate::gateway {

class logger;

/// One connection, ready for sign-in.
struct sso_connection {
    /// The connection id (URL slug) and display name.
    std::string id;
    std::string name;
    /// Verified email domains (lower case), for routing `POST /sso/start`.
    std::vector<std::string> domains;
    /// The IdP: entity ID and pinned signing certificates.
    saml::idp_trust trust;
    /// The IdP's SingleSignOnService location for the HTTP-Redirect binding.
    std::string sso_redirect_url;
    /// Sign AuthnRequests: `sign_requests` in the config or WantAuthnRequestsSigned in
    /// the metadata. When true, the registry's SP key is an RSA key (checked at build).
    bool sign_requests = false;
    /// This SP for the connection: entity ID, ACS URL `{public_url}/sso/acs/{id}`, skew,
    /// want_assertions_signed, allow_sha1, allow_unsolicited (= allow_idp_initiated),
    /// decryption key.
    saml::sp_options sp;
    /// Refuse assertions that did not arrive encrypted (`want_encrypted_assertions`).
    bool want_encrypted_assertions = false;
    /// Origins (`https://host[:port]`, lower case) `return_to` may name besides a relative path.
    std::vector<std::string> allowed_return_origins;
    /// The JIT policy. `jit_enabled` here is the file's value; the effective switch is
    /// the store row's `jit_enabled`, read at sign-in.
    jit::connection_policy policy;
    /// The metadata file, or empty when the metadata is inline.
    std::filesystem::path metadata_file;
    /// Who may change it: the configuration file, or the store (admin API / CLI).
    store::connection_owner owner = store::connection_owner::file;
    /// The validated settings it was built from. For a store-owned connection
    /// `settings.jit.enabled` is the value when it was built; the switch in force is the
    /// store row's.
    connection_config settings;
    /// Store-owned: the row's settings_json it was built from (see is_current).
    std::string settings_json;
};

/// A connection that cannot be built, and the field (dotted key of the JSON form) to blame.
struct connection_problem {
    std::string field;
    std::string message;
};

/// What every connection shares: this SP. Fixed at startup (a change needs a restart).
struct sp_context {
    std::string entity_id;
    /// `{public_url}/sso/acs/{id}` is each connection's ACS.
    std::string public_url;
    std::size_t max_body_bytes = 1024 * 1024;
    std::optional<saml::private_key> key;
    std::optional<saml::certificate> cert;
    /// [roles] order: role names of connections are checked against it.
    role_settings roles;
};

/// Builds one connection for sign-in: reads its IdP metadata (file or inline),
/// checks its SAML options against the SP key and its JIT policy
/// (jit::find_policy_problem). No exception: a problem names the field
/// (`idp_metadata`, `idp_entity_id`, `sign_requests`, `want_encrypted_assertions`, `jit`…).
/// Requires a live saml::library_guard.
[[nodiscard]] std::variant<sso_connection, connection_problem> build_connection(connection_config const& c,
                                                                                sp_context const& sp);

/// The connections sign-in can use, changing at runtime: the file's connections
/// (replaced as a whole by a reload) and the store-owned ones (created through the admin
/// API or CLI, possibly by another process or another node on the same database).
///
/// Lookups return shared_ptr<sso_connection const>: a connection stays valid for as long
/// as the request that found it holds it, whatever changes meanwhile.
///
/// Freshness of store-owned connections: find() reads the connection's row (one short
/// read transaction) and rebuilds the connection only when the row's settings_json
/// differs from what it was built from, so a change committed by any process is obeyed
/// by the next lookup; an id the registry does not know is looked up in the store before
/// it is called unknown. for_domain() and all() re-list the rows at most every
/// refresh_interval (default 1 s) and at once after this process changed a connection
/// (invalidate). In the sign-in transaction, is_current() tells whether the row still
/// says what the connection was built from. The runtime JIT switch is never cached: it
/// is the row's `jit_enabled`, read in the sign-in transaction.
///
/// Thread-safety: every const member may be called from any thread (one mutex guards the
/// cache; store reads and rebuilds happen outside it). add(), set_sp(), attach() only
/// before the registry is shared; replace_file_connections() at any time.
class connection_registry {
public:
    using connection_ptr = std::shared_ptr<sso_connection const>;

    /// An empty registry (no connection: every sign-in route answers "unknown connection").
    connection_registry();
    ~connection_registry();
    connection_registry(connection_registry&&) noexcept;
    connection_registry& operator=(connection_registry&&) noexcept;

    /// Builds the registry from the config: loads the SP key and certificate ([sp] key /
    /// cert) and builds each [[connection]] (build_connection).
    /// Requires a live saml::library_guard.
    /// @throws startup_error (exit 2) naming the connection and the file for any problem:
    /// unreadable or invalid metadata, no HTTP-Redirect SSO endpoint, a JIT policy that
    /// jit::find_policy_problem refuses, signing or encrypted assertions asked without an
    /// RSA SP key.
    [[nodiscard]] static connection_registry build(config const& cfg);

    /// Lets the registry find store-owned connections in `db` (both must outlive the
    /// registry's use); rows that cannot be built are logged on `log` and treated as absent.
    void attach(store::store& db, logger const& log);

    /// The connection with this id (file first, then the store), or nullptr.
    [[nodiscard]] connection_ptr find(std::string_view id) const;

    /// Connections whose verified domains include `domain` (ASCII case-insensitive):
    /// file connections in file order, then store-owned ones by id.
    [[nodiscard]] std::vector<connection_ptr> for_domain(std::string_view domain) const;

    /// A copy of every connection, in the order of for_domain.
    [[nodiscard]] std::vector<sso_connection> all() const;

    /// The file's connection with this id (no store access), or nullptr.
    [[nodiscard]] connection_ptr find_file_connection(std::string_view id) const;
    /// The file's connections, in file order.
    [[nodiscard]] std::vector<connection_ptr> file_connections() const;

    /// False when `c` is store-owned and `row` (read in the caller's transaction) no
    /// longer holds the settings `c` was built from.
    [[nodiscard]] bool is_current(sso_connection const& c, store::connection_record const& row) const noexcept;

    /// Forgets what is cached about store-owned connection `id` and re-lists the store on
    /// the next for_domain()/all() (call after committing a change to it).
    void invalidate(std::string_view id) const;

    /// Re-lists the store-owned connections now, whatever the refresh interval, and
    /// rebuilds those whose row changed (another node changed a connection: node_sync.hpp).
    /// A store that cannot be read leaves the cache as it was.
    void reload_store_connections() const;

    /// Replaces the file's connections (a reload); requests holding old ones keep them.
    void replace_file_connections(std::vector<sso_connection> connections);

    /// How stale for_domain()/all() may be about store-owned connections changed by
    /// another process. 0 re-lists on every call.
    void set_refresh_interval(std::chrono::milliseconds interval);

    /// The SP: what build_connection needs.
    [[nodiscard]] sp_context const& sp() const noexcept;
    /// The SP entity ID ([sp] entity_id).
    [[nodiscard]] std::string const& sp_entity_id() const noexcept { return sp().entity_id; }
    /// The SP key and certificate, when configured: sign AuthnRequests, decrypt assertions.
    [[nodiscard]] std::optional<saml::private_key> const& sp_key() const noexcept { return sp().key; }
    [[nodiscard]] std::optional<saml::certificate> const& sp_cert() const noexcept { return sp().cert; }

    /// Adds a file connection (tests and build(); not after the registry is shared).
    void add(sso_connection c);
    void set_sp(std::string entity_id, std::optional<saml::private_key> key, std::optional<saml::certificate> cert);
    /// Sets the whole SP context (build(); not after the registry is shared).
    void set_sp(sp_context sp);

private:
    struct state;
    /// Builds a store-owned connection from its row, or nullptr (logged) when it cannot be.
    connection_ptr build_from_row(store::connection_record const& row) const;
    void refresh_listing() const;
    std::unique_ptr<state> state_;
};

/// The SP context of a config: reads [sp] key / cert.
/// @throws startup_error (exit 2) for an unreadable or unusable key or certificate.
[[nodiscard]] sp_context load_sp_context(config const& cfg);

/// The JIT policy of a configured connection (config spellings → jit values).
[[nodiscard]] jit::connection_policy to_jit_policy(connection_config const& c);

/// Makes the store's connections table agree with the file: inserts each file
/// connection that has no row (owner file, source_file, jit_enabled from the file) and
/// updates display name, source_file and jit_enabled of file-owned rows (the file is the
/// truth for its connections: their switch changes only by editing the file). Rows of
/// connections no longer in the file are kept (users may still have identities there).
/// A row owned by the store with the same id is a startup error.
/// @throws startup_error naming the connection.
void sync_file_connections(config const& cfg, store::store& db, std::chrono::system_clock::time_point now);

/// sync_file_connections inside the caller's write transaction (a reload writes its
/// event in the same one). Returns the problem instead of throwing; on a problem the
/// caller must not commit.
[[nodiscard]] std::optional<std::string> sync_file_rows(store::transaction& tx, config const& cfg,
                                                        std::chrono::system_clock::time_point now);

} // namespace ssogate::gateway
