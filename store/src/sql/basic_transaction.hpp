#pragma once
// What the transactions of both backends (sqlite_store.cpp, pg_store.cpp) share: the
// transaction's context, one of each repository over it, and the accessors of
// store::transaction that hand them out. Each backend's transaction derives from
// basic_transaction<its backend> and adds what differs: BEGIN/COMMIT/ROLLBACK, the
// named savepoints, returning its connection to its pool.
#include "admin_sessions.hpp"
#include "audit_repositories.hpp"
#include "identity_repositories.hpp"
#include "scim_repositories.hpp"
#include "signin_repositories.hpp"

#include <ssogate/store/transaction.hpp>

#include <string>
#include <string_view>

namespace ssogate::store::sql {

/// Whether `name` may be spliced into SQL as a savepoint name: a plain identifier
/// (ASCII letters, digits and `_`, not starting with a digit).
[[nodiscard]] inline bool is_plain_identifier(std::string_view name) noexcept
{
    bool valid = !name.empty() && !(name.front() >= '0' && name.front() <= '9');
    for (char const ch : name)
        valid = valid && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_');
    return valid;
}

/// A transaction's context and its repositories. Not thread-safe (as transaction).
/// The derived class owns the connection; `db` must outlive this object's use of it.
template <class Backend>
class basic_transaction : public transaction {
public:
    access mode() const noexcept override { return ctx_.mode(); }
    std::string last_error_detail() const override { return ctx_.last_error(); }

    connection_repository& connections() override { return connections_; }
    user_repository& users() override { return users_; }
    team_repository& teams() override { return teams_; }
    session_repository& sessions() override { return sessions_; }
    request_repository& requests() override { return requests_; }
    replay_cache& replay() override { return replay_; }
    audit_log& audit() override { return audit_; }
    token_repository& tokens() override { return tokens_; }
    link_approval_repository& link_approvals() override { return link_approvals_; }
    scim_repository& scim() override { return scim_; }
    admin_session_repository& admin_sessions() override { return admin_sessions_; }

protected:
    template <class Connection>
    basic_transaction(Connection& db, access mode) noexcept : ctx_(db, mode)
    {
    }

    typename Backend::context ctx_;

private:
    basic_connections<Backend> connections_{ctx_};
    basic_users<Backend> users_{ctx_};
    basic_teams<Backend> teams_{ctx_};
    basic_sessions<Backend> sessions_{ctx_};
    basic_requests<Backend> requests_{ctx_};
    basic_replay<Backend> replay_{ctx_};
    basic_audit<Backend> audit_{ctx_};
    basic_tokens<Backend> tokens_{ctx_};
    basic_link_approvals<Backend> link_approvals_{ctx_};
    basic_scim<Backend> scim_{ctx_};
    basic_admin_sessions<Backend> admin_sessions_{ctx_};
};

} // namespace ssogate::store::sql
