#pragma once
// The audit log, API tokens and link approvals, written once for both backends
// (sql/common.hpp says what a Backend is). Instantiated in sqlite_repositories.cpp and
// pg_repositories.cpp.
#include "common.hpp"
#include "../audit_chain.hpp"
#include "../secret_hash.hpp"

#include <ssogate/store/audit_log.hpp>
#include <ssogate/store/link_approval.hpp>
#include <ssogate/store/token.hpp>
#include <ssogate/store/transaction.hpp>

#include <string>

namespace ssogate::store::sql {

/// The row readers, column lists and helper statements of the classes below.
template <class Backend>
struct audit_rows {
    using context = typename Backend::context;
    using statement = typename Backend::statement;

    static constexpr std::string_view audit_columns =
        "SELECT seq, id, time, action, actor_type, actor_id, target, connection_id, source_ip, user_agent, "
        "result_status, result_reason, changes, trace_id, prev_hash, hash FROM audit_events ";

    static chained_audit_event read_event(statement& st)
    {
        chained_audit_event e;
        e.seq = st.integer(0);
        e.event.id = st.text(1);
        e.event.time = st.time(2);
        e.event.action = st.text(3);
        e.event.actor_type = st.text(4);
        e.event.actor_id = st.text(5);
        e.event.target = st.text(6);
        e.event.connection_id = st.text(7);
        e.event.source_ip = st.text(8);
        e.event.user_agent = st.text(9);
        e.event.result_status = st.text(10);
        e.event.result_reason = st.text(11);
        e.event.changes_json = st.text(12);
        e.event.trace_id = st.text(13);
        e.prev_hash = st.text(14);
        e.hash = st.text(15);
        return e;
    }

    static std::string_view to_text(token_kind kind) noexcept
    {
        return kind == token_kind::scim ? "scim" : "admin";
    }

    static constexpr std::string_view token_columns =
        "SELECT id, kind, name, connection_id, created_at, revoked_at FROM api_tokens ";

    static result<token_record> read_token(context& ctx, statement& st)
    {
        token_record t;
        t.id = st.text(0);
        auto const kind = st.text(1);
        if (kind == "admin")
            t.kind = token_kind::admin;
        else if (kind == "scim")
            t.kind = token_kind::scim;
        else
            return ctx.fail(errc::corrupt, "api_tokens.kind has an unknown value: " + kind);
        t.name = st.text(2);
        t.connection_id = st.optional_text(3).value_or(std::string());
        t.created_at = st.time(4);
        t.revoked_at = st.optional_time(5);
        return t;
    }

    static std::string_view to_text(approval_status status) noexcept
    {
        switch (status) {
        case approval_status::pending: return "pending";
        case approval_status::approved: return "approved";
        case approval_status::rejected: return "rejected";
        }
        return "";
    }

    static constexpr std::string_view approval_columns =
        "SELECT id, connection_id, subject, user_id, email, assertion, requested_at, status, decided_at, decided_by "
        "FROM link_approvals ";

    static result<link_approval> read_approval(context& ctx, statement& st)
    {
        link_approval a;
        a.id = st.text(0);
        a.connection_id = st.text(1);
        a.subject = st.text(2);
        a.user_id = st.text(3);
        a.email = st.text(4);
        a.assertion_json = st.text(5);
        a.requested_at = st.time(6);
        auto const status = st.text(7);
        if (status == "pending")
            a.status = approval_status::pending;
        else if (status == "approved")
            a.status = approval_status::approved;
        else if (status == "rejected")
            a.status = approval_status::rejected;
        else
            return ctx.fail(errc::corrupt, "link_approvals.status has an unknown value: " + status);
        a.decided_at = st.optional_time(8);
        a.decided_by = st.text(9);
        return a;
    }
};

template <class Backend>
class basic_audit final : public audit_log {
public:
    using context = typename Backend::context;
    using statement = typename Backend::statement;

    explicit basic_audit(context& ctx) noexcept : ctx_(ctx) {}
    result<chained_audit_event> append(audit_event const& event) override;
    result<std::vector<chained_audit_event>> after(std::int64_t after_seq, std::size_t limit,
                                                   audit_filter const& filter) override;
    result<std::int64_t> last_seq() override;
    result<chain_verification> verify_chain() override;


private:
    using rows = audit_rows<Backend>;
    context& ctx_;
};

template <class Backend>
class basic_tokens final : public token_repository {
public:
    using context = typename Backend::context;
    using statement = typename Backend::statement;

