#pragma once
// The SCIM view of users and teams per connection (scim.hpp), written once for both
// backends (sql/common.hpp says what a Backend is). Instantiated in
// sqlite_repositories.cpp and pg_repositories.cpp.
#include "common.hpp"

#include <ssogate/store/scim.hpp>

#include <boost/json/parse.hpp>

#include <string>

namespace ssogate::store::sql {

/// The row readers, column lists and helper statements of the classes below.
template <class Backend>
struct scim_rows {
    using context = typename Backend::context;
    using statement = typename Backend::statement;

    static constexpr std::string_view user_columns =
        "SELECT connection_id, user_id, user_name, external_id, resource, version, created_at, updated_at "
        "FROM scim_users ";

    static scim_user_record read_user(statement& st)
    {
        scim_user_record u;
        u.connection_id = st.text(0);
        u.user_id = st.text(1);
        u.user_name = st.text(2);
        u.external_id = st.optional_text(3);
        u.resource_json = st.text(4);
        u.version = st.integer(5);
        u.created_at = st.time(6);
        u.updated_at = st.time(7);
        return u;
    }

    static constexpr std::string_view group_columns =
        "SELECT connection_id, team_id, external_id, version, created_at, updated_at FROM scim_groups ";

    static scim_group_record read_group(statement& st)
    {
        scim_group_record g;
        g.connection_id = st.text(0);
        g.team_id = st.text(1);
        g.external_id = st.optional_text(2);
        g.version = st.integer(3);
        g.created_at = st.time(4);
        g.updated_at = st.time(5);
        return g;
    }

    static bool looks_like_object(std::string_view json) noexcept
    {
        boost::system::error_code ec;
        auto v = boost::json::parse(json, ec);
        return !ec && v.is_object();
    }

    static result<std::size_t> count_where(context& ctx, std::string_view sql, std::string_view connection_id)
    {
        auto count = query_first<std::size_t>(
            ctx, sql, [&](statement& st) { st.bind_text(1, connection_id); },
            [](statement& st) { return static_cast<std::size_t>(st.integer(0)); });
        if (!count)
            return propagate(count);
        return count->value_or(0);
    }
};

template <class Backend>
class basic_scim final : public scim_repository {
public:
    using context = typename Backend::context;
    using statement = typename Backend::statement;

