#pragma once
// The audit hash chain, independent of any backend: the canonical serialisation of
// an event and its hash. Every backend stores and verifies exactly this.
#include <ssogate/store/audit_log.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ssogate::store::detail {

/// The canonical JSON of an event at `seq` after `prev_hash`: one object, keys in
/// lexicographic order, nested actor/source/result objects, `time` as integer
/// microseconds since the Unix epoch, `changes` as the stored (compacted) JSON text
/// in a string, no whitespace.
[[nodiscard]] std::string canonical_json(std::int64_t seq, audit_event const& event, std::string_view prev_hash);

/// Lowercase hex SHA-256 of canonical_json(seq, event, prev_hash).
[[nodiscard]] std::string chain_hash(std::int64_t seq, audit_event const& event, std::string_view prev_hash);

/// `changes_json` compacted (the form that is stored and hashed); empty stays empty;
/// nullopt when it is not valid JSON.
[[nodiscard]] std::optional<std::string> compact_json(std::string_view json);

/// Compares one stored event with its predecessor's hash; the first mismatch.
/// `expected_seq` is the predecessor's seq + 1.
[[nodiscard]] std::optional<chain_break> check_link(chained_audit_event const& stored, std::int64_t expected_seq,
                                                   std::string_view expected_prev_hash);

} // namespace ssogate::store::detail