    explicit basic_tokens(context& ctx) noexcept : ctx_(ctx) {}
    result<void> create(token_record const& token, std::string_view secret) override;
    result<std::optional<token_record>> find_active(std::string_view secret) override;
    result<std::optional<token_record>> find(std::string_view id) override;
    result<std::vector<token_record>> list(token_kind kind) override;
    result<bool> revoke(std::string_view id, time_point now) override;


private:
    using rows = audit_rows<Backend>;
    context& ctx_;
};

template <class Backend>
class basic_link_approvals final : public link_approval_repository {
public:
    using context = typename Backend::context;
    using statement = typename Backend::statement;

    explicit basic_link_approvals(context& ctx) noexcept : ctx_(ctx) {}
    result<void> request(link_approval const& approval) override;
    result<std::optional<link_approval>> find(std::string_view id) override;
    result<std::optional<link_approval>> find_pending(std::string_view connection_id,
                                                      std::string_view subject) override;
    result<std::vector<link_approval>> pending() override;
    result<bool> decide(std::string_view id, approval_status decision, std::string_view decided_by,
                        time_point now) override;


private:
    using rows = audit_rows<Backend>;
    context& ctx_;
};

// ---- basic_audit ----

template <class Backend>
result<chained_audit_event> basic_audit<Backend>::append(audit_event const& event)
{
    if (ctx_.mode() == access::read && !ctx_.closed())
        return ctx_.fail(errc::read_only_transaction, "audit append in a read transaction");
    if (event.id.empty() || event.action.empty())
        return ctx_.fail(errc::invalid_argument, "audit event id or action is empty");
    auto changes = detail::compact_json(event.changes_json);
    if (!changes)
        return ctx_.fail(errc::invalid_argument, "audit event changes are not JSON");

    chained_audit_event out;
    out.event = event;
    out.event.changes_json = std::move(*changes);
    out.event.time = as_stored(event.time); // as stored and hashed

    // Last link of the chain. Write transactions run one at a time on every backend
    // (SQLite: BEGIN IMMEDIATE; PostgreSQL: the writer lock taken at BEGIN, across
    // nodes), so nobody can append between this read and the insert below: seq stays
    // gapless in commit order and the chain linear under concurrent writers, and a
    // rolled-back append frees its seq. On PostgreSQL tailers on other nodes are woken
    // at commit.
    ctx_.audit_appending();
    {
        auto last = ctx_.prepare("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1");
        if (!last)
            return propagate(last);
        auto row = ctx_.next(*last);
        if (!row)
            return propagate(row);
        out.seq = *row ? last->integer(0) + 1 : 1;
        out.prev_hash = *row ? last->text(1) : std::string(genesis_hash);
    }
    out.hash = detail::chain_hash(out.seq, out.event, out.prev_hash);

    auto const& e = out.event;
    auto r = execute(
        ctx_,
        "INSERT INTO audit_events (seq, id, time, action, actor_type, actor_id, target, connection_id, source_ip, "
        "user_agent, result_status, result_reason, changes, trace_id, prev_hash, hash) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        [&](statement& st) {
            st.bind_int(1, out.seq)
                .bind_text(2, e.id)
                .bind_time(3, e.time)
                .bind_text(4, e.action)
                .bind_text(5, e.actor_type)
                .bind_text(6, e.actor_id)
                .bind_text(7, e.target)
                .bind_text(8, e.connection_id)
                .bind_text(9, e.source_ip)
                .bind_text(10, e.user_agent)
                .bind_text(11, e.result_status)
                .bind_text(12, e.result_reason)
                .bind_text(13, e.changes_json)
                .bind_text(14, e.trace_id)
                .bind_text(15, out.prev_hash)
                .bind_text(16, out.hash);
        });
    if (!r)
        return propagate(r);
    return out;
}

