#pragma once
// The one exception type of ssogate's startup path (STYLE.md rule 8): thrown while the
// process sets itself up (config, TLS files, store, listening socket), caught once by
// the CLI, printed as one line and turned into the exit code. Never thrown while
// serving requests.
#include <stdexcept>
#include <string>

namespace ssogate::gateway {

/// Exit codes of the `ssogate` executable (DESIGN.md "CLI conventions").
enum exit_code : int {
    exit_ok = 0,
    /// A runtime failure (port in use, unreadable TLS key, store not writable) or findings.
    exit_failure = 1,
    /// A usage or configuration error (unknown flag, malformed TOML, missing --config file).
    exit_usage = 2,
};

class startup_error : public std::runtime_error {
public:
    /// `message` is one line naming what failed and why, e.g.
    /// "cannot read TLS key /etc/ssogate/key.pem: Permission denied".
    startup_error(int code, std::string const& message) : std::runtime_error(message), code_(code) {}
    [[nodiscard]] int exit_code() const noexcept { return code_; }

private:
    int code_;
};

} // namespace ssogate::gateway
