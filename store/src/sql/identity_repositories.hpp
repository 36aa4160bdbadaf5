#pragma once
// Connections, users (identities, attributes, roles) and teams, written once for both
// backends (sql/common.hpp says what a Backend is). Instantiated in
// sqlite_repositories.cpp and pg_repositories.cpp.
#include "common.hpp"
#include "../audit_chain.hpp"

#include <ssogate/store/connection.hpp>
#include <ssogate/store/owner.hpp>
#include <ssogate/store/team.hpp>
#include <ssogate/store/user.hpp>

#include <string>

namespace ssogate::store::sql {

/// The row readers, column lists and helper statements of the classes below.
template <class Backend>
struct identity_rows {
    using context = typename Backend::context;
    using statement = typename Backend::statement;
    using conflict_map = typename Backend::conflict_map;

    static std::string_view to_text(connection_owner owner) noexcept
    {
        return owner == connection_owner::file ? "file" : "store";
    }

    // ---- connections ----

    static constexpr std::string_view connection_columns =
        "SELECT id, display_name, owner, source_file, jit_enabled, settings, created_at, updated_at FROM connections ";

    static result<connection_record> read_connection(context& ctx, statement& st)
    {
        connection_record c;
        c.id = st.text(0);
        c.display_name = st.text(1);
        auto const owner = st.text(2);
        if (owner == "file")
            c.owner = connection_owner::file;
        else if (owner == "store")
            c.owner = connection_owner::store;
        else
            return ctx.fail(errc::corrupt, "connections.owner has an unknown value: " + owner);
        c.source_file = st.text(3);
        c.jit_enabled = st.boolean(4);
        c.settings_json = st.text(5);
        c.created_at = st.time(6);
        c.updated_at = st.time(7);
        return c;
    }

    // ---- users ----

    // A user row with its email (the "email" attribute).
    static constexpr std::string_view user_columns =
        "SELECT u.id, u.created_by, u.active, a.value, u.created_at, u.updated_at FROM users u "
        "LEFT JOIN user_attributes a ON a.user_id = u.id AND a.name = 'email' ";

    static user_record read_user(statement& st)
    {
        user_record u;
        u.id = st.text(0);
        u.created_by = st.text(1);
        u.active = st.boolean(2);
        u.email = st.optional_text(3);
        u.created_at = st.time(4);
        u.updated_at = st.time(5);
        return u;
    }

    /// Moves users.updated_at forward to `now` after a change to something the user holds.
    static result<void> touch_user(context& ctx, std::string_view user_id, time_point now)
    {
        static std::string const sql =
            concat("UPDATE users SET updated_at = ", Backend::greatest, "(updated_at, ?2) WHERE id = ?1");
        if (auto r = execute(ctx, sql, [&](statement& st) { st.bind_text(1, user_id).bind_time(2, now); }); !r)
            return propagate(r);
        return {};
    }

    /// Runs one write statement and touch_user() as one unit (a savepoint).
    template <class Bind>
    static result<std::size_t> change_and_touch(context& ctx, std::string_view sql, Bind bind, conflict_map conflicts,
                                                std::string_view user_id, time_point now, bool touch_when_unchanged)
    {
        auto sp = ctx.begin_savepoint();
        if (!sp)
            return propagate(sp);
        auto changed = execute(ctx, sql, bind, conflicts);
        if (!changed)
            return propagate(changed);
        if (*changed > 0 || touch_when_unchanged)
            if (auto t = touch_user(ctx, user_id, now); !t)
                return propagate(t);
        if (auto r = sp->release(); !r)
            return propagate(r);
        return *changed;
    }

    /// An upsert of something the user holds (an attribute, a role, a membership) and
    /// touch_user(), as one unit.
    template <class Bind>
    static result<void> set_and_touch(context& ctx, std::string_view sql, Bind bind, conflict_map conflicts,
                                      std::string_view user_id, time_point now)
    {
        if (auto r = change_and_touch(ctx, sql, bind, conflicts, user_id, now, true); !r)
            return propagate(r);
        return {};
    }

