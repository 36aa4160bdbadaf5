#pragma once
// The state one SQLite transaction shares with its repositories: the connection,
// the access mode, whether it is still open, and the detail of the last error.
#include "sqlite_handle.hpp"

#include <ssogate/store/transaction.hpp>

#include <cstddef>
#include <optional>
#include <type_traits>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

namespace ssogate::store::sqlite {

class txn_context;

/// An error on its way out of any result<T>. Needed because result<bool> cannot be
/// built implicitly from an error_code (bool is constructible from it).
struct failure {
    boost::system::error_code code;

    template <class T>
    operator boost::system::result<T>() const // NOLINT: implicit by design
    {
        return boost::system::result<T>(boost::system::in_place_error, code);
    }
};

/// The error of a failed result, for returning from a function of another result type.
template <class R>
[[nodiscard]] failure propagate(R const& r)
{
    return failure{r.error()};
}

/// A SAVEPOINT that rolls back to itself on destruction unless released, so a
/// repository call of several statements changes all or nothing.
class savepoint {
public:
    explicit savepoint(txn_context& ctx) noexcept : ctx_(&ctx) {}
    savepoint(savepoint&& other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)) {}
    savepoint& operator=(savepoint&&) = delete;
    ~savepoint();

    [[nodiscard]] result<void> release();

private:
    txn_context* ctx_;
};

class txn_context {
public:
    txn_context(connection& db, access mode) noexcept : db_(db), mode_(mode) {}

    [[nodiscard]] access mode() const noexcept { return mode_; }
    [[nodiscard]] bool closed() const noexcept { return closed_; }
    void close() noexcept { closed_ = true; }
    [[nodiscard]] connection& db() noexcept { return db_; }
    [[nodiscard]] std::string const& last_error() const noexcept { return last_error_; }

    /// A use of the cached statement for `sql`. Fails with transaction_closed after
    /// commit and with read_only_transaction for a writing statement in a read
    /// transaction.
    [[nodiscard]] result<statement> prepare(std::string_view sql);

    /// Records the connection's message and maps `rc`.
    [[nodiscard]] failure fail(int rc, conflict_map const& conflicts = {});
    /// Records a message of our own.
    [[nodiscard]] failure fail(errc code, std::string message);

    /// Steps a statement that returns no rows; the number of rows it changed.
    [[nodiscard]] result<std::size_t> run(statement& st, conflict_map const& conflicts = {});

    /// Steps once: true when a row is available, false when done.
    [[nodiscard]] result<bool> next(statement& st, conflict_map const& conflicts = {});

    /// Opens a savepoint (write transactions only).
    [[nodiscard]] result<savepoint> begin_savepoint();

private:
    connection& db_;
    access mode_;
    bool closed_ = false;
    std::string last_error_;
};

/// Reads every row of `st` with `read(st) -> result<T>` (or T).
template <class T, class Read>
[[nodiscard]] result<std::vector<T>> collect(txn_context& ctx, statement& st, Read read)
{
    std::vector<T> out;
    for (;;) {
        auto row = ctx.next(st);
        if (!row)
            return propagate(row);
        if (!*row)
            return out;
        if constexpr (std::is_same_v<std::invoke_result_t<Read, statement&>, T>) {
            out.push_back(read(st));
        } else {
            auto value = read(st);
            if (!value)
                return propagate(value);
            out.push_back(std::move(*value));
        }
    }
}

/// Reads at most one row of `st`.
template <class T, class Read>
[[nodiscard]] result<std::optional<T>> first(txn_context& ctx, statement& st, Read read)
{
    auto row = ctx.next(st);
    if (!row)
        return propagate(row);
    if (!*row)
        return std::optional<T>();
    if constexpr (std::is_same_v<std::invoke_result_t<Read, statement&>, T>) {
        return std::optional<T>(read(st));
    } else {
        auto value = read(st);
        if (!value)
            return propagate(value);
        return std::optional<T>(std::move(*value));
    }
}

} // namespace ssogate::store::sqlite
