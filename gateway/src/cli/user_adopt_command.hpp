#pragma once
// `ssogate user adopt EMAIL --connection C [--dry-run] [--json]` (issue 7): an admin
// hands an existing JIT- or admin-created user to connection C's SCIM, keeping its id,
// identities, sessions and memberships. Every attribute, role grant and membership owned
// by `jit:<C>` or `admin` moves to `scim:<C>` (provisioning/adopt.hpp
// plan_admin_adoption), and the user enters C's SCIM view with its email as userName.
// Prints exactly which values change owner; `--dry-run` prints the same and writes
// nothing. One transaction with the `scim.user.adopted` audit event (actor cli). The
// work is user_adoption.hpp adopt_user, shared with the admin API and the console.
//
// Exit codes: 0 adopted (or dry run, or already SCIM's), 1 no such user or the userName
// is taken in C's SCIM view, 2 usage (unknown connection).
namespace CLI { class App; }

namespace ssogate::gateway {

class cli_context;

/// Adds `adopt` to the `ssogate user` command group.
void add_user_adopt_command(CLI::App& user, cli_context& ctx);

} // namespace ssogate::gateway