    /// A removal of something the user holds and, when it removed a row, touch_user(), as
    /// one unit: whether it removed one.
    template <class Bind>
    static result<bool> remove_and_touch(context& ctx, std::string_view sql, Bind bind, std::string_view user_id,
                                         time_point now)
    {
        auto r = change_and_touch(ctx, sql, bind, {}, user_id, now, false);
        if (!r)
            return propagate(r);
        return *r > 0;
    }

    static identity_record read_identity(statement& st)
    {
        identity_record i;
        i.connection_id = st.text(0);
        i.subject = st.text(1);
        i.user_id = st.text(2);
        i.created_at = st.time(3);
        i.last_login_at = st.optional_time(4);
        i.last_assertion_json = st.text(5);
        return i;
    }

    // ---- teams ----

    static constexpr std::string_view team_columns = "SELECT id, name, owner, created_at, updated_at FROM teams ";

    static team_record read_team(statement& st)
    {
        return team_record{st.text(0), st.text(1), st.text(2), st.time(3), st.time(4)};
    }

    static constexpr std::string_view membership_columns =
        "SELECT user_id, team_id, owner, set_at, event_id FROM team_memberships ";

    static membership_record read_membership(statement& st)
    {
        return membership_record{st.text(0), st.text(1), st.text(2), st.time(3), st.optional_text(4)};
    }
};

template <class Backend>
class basic_connections final : public connection_repository {
public:
    using context = typename Backend::context;
    using statement = typename Backend::statement;

    explicit basic_connections(context& ctx) noexcept : ctx_(ctx) {}
    result<void> create(connection_record const& connection) override;
    result<std::optional<connection_record>> find(std::string_view id) override;
    result<std::vector<connection_record>> list() override;
    result<bool> update(connection_record const& connection) override;
    result<bool> set_jit_enabled(std::string_view id, bool enabled, time_point now) override;
    result<bool> remove(std::string_view id) override;


private:
    using rows = identity_rows<Backend>;
    context& ctx_;
};

template <class Backend>
class basic_users final : public user_repository {
public:
    using context = typename Backend::context;
    using statement = typename Backend::statement;

    explicit basic_users(context& ctx) noexcept : ctx_(ctx) {}
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
    using rows = identity_rows<Backend>;
    context& ctx_;
};

template <class Backend>
class basic_teams final : public team_repository {
public:
    using context = typename Backend::context;
    using statement = typename Backend::statement;

    explicit basic_teams(context& ctx) noexcept : ctx_(ctx) {}
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
    using rows = identity_rows<Backend>;
    context& ctx_;
};

// ---- basic_connections ----

template <class Backend>
result<void> basic_connections<Backend>::create(connection_record const& c)
{
    if (c.id.empty() || c.settings_json.empty() || !detail::compact_json(c.settings_json))
        return ctx_.fail(errc::invalid_argument, "connection id is empty or settings are not JSON");
    auto r = execute(
        ctx_,
        "INSERT INTO connections (id, display_name, owner, source_file, jit_enabled, settings, created_at, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        [&](statement& st) {
            st.bind_text(1, c.id)
                .bind_text(2, c.display_name)
                .bind_text(3, rows::to_text(c.owner))
                .bind_text(4, c.source_file)
                .bind_bool(5, c.jit_enabled)
                .bind_text(6, c.settings_json)
                .bind_time(7, c.created_at)
                .bind_time(8, c.updated_at);
        });
    if (!r)
        return propagate(r);
    ctx_.connections_changed(true);
    return {};
}

template <class Backend>
result<std::optional<connection_record>> basic_connections<Backend>::find(std::string_view id)
{
    static std::string const sql = concat(rows::connection_columns, "WHERE id = ?1");
    return query_first<connection_record>(
        ctx_, sql, [&](statement& st) { st.bind_text(1, id); },
        [&](statement& s) { return rows::read_connection(ctx_, s); });
}

