// Admin console sessions on PostgreSQL (pg_repositories.hpp) (admin_session.hpp; migration 6).
#include "secret_hash.hpp"
#include "pg_repositories.hpp"

namespace ssogate::store::pg {

namespace {

constexpr std::string_view admin_session_columns =
    "SELECT id_hash, actor_type, actor_id, label, method, created_at, last_seen_at, expires_at "
    "FROM admin_sessions ";

admin_session_record read_admin_session(statement& st)
{
    return admin_session_record{st.text(0), st.text(1), st.text(2), st.text(3),
                                st.text(4), st.time(5), st.time(6), st.time(7)};
}

} // namespace

result<admin_session_record> pg_admin_sessions::create(std::string_view secret, new_admin_session const& s)
{
    if (secret.empty() || s.actor_type.empty() || s.actor_id.empty() || s.method.empty())
        return ctx_.fail(errc::invalid_argument, "admin session secret, actor or method is empty");
    admin_session_record record{detail::sha256_hex(secret), s.actor_type,  s.actor_id,   s.label,
                                s.method,                   s.created_at,  s.created_at, s.expires_at};
    auto st = ctx_.prepare(
        "INSERT INTO admin_sessions (id_hash, actor_type, actor_id, label, method, created_at, last_seen_at, "
        "expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)");
    if (!st)
        return propagate(st);
    st->bind_text(1, record.id_hash)
        .bind_text(2, record.actor_type)
        .bind_text(3, record.actor_id)
        .bind_text(4, record.label)
        .bind_text(5, record.method)
        .bind_time(6, record.created_at)
        .bind_time(7, record.expires_at);
    if (auto r = ctx_.run(*st); !r)
        return propagate(r);
    // Report the times as stored (microsecond precision).
    record.created_at = record.last_seen_at = from_micros(to_micros(record.created_at));
    record.expires_at = from_micros(to_micros(record.expires_at));
    return record;
}

result<std::optional<admin_session_record>> pg_admin_sessions::find(std::string_view secret)
{
    static std::string const sql = std::string(admin_session_columns) + "WHERE id_hash = ?1";
    auto st = ctx_.prepare(sql);
    if (!st)
        return propagate(st);
    st->bind_text(1, detail::sha256_hex(secret));
    return first<admin_session_record>(ctx_, *st, read_admin_session);
}

result<bool> pg_admin_sessions::touch(std::string_view secret, time_point now)
{
    auto st = ctx_.prepare("UPDATE admin_sessions SET last_seen_at = GREATEST(last_seen_at, ?2) WHERE id_hash = ?1");
    if (!st)
        return propagate(st);
    st->bind_text(1, detail::sha256_hex(secret)).bind_time(2, now);
    auto r = ctx_.run(*st);
    if (!r)
        return propagate(r);
    return *r > 0;
}

result<bool> pg_admin_sessions::end(std::string_view secret)
{
    auto st = ctx_.prepare("DELETE FROM admin_sessions WHERE id_hash = ?1");
    if (!st)
        return propagate(st);
    st->bind_text(1, detail::sha256_hex(secret));
    auto r = ctx_.run(*st);
    if (!r)
        return propagate(r);
    return *r > 0;
}

result<std::size_t> pg_admin_sessions::end_all_for_actor(std::string_view actor_type, std::string_view actor_id)
{
    auto st = ctx_.prepare("DELETE FROM admin_sessions WHERE actor_id = ?2 AND actor_type = ?1");
    if (!st)
        return propagate(st);
    st->bind_text(1, actor_type).bind_text(2, actor_id);
    return ctx_.run(*st);
}

result<std::size_t> pg_admin_sessions::sweep(time_point now, std::chrono::seconds idle_timeout)
{
    // The complement of is_live(): expires_at <= now or last_seen_at + idle <= now.
    auto st = ctx_.prepare("DELETE FROM admin_sessions WHERE expires_at <= ?1 OR last_seen_at <= ?1 - ?2");
    if (!st)
        return propagate(st);
    st->bind_time(1, now).bind_int(2, std::chrono::duration_cast<std::chrono::microseconds>(idle_timeout).count());
    return ctx_.run(*st);
}

} // namespace ssogate::store::pg
