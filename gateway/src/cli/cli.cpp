#include <ssogate/gateway/cli.hpp>
#include <ssogate/gateway/version.hpp>

#include <CLI/CLI.hpp>

#include <iostream>

namespace ssogate::gateway {

config const& cli_context::load_config()
{
    if (!config_) {
        auto loaded = load_config_or_defaults(config_file);
        if (!loaded)
            throw startup_error(exit_usage, loaded.error().message);
        config_ = std::move(*loaded);
    }
    return *config_;
}

int run_cli(int argc, char const* const* argv, std::span<command_group const> groups, std::ostream& out,
            std::ostream& err)
{
    cli_context ctx(out, err);
    CLI::App app{"ssogate: SAML 2.0 single sign-on gateway with Just-in-Time provisioning", "ssogate"};
    // Subcommands inherit fallthrough: `ssogate serve --config F` reaches the global --config.
    app.fallthrough();
    app.set_version_flag("--version", "ssogate " + std::string(version()));
    // Option callbacks run before any subcommand callback, so commands see it.
    app.add_option_function<std::string>(
           "--config", [&ctx](std::string const& file) { ctx.config_file = file; },
           "Configuration file (default: ./ssogate.toml if it exists, else built-in defaults)")
        ->type_name("FILE");
    for (auto group : groups)
        group(app, ctx);

    try {
        app.parse(argc, argv);
    } catch (CLI::ParseError const& e) {
        if (e.get_exit_code() == 0)
            return app.exit(e, out, err); // --help, --version
        err << "ssogate: " << e.what() << " (run 'ssogate --help' for usage)\n";
        return exit_usage;
    } catch (startup_error const& e) {
        err << "ssogate: " << e.what() << '\n';
        return e.exit_code();
    } catch (std::exception const& e) {
        err << "ssogate: unexpected error: " << e.what() << '\n';
        return exit_failure;
    }
    if (app.get_subcommands().empty()) {
        // Checked here rather than with require_subcommand so that an unknown flag
        // is reported as such, not as a missing command.
        err << "ssogate: a command is required (run 'ssogate --help' for usage)\n";
        return exit_usage;
    }
    return ctx.exit_code;
}

} // namespace ssogate::gateway
