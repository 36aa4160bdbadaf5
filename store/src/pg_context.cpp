#include "pg_context.hpp"

namespace ssogate::store::pg {

namespace {

bool is_select(std::string_view sql) noexcept
{
    return sql.substr(0, 7) == "SELECT ";
}

} // namespace

savepoint::~savepoint()
{
    if (!ctx_)
        return;
    // Undo every statement since the savepoint, then drop it; the transaction goes on.
    (void)ctx_->db().exec("ROLLBACK TO SAVEPOINT ssogate_op; RELEASE SAVEPOINT ssogate_op");
}

result<void> savepoint::release()
{
    auto* ctx = std::exchange(ctx_, nullptr);
    if (!ctx->db().exec("RELEASE SAVEPOINT ssogate_op"))
        return ctx->fail_db();
    return {};
}

result<statement> txn_context::prepare(std::string_view sql)
{
    if (closed_)
        return fail(errc::transaction_closed, "the transaction is closed");
    if (broken_)
        return fail(errc::unavailable, "the transaction's connection was lost or it failed: " + last_error_);
    if (mode_ == access::read && !is_select(sql))
        return fail(errc::read_only_transaction, "write statement in a read transaction");
    return statement(db_, db_.dollar_sql(sql));
}

failure txn_context::fail_db(conflict_map const& conflicts)
{
    last_error_ = db_.last_error().message;
    bool const lost = db_.lost();
    if (lost)
        broken_ = true;
    return failure{make_error_code(map_error(db_.last_error(), lost, conflicts))};
}

failure txn_context::fail(errc code, std::string message)
{
    last_error_ = std::move(message);
    return failure{make_error_code(code)};
}

result<void> txn_context::execute(statement& st, conflict_map const& conflicts)
{
    // A read transaction or a SELECT: run it as it is. A failed SELECT aborts the
    // transaction on the server; mark it so every later call says so.
    std::string_view const sql = *st.sql();
    if (mode_ == access::read || is_select(sql)) {
        if (st.step() == step_status::error) {
            auto f = fail_db(conflicts);
            broken_ = true;
            return f;
        }
        return {};
    }
    // A write: in its own savepoint, so a constraint violation leaves the transaction
    // usable. SAVEPOINT, the statement and RELEASE go in one round trip.
    switch (st.run_guarded("ssogate_stmt")) {
    case guarded_status::ok:
        return {};
    case guarded_status::failed_in_savepoint: {
        auto f = fail_db(conflicts);
        if (!broken_ && !db_.exec("ROLLBACK TO SAVEPOINT ssogate_stmt; RELEASE SAVEPOINT ssogate_stmt"))
            broken_ = true;
        return f;
    }
    case guarded_status::failed:
        break;
    }
    auto f = fail_db(conflicts);
    broken_ = true;
    return f;
}

result<std::size_t> txn_context::run(statement& st, conflict_map const& conflicts)
{
    if (!st.executed()) {
        if (auto r = execute(st, conflicts); !r)
            return propagate(r);
    }
    return st.changes();
}

result<bool> txn_context::next(statement& st, conflict_map const& conflicts)
{
    if (!st.executed()) {
        if (auto r = execute(st, conflicts); !r)
            return propagate(r);
        return st.current_is_row();
    }
    return st.step() == step_status::row;
}

result<savepoint> txn_context::begin_savepoint()
{
    if (closed_)
        return fail(errc::transaction_closed, "the transaction is closed");
    if (mode_ == access::read)
        return fail(errc::read_only_transaction, "write in a read transaction");
    if (broken_)
        return fail(errc::unavailable, "the transaction's connection was lost or it failed: " + last_error_);
    if (!db_.exec("SAVEPOINT ssogate_op")) {
        broken_ = true;
        return fail_db();
    }
    return savepoint(*this);
}

result<void> txn_context::command(char const* sql)
{
    if (closed_)
        return fail(errc::transaction_closed, "the transaction is closed");
    if (broken_)
        return fail(errc::unavailable, "the transaction's connection was lost or it failed: " + last_error_);
    if (!db_.exec(sql)) {
        auto f = fail_db();
        broken_ = true;
        return f;
    }
    return {};
}

} // namespace ssogate::store::pg