template <class Backend>
result<std::vector<chained_audit_event>> basic_audit<Backend>::after(std::int64_t after_seq, std::size_t limit,
                                                                     audit_filter const& filter)
{
    // One fixed statement per combination of filters, each planned on the index of its
    // filter (audit_events_by_action / _by_connection are both ordered by seq). A single
    // statement with `(?2 = '' OR action = ?2)` can only be served in seq order, walking
    // every later event to find a rare action: 28.8 s for one page at 10M events
    // (bench/README.md, "scale").
    bool const by_action = !filter.action.empty();
    bool const by_connection = !filter.connection_id.empty();
    static std::string const unfiltered = std::string(rows::audit_columns) + "WHERE seq > ?1 ORDER BY seq LIMIT ?2";
    static std::string const action_only =
        std::string(rows::audit_columns) + "WHERE action = ?3 AND seq > ?1 ORDER BY seq LIMIT ?2";
    static std::string const connection_only =
        std::string(rows::audit_columns) + "WHERE connection_id = ?3 AND seq > ?1 ORDER BY seq LIMIT ?2";
    static std::string const both = std::string(rows::audit_columns) +
                                    "WHERE action = ?3 AND connection_id = ?4 AND seq > ?1 ORDER BY seq LIMIT ?2";
    auto const& sql = by_action ? (by_connection ? both : action_only) : (by_connection ? connection_only : unfiltered);
    auto st = ctx_.prepare(sql);
    if (!st)
        return propagate(st);
    st->bind_int(1, after_seq).bind_int(2, bounded(limit));
    if (by_action)
        st->bind_text(3, filter.action);
    if (by_connection)
        st->bind_text(by_action ? 4 : 3, filter.connection_id);
    return collect<chained_audit_event>(ctx_, *st, rows::read_event);
}

template <class Backend>
result<std::int64_t> basic_audit<Backend>::last_seq()
{
    auto st = ctx_.prepare("SELECT coalesce(max(seq), 0) FROM audit_events");
    if (!st)
        return propagate(st);
    auto row = ctx_.next(*st);
    if (!row)
        return propagate(row);
    return st->integer(0);
}

template <class Backend>
result<chain_verification> basic_audit<Backend>::verify_chain()
{
    // Read the log in pages by seq (one snapshot in a read transaction; an index range
    // scan per page). Backend::audit_verify_page: PostgreSQL pages because libpq holds a
    // whole result in memory; SQLite steps through the rows and reads it in one page.
    static std::string const sql = std::string(rows::audit_columns) + "WHERE seq > ?1 ORDER BY seq LIMIT ?2";
    constexpr std::int64_t page = Backend::audit_verify_page;
    chain_verification out;
    std::int64_t expected_seq = 1;
    std::string expected_prev(genesis_hash);
    std::int64_t last = 0;
    for (;;) {
        auto st = ctx_.prepare(sql);
        if (!st)
            return propagate(st);
        st->bind_int(1, last).bind_int(2, page);
        std::int64_t in_page = 0;
        for (;;) {
            auto row = ctx_.next(*st);
            if (!row)
                return propagate(row);
            if (!*row)
                break;
            ++in_page;
            auto const stored = rows::read_event(*st);
            if (auto broken = detail::check_link(stored, expected_seq, expected_prev)) {
                out.first_break = std::move(broken);
                return out;
            }
            ++out.events_checked;
            expected_seq = stored.seq + 1;
            expected_prev = stored.hash;
            last = stored.seq;
        }
        if (in_page < page)
            return out;
    }
}

// ---- basic_tokens ----

template <class Backend>
result<void> basic_tokens<Backend>::create(token_record const& t, std::string_view secret)
{
    if (t.id.empty() || secret.empty())
        return ctx_.fail(errc::invalid_argument, "token id or secret is empty");
    if ((t.kind == token_kind::scim) == t.connection_id.empty())
        return ctx_.fail(errc::invalid_argument, "a SCIM token needs a connection and an admin token has none");
    auto r = execute(ctx_,
                     "INSERT INTO api_tokens (id, kind, name, connection_id, token_hash, created_at, revoked_at) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                     [&](statement& st) {
                         st.bind_text(1, t.id).bind_text(2, rows::to_text(t.kind)).bind_text(3, t.name);
                         if (t.connection_id.empty())
                             st.bind_null(4);
                         else
                             st.bind_text(4, t.connection_id);
                         st.bind_text(5, detail::sha256_hex(secret))
                             .bind_time(6, t.created_at)
                             .bind_optional_time(7, t.revoked_at);
                     });
    if (!r)
        return propagate(r);
    return {};
}

