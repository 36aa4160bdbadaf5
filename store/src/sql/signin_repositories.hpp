#pragma once
// Sessions, pending AuthnRequests and the replay cache (session.hpp, authn_request.hpp,
// replay_cache.hpp), written once for both backends (sql/common.hpp says what a Backend
// is). Instantiated in sqlite_repositories.cpp and pg_repositories.cpp; the transactions
// hold them through sql/basic_transaction.hpp.
#include "../secret_hash.hpp"
#include "common.hpp"

#include <ssogate/store/authn_request.hpp>
#include <ssogate/store/replay_cache.hpp>
#include <ssogate/store/session.hpp>

namespace ssogate::store::sql {

template <class Backend>
class basic_sessions final : public session_repository {
public:
    using context = typename Backend::context;
    using statement = typename Backend::statement;

    explicit basic_sessions(context& ctx) noexcept : ctx_(ctx) {}
    result<session_record> create(std::string_view secret, new_session const& session) override;
    result<std::optional<session_record>> find(std::string_view secret) override;
    result<bool> touch(std::string_view secret, time_point now) override;
    result<bool> end(std::string_view secret) override;
    result<std::size_t> end_all_for_user(std::string_view user_id) override;
    result<std::size_t> sweep(time_point now, std::chrono::seconds idle_timeout) override;
    result<std::size_t> count_live(time_point now, std::chrono::seconds idle_timeout) override;

private:
    static constexpr std::string_view columns =
        "SELECT id_hash, user_id, connection_id, created_at, expires_at, last_seen_at, idp_session_index "
        "FROM sessions ";

    static session_record read(statement& st)
    {
        return session_record{st.text(0), st.text(1), st.text(2), st.time(3), st.time(4), st.time(5), st.text(6)};
    }

    context& ctx_;
};

template <class Backend>
class basic_requests final : public request_repository {
public:
    using context = typename Backend::context;
    using statement = typename Backend::statement;

    explicit basic_requests(context& ctx) noexcept : ctx_(ctx) {}
    result<void> create(pending_request const& request, std::string_view browser_binding) override;
    result<consume_outcome> consume(std::string_view request_id, std::string_view connection_id,
                                    std::string_view browser_binding, time_point now) override;
    result<std::size_t> sweep(time_point now) override;

private:
    context& ctx_;
};

template <class Backend>
class basic_replay final : public replay_cache {
public:
    using context = typename Backend::context;
    using statement = typename Backend::statement;

