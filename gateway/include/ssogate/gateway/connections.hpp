#pragma once
// The connection registry: every [[connection]] of the configuration turned, once at
// startup, into what sign-in needs — the IdP's trust (entity ID and pinned signing
// certificates from its metadata), its SSO redirect URL, this SP's options for the
// connection, and the JIT policy (STYLE.md rule 4: parse → validate → immutable).
//
// Ownership and thread-safety: a connection_registry is an immutable value once built;
// share it by const reference (app_context::connections) and read it from any thread.
// What changes at runtime (the JIT switch) lives in the store's connections table and is
// read in the sign-in transaction, not here.
#include <ssogate/gateway/config.hpp>
#include <ssogate/jit/policy.hpp>
#include <ssogate/saml/keys.hpp>
#include <ssogate/saml/trust.hpp>
#include <ssogate/store/store.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssogate::gateway {

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
};

/// All connections of the configuration, in file order. Immutable after build.
class connection_registry {
public:
    /// An empty registry (no connection: every sign-in route answers "unknown connection").
    connection_registry() = default;

    /// Builds the registry from the config: reads and parses each connection's IdP
    /// metadata (file or inline; `idp_entity_id` chooses within an aggregate), loads the
    /// SP key and certificate ([sp] key / cert) and converts the JIT settings.
    /// Requires a live saml::library_guard.
    /// @throws startup_error (exit 2) naming the connection and the file for any problem:
    /// unreadable or invalid metadata, no HTTP-Redirect SSO endpoint, a JIT policy that
    /// jit::find_policy_problem refuses, signing or encrypted assertions asked without an
    /// RSA SP key.
    [[nodiscard]] static connection_registry build(config const& cfg);

    /// The connection with this id, or nullptr.
    [[nodiscard]] sso_connection const* find(std::string_view id) const noexcept;

    /// Connections whose verified domains include `domain` (ASCII case-insensitive), in file order.
    [[nodiscard]] std::vector<sso_connection const*> for_domain(std::string_view domain) const;

    [[nodiscard]] std::vector<sso_connection> const& all() const noexcept { return connections_; }

    /// The SP entity ID ([sp] entity_id).
    [[nodiscard]] std::string const& sp_entity_id() const noexcept { return sp_entity_id_; }
    /// The SP key and certificate, when configured: sign AuthnRequests, decrypt assertions.
    [[nodiscard]] std::optional<saml::private_key> const& sp_key() const noexcept { return sp_key_; }
    [[nodiscard]] std::optional<saml::certificate> const& sp_cert() const noexcept { return sp_cert_; }

    /// Adds a connection (tests and build(); not after the registry is shared).
    void add(sso_connection c) { connections_.push_back(std::move(c)); }
    void set_sp(std::string entity_id, std::optional<saml::private_key> key, std::optional<saml::certificate> cert);

private:
    std::vector<sso_connection> connections_;
    std::string sp_entity_id_;
    std::optional<saml::private_key> sp_key_;
    std::optional<saml::certificate> sp_cert_;
};

/// The JIT policy of a configured connection (config spellings → jit values).
[[nodiscard]] jit::connection_policy to_jit_policy(connection_config const& c);

/// Makes the store's connections table agree with the file: inserts each registry
/// connection that has no row (owner file, source_file, jit_enabled from the file) and
/// updates display name / source_file of file-owned rows, keeping the runtime JIT
/// switch. A row owned by the store with the same id is a startup error.
/// @throws startup_error naming the connection.
void sync_file_connections(config const& cfg, store::store& db, std::chrono::system_clock::time_point now);

} // namespace ssogate::gateway
