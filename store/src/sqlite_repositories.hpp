#pragma once
// The SQLite implementations of the repository interfaces. Each acts inside the
// txn_context of its transaction.
#include "sqlite_context.hpp"
#include "sql/admin_sessions.hpp"
#include "sql/signin_repositories.hpp"

#include <ssogate/store/transaction.hpp>

namespace ssogate::store::sqlite {

// Written once for both backends in sql/ (explicitly instantiated in sqlite_repositories.cpp).
using sqlite_sessions = sql::basic_sessions<backend>;
using sqlite_requests = sql::basic_requests<backend>;
using sqlite_replay = sql::basic_replay<backend>;
using sqlite_admin_sessions = sql::basic_admin_sessions<backend>;

class sqlite_connections final : public connection_repository {
public:
    explicit sqlite_connections(txn_context& ctx) noexcept : ctx_(ctx) {}
    result<void> create(connection_record const& connection) override;
    result<std::optional<connection_record>> find(std::string_view id) override;
    result<std::vector<connection_record>> list() override;
    result<bool> update(connection_record const& connection) override;
    result<bool> set_jit_enabled(std::string_view id, bool enabled, time_point now) override;
    result<bool> remove(std::string_view id) override;

private:
    txn_context& ctx_;
};

class sqlite_users final : public user_repository {
public:
    explicit sqlite_users(txn_context& ctx) noexcept : ctx_(ctx) {}
    result<void> create(new_user const& user) override;
    result<std::optional<user_record>> find(std::string_view id) override;
    result<std::optional<user_record>> find_by_identity(std::string_view connection_id,
                                                        std::string_view subject) override;
    result<std::optional<user_record>> find_by_email(std::string_view email) override;
    result<std::vector<user_record>> find_by_attribute(std::string_view name, std::string_view value) override;
    result<std::vector<user_record>> list(std::string_view after_id, std::size_t limit) override;
    result<bool> set_active(std::string_view id, bool active, time_point now) override;
    result<bool> remove(std::string_view id) override;
    result<void> add_identity(identity_record const& identity) override;
    result<std::vector<identity_record>> identities(std::string_view user_id) override;
    result<bool> record_login(std::string_view connection_id, std::string_view subject,
                              std::string_view assertion_json, time_point now) override;
    result<std::vector<attribute_record>> attributes(std::string_view user_id) override;
    result<void> set_attribute(std::string_view user_id, attribute_record const& attribute) override;
    result<bool> remove_attribute(std::string_view user_id, std::string_view name, time_point now) override;
    result<std::vector<role_grant>> roles(std::string_view user_id) override;
    result<void> grant_role(std::string_view user_id, role_grant const& grant) override;
    result<bool> revoke_role(std::string_view user_id, std::string_view role, time_point now) override;

private:
    txn_context& ctx_;
};

class sqlite_teams final : public team_repository {
public:
    explicit sqlite_teams(txn_context& ctx) noexcept : ctx_(ctx) {}
    result<void> create(team_record const& team) override;
    result<std::optional<team_record>> find(std::string_view id) override;
    result<std::optional<team_record>> find_by_name(std::string_view name) override;
    result<std::vector<team_record>> list() override;
    result<bool> rename(std::string_view id, std::string_view name, time_point now) override;
    result<bool> remove(std::string_view id) override;
    result<void> add_member(membership_record const& membership) override;
    result<bool> remove_member(std::string_view user_id, std::string_view team_id, time_point now) override;
    result<std::vector<membership_record>> members(std::string_view team_id) override;
    result<std::vector<membership_record>> memberships_of(std::string_view user_id) override;

private:
    txn_context& ctx_;
};

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

class sqlite_scim final : public scim_repository {
public:
    explicit sqlite_scim(txn_context& ctx) noexcept : ctx_(ctx) {}
    result<void> create_user(scim_user_record const& user) override;
    result<std::optional<scim_user_record>> find_user(std::string_view connection_id,
                                                      std::string_view user_id) override;
    result<std::optional<scim_user_record>> find_user_by_user_name(std::string_view connection_id,
                                                                   std::string_view user_name) override;
    result<std::vector<scim_user_record>> find_users_by_external_id(std::string_view connection_id,
                                                                    std::string_view external_id) override;
    result<std::vector<scim_user_record>> list_users(std::string_view connection_id, std::size_t offset,
                                                     std::size_t limit) override;
    result<std::size_t> count_users(std::string_view connection_id) override;
    result<std::vector<scim_user_record>> user_connections(std::string_view user_id) override;
    result<bool> update_user(scim_user_record const& user) override;
    result<bool> touch_user(std::string_view connection_id, std::string_view user_id, time_point now) override;
    result<bool> remove_user(std::string_view connection_id, std::string_view user_id) override;
    result<void> create_group(scim_group_record const& group) override;
    result<std::optional<scim_group_record>> find_group(std::string_view connection_id,
                                                        std::string_view team_id) override;
    result<std::vector<scim_group_record>> find_groups_by_external_id(std::string_view connection_id,
                                                                      std::string_view external_id) override;
    result<std::vector<scim_group_record>> list_groups(std::string_view connection_id, std::size_t offset,
                                                       std::size_t limit) override;
    result<std::size_t> count_groups(std::string_view connection_id) override;
    result<bool> update_group(scim_group_record const& group) override;
    result<bool> touch_group(std::string_view connection_id, std::string_view team_id, time_point now) override;

private:
    txn_context& ctx_;
};

} // namespace ssogate::store::sqlite

// Instantiated once, in sqlite_repositories.cpp, not in every file that uses them.
extern template class ssogate::store::sql::basic_sessions<ssogate::store::sqlite::backend>;
extern template class ssogate::store::sql::basic_requests<ssogate::store::sqlite::backend>;
extern template class ssogate::store::sql::basic_replay<ssogate::store::sqlite::backend>;
extern template class ssogate::store::sql::basic_admin_sessions<ssogate::store::sqlite::backend>;
