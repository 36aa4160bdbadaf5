#pragma once
// Reloading the configuration file while serving (`ssogate reload`, SIGHUP; DESIGN.md
// "Connections and configuration"): the file's connections are rebuilt and swapped into
// the registry, the store rows of file connections follow the file (a changed
// `jit.enabled` is obeyed by the next sign-in), and one `config.reloaded` audit event
// records the diff — in the same transaction as the row changes.
//
// All or nothing: a file that does not parse, a connection that cannot be built (bad
// metadata, a JIT policy that is refused), or an id that a store-owned connection
// already uses leaves everything as it was; the server keeps serving the previous
// configuration, and the refusal is logged and recorded as `config.reloaded` with
// result failure, reason `config_invalid` and the message.
//
// A reload that changes nothing (same connections, no key needing a restart) writes no
// event; it is only logged.
//
// Only connections are applied. Any other setting that differs from what the server
// started with (server.*, store.*, session.*, sp.*, roles.*, admin.*, audit.file) needs
// a restart; such keys are listed in the event (`restart_required`) and the log, never
// silently ignored.
//
// Thread-safety: reload() may be called from any thread; calls are serialized.
#include <ssogate/gateway/app_context.hpp>
#include <ssogate/gateway/config.hpp>
#include <ssogate/gateway/connections.hpp>

#include <boost/json/object.hpp>

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace ssogate::gateway {

/// What one reload did.
struct reload_result {
    bool applied = false;
    /// Why the file was refused (empty when applied).
    std::string error;
    std::vector<std::string> added, removed, changed;
    /// "okta: on -> off" for each file connection whose jit.enabled changed.
    std::vector<std::string> jit_changes;
    /// Dotted keys that changed but need a restart ("server.listen", "store.path").
    std::vector<std::string> restart_required;
};

/// Re-reads the configuration file the server started with and applies its connections.
class config_reloader {
public:
    /// `running`: the configuration the server started with (its source_file is the
    /// file re-read). The references must outlive the reloader.
    config_reloader(config running, store::store& db, connection_registry& registry, logger const& log,
                    random_fn random, clock_fn clock);

    /// Reloads once (see the file comment). Never throws but std::bad_alloc.
    reload_result reload();

private:
    config const running_;
    config current_;
    store::store& db_;
    connection_registry& registry_;
    logger const& log_;
    random_fn random_;
    clock_fn clock_;
    std::mutex mutex_;
};

/// The keys outside [[connection]] whose values differ (what a reload cannot apply).
[[nodiscard]] std::vector<std::string> settings_needing_restart(config const& running, config const& next);

/// The JSON of a result: {"applied", "error", "added", "removed", "changed", "jit",
/// "restart_required"}.
[[nodiscard]] boost::json::object reload_result_to_json(reload_result const& r);

/// `<data_dir>/ssogate.reload`: after each reload, `ssogate serve` replaces it with one
/// JSON object: reload_result_to_json plus "pid" and "count" (reloads done by that
/// process). `ssogate reload` waits for the count to grow and prints the outcome.
[[nodiscard]] std::filesystem::path reload_status_path(config const& cfg);

/// `<data_dir>/ssogate.pid`: written by `ssogate serve` once it listens, removed when it
/// stops; `ssogate reload` signals the pid it holds.
[[nodiscard]] std::filesystem::path pid_file_path(config const& cfg);

} // namespace ssogate::gateway
