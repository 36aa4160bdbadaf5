// The `ssogate` executable: every subcommand group, listed once.
#include <ssogate/gateway/cli.hpp>

#include <iostream>

int main(int argc, char** argv)
{
    using namespace ssogate::gateway;
    // Each area adds its group here (add_audit_commands, add_user_commands, ...).
    static constexpr command_group groups[] = {
        add_serve_command,
        add_saml_commands,
        add_admin_commands,
        add_audit_commands,
        add_dev_idp_command,
        add_scim_commands,
        add_connection_commands,
        add_reload_command,
        add_user_commands,
        add_doctor_command,
    };
    return run_cli(argc, argv, groups, std::cout, std::cerr);
}