template <class Backend>
result<std::vector<connection_record>> basic_connections<Backend>::list()
{
    static std::string const sql = concat(rows::connection_columns, "ORDER BY id");
    return query_all<connection_record>(ctx_, sql, no_parameters,
                                        [&](statement& s) { return rows::read_connection(ctx_, s); });
}

template <class Backend>
result<bool> basic_connections<Backend>::update(connection_record const& c)
{
    if (c.settings_json.empty() || !detail::compact_json(c.settings_json))
        return ctx_.fail(errc::invalid_argument, "connection settings are not JSON");
    auto changed = execute_changed(
        ctx_,
        "UPDATE connections SET display_name = ?2, owner = ?3, source_file = ?4, jit_enabled = ?5, settings = ?6, "
        "updated_at = ?7 WHERE id = ?1",
        [&](statement& st) {
            st.bind_text(1, c.id)
                .bind_text(2, c.display_name)
                .bind_text(3, rows::to_text(c.owner))
                .bind_text(4, c.source_file)
                .bind_bool(5, c.jit_enabled)
                .bind_text(6, c.settings_json)
                .bind_time(7, c.updated_at);
        });
    if (changed)
        ctx_.connections_changed(*changed);
    return changed;
}

template <class Backend>
result<bool> basic_connections<Backend>::set_jit_enabled(std::string_view id, bool enabled, time_point now)
{
    auto changed = execute_changed(ctx_, "UPDATE connections SET jit_enabled = ?2, updated_at = ?3 WHERE id = ?1",
                                   [&](statement& st) { st.bind_text(1, id).bind_bool(2, enabled).bind_time(3, now); });
    if (changed)
        ctx_.connections_changed(*changed);
    return changed;
}

template <class Backend>
result<bool> basic_connections<Backend>::remove(std::string_view id)
{
    auto r = execute(
        ctx_, "DELETE FROM connections WHERE id = ?1", [&](statement& st) { st.bind_text(1, id); },
        {.foreign_key = errc::in_use});
    // ON DELETE RESTRICT (user_identities) is a foreign key violation: in_use. SQLite
    // reports one found while cascading into other tables at the end of the statement
    // as a plain SQLITE_CONSTRAINT (no extended FOREIGNKEY code, so invalid_argument);
    // a DELETE of a connection has no other constraint that could fail.
    if (!r && Backend::restrict_is_plain_constraint && r.error() == errc::invalid_argument)
        return ctx_.fail(errc::in_use, "the connection still has users or other rows that refer to it");
    if (!r)
        return propagate(r);
    ctx_.connections_changed(*r > 0);
    return *r > 0;
}

// ---- basic_users ----

template <class Backend>
result<void> basic_users<Backend>::create(new_user const& u)
{
    if (u.id.empty() || !is_valid_owner(u.created_by))
        return ctx_.fail(errc::invalid_argument, "user id is empty or created_by is not an owner");
    auto r = execute(ctx_, "INSERT INTO users (id, active, created_by, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
                     [&](statement& st) {
                         st.bind_text(1, u.id).bind_bool(2, u.active).bind_text(3, u.created_by).bind_time(
                             4, u.created_at);
                     });
    if (!r)
        return propagate(r);
    return {};
}

template <class Backend>
result<std::optional<user_record>> basic_users<Backend>::find(std::string_view id)
{
    static std::string const sql = concat(rows::user_columns, "WHERE u.id = ?1");
    return query_first<user_record>(ctx_, sql, [&](statement& st) { st.bind_text(1, id); }, rows::read_user);
}

template <class Backend>
result<std::optional<user_record>> basic_users<Backend>::find_by_identity(std::string_view connection_id,
                                                                          std::string_view subject)
{
    static std::string const sql = concat(
        rows::user_columns,
        "WHERE u.id = (SELECT user_id FROM user_identities WHERE connection_id = ?1 AND subject = ?2)");
    return query_first<user_record>(
        ctx_, sql, [&](statement& st) { st.bind_text(1, connection_id).bind_text(2, subject); }, rows::read_user);
}

