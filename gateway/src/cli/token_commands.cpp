// Shared pieces of the token CLIs (token_commands.hpp).
#include "cli/token_commands.hpp"

#include <ssogate/gateway/audit.hpp>

#include <boost/json.hpp>

#include <pwd.h>
#include <unistd.h>

namespace ssogate::gateway::detail {

admin_actor cli_actor()
{
    admin_actor a;
    a.type = "cli";
    if (auto const* pw = ::getpwuid(::geteuid()); pw && pw->pw_name)
        a.id = pw->pw_name;
    else
        a.id = "uid:" + std::to_string(::geteuid());
    return a;
}

void list_tokens(cli_context& cli, store::store& db, store::token_kind kind, bool json, std::string const& connection)
{
    auto began = db.begin(store::access::read);
    if (!began)
        throw startup_error(exit_failure, "cannot read the store: " + began.error().message());
    auto tokens = (*began)->tokens().list(kind);
    if (!tokens)
        throw startup_error(exit_failure, "cannot read the tokens: " + tokens.error().message());
    bool const with_connection = kind == store::token_kind::scim;
    for (auto const& t : *tokens) {
        if (!connection.empty() && t.connection_id != connection)
            continue;
        if (json) {
            boost::json::object o;
            o["id"] = t.id;
            if (with_connection)
                o["connection"] = t.connection_id;
            o["name"] = t.name;
            o["created_at"] = format_audit_time(t.created_at);
            o["revoked_at"] = t.revoked_at ? boost::json::value(format_audit_time(*t.revoked_at))
                                           : boost::json::value(nullptr);
            cli.out << boost::json::serialize(o) << '\n';
            continue;
        }
        cli.out << t.id << ' ';
        if (with_connection)
            cli.out << t.connection_id << ' ';
        cli.out << (t.name.empty() ? "-" : t.name) << ' ' << format_audit_time(t.created_at) << ' '
                << (t.revoked_at ? "revoked " + format_audit_time(*t.revoked_at) : std::string("active")) << '\n';
    }
}

void report_revoke(cli_context& cli, std::string const& what, std::string const& id, store::result<bool> const& revoked)
{
    if (!revoked)
        throw startup_error(exit_failure, "cannot revoke the " + what + ": " + revoked.error().message());
    if (!*revoked) {
        cli.err << "ssogate: no active " << what << ' ' << id << '\n';
        cli.exit_code = exit_failure;
        return;
    }
    cli.out << "revoked " << what << ' ' << id << '\n';
}

} // namespace ssogate::gateway::detail
