#pragma once
// What `ssogate admin token …` and `ssogate scim token …` share (the two token CLIs
// differed only in the token kind, the connection column and the audit functions they
// call): the CLI actor, the token list output and the revoke report. Startup code.
#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/cli.hpp>
#include <ssogate/store/store.hpp>
#include <ssogate/store/token.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace ssogate::gateway::detail {

/// The actor of a CLI command: type "cli", id the local user name ("uid:N" when unknown).
[[nodiscard]] admin_actor cli_actor();

/// The tokens of `kind` as `token list` prints them: one line each `ID [CONNECTION] NAME
/// CREATED active|revoked TIME` (NAME "-" when empty), or with `json` one JSON object a
/// line {"id",["connection",]"name","created_at","revoked_at"}; never secrets. With
/// `connection` non-empty only that connection's tokens. @throws startup_error (exit 1)
/// when the store cannot be read.
void list_tokens(cli_context& cli, store::store& db, store::token_kind kind, bool json, std::string const& connection);

/// Reports a revoke: "revoked WHAT ID" (exit 0), "no active WHAT ID" on stderr (exit 1),
/// or throws startup_error (exit 1) on a store failure. `what` is "admin token" or "SCIM token".
void report_revoke(cli_context& cli, std::string const& what, std::string const& id, store::result<bool> const& revoked);

} // namespace ssogate::gateway::detail
