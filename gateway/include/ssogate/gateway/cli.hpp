#pragma once
// The `ssogate` command line (CLI11): global options, subcommand groups, exit codes.
//
// Each area of ssogate registers its own subcommands from its own file through a
// `command_group` function, e.g. gateway/src/cli/saml_commands.cpp:
//
//     void add_saml_commands(CLI::App& app, cli_context& ctx)
//     {
//         auto* saml = app.add_subcommand("saml", "Inspect SAML responses and metadata");
//         auto* verify = saml->add_subcommand("verify", "Verify a SAMLResponse");
//         verify->add_option("file", ...);
//         verify->callback([&ctx] { ctx.exit_code = ...; });
//     }
//
// declared below and listed once in gateway/src/main.cpp. `--config FILE` is a global
// option accepted before or after any subcommand (every subcommand falls through to
// the top level); commands get the configuration from `ctx.load_config()`.
//
// Exit codes: 0 ok; 1 runtime failure or findings; 2 usage or configuration error.
// Command callbacks report problems by throwing startup_error (printed as one line
// "ssogate: <message>") or by setting ctx.exit_code.
#include <ssogate/gateway/config.hpp>
#include <ssogate/gateway/startup_error.hpp>

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <span>

namespace CLI { class App; }

namespace ssogate::gateway {

/// State shared by the commands of one `ssogate` invocation. Not thread-safe.
class cli_context {
public:
    cli_context(std::ostream& out_stream, std::ostream& err_stream) : out(out_stream), err(err_stream) {}

    /// The configuration: the --config file, else ./ssogate.toml when it exists, else
    /// the embedded defaults. Loaded on first call and kept.
    /// @throws startup_error (exit 2) with the loader's one-line message.
    config const& load_config();

    /// `--config FILE` as given on the command line, if it was.
    std::optional<std::filesystem::path> config_file;
    /// Where commands print their results (stdout) and human diagnostics (stderr).
    std::ostream& out;
    std::ostream& err;
    /// The process exit code, set by the command that ran.
    int exit_code = exit_ok;

private:
    std::optional<config> config_;
};

/// Registers a group of subcommands on the top-level app.
using command_group = void (*)(CLI::App& app, cli_context& ctx);

/// Builds the app from `groups`, parses argv, runs the chosen command and returns
/// the exit code. `--help` and `--version` exit 0; usage errors exit 2 with one line
/// on stderr; startup_error exits with its code and its message on one line.
int run_cli(int argc, char const* const* argv, std::span<command_group const> groups, std::ostream& out,
            std::ostream& err);

// Command groups.

/// `ssogate serve`: the HTTPS gateway, until SIGINT/SIGTERM.
void add_serve_command(CLI::App& app, cli_context& ctx);
/// `ssogate saml verify`, `ssogate saml metadata-info` (gateway/src/cli/saml_commands.cpp).
void add_saml_commands(CLI::App& app, cli_context& ctx);
/// `ssogate admin token create|revoke|list` (gateway/src/cli/admin_commands.cpp).
void add_admin_commands(CLI::App& app, cli_context& ctx);
/// `ssogate audit verify|tail` (gateway/src/cli/audit_commands.cpp).
void add_audit_commands(CLI::App& app, cli_context& ctx);
/// `ssogate dev-idp`: the development SAML IdP (gateway/src/cli/dev_idp_command.cpp).
void add_dev_idp_command(CLI::App& app, cli_context& ctx);
/// `ssogate scim token create|revoke|list` (gateway/src/cli/scim_commands.cpp).
void add_scim_commands(CLI::App& app, cli_context& ctx);
/// `ssogate connection list|show|create|set|delete|jit` (gateway/src/cli/connection_commands.cpp).
void add_connection_commands(CLI::App& app, cli_context& ctx);
/// `ssogate reload`: SIGHUP to the running `ssogate serve` (gateway/src/cli/reload_command.cpp).
void add_reload_command(CLI::App& app, cli_context& ctx);
/// `ssogate user list|show|explain|link …` (gateway/src/cli/user_commands.cpp).
void add_user_commands(CLI::App& app, cli_context& ctx);
/// `ssogate doctor [--json]`: known failure modes, each with a command (gateway/src/cli/doctor_command.cpp).
void add_doctor_command(CLI::App& app, cli_context& ctx);

} // namespace ssogate::gateway
