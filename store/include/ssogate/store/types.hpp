#pragma once
// Vocabulary shared by every store interface: the result type and the clock's
// time point. The store never reads the clock; callers pass `now` (STYLE.md rule 2).
// Times are stored with microsecond precision (rounded down).
#include <ssogate/store/errc.hpp>

#include <boost/system/result.hpp>

#include <chrono>

namespace ssogate::store {

/// A value or a store error (errc).
template <class T>
using result = boost::system::result<T>;

/// Wall-clock time as callers pass it in.
using time_point = std::chrono::system_clock::time_point;

} // namespace ssogate::store
