#pragma once
// Stored connections: one row per identity-provider connection, whether it was
// declared in ssogate.toml (owner file) or created through the admin API/CLI
// (owner store). The typed connection_config is the gateway's; the store keeps its
// settings as an opaque JSON document plus the fields other rows and the runtime
// toggle need.
#include <ssogate/store/types.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssogate::store {

/// Who may change a connection (DESIGN.md "Connections and configuration").
enum class connection_owner {
    /// Declared in a configuration file; changed only by editing it and reloading.
    file = 1,
    /// Created through the admin API or CLI.
    store,
};

/// One connection row.
struct connection_record {
    std::string id;                 ///< Slug used in URLs (`/sso/acs/{id}`), unique.
    std::string display_name;
    connection_owner owner = connection_owner::store;
    std::string source_file;        ///< The declaring file when owner == file, else empty.
    bool jit_enabled = true;        ///< Runtime toggle; obeyed on the next sign-in.
    std::string settings_json = "{}"; ///< The rest of the connection's settings, JSON.
    time_point created_at{};
    time_point updated_at{};

    friend bool operator==(connection_record const&, connection_record const&) = default;
};

/// Connection rows inside one transaction. Not thread-safe: owned by its transaction.
class connection_repository {
public:
    virtual ~connection_repository() = default;

    /// Inserts a connection. errc::already_exists when the id is taken,
    /// errc::invalid_argument when settings_json is not JSON or the id is empty.
    [[nodiscard]] virtual result<void> create(connection_record const& connection) = 0;

    [[nodiscard]] virtual result<std::optional<connection_record>> find(std::string_view id) = 0;

    /// All connections, ordered by id.
    [[nodiscard]] virtual result<std::vector<connection_record>> list() = 0;

    /// Replaces every field but id and created_at. False when there is no such connection.
    [[nodiscard]] virtual result<bool> update(connection_record const& connection) = 0;

    /// The runtime JIT switch. False when there is no such connection.
    [[nodiscard]] virtual result<bool> set_jit_enabled(std::string_view id, bool enabled, time_point now) = 0;

    /// Deletes a connection with its sessions, pending requests, replay entries and
    /// SCIM tokens. errc::in_use while users still have an identity on it.
    /// False when there is no such connection.
    [[nodiscard]] virtual result<bool> remove(std::string_view id) = 0;
};

} // namespace ssogate::store