template <class Backend>
result<std::optional<user_record>> basic_users<Backend>::find_by_email(std::string_view email)
{
    static std::string const sql =
        concat(rows::user_columns, "WHERE u.id = (SELECT user_id FROM user_attributes WHERE name = 'email' AND ",
               Backend::nocase_equals("value", "?1"), ")");
    return query_first<user_record>(ctx_, sql, [&](statement& st) { st.bind_text(1, email); }, rows::read_user);
}

template <class Backend>
result<std::vector<user_record>> basic_users<Backend>::find_by_attribute(std::string_view name, std::string_view value)
{
    static std::string const sql =
        concat(rows::user_columns, "WHERE u.id IN (SELECT user_id FROM user_attributes WHERE name = ?1 AND ",
               Backend::nocase_equals("value", "?2"), ") ORDER BY u.id");
    return query_all<user_record>(
        ctx_, sql, [&](statement& st) { st.bind_text(1, name).bind_text(2, value); }, rows::read_user);
}

template <class Backend>
result<std::vector<user_record>> basic_users<Backend>::list(std::string_view after_id, std::size_t limit)
{
    static std::string const sql = concat(rows::user_columns, "WHERE u.id > ?1 ORDER BY u.id LIMIT ?2");
    return query_all<user_record>(
        ctx_, sql, [&](statement& st) { st.bind_text(1, after_id).bind_int(2, bounded(limit)); }, rows::read_user);
}

template <class Backend>
result<bool> basic_users<Backend>::set_active(std::string_view id, bool active, time_point now)
{
    static std::string const sql = concat("UPDATE users SET active = ?2, updated_at = ", Backend::greatest,
                                          "(updated_at, ?3) WHERE id = ?1");
    return execute_changed(ctx_, sql,
                           [&](statement& st) { st.bind_text(1, id).bind_bool(2, active).bind_time(3, now); });
}

template <class Backend>
result<bool> basic_users<Backend>::remove(std::string_view id)
{
    return execute_changed(ctx_, "DELETE FROM users WHERE id = ?1", [&](statement& st) { st.bind_text(1, id); });
}

template <class Backend>
result<void> basic_users<Backend>::add_identity(identity_record const& i)
{
    if (i.subject.empty())
        return ctx_.fail(errc::invalid_argument, "identity subject is empty");
    auto r = execute(
        ctx_,
        "INSERT INTO user_identities (connection_id, subject, user_id, created_at, last_login_at, last_assertion) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        [&](statement& st) {
            st.bind_text(1, i.connection_id)
                .bind_text(2, i.subject)
                .bind_text(3, i.user_id)
                .bind_time(4, i.created_at)
                .bind_optional_time(5, i.last_login_at)
                .bind_text(6, i.last_assertion_json);
        },
        {.primary_key = errc::identity_taken});
    if (!r)
        return propagate(r);
    return {};
}

template <class Backend>
result<std::vector<identity_record>> basic_users<Backend>::identities(std::string_view user_id)
{
    return query_all<identity_record>(
        ctx_,
        "SELECT connection_id, subject, user_id, created_at, last_login_at, last_assertion FROM user_identities "
        "WHERE user_id = ?1 ORDER BY connection_id, subject",
        [&](statement& st) { st.bind_text(1, user_id); }, rows::read_identity);
}

template <class Backend>
result<bool> basic_users<Backend>::record_login(std::string_view connection_id, std::string_view subject,
                                                std::string_view assertion_json, time_point now)
{
    return execute_changed(
        ctx_,
        "UPDATE user_identities SET last_login_at = ?3, last_assertion = ?4 WHERE connection_id = ?1 AND subject = ?2",
        [&](statement& st) {
            st.bind_text(1, connection_id).bind_text(2, subject).bind_time(3, now).bind_text(4, assertion_json);
        });
}

