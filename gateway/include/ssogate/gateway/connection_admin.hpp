#pragma once
// Changing connections at runtime (issue 6 "Admin API and CLI", issue 5 "Runtime
// toggle"): one implementation behind the admin API (`/admin/v1/connections`,
// gateway/src/routes/admin_connections.cpp) and the CLI (`ssogate connection …`,
// gateway/src/cli/connection_commands.cpp).
//
// Every operation is one write transaction: the change and its audit event commit
// together or not at all (`connection.created`, `connection.changed` with changes
// before → after, `connection.deleted`, `connection.jit.enabled` /
// `connection.jit.disabled`). Connections declared in the configuration file are
// read-only here: the refusal names the file and the line to edit.
//
// A store-owned connection keeps its settings in the store row: settings_json is its
// JSON form (config.hpp connection_to_json) without `jit.enabled`, which is the row's
// `jit_enabled` column (the runtime switch). Its IdP metadata is always inline
// (`idp_metadata`); `ssogate connection create --idp-metadata FILE` reads the file.
//
// Thread-safety: the functions may run concurrently (the store serializes writers);
// they tell the registry to forget what they changed after commit.
#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/app_context.hpp>
#include <ssogate/gateway/connections.hpp>
#include <ssogate/store/connection.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ssogate::gateway {

/// Why a connection operation was refused.
enum class connection_admin_errc {
    /// The settings are invalid; `field` names the key (HTTP 400, CLI exit 2).
    invalid = 1,
    /// No connection has this id (HTTP 404, CLI exit 1).
    not_found,
    /// The id is already taken (HTTP 409, CLI exit 1).
    id_taken,
    /// Users still have identities on the connection (HTTP 409, CLI exit 1).
    in_use,
    /// The connection is declared in the configuration file (HTTP 409, CLI exit 1).
    file_owned,
    /// The store failed (HTTP 503, CLI exit 1).
    store_failed,
};

/// A refusal: the code, one human sentence, and the JSON field when there is one.
struct connection_admin_error {
    connection_admin_errc code{};
    std::string message;
    std::string field;
};

/// A value or a refusal.
template <class T>
using connection_outcome = std::variant<T, connection_admin_error>;

/// One connection as an admin sees it.
struct connection_view {
    store::connection_record row;
    /// Its validated settings (jit.enabled = the row's switch): from the store row for a
    /// store-owned connection, from the file for a file-owned one; nullopt when they
    /// cannot be read (a file row whose connection is no longer in the file, a corrupt row).
    std::optional<connection_config> settings;
    /// Why `settings` is empty.
    std::string problem;
};

/// The admin JSON of a connection. Summary (list): id, name, owner, source_file,
/// domains, jit {enabled}, created_at, updated_at. Full (show, create, change): the
/// connection's JSON form (config.hpp) with jit.enabled = the switch in force, plus
/// owner, source_file, source_line (file-owned), created_at, updated_at.
[[nodiscard]] boost::json::object connection_view_to_json(connection_view const& v, bool full);

/// What an operation needs besides its arguments.
struct connection_admin_context {
    store::store& db;
    connection_registry const& registry;
    admin_actor actor;
    random_fn random;
    std::chrono::system_clock::time_point now;
};

/// What a create or change did: the connection afterwards and the changed keys.
struct connection_change {
    connection_view view;
    /// Dotted keys of the JSON form → value before / after (jit.enabled included).
    boost::json::object before;
    boost::json::object after;
    /// The audit actions written, in order (empty when nothing changed).
    std::vector<std::string> actions;
};

/// Every connection row, ordered by id.
[[nodiscard]] connection_outcome<std::vector<connection_view>> list_connections(connection_admin_context const& ctx);

/// One connection; not_found when there is none.
[[nodiscard]] connection_outcome<connection_view> show_connection(connection_admin_context const& ctx,
                                                                  std::string_view id);

/// Creates a store-owned connection from its JSON form (config.hpp): validated as in
/// the file, then built (metadata parsed, options checked) before anything is written.
/// Refuses read-only keys (owner, source_file, source_line, created_at, updated_at) and
/// idp_metadata_file. Audit: connection.created with `after`.
[[nodiscard]] connection_outcome<connection_change> create_connection(connection_admin_context const& ctx,
                                                                      boost::json::value const& body);

/// Applies a JSON merge patch (RFC 7396: objects merge, null resets a key to its
/// default) to a store-owned connection and validates the result as create does;
/// `{"jit":{"enabled":false}}` is the runtime toggle. Audit: connection.changed (every
/// key but jit.enabled, before → after) and/or connection.jit.enabled|disabled; nothing
/// when nothing changed. file_owned for a connection of the file, naming the file and
/// the line (of jit.enabled when the patch touches it).
[[nodiscard]] connection_outcome<connection_change> change_connection(connection_admin_context const& ctx,
                                                                      std::string_view id,
                                                                      boost::json::value const& patch);

/// change_connection with `{"jit":{"enabled":enabled}}`.
[[nodiscard]] connection_outcome<connection_change> set_connection_jit(connection_admin_context const& ctx,
                                                                       std::string_view id, bool enabled);

/// Deletes a store-owned connection (with its sessions, pending requests and SCIM
/// tokens); in_use while users have identities on it. Audit: connection.deleted with
/// `before`. Returns the deleted connection.
[[nodiscard]] connection_outcome<connection_view> delete_connection(connection_admin_context const& ctx,
                                                                    std::string_view id);

/// "connection \"okta\" is declared in /etc/ssogate.toml (jit.enabled at line 12): …":
/// the refusal for a change to a file-owned connection. `key` is the JSON key the
/// change touches ("jit.enabled" names its line when the file has one).
[[nodiscard]] std::string file_owned_message(store::connection_record const& row, connection_config const* settings,
                                             std::string_view key);

} // namespace ssogate::gateway
