#pragma once
// The audit log (DESIGN.md "Audit log"): append-only, hash-chained events with a
// strictly increasing, gapless `seq` on commit. Appends happen in the caller's write
// transaction, so an event commits (and takes its seq) together with the change it
// records, or not at all.
//
// Chain: hash = hex SHA-256 of a canonical JSON object holding every field of the
// event, its seq and prev_hash (keys in a fixed order, no whitespace). The first
// event's prev_hash is genesis_hash.
#include <ssogate/store/types.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssogate::store {

/// prev_hash of the first event: 64 zeros.
inline constexpr std::string_view genesis_hash =
    "0000000000000000000000000000000000000000000000000000000000000000";

/// An event as the caller writes it. Empty strings mean "not applicable".
struct audit_event {
    std::string id;              ///< Unique id chosen by the caller (e.g. a UUID).
    time_point time{};
    std::string action;          ///< Dotted name: sso.login.succeeded, provision.conflict...
    std::string actor_type;      ///< user | admin | scim | system | cli
    std::string actor_id;
    std::string target;
    std::string connection_id;
    std::string source_ip;
    std::string user_agent;
    std::string result_status;   ///< e.g. success | failure
    std::string result_reason;   ///< Precise reason code.
    std::string changes_json;    ///< JSON (before/after...), stored compacted; empty for none.
    std::string trace_id;

    friend bool operator==(audit_event const&, audit_event const&) = default;
};

/// An event as stored: its place in the log and in the chain.
struct chained_audit_event {
    std::int64_t seq = 0;
    audit_event event;
    std::string prev_hash;
    std::string hash;

    friend bool operator==(chained_audit_event const&, chained_audit_event const&) = default;
};

/// Narrows after(); empty fields match everything.
struct audit_filter {
    std::string action;          ///< Exact action name.
    std::string connection_id;
};

/// The first place where the stored log disagrees with its chain.
struct chain_break {
    std::int64_t seq = 0;        ///< The first event that does not verify.
    std::string field;           ///< "seq" (a gap), "prev_hash" or "hash".
    std::string expected;
    std::string actual;
};

/// The result of verify_chain().
struct chain_verification {
    std::int64_t events_checked = 0;
    std::optional<chain_break> first_break;   ///< Empty when the whole chain is valid.
};

/// The audit log inside one transaction. Not thread-safe: owned by its transaction.
class audit_log {
public:
    virtual ~audit_log() = default;

    /// Appends an event with the next seq and the chained hash (needs a write
    /// transaction). errc::already_exists for a reused event id, errc::invalid_argument
    /// for an empty id or action or for changes_json that is not JSON.
    [[nodiscard]] virtual result<chained_audit_event> append(audit_event const& event) = 0;

    /// Up to `limit` events with seq > after_seq in seq order (the tailing cursor).
    [[nodiscard]] virtual result<std::vector<chained_audit_event>> after(std::int64_t after_seq, std::size_t limit,
                                                                         audit_filter const& filter = {}) = 0;

    /// The highest seq, 0 for an empty log.
    [[nodiscard]] virtual result<std::int64_t> last_seq() = 0;

    /// Walks the whole log in seq order and reports the first broken link: a seq gap
    /// (seq must be 1, 2, 3...), a prev_hash that is not the previous event's hash, or
    /// a hash that does not match the event's contents.
    [[nodiscard]] virtual result<chain_verification> verify_chain() = 0;
};

} // namespace ssogate::store
