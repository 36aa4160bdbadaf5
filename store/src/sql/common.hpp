#pragma once
// What the repositories of both backends use alike, whatever the backend: the error on
// its way out of a result, and reading the rows of a statement. The repositories
// themselves are written once in this directory (sql/*_repositories.hpp) as templates
// over a backend: sqlite::backend (sqlite_context.hpp) or pg::backend (pg_context.hpp).
//
// A Backend names:
//   using context   = ...;  // the transaction's state: prepare, run, next, fail
//   using statement = ...;  // bind_text/bind_int/bind_time..., text/integer/time...
//   using conflict_map = ...;  // how a statement's constraint failures map to errc
//   the SQL fragments in which the two dialects differ, as static members (greatest, ...).
#include <ssogate/store/types.hpp>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ssogate::store::sql {

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

/// A savepoint around one repository call of several statements
/// (`Context::begin_savepoint()`): rolls back to itself on destruction unless released,
/// so the call changes all or nothing. What that runs is the backend's:
/// `Context::rollback_op_savepoint()` and `Context::release_op_savepoint()`.
template <class Context>
class scoped_savepoint {
public:
    explicit scoped_savepoint(Context& ctx) noexcept : ctx_(&ctx) {}
    scoped_savepoint(scoped_savepoint&& other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)) {}
    scoped_savepoint& operator=(scoped_savepoint&&) = delete;
    ~scoped_savepoint()
    {
        if (ctx_)
            ctx_->rollback_op_savepoint();
    }

    /// Keeps what was done since the savepoint (the transaction goes on).
    [[nodiscard]] result<void> release() { return std::exchange(ctx_, nullptr)->release_op_savepoint(); }

private:
    Context* ctx_;
};

/// Reads every row of `st` with `read(st) -> result<T>` (or T).
template <class T, class Context, class Statement, class Read>
[[nodiscard]] result<std::vector<T>> collect(Context& ctx, Statement& st, Read read)
{
    std::vector<T> out;
    for (;;) {
        auto row = ctx.next(st);
        if (!row)
            return propagate(row);
        if (!*row)
            return out;
        if constexpr (std::is_same_v<std::invoke_result_t<Read, Statement&>, T>) {
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
template <class T, class Context, class Statement, class Read>
[[nodiscard]] result<std::optional<T>> first(Context& ctx, Statement& st, Read read)
{
    auto row = ctx.next(st);
    if (!row)
        return propagate(row);
    if (!*row)
        return std::optional<T>();
    if constexpr (std::is_same_v<std::invoke_result_t<Read, Statement&>, T>) {
        return std::optional<T>(read(st));
    } else {
        auto value = read(st);
        if (!value)
            return propagate(value);
        return std::optional<T>(std::move(*value));
    }
}

/// Binds nothing: the `bind` of a statement without parameters.
inline constexpr auto no_parameters = [](auto&) noexcept {};

/// Prepares `sql`, binds its parameters with `bind(statement&)` and runs it: the number
/// of rows it changed. `conflicts` maps its constraint failures (Context::conflict_map).
template <class Context, class Bind>
[[nodiscard]] result<std::size_t> execute(Context& ctx, std::string_view sql, Bind bind,
                                          typename Context::conflict_map const& conflicts = {})
{
    auto st = ctx.prepare(sql);
    if (!st)
        return propagate(st);
    bind(*st);
    return ctx.run(*st, conflicts);
}

/// execute(), then whether it changed any row (an UPDATE or DELETE found its row).
template <class Context, class Bind>
[[nodiscard]] result<bool> execute_changed(Context& ctx, std::string_view sql, Bind bind,
                                           typename Context::conflict_map const& conflicts = {})
{
    auto r = execute(ctx, sql, bind, conflicts);
    if (!r)
        return propagate(r);
    return *r > 0;
}

/// Prepares `sql`, binds it with `bind(statement&)` and reads its first row, if any, with
/// `read` (as first()).
template <class T, class Context, class Bind, class Read>
[[nodiscard]] result<std::optional<T>> query_first(Context& ctx, std::string_view sql, Bind bind, Read read)
{
    auto st = ctx.prepare(sql);
    if (!st)
        return propagate(st);
    bind(*st);
    return first<T>(ctx, *st, read);
}

/// Prepares `sql`, binds it with `bind(statement&)` and reads every row with `read` (as
/// collect()).
template <class T, class Context, class Bind, class Read>
[[nodiscard]] result<std::vector<T>> query_all(Context& ctx, std::string_view sql, Bind bind, Read read)
{
    auto st = ctx.prepare(sql);
    if (!st)
        return propagate(st);
    bind(*st);
    return collect<T>(ctx, *st, read);
}

/// A count or a page size as an SQL integer parameter (larger values are clamped to the
/// largest one, which no table reaches).
[[nodiscard]] inline std::int64_t bounded(std::size_t n) noexcept
{
    return static_cast<std::int64_t>(
        std::min<std::size_t>(n, static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())));
}

/// A time as both backends store it: microseconds since the epoch, rounded down.
[[nodiscard]] inline time_point as_stored(time_point t) noexcept
{
    return time_point(std::chrono::duration_cast<time_point::duration>(
        std::chrono::floor<std::chrono::microseconds>(t.time_since_epoch())));
}

/// A duration in microseconds, the unit of stored times.
[[nodiscard]] inline std::int64_t micros(std::chrono::seconds d) noexcept
{
    return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
}

/// SQL text made of fixed pieces and a backend's fragments, built once per statement:
/// `static std::string const sql = concat("UPDATE … ", Backend::greatest, "(…)");`
template <class... Pieces>
[[nodiscard]] std::string concat(Pieces const&... pieces)
{
    std::string out;
    (out.append(std::string_view(pieces)), ...);
    return out;
}

} // namespace ssogate::store::sql
