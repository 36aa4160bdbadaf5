#pragma once
// Connections as the CLI sees them (no running server, no registry): the file's
// [[connection]] tables and the store-owned rows, as validated connection_config
// values, for `ssogate user explain` (JIT policies) and `ssogate doctor`.
#include <ssogate/gateway/config.hpp>
#include <ssogate/gateway/users.hpp>
#include <ssogate/store/transaction.hpp>

#include <optional>
#include <string>
#include <vector>

namespace ssogate::gateway::users_detail {

/// One connection with where it comes from.
struct known_connection {
    connection_config settings;
    store::connection_owner owner = store::connection_owner::file;
    /// Its store row (the runtime JIT switch), when it has one.
    std::optional<store::connection_record> row;
};

/// A store row whose settings do not validate.
struct connection_row_problem {
    std::string connection_id;
    std::string message;
};

struct known_connections {
    std::vector<known_connection> connections;   ///< file order, then store rows by id
    std::vector<connection_row_problem> problems;
};

/// The file's connections (from `cfg`) and the store-owned rows of `tx`.
[[nodiscard]] store::result<known_connections> read_known_connections(config const& cfg, store::transaction& tx);

/// The JIT policies of `known` (a copy: the function owns what it needs).
[[nodiscard]] policy_lookup policies_of(known_connections const& known);

/// The [connection.scim] settings of `known` (a copy).
[[nodiscard]] scim_lookup scim_settings_of(known_connections const& known);

} // namespace ssogate::gateway::users_detail