template <class Backend>
result<std::vector<attribute_record>> basic_users<Backend>::attributes(std::string_view user_id)
{
    return query_all<attribute_record>(
        ctx_, "SELECT name, value, owner, set_at, event_id FROM user_attributes WHERE user_id = ?1 ORDER BY name",
        [&](statement& st) { st.bind_text(1, user_id); },
        [](statement& s) { return attribute_record{s.text(0), s.text(1), s.text(2), s.time(3), s.optional_text(4)}; });
}

template <class Backend>
result<void> basic_users<Backend>::set_attribute(std::string_view user_id, attribute_record const& a)
{
    if (a.name.empty() || !is_valid_owner(a.owner))
        return ctx_.fail(errc::invalid_argument, "attribute name is empty or owner is malformed");
    return rows::set_and_touch(
        ctx_,
        "INSERT INTO user_attributes (user_id, name, value, owner, set_at, event_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
        "ON CONFLICT (user_id, name) DO UPDATE SET value = excluded.value, owner = excluded.owner, "
        "set_at = excluded.set_at, event_id = excluded.event_id",
        [&](statement& st) {
            st.bind_text(1, user_id)
                .bind_text(2, a.name)
                .bind_text(3, a.value)
                .bind_text(4, a.owner)
                .bind_time(5, a.set_at)
                .bind_optional_text(6, a.event_id);
        },
        {.unique = errc::email_taken}, user_id, a.set_at);
}

template <class Backend>
result<bool> basic_users<Backend>::remove_attribute(std::string_view user_id, std::string_view name, time_point now)
{
    return rows::remove_and_touch(
        ctx_, "DELETE FROM user_attributes WHERE user_id = ?1 AND name = ?2",
        [&](statement& st) { st.bind_text(1, user_id).bind_text(2, name); }, user_id, now);
}

template <class Backend>
result<std::vector<role_grant>> basic_users<Backend>::roles(std::string_view user_id)
{
    return query_all<role_grant>(
        ctx_, "SELECT role, owner, set_at, event_id FROM role_grants WHERE user_id = ?1 ORDER BY role",
        [&](statement& st) { st.bind_text(1, user_id); },
        [](statement& s) { return role_grant{s.text(0), s.text(1), s.time(2), s.optional_text(3)}; });
}

template <class Backend>
result<void> basic_users<Backend>::grant_role(std::string_view user_id, role_grant const& g)
{
    if (g.role.empty() || !is_valid_owner(g.owner))
        return ctx_.fail(errc::invalid_argument, "role is empty or owner is malformed");
    return rows::set_and_touch(
        ctx_,
        "INSERT INTO role_grants (user_id, role, owner, set_at, event_id) VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT (user_id, role) DO UPDATE SET owner = excluded.owner, set_at = excluded.set_at, "
        "event_id = excluded.event_id",
        [&](statement& st) {
            st.bind_text(1, user_id)
                .bind_text(2, g.role)
                .bind_text(3, g.owner)
                .bind_time(4, g.set_at)
                .bind_optional_text(5, g.event_id);
        },
        {}, user_id, g.set_at);
}

template <class Backend>
result<bool> basic_users<Backend>::revoke_role(std::string_view user_id, std::string_view role, time_point now)
{
    return rows::remove_and_touch(
        ctx_, "DELETE FROM role_grants WHERE user_id = ?1 AND role = ?2",
        [&](statement& st) { st.bind_text(1, user_id).bind_text(2, role); }, user_id, now);
}

// ---- basic_teams ----

template <class Backend>
result<void> basic_teams<Backend>::create(team_record const& t)
{
    if (t.id.empty() || t.name.empty() || !is_valid_owner(t.owner))
        return ctx_.fail(errc::invalid_argument, "team id or name is empty or owner is malformed");
    auto r = execute(
        ctx_, "INSERT INTO teams (id, name, owner, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        [&](statement& st) {
            st.bind_text(1, t.id).bind_text(2, t.name).bind_text(3, t.owner).bind_time(4, t.created_at).bind_time(
                5, t.updated_at);
        },
        {.unique = errc::team_name_taken});
    if (!r)
        return propagate(r);
    return {};
}

