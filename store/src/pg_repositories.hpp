#pragma once
// The PostgreSQL implementations of the repository interfaces. Each acts inside the
// txn_context of its transaction.
#include "pg_context.hpp"
#include "sql/admin_sessions.hpp"
#include "sql/identity_repositories.hpp"
#include "sql/scim_repositories.hpp"
#include "sql/signin_repositories.hpp"

#include <ssogate/store/transaction.hpp>

namespace ssogate::store::pg {

// Written once for both backends in sql/ (explicitly instantiated in pg_repositories.cpp).
using pg_sessions = sql::basic_sessions<backend>;
using pg_requests = sql::basic_requests<backend>;
using pg_replay = sql::basic_replay<backend>;
using pg_admin_sessions = sql::basic_admin_sessions<backend>;
using pg_teams = sql::basic_teams<backend>;
using pg_users = sql::basic_users<backend>;
using pg_connections = sql::basic_connections<backend>;
using pg_scim = sql::basic_scim<backend>;

class pg_audit final : public audit_log {
public:
    explicit pg_audit(txn_context& ctx) noexcept : ctx_(ctx) {}
    result<chained_audit_event> append(audit_event const& event) override;
    result<std::vector<chained_audit_event>> after(std::int64_t after_seq, std::size_t limit,
                                                   audit_filter const& filter) override;
    result<std::int64_t> last_seq() override;
    result<chain_verification> verify_chain() override;

private:
    txn_context& ctx_;
};

class pg_tokens final : public token_repository {
public:
    explicit pg_tokens(txn_context& ctx) noexcept : ctx_(ctx) {}
    result<void> create(token_record const& token, std::string_view secret) override;
    result<std::optional<token_record>> find_active(std::string_view secret) override;
    result<std::optional<token_record>> find(std::string_view id) override;
    result<std::vector<token_record>> list(token_kind kind) override;
    result<bool> revoke(std::string_view id, time_point now) override;

private:
    txn_context& ctx_;
};

class pg_link_approvals final : public link_approval_repository {
public:
    explicit pg_link_approvals(txn_context& ctx) noexcept : ctx_(ctx) {}
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

} // namespace ssogate::store::pg

// Instantiated once, in pg_repositories.cpp, not in every file that uses them.
extern template class ssogate::store::sql::basic_sessions<ssogate::store::pg::backend>;
extern template class ssogate::store::sql::basic_requests<ssogate::store::pg::backend>;
extern template class ssogate::store::sql::basic_replay<ssogate::store::pg::backend>;
extern template class ssogate::store::sql::basic_admin_sessions<ssogate::store::pg::backend>;
extern template class ssogate::store::sql::basic_teams<ssogate::store::pg::backend>;
extern template class ssogate::store::sql::basic_users<ssogate::store::pg::backend>;
extern template class ssogate::store::sql::basic_connections<ssogate::store::pg::backend>;
extern template class ssogate::store::sql::basic_scim<ssogate::store::pg::backend>;
