#include "pg_context.hpp"

namespace ssogate::store::pg {

namespace {

bool is_select(std::string_view sql) noexcept
{
    return sql.substr(0, 7) == "SELECT ";
}

} // namespace

std::optional<failure> txn_context::refuse()
{
    if (closed_)
        return fail(errc::transaction_closed, "the transaction is closed");
    if (broken_)
        return fail(errc::unavailable, "the transaction's connection was lost: " + last_error_);
    if (aborted_)
        return failure{make_error_code(*aborted_)};   // last_error_ still says why
    return std::nullopt;
}

failure txn_context::fail_unguarded(conflict_map const& conflicts)
{
    auto f = fail_db(conflicts);
    if (!broken_)
        aborted_ = static_cast<errc>(f.code.value());
    return f;
}

result<statement> txn_context::prepare(std::string_view sql)
{
    if (auto refused = refuse())
        return *refused;
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
        if (st.step() == step_status::error)
            return fail_unguarded(conflicts);
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
    return fail_unguarded(conflicts);
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
    if (auto refused = refuse())
        return *refused;
    if (mode_ == access::read)
        return fail(errc::read_only_transaction, "write in a read transaction");
    if (!db_.exec("SAVEPOINT ssogate_op"))
        return fail_unguarded();
    return savepoint(*this);
}

void txn_context::rollback_op_savepoint() noexcept
{
    // Undo every statement since the savepoint, then drop it; the transaction goes on.
    (void)rollback_command("ROLLBACK TO SAVEPOINT ssogate_op; RELEASE SAVEPOINT ssogate_op");
}

result<void> txn_context::release_op_savepoint()
{
    if (!db_.exec("RELEASE SAVEPOINT ssogate_op"))
        return fail_db();
    return {};
}

result<void> txn_context::command(char const* sql)
{
    if (auto refused = refuse())
        return *refused;
    if (!db_.exec(sql))
        return fail_unguarded();
    return {};
}

result<void> txn_context::rollback_command(char const* sql)
{
    if (closed_)
        return fail(errc::transaction_closed, "the transaction is closed");
    if (broken_)
        return fail(errc::unavailable, "the transaction's connection was lost: " + last_error_);
    if (!db_.exec(sql)) {
        auto f = fail_db();
        if (!broken_)
            aborted_ = static_cast<errc>(f.code.value());
        return f;
    }
    aborted_.reset();   // back at a savepoint taken before the failure
    return {};
}

} // namespace ssogate::store::pg
