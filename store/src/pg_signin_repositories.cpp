// Sessions, pending AuthnRequests and the replay cache on PostgreSQL (pg_repositories.hpp).
#include "secret_hash.hpp"
#include "pg_repositories.hpp"

namespace ssogate::store::pg {

namespace {

constexpr std::string_view session_columns =
    "SELECT id_hash, user_id, connection_id, created_at, expires_at, last_seen_at, idp_session_index FROM sessions ";

session_record read_session(statement& st)
{
    return session_record{st.text(0), st.text(1), st.text(2), st.time(3), st.time(4), st.time(5), st.text(6)};
}

std::int64_t micros(std::chrono::seconds d) noexcept
{
    return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
}

} // namespace

// ---- pg_sessions ----

result<session_record> pg_sessions::create(std::string_view secret, new_session const& s)
{
    if (secret.empty())
        return ctx_.fail(errc::invalid_argument, "session secret is empty");
    session_record record{detail::sha256_hex(secret), s.user_id,    s.connection_id,     s.created_at,
                          s.expires_at,                s.created_at, s.idp_session_index};
    auto st = ctx_.prepare(
        "INSERT INTO sessions (id_hash, user_id, connection_id, created_at, expires_at, last_seen_at, "
        "idp_session_index) VALUES (?1, ?2, ?3, ?4, ?5, ?4, ?6)");
    if (!st)
        return propagate(st);
    st->bind_text(1, record.id_hash)
        .bind_text(2, record.user_id)
        .bind_text(3, record.connection_id)
        .bind_time(4, record.created_at)
        .bind_time(5, record.expires_at)
        .bind_text(6, record.idp_session_index);
    if (auto r = ctx_.run(*st); !r)
        return propagate(r);
    // Report the times as stored (microsecond precision).
    record.created_at = record.last_seen_at = from_micros(to_micros(record.created_at));
    record.expires_at = from_micros(to_micros(record.expires_at));
    return record;
}

result<std::optional<session_record>> pg_sessions::find(std::string_view secret)
{
    static std::string const sql = std::string(session_columns) + "WHERE id_hash = ?1";
    auto st = ctx_.prepare(sql);
    if (!st)
        return propagate(st);
    st->bind_text(1, detail::sha256_hex(secret));
    return first<session_record>(ctx_, *st, read_session);
}

result<bool> pg_sessions::touch(std::string_view secret, time_point now)
{
    auto st = ctx_.prepare("UPDATE sessions SET last_seen_at = GREATEST(last_seen_at, ?2) WHERE id_hash = ?1");
    if (!st)
        return propagate(st);
    st->bind_text(1, detail::sha256_hex(secret)).bind_time(2, now);
    auto r = ctx_.run(*st);
    if (!r)
        return propagate(r);
    return *r > 0;
}

result<bool> pg_sessions::end(std::string_view secret)
{
    auto st = ctx_.prepare("DELETE FROM sessions WHERE id_hash = ?1");
    if (!st)
        return propagate(st);
    st->bind_text(1, detail::sha256_hex(secret));
    auto r = ctx_.run(*st);
    if (!r)
        return propagate(r);
    return *r > 0;
}

result<std::size_t> pg_sessions::end_all_for_user(std::string_view user_id)
{
    auto st = ctx_.prepare("DELETE FROM sessions WHERE user_id = ?1");
    if (!st)
        return propagate(st);
    st->bind_text(1, user_id);
    return ctx_.run(*st);
}

result<std::size_t> pg_sessions::sweep(time_point now, std::chrono::seconds idle_timeout)
{
    // The complement of is_live(): expires_at <= now or last_seen_at + idle <= now.
    auto st = ctx_.prepare("DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at <= ?1 - ?2");
    if (!st)
        return propagate(st);
    st->bind_time(1, now).bind_int(2, micros(idle_timeout));
    return ctx_.run(*st);
}

result<std::size_t> pg_sessions::count_live(time_point now, std::chrono::seconds idle_timeout)
{
    auto st = ctx_.prepare("SELECT count(*) FROM sessions WHERE expires_at > ?1 AND last_seen_at > ?1 - ?2");
    if (!st)
        return propagate(st);
    st->bind_time(1, now).bind_int(2, micros(idle_timeout));
    auto row = ctx_.next(*st);
    if (!row)
        return propagate(row);
    return static_cast<std::size_t>(st->integer(0));
}

// ---- pg_requests ----

result<void> pg_requests::create(pending_request const& r, std::string_view browser_binding)
{
    if (r.request_id.empty() || browser_binding.empty())
        return ctx_.fail(errc::invalid_argument, "request id or browser binding is empty");
    auto st = ctx_.prepare(
        "INSERT INTO authn_requests (request_id, connection_id, binding_hash, return_to, created_at, expires_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!st)
        return propagate(st);
    st->bind_text(1, r.request_id)
        .bind_text(2, r.connection_id)
        .bind_text(3, detail::sha256_hex(browser_binding))
        .bind_text(4, r.return_to)
        .bind_time(5, r.created_at)
        .bind_time(6, r.expires_at);
    if (auto run = ctx_.run(*st); !run)
        return propagate(run);
    return {};
}

result<consume_outcome> pg_requests::consume(std::string_view request_id, std::string_view connection_id,
                                                 std::string_view browser_binding, time_point now)
{
    auto const binding_hash = detail::sha256_hex(browser_binding);
    // The match and the removal are one statement: of two concurrent consumers, one
    // deletes the row and the other finds nothing.
    {
        auto st = ctx_.prepare(
            "DELETE FROM authn_requests WHERE request_id = ?1 AND connection_id = ?2 AND binding_hash = ?3 "
            "AND expires_at > ?4 RETURNING request_id, connection_id, return_to, created_at, expires_at");
        if (!st)
            return propagate(st);
        st->bind_text(1, request_id).bind_text(2, connection_id).bind_text(3, binding_hash).bind_time(4, now);
        auto row = first<pending_request>(ctx_, *st, [](statement& s) {
            return pending_request{s.text(0), s.text(1), s.text(2), s.time(3), s.time(4)};
        });
        if (!row)
            return propagate(row);
        if (*row) {
            if (auto done = ctx_.run(*st); !done) // finish the DELETE ... RETURNING
                return propagate(done);
            return consume_outcome{consume_status::consumed, std::move(*row)};
        }
    }

    // Nothing consumed: say why, for the audit log.
    auto st = ctx_.prepare("SELECT connection_id, binding_hash, expires_at FROM authn_requests WHERE request_id = ?1");
    if (!st)
        return propagate(st);
    st->bind_text(1, request_id);
    auto row = ctx_.next(*st);
    if (!row)
        return propagate(row);
    if (!*row)
        return consume_outcome{consume_status::unknown, std::nullopt};
    if (st->text(0) != connection_id)
        return consume_outcome{consume_status::other_connection, std::nullopt};
    if (st->text(1) != binding_hash)
        return consume_outcome{consume_status::other_browser, std::nullopt};

    // Expired: it can never be used, remove it now.
    auto del = ctx_.prepare("DELETE FROM authn_requests WHERE request_id = ?1");
    if (!del)
        return propagate(del);
    del->bind_text(1, request_id);
    if (auto r = ctx_.run(*del); !r)
        return propagate(r);
    return consume_outcome{consume_status::expired, std::nullopt};
}

result<std::size_t> pg_requests::sweep(time_point now)
{
    auto st = ctx_.prepare("DELETE FROM authn_requests WHERE expires_at <= ?1");
    if (!st)
        return propagate(st);
    st->bind_time(1, now);
    return ctx_.run(*st);
}

// ---- pg_replay ----

result<void> pg_replay::consume(std::string_view connection_id, std::string_view assertion_id,
                                    time_point expires_at)
{
    if (assertion_id.empty())
        return ctx_.fail(errc::invalid_argument, "assertion id is empty");
    // One atomic insert-or-nothing: zero rows inserted means the ID was there already.
    auto st = ctx_.prepare(
        "INSERT INTO replay_cache (connection_id, assertion_id, expires_at) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (connection_id, assertion_id) DO NOTHING");
    if (!st)
        return propagate(st);
    st->bind_text(1, connection_id).bind_text(2, assertion_id).bind_time(3, expires_at);
    auto r = ctx_.run(*st);
    if (!r)
        return propagate(r);
    if (*r == 0)
        return ctx_.fail(errc::replayed, "assertion id already consumed");
    return {};
}

result<std::size_t> pg_replay::sweep(time_point now)
{
    auto st = ctx_.prepare("DELETE FROM replay_cache WHERE expires_at <= ?1");
    if (!st)
        return propagate(st);
    st->bind_time(1, now);
    return ctx_.run(*st);
}

} // namespace ssogate::store::pg
