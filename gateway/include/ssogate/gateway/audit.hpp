#pragma once
// The audit log as the gateway shows it (DESIGN.md "Audit log"): the public JSON of
// an event, event ids, and the in-process notifier that wakes live tailers
// (`GET /admin/v1/audit/stream`) when a writer has committed new events.
//
// The table is the truth: tailers read the store by `seq` (store::audit_log::after),
// the notifier only tells them *when* to look, so a missed or spurious wake-up can
// delay an event but never lose or duplicate one.
#include <ssogate/gateway/app_context.hpp>
#include <ssogate/store/audit_log.hpp>
#include <ssogate/store/session.hpp>

#include <boost/json/object.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace ssogate::gateway {

/// RFC 3339 UTC with microseconds, the store's precision: "2024-05-01T12:00:00.000000Z".
std::string format_audit_time(std::chrono::system_clock::time_point t);

/// The public JSON of a stored event, fields exactly: seq, id, time, action,
/// actor {type, id}, target, connection, source {ip, user_agent}, result {status,
/// reason}, changes, trace_id, prev_hash, hash. Empty strings become null; `changes`
/// is the stored JSON value (null when none).
boost::json::object audit_event_to_json(store::chained_audit_event const& e);

/// A fresh event id (UUID version 4 text) from `random`. A process-wide counter is
/// mixed into the last bytes, so ids stay unique even with a deterministic test source.
std::string new_audit_event_id(random_fn const& random);

/// Why a session ended: `result.reason` of a `session.ended` event (gateway/src/admin/AUDIT.md).
namespace session_end_reason {
inline constexpr std::string_view logout = "logout";                     ///< POST /logout
inline constexpr std::string_view expired = "expired";                   ///< absolute lifetime reached
inline constexpr std::string_view idle_timeout = "idle_timeout";         ///< unused longer than session.idle_timeout
inline constexpr std::string_view user_deactivated = "user_deactivated"; ///< its user is no longer active
inline constexpr std::string_view user_deleted = "user_deleted";         ///< its user no longer exists
} // namespace session_end_reason

/// Who and where for an event the gateway writes on behalf of a request or a subsystem.
struct audit_origin {
    std::string actor_type;   ///< user | admin | scim | system | cli
    std::string actor_id;
    std::string source_ip;
    std::string user_agent;
    std::string trace_id;
};

/// The `session.ended` event of `session` (target = its user id, connection = its
/// connection, result {success, reason}, changes {session (id hash), created_at,
/// expires_at, last_seen_at}). The caller appends it in the transaction that ends the
/// session. `id` is the event id (see new_audit_event_id).
[[nodiscard]] store::audit_event session_ended_event(store::session_record const& session, std::string_view reason,
                                                     audit_origin const& origin, std::string id,
                                                     std::chrono::system_clock::time_point now);

/// Wakes tailers after audit events commit. Writers call notify() after a successful
/// commit that appended events; it takes one mutex and never does I/O, so a slow
/// tailer cannot slow a sign-in.
///
/// Waiters register a callback with a deadline; one worker thread (started on the
/// first wait) calls each callback once, after the next notify() or at the deadline,
/// whichever comes first. Callbacks run on that thread and must be short (a store
/// read and a hand-off).
///
/// Thread-safety: every member may be called from any thread. The destructor stops
/// the worker and drops the callbacks that did not run.
class audit_notifier {
public:
    using clock = std::chrono::steady_clock;

    audit_notifier() = default;
    ~audit_notifier();
    audit_notifier(audit_notifier const&) = delete;
    audit_notifier& operator=(audit_notifier const&) = delete;

    /// New events were committed.
    void notify() noexcept;

    /// A counter that notify() increments. Read it *before* reading the store, then
    /// pass it to wait(): a commit between the two is then never slept through.
    [[nodiscard]] std::uint64_t generation() const noexcept;

    /// Calls `wake` once: at once (on the worker) if generation() != seen, else after
    /// the next notify() or at `deadline`.
    void wait(std::uint64_t seen, std::function<void()> wake, clock::time_point deadline);

private:
    struct waiter {
        std::uint64_t seen;
        std::function<void()> wake;
        clock::time_point deadline;
    };
    void run();

    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::uint64_t generation_ = 0;
    std::vector<waiter> waiters_;
    bool stopping_ = false;
    std::thread worker_;
};

/// The notifier of this process: every writer of audit events in the gateway calls
/// `process_audit_notifier().notify()` after its commit; the audit stream waits on it.
audit_notifier& process_audit_notifier();

} // namespace ssogate::gateway