template <class Backend>
result<std::optional<token_record>> basic_tokens<Backend>::find_active(std::string_view secret)
{
    static std::string const sql = concat(rows::token_columns, "WHERE token_hash = ?1 AND revoked_at IS NULL");
    return query_first<token_record>(
        ctx_, sql, [&](statement& st) { st.bind_text(1, detail::sha256_hex(secret)); },
        [&](statement& s) { return rows::read_token(ctx_, s); });
}

template <class Backend>
result<std::optional<token_record>> basic_tokens<Backend>::find(std::string_view id)
{
    static std::string const sql = concat(rows::token_columns, "WHERE id = ?1");
    return query_first<token_record>(ctx_, sql, [&](statement& st) { st.bind_text(1, id); },
                                     [&](statement& s) { return rows::read_token(ctx_, s); });
}

template <class Backend>
result<std::vector<token_record>> basic_tokens<Backend>::list(token_kind kind)
{
    static std::string const sql = concat(rows::token_columns, "WHERE kind = ?1 ORDER BY created_at, id");
    return query_all<token_record>(ctx_, sql, [&](statement& st) { st.bind_text(1, rows::to_text(kind)); },
                                   [&](statement& s) { return rows::read_token(ctx_, s); });
}

template <class Backend>
result<bool> basic_tokens<Backend>::revoke(std::string_view id, time_point now)
{
    return execute_changed(ctx_, "UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
                           [&](statement& st) { st.bind_text(1, id).bind_time(2, now); });
}

// ---- basic_link_approvals ----

template <class Backend>
result<void> basic_link_approvals<Backend>::request(link_approval const& a)
{
    if (a.id.empty() || a.subject.empty() || a.status != approval_status::pending)
        return ctx_.fail(errc::invalid_argument, "link approval id or subject is empty, or it is not pending");
    auto r = execute(
        ctx_,
        "INSERT INTO link_approvals (id, connection_id, subject, user_id, email, assertion, requested_at, status) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending')",
        [&](statement& st) {
            st.bind_text(1, a.id)
                .bind_text(2, a.connection_id)
                .bind_text(3, a.subject)
                .bind_text(4, a.user_id)
                .bind_text(5, a.email)
                .bind_text(6, a.assertion_json)
                .bind_time(7, a.requested_at);
        });
    if (!r)
        return propagate(r);
    return {};
}

template <class Backend>
result<std::optional<link_approval>> basic_link_approvals<Backend>::find(std::string_view id)
{
    static std::string const sql = concat(rows::approval_columns, "WHERE id = ?1");
    return query_first<link_approval>(ctx_, sql, [&](statement& st) { st.bind_text(1, id); },
                                      [&](statement& s) { return rows::read_approval(ctx_, s); });
}

template <class Backend>
result<std::optional<link_approval>> basic_link_approvals<Backend>::find_pending(std::string_view connection_id,
                                                                                 std::string_view subject)
{
    static std::string const sql =
        concat(rows::approval_columns, "WHERE connection_id = ?1 AND subject = ?2 AND status = 'pending'");
    return query_first<link_approval>(
        ctx_, sql, [&](statement& st) { st.bind_text(1, connection_id).bind_text(2, subject); },
        [&](statement& s) { return rows::read_approval(ctx_, s); });
}

template <class Backend>
result<std::vector<link_approval>> basic_link_approvals<Backend>::pending()
{
    static std::string const sql = concat(rows::approval_columns, "WHERE status = 'pending' ORDER BY requested_at, id");
    return query_all<link_approval>(ctx_, sql, no_parameters,
                                    [&](statement& s) { return rows::read_approval(ctx_, s); });
}

template <class Backend>
result<bool> basic_link_approvals<Backend>::decide(std::string_view id, approval_status decision,
                                                   std::string_view decided_by, time_point now)
{
    if (decision == approval_status::pending)
        return ctx_.fail(errc::invalid_argument, "a decision must approve or reject");
    return execute_changed(
        ctx_,
        "UPDATE link_approvals SET status = ?2, decided_at = ?3, decided_by = ?4 WHERE id = ?1 AND status = 'pending'",
        [&](statement& st) {
            st.bind_text(1, id).bind_text(2, rows::to_text(decision)).bind_time(3, now).bind_text(4, decided_by);
        });
}

} // namespace ssogate::store::sql
