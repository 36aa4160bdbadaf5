#pragma once
// The SQLite implementations of the repository interfaces. Each acts inside the
// txn_context of its transaction.
#include "sqlite_context.hpp"
#include "sql/admin_sessions.hpp"
#include "sql/identity_repositories.hpp"
#include "sql/scim_repositories.hpp"
#include "sql/signin_repositories.hpp"

#include <ssogate/store/transaction.hpp>

namespace ssogate::store::sqlite {

// Written once for both backends in sql/ (explicitly instantiated in sqlite_repositories.cpp).
using sqlite_sessions = sql::basic_sessions<backend>;
using sqlite_requests = sql::basic_requests<backend>;
using sqlite_replay = sql::basic_replay<backend>;
using sqlite_admin_sessions = sql::basic_admin_sessions<backend>;
using sqlite_teams = sql::basic_teams<backend>;
using sqlite_users = sql::basic_users<backend>;
using sqlite_connections = sql::basic_connections<backend>;
using sqlite_scim = sql::basic_scim<backend>;

class sqlite_audit final : public audit_log {
public:
    explicit sqlite_audit(txn_context& ctx) noexcept : ctx_(ctx) {}
    result<chained_audit_event> append(audit_event const& event) override;
    result<std::vector<chained_audit_event>> after(std::int64_t after_seq, std::size_t limit,
                                                   audit_filter const& filter) override;
    result<std::int64_t> last_seq() override;
    result<chain_verification> verify_chain() override;

private:
    txn_context& ctx_;
};

class sqlite_tokens final : public token_repository {
public:
    explicit sqlite_tokens(txn_context& ctx) noexcept : ctx_(ctx) {}
    result<void> create(token_record const& token, std::string_view secret) override;
    result<std::optional<token_record>> find_active(std::string_view secret) override;
    result<std::optional<token_record>> find(std::string_view id) override;
    result<std::vector<token_record>> list(token_kind kind) override;
    result<bool> revoke(std::string_view id, time_point now) override;

private:
    txn_context& ctx_;
};

class sqlite_link_approvals final : public link_approval_repository {
public:
    explicit sqlite_link_approvals(txn_context& ctx) noexcept : ctx_(ctx) {}
    result<void> request(link_approval const& approval) override;
    result<std::optional<link_approval>> find(std::string_view id) override;
    result<std::optional<link_approval>> find_pending(std::string_view connection_id,
                                                      std::string_view subject) override;
    result<std::vector<link_approval>> pending() override;
    result<bool> decide(std::string_view id, approval_status decision, std::string_view decided_by,
                        time_point now) override;

private:
    txn_context& ctx_;
};

} // namespace ssogate::store::sqlite

// Instantiated once, in sqlite_repositories.cpp, not in every file that uses them.
extern template class ssogate::store::sql::basic_sessions<ssogate::store::sqlite::backend>;
extern template class ssogate::store::sql::basic_requests<ssogate::store::sqlite::backend>;
extern template class ssogate::store::sql::basic_replay<ssogate::store::sqlite::backend>;
extern template class ssogate::store::sql::basic_admin_sessions<ssogate::store::sqlite::backend>;
extern template class ssogate::store::sql::basic_teams<ssogate::store::sqlite::backend>;
extern template class ssogate::store::sql::basic_users<ssogate::store::sqlite::backend>;
extern template class ssogate::store::sql::basic_connections<ssogate::store::sqlite::backend>;
extern template class ssogate::store::sql::basic_scim<ssogate::store::sqlite::backend>;