template <class Backend>
result<std::optional<team_record>> basic_teams<Backend>::find(std::string_view id)
{
    static std::string const sql = concat(rows::team_columns, "WHERE id = ?1");
    return query_first<team_record>(ctx_, sql, [&](statement& st) { st.bind_text(1, id); }, rows::read_team);
}

template <class Backend>
result<std::optional<team_record>> basic_teams<Backend>::find_by_name(std::string_view name)
{
    static std::string const sql = concat(rows::team_columns, "WHERE ", Backend::nocase_equals("name", "?1"));
    return query_first<team_record>(ctx_, sql, [&](statement& st) { st.bind_text(1, name); }, rows::read_team);
}

template <class Backend>
result<std::vector<team_record>> basic_teams<Backend>::list()
{
    static std::string const sql = concat(rows::team_columns, "ORDER BY ", Backend::nocase_order("name"), ", id");
    return query_all<team_record>(ctx_, sql, no_parameters, rows::read_team);
}

template <class Backend>
result<bool> basic_teams<Backend>::rename(std::string_view id, std::string_view name, time_point now)
{
    if (name.empty())
        return ctx_.fail(errc::invalid_argument, "team name is empty");
    return execute_changed(
        ctx_, "UPDATE teams SET name = ?2, updated_at = ?3 WHERE id = ?1",
        [&](statement& st) { st.bind_text(1, id).bind_text(2, name).bind_time(3, now); },
        {.unique = errc::team_name_taken});
}

template <class Backend>
result<bool> basic_teams<Backend>::remove(std::string_view id)
{
    return execute_changed(ctx_, "DELETE FROM teams WHERE id = ?1", [&](statement& st) { st.bind_text(1, id); });
}

template <class Backend>
result<void> basic_teams<Backend>::add_member(membership_record const& m)
{
    if (!is_valid_owner(m.owner))
        return ctx_.fail(errc::invalid_argument, "membership owner is malformed");
    return rows::set_and_touch(
        ctx_,
        "INSERT INTO team_memberships (user_id, team_id, owner, set_at, event_id) VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT (user_id, team_id) DO UPDATE SET owner = excluded.owner, set_at = excluded.set_at, "
        "event_id = excluded.event_id",
        [&](statement& st) {
            st.bind_text(1, m.user_id)
                .bind_text(2, m.team_id)
                .bind_text(3, m.owner)
                .bind_time(4, m.set_at)
                .bind_optional_text(5, m.event_id);
        },
        {}, m.user_id, m.set_at);
}

template <class Backend>
result<bool> basic_teams<Backend>::remove_member(std::string_view user_id, std::string_view team_id, time_point now)
{
    return rows::remove_and_touch(
        ctx_, "DELETE FROM team_memberships WHERE user_id = ?1 AND team_id = ?2",
        [&](statement& st) { st.bind_text(1, user_id).bind_text(2, team_id); }, user_id, now);
}

template <class Backend>
result<std::vector<membership_record>> basic_teams<Backend>::members(std::string_view team_id)
{
    static std::string const sql = concat(rows::membership_columns, "WHERE team_id = ?1 ORDER BY user_id");
    return query_all<membership_record>(ctx_, sql, [&](statement& st) { st.bind_text(1, team_id); },
                                        rows::read_membership);
}

template <class Backend>
result<std::vector<membership_record>> basic_teams<Backend>::memberships_of(std::string_view user_id)
{
    static std::string const sql = concat(rows::membership_columns, "WHERE user_id = ?1 ORDER BY team_id");
    return query_all<membership_record>(ctx_, sql, [&](statement& st) { st.bind_text(1, user_id); },
                                        rows::read_membership);
}

} // namespace ssogate::store::sql
