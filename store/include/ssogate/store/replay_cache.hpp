#pragma once
// The assertion replay cache (DESIGN.md "Security rules": the replay check is fail
// closed). An assertion ID is consumed by one atomic insert-or-fail, never a read
// followed by a write, so two nodes receiving the same assertion at the same moment
// cannot both accept it.
#include <ssogate/store/types.hpp>

#include <cstddef>
#include <string_view>

namespace ssogate::store {

/// Replay entries inside one transaction. Not thread-safe: owned by its transaction.
class replay_cache {
public:
    virtual ~replay_cache() = default;

    /// Records that `assertion_id` from `connection_id` was accepted, until
    /// `expires_at` (the assertion's NotOnOrAfter plus skew). errc::replayed when it
    /// was recorded before, even if that entry expired but was not swept yet.
    [[nodiscard]] virtual result<void> consume(std::string_view connection_id, std::string_view assertion_id,
                                               time_point expires_at) = 0;

    /// Deletes entries expired at `now`; returns how many.
    [[nodiscard]] virtual result<std::size_t> sweep(time_point now) = 0;
};

} // namespace ssogate::store
