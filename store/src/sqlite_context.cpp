#include "sqlite_context.hpp"

namespace ssogate::store::sqlite {

result<statement> txn_context::prepare(std::string_view sql)
{
    if (closed_)
        return fail(errc::transaction_closed, "the transaction is closed");
    int rc = SQLITE_OK;
    auto* raw = db_.prepare(sql, rc);
    if (!raw)
        return fail(rc);
    statement st(raw);
    if (mode_ == access::read && !st.read_only())
        return fail(errc::read_only_transaction, "write statement in a read transaction");
    return st;
}

failure txn_context::fail(int rc, conflict_map const& conflicts)
{
    last_error_ = db_.message();
    return failure{make_error_code(map_result_code(rc, conflicts))};
}

failure txn_context::fail(errc code, std::string message)
{
    last_error_ = std::move(message);
    return failure{make_error_code(code)};
}

result<std::size_t> txn_context::run(statement& st, conflict_map const& conflicts)
{
    int rc = st.step();
    while (rc == SQLITE_ROW) // RETURNING rows nobody asked for: finish the statement
        rc = st.step();
    if (rc != SQLITE_DONE)
        return fail(rc, conflicts);
    return static_cast<std::size_t>(sqlite3_changes64(db_.handle()));
}

result<bool> txn_context::next(statement& st, conflict_map const& conflicts)
{
    int rc = st.step();
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    return fail(rc, conflicts);
}

result<savepoint> txn_context::begin_savepoint()
{
    if (closed_)
        return fail(errc::transaction_closed, "the transaction is closed");
    if (mode_ == access::read)
        return fail(errc::read_only_transaction, "write in a read transaction");
    if (int rc = db_.exec("SAVEPOINT ssogate_op"); rc != SQLITE_OK)
        return fail(rc);
    return savepoint(*this);
}

void txn_context::rollback_op_savepoint() noexcept
{
    // Undo every statement since the savepoint, then drop it; the transaction goes on.
    (void)db_.exec("ROLLBACK TO ssogate_op");
    (void)db_.exec("RELEASE ssogate_op");
}

result<void> txn_context::release_op_savepoint()
{
    if (int rc = db_.exec("RELEASE ssogate_op"); rc != SQLITE_OK)
        return fail(rc);
    return {};
}

} // namespace ssogate::store::sqlite
