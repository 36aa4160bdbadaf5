#pragma once
// scim::etag — resource versioning (RFC 7644 §3.14): the entity tag of a resource from
// its version counter, and the If-Match / If-None-Match preconditions of a request.
//
// ssogate's tags are weak (`W/"7"`: the version counter of the stored resource, not a
// hash of its bytes) and equal `meta.version`. As RFC 7644 §3.14's own examples do,
// preconditions compare the opaque tag and ignore the `W/` prefix on both sides (a
// strict RFC 7232 strong comparison would never match a weak tag, and SCIM clients send
// back exactly the `meta.version` they read). Pure functions.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ssogate::scim {

/// `W/"<version>"`.
[[nodiscard]] std::string etag_of(std::int64_t version);

/// What a request's preconditions say.
enum class precondition {
    proceed,            ///< no precondition, or all hold
    not_modified,       ///< GET with a matching If-None-Match: 304
    precondition_failed ///< 412
};

/// Evaluates If-Match and If-None-Match (each a comma-separated list of entity tags or
/// `*`, std::nullopt when absent) against `current` (etag_of the resource) for a read
/// (GET) or a write (PUT, PATCH, DELETE). If-Match that names no current tag → 412;
/// If-None-Match that names it (or `*`) → 304 for a read, 412 for a write. A malformed
/// header matches nothing.
/// @par Specification RFC 7644 §3.14; RFC 7232 §3.1, §3.2, §6
[[nodiscard]] precondition evaluate_preconditions(std::optional<std::string_view> if_match,
                                                  std::optional<std::string_view> if_none_match,
                                                  std::string_view current, bool is_read);

} // namespace ssogate::scim