    explicit basic_scim(context& ctx) noexcept : ctx_(ctx) {}
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
    using rows = scim_rows<Backend>;
    context& ctx_;
};

// ---- users ----

template <class Backend>
result<void> basic_scim<Backend>::create_user(scim_user_record const& u)
{
    if (u.user_name.empty() || !rows::looks_like_object(u.resource_json))
        return ctx_.fail(errc::invalid_argument, "scim user has an empty userName or a resource that is not an object");
    auto r = execute(
        ctx_,
        "INSERT INTO scim_users (connection_id, user_id, user_name, external_id, resource, version, created_at, "
        "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7)",
        [&](statement& st) {
            st.bind_text(1, u.connection_id)
                .bind_text(2, u.user_id)
                .bind_text(3, u.user_name)
                .bind_optional_text(4, u.external_id)
                .bind_text(5, u.resource_json)
                .bind_time(6, u.created_at)
                .bind_time(7, u.updated_at);
        },
        {.primary_key = errc::already_exists, .unique = errc::user_name_taken});
    if (!r)
        return propagate(r);
    return {};
}

template <class Backend>
result<std::optional<scim_user_record>> basic_scim<Backend>::find_user(std::string_view connection_id,
                                                                       std::string_view user_id)
{
    static std::string const sql = concat(rows::user_columns, "WHERE connection_id = ?1 AND user_id = ?2");
    return query_first<scim_user_record>(
        ctx_, sql, [&](statement& st) { st.bind_text(1, connection_id).bind_text(2, user_id); }, rows::read_user);
}

template <class Backend>
result<std::optional<scim_user_record>> basic_scim<Backend>::find_user_by_user_name(std::string_view connection_id,
                                                                                    std::string_view user_name)
{
    static std::string const sql =
        concat(rows::user_columns, "WHERE connection_id = ?1 AND ", Backend::nocase_equals("user_name", "?2"));
    return query_first<scim_user_record>(
        ctx_, sql, [&](statement& st) { st.bind_text(1, connection_id).bind_text(2, user_name); }, rows::read_user);
}

template <class Backend>
result<std::vector<scim_user_record>> basic_scim<Backend>::find_users_by_external_id(std::string_view connection_id,
                                                                                     std::string_view external_id)
{
    static std::string const sql =
        concat(rows::user_columns, "WHERE connection_id = ?1 AND external_id = ?2 ORDER BY created_at, user_id");
    return query_all<scim_user_record>(
        ctx_, sql, [&](statement& st) { st.bind_text(1, connection_id).bind_text(2, external_id); }, rows::read_user);
}

template <class Backend>
result<std::vector<scim_user_record>> basic_scim<Backend>::list_users(std::string_view connection_id,
                                                                      std::size_t offset, std::size_t limit)
{
    static std::string const sql =
        concat(rows::user_columns, "WHERE connection_id = ?1 ORDER BY created_at, user_id LIMIT ?2 OFFSET ?3");
    return query_all<scim_user_record>(
        ctx_, sql,
        [&](statement& st) { st.bind_text(1, connection_id).bind_int(2, bounded(limit)).bind_int(3, bounded(offset)); },
        rows::read_user);
}

template <class Backend>
result<std::size_t> basic_scim<Backend>::count_users(std::string_view connection_id)
{
    return rows::count_where(ctx_, "SELECT count(*) FROM scim_users WHERE connection_id = ?1", connection_id);
}

template <class Backend>
result<std::vector<scim_user_record>> basic_scim<Backend>::user_connections(std::string_view user_id)
{
    static std::string const sql = concat(rows::user_columns, "WHERE user_id = ?1 ORDER BY connection_id");
    return query_all<scim_user_record>(ctx_, sql, [&](statement& st) { st.bind_text(1, user_id); },
                                       rows::read_user);
}

template <class Backend>
result<bool> basic_scim<Backend>::update_user(scim_user_record const& u)
{
    if (u.user_name.empty() || !rows::looks_like_object(u.resource_json))
        return ctx_.fail(errc::invalid_argument, "scim user has an empty userName or a resource that is not an object");
    return execute_changed(
        ctx_,
        "UPDATE scim_users SET user_name = ?3, external_id = ?4, resource = ?5, version = version + 1, "
        "updated_at = ?6 WHERE connection_id = ?1 AND user_id = ?2",
        [&](statement& st) {
            st.bind_text(1, u.connection_id)
                .bind_text(2, u.user_id)
                .bind_text(3, u.user_name)
                .bind_optional_text(4, u.external_id)
                .bind_text(5, u.resource_json)
                .bind_time(6, u.updated_at);
        },
        {.unique = errc::user_name_taken});
}

template <class Backend>
result<bool> basic_scim<Backend>::touch_user(std::string_view connection_id, std::string_view user_id, time_point now)
{
    return execute_changed(
        ctx_, "UPDATE scim_users SET version = version + 1, updated_at = ?3 WHERE connection_id = ?1 AND user_id = ?2",
        [&](statement& st) { st.bind_text(1, connection_id).bind_text(2, user_id).bind_time(3, now); });
}

template <class Backend>
result<bool> basic_scim<Backend>::remove_user(std::string_view connection_id, std::string_view user_id)
{
    return execute_changed(ctx_, "DELETE FROM scim_users WHERE connection_id = ?1 AND user_id = ?2",
                           [&](statement& st) { st.bind_text(1, connection_id).bind_text(2, user_id); });
}

// ---- groups ----

template <class Backend>
result<void> basic_scim<Backend>::create_group(scim_group_record const& g)
{
    auto r = execute(ctx_,
                     "INSERT INTO scim_groups (connection_id, team_id, external_id, version, created_at, updated_at) "
                     "VALUES (?1, ?2, ?3, 1, ?4, ?5)",
                     [&](statement& st) {
                         st.bind_text(1, g.connection_id)
                             .bind_text(2, g.team_id)
                             .bind_optional_text(3, g.external_id)
                             .bind_time(4, g.created_at)
                             .bind_time(5, g.updated_at);
                     });
    if (!r)
        return propagate(r);
    return {};
}

template <class Backend>
result<std::optional<scim_group_record>> basic_scim<Backend>::find_group(std::string_view connection_id,
                                                                         std::string_view team_id)
{
    static std::string const sql = concat(rows::group_columns, "WHERE connection_id = ?1 AND team_id = ?2");
    return query_first<scim_group_record>(
        ctx_, sql, [&](statement& st) { st.bind_text(1, connection_id).bind_text(2, team_id); }, rows::read_group);
}

template <class Backend>
result<std::vector<scim_group_record>> basic_scim<Backend>::find_groups_by_external_id(std::string_view connection_id,
                                                                                       std::string_view external_id)
{
    static std::string const sql =
        concat(rows::group_columns, "WHERE connection_id = ?1 AND external_id = ?2 ORDER BY created_at, team_id");
    return query_all<scim_group_record>(
        ctx_, sql, [&](statement& st) { st.bind_text(1, connection_id).bind_text(2, external_id); }, rows::read_group);
}

template <class Backend>
result<std::vector<scim_group_record>> basic_scim<Backend>::list_groups(std::string_view connection_id,
                                                                        std::size_t offset, std::size_t limit)
{
    static std::string const sql =
        concat(rows::group_columns, "WHERE connection_id = ?1 ORDER BY created_at, team_id LIMIT ?2 OFFSET ?3");
    return query_all<scim_group_record>(
        ctx_, sql,
        [&](statement& st) { st.bind_text(1, connection_id).bind_int(2, bounded(limit)).bind_int(3, bounded(offset)); },
        rows::read_group);
}

template <class Backend>
result<std::size_t> basic_scim<Backend>::count_groups(std::string_view connection_id)
{
    return rows::count_where(ctx_, "SELECT count(*) FROM scim_groups WHERE connection_id = ?1", connection_id);
}

template <class Backend>
result<bool> basic_scim<Backend>::update_group(scim_group_record const& g)
{
    return execute_changed(
        ctx_,
        "UPDATE scim_groups SET external_id = ?3, version = version + 1, updated_at = ?4 "
        "WHERE connection_id = ?1 AND team_id = ?2",
        [&](statement& st) {
            st.bind_text(1, g.connection_id).bind_text(2, g.team_id).bind_optional_text(3, g.external_id).bind_time(
                4, g.updated_at);
        });
}

template <class Backend>
result<bool> basic_scim<Backend>::touch_group(std::string_view connection_id, std::string_view team_id, time_point now)
{
    return execute_changed(
        ctx_, "UPDATE scim_groups SET version = version + 1, updated_at = ?3 WHERE connection_id = ?1 AND team_id = ?2",
        [&](statement& st) { st.bind_text(1, connection_id).bind_text(2, team_id).bind_time(3, now); });
}

} // namespace ssogate::store::sql
