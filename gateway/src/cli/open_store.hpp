#pragma once
// Opening the configured store for a CLI command (startup code: throws).
#include <ssogate/gateway/config.hpp>
#include <ssogate/store/store.hpp>

#include <memory>
#include <string>

namespace ssogate::gateway::detail {

/// Opens (creating and migrating) the store named by cfg.store.
/// @throws startup_error (exit 1) with one line naming the file and the cause.
std::unique_ptr<store::store> open_store(config const& cfg);

/// "sqlite /abs/path/ssogate.db" (never a URL password).
std::string describe_store(config const& cfg);

} // namespace ssogate::gateway::detail
