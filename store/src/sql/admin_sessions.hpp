#pragma once
// Admin console sessions (admin_session.hpp; migration 6), written once for both
// backends (sql/common.hpp says what a Backend is). Instantiated in
// sqlite_repositories.cpp and pg_repositories.cpp.
#include "../secret_hash.hpp"
#include "common.hpp"

#include <ssogate/store/admin_session.hpp>

namespace ssogate::store::sql {

template <class Backend>
class basic_admin_sessions final : public admin_session_repository {
public:
    using context = typename Backend::context;
    using statement = typename Backend::statement;

    explicit basic_admin_sessions(context& ctx) noexcept : ctx_(ctx) {}
    result<admin_session_record> create(std::string_view secret, new_admin_session const& session) override;
    result<std::optional<admin_session_record>> find(std::string_view secret) override;
    result<bool> touch(std::string_view secret, time_point now) override;
    result<bool> end(std::string_view secret) override;
    result<std::size_t> end_all_for_actor(std::string_view actor_type, std::string_view actor_id) override;
    result<std::size_t> sweep(time_point now, std::chrono::seconds idle_timeout) override;


private:
    static constexpr std::string_view columns =
        "SELECT id_hash, actor_type, actor_id, label, method, created_at, last_seen_at, expires_at "
        "FROM admin_sessions ";

    static admin_session_record read(statement& st)
    {
        return admin_session_record{st.text(0), st.text(1), st.text(2), st.text(3),
                                    st.text(4), st.time(5), st.time(6), st.time(7)};
    }

    context& ctx_;
};

template <class Backend>
result<admin_session_record> basic_admin_sessions<Backend>::create(std::string_view secret, new_admin_session const& s)
{
    if (secret.empty() || s.actor_type.empty() || s.actor_id.empty() || s.method.empty())
        return ctx_.fail(errc::invalid_argument, "admin session secret, actor or method is empty");
    admin_session_record record{detail::sha256_hex(secret), s.actor_type,  s.actor_id,   s.label,
                                s.method,                   s.created_at,  s.created_at, s.expires_at};
    auto r = execute(ctx_,
                     "INSERT INTO admin_sessions (id_hash, actor_type, actor_id, label, method, created_at, "
                     "last_seen_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)",
                     [&](statement& st) {
                         st.bind_text(1, record.id_hash)
                             .bind_text(2, record.actor_type)
                             .bind_text(3, record.actor_id)
                             .bind_text(4, record.label)
                             .bind_text(5, record.method)
                             .bind_time(6, record.created_at)
                             .bind_time(7, record.expires_at);
                     });
    if (!r)
        return propagate(r);
    // Report the times as stored (microsecond precision).
    record.created_at = record.last_seen_at = as_stored(record.created_at);
    record.expires_at = as_stored(record.expires_at);
    return record;
}

template <class Backend>
result<std::optional<admin_session_record>> basic_admin_sessions<Backend>::find(std::string_view secret)
{
    static std::string const sql = concat(columns, "WHERE id_hash = ?1");
    return query_first<admin_session_record>(
        ctx_, sql, [&](statement& st) { st.bind_text(1, detail::sha256_hex(secret)); }, read);
}

template <class Backend>
result<bool> basic_admin_sessions<Backend>::touch(std::string_view secret, time_point now)
{
    static std::string const sql =
        concat("UPDATE admin_sessions SET last_seen_at = ", Backend::greatest, "(last_seen_at, ?2) WHERE id_hash = ?1");
    return execute_changed(ctx_, sql,
                           [&](statement& st) { st.bind_text(1, detail::sha256_hex(secret)).bind_time(2, now); });
}

template <class Backend>
result<bool> basic_admin_sessions<Backend>::end(std::string_view secret)
{
    return execute_changed(ctx_, "DELETE FROM admin_sessions WHERE id_hash = ?1",
                           [&](statement& st) { st.bind_text(1, detail::sha256_hex(secret)); });
}

template <class Backend>
result<std::size_t> basic_admin_sessions<Backend>::end_all_for_actor(std::string_view actor_type,
                                                                     std::string_view actor_id)
{
    return execute(ctx_, "DELETE FROM admin_sessions WHERE actor_id = ?2 AND actor_type = ?1",
                   [&](statement& st) { st.bind_text(1, actor_type).bind_text(2, actor_id); });
}

template <class Backend>
result<std::size_t> basic_admin_sessions<Backend>::sweep(time_point now, std::chrono::seconds idle_timeout)
{
    // The complement of is_live(): expires_at <= now or last_seen_at + idle <= now.
    return execute(ctx_, "DELETE FROM admin_sessions WHERE expires_at <= ?1 OR last_seen_at <= ?1 - ?2",
                   [&](statement& st) { st.bind_time(1, now).bind_int(2, micros(idle_timeout)); });
}

} // namespace ssogate::store::sql