    explicit basic_replay(context& ctx) noexcept : ctx_(ctx) {}
    result<void> consume(std::string_view connection_id, std::string_view assertion_id,
                         time_point expires_at) override;
    result<std::size_t> sweep(time_point now) override;

private:
    context& ctx_;
};

// ---- basic_sessions ----

template <class Backend>
result<session_record> basic_sessions<Backend>::create(std::string_view secret, new_session const& s)
{
    if (secret.empty())
        return ctx_.fail(errc::invalid_argument, "session secret is empty");
    session_record record{detail::sha256_hex(secret), s.user_id,    s.connection_id,     s.created_at,
                          s.expires_at,                s.created_at, s.idp_session_index};
    auto r = execute(ctx_,
                     "INSERT INTO sessions (id_hash, user_id, connection_id, created_at, expires_at, last_seen_at, "
                     "idp_session_index) VALUES (?1, ?2, ?3, ?4, ?5, ?4, ?6)",
                     [&](statement& st) {
                         st.bind_text(1, record.id_hash)
                             .bind_text(2, record.user_id)
                             .bind_text(3, record.connection_id)
                             .bind_time(4, record.created_at)
                             .bind_time(5, record.expires_at)
                             .bind_text(6, record.idp_session_index);
                     });
    if (!r)
        return propagate(r);
    // Report the times as stored (microsecond precision).
    record.created_at = record.last_seen_at = as_stored(record.created_at);
    record.expires_at = as_stored(record.expires_at);
    return record;
}

template <class Backend>
result<std::optional<session_record>> basic_sessions<Backend>::find(std::string_view secret)
{
    static std::string const sql = concat(columns, "WHERE id_hash = ?1");
    return query_first<session_record>(
        ctx_, sql, [&](statement& st) { st.bind_text(1, detail::sha256_hex(secret)); }, read);
}

template <class Backend>
result<bool> basic_sessions<Backend>::touch(std::string_view secret, time_point now)
{
    static std::string const sql =
        concat("UPDATE sessions SET last_seen_at = ", Backend::greatest, "(last_seen_at, ?2) WHERE id_hash = ?1");
    return execute_changed(ctx_, sql,
                           [&](statement& st) { st.bind_text(1, detail::sha256_hex(secret)).bind_time(2, now); });
}

template <class Backend>
result<bool> basic_sessions<Backend>::end(std::string_view secret)
{
    return execute_changed(ctx_, "DELETE FROM sessions WHERE id_hash = ?1",
                           [&](statement& st) { st.bind_text(1, detail::sha256_hex(secret)); });
}

template <class Backend>
result<std::size_t> basic_sessions<Backend>::end_all_for_user(std::string_view user_id)
{
    return execute(ctx_, "DELETE FROM sessions WHERE user_id = ?1", [&](statement& st) { st.bind_text(1, user_id); });
}

template <class Backend>
result<std::size_t> basic_sessions<Backend>::sweep(time_point now, std::chrono::seconds idle_timeout)
{
    // The complement of is_live(): expires_at <= now or last_seen_at + idle <= now.
    return execute(ctx_, "DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at <= ?1 - ?2",
                   [&](statement& st) { st.bind_time(1, now).bind_int(2, micros(idle_timeout)); });
}

template <class Backend>
result<std::size_t> basic_sessions<Backend>::count_live(time_point now, std::chrono::seconds idle_timeout)
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

// ---- basic_requests ----

template <class Backend>
result<void> basic_requests<Backend>::create(pending_request const& r, std::string_view browser_binding)
{
    if (r.request_id.empty() || browser_binding.empty())
        return ctx_.fail(errc::invalid_argument, "request id or browser binding is empty");
    auto run = execute(ctx_,
                       "INSERT INTO authn_requests (request_id, connection_id, binding_hash, return_to, created_at, "
                       "expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                       [&](statement& st) {
                           st.bind_text(1, r.request_id)
                               .bind_text(2, r.connection_id)
                               .bind_text(3, detail::sha256_hex(browser_binding))
                               .bind_text(4, r.return_to)
                               .bind_time(5, r.created_at)
                               .bind_time(6, r.expires_at);
                       });
    if (!run)
        return propagate(run);
    return {};
}

template <class Backend>
result<consume_outcome> basic_requests<Backend>::consume(std::string_view request_id, std::string_view connection_id,
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
    if (auto r = execute(ctx_, "DELETE FROM authn_requests WHERE request_id = ?1",
                         [&](statement& del) { del.bind_text(1, request_id); });
        !r)
        return propagate(r);
    return consume_outcome{consume_status::expired, std::nullopt};
}

template <class Backend>
result<std::size_t> basic_requests<Backend>::sweep(time_point now)
{
    return execute(ctx_, "DELETE FROM authn_requests WHERE expires_at <= ?1",
                   [&](statement& st) { st.bind_time(1, now); });
}

// ---- basic_replay ----

template <class Backend>
result<void> basic_replay<Backend>::consume(std::string_view connection_id, std::string_view assertion_id,
                                            time_point expires_at)
{
    if (assertion_id.empty())
        return ctx_.fail(errc::invalid_argument, "assertion id is empty");
    // One atomic insert-or-nothing: zero rows inserted means the ID was there already.
    auto r = execute(ctx_,
                     "INSERT INTO replay_cache (connection_id, assertion_id, expires_at) VALUES (?1, ?2, ?3) "
                     "ON CONFLICT (connection_id, assertion_id) DO NOTHING",
                     [&](statement& st) {
                         st.bind_text(1, connection_id).bind_text(2, assertion_id).bind_time(3, expires_at);
                     });
    if (!r)
        return propagate(r);
    if (*r == 0)
        return ctx_.fail(errc::replayed, "assertion id already consumed");
    return {};
}

template <class Backend>
result<std::size_t> basic_replay<Backend>::sweep(time_point now)
{
    return execute(ctx_, "DELETE FROM replay_cache WHERE expires_at <= ?1",
                   [&](statement& st) { st.bind_time(1, now); });
}

} // namespace ssogate::store::sql
