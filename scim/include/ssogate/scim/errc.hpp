#pragma once
// scim::errc — one value per reason a SCIM request is refused, and the SCIM error
// response that carries it to the client (RFC 7644 §3.12).
//
// Precise inside, generic outside (STYLE.md rule 7): the errc goes to the audit log
// (`to_reason_code`); the client sees the SCIM error body with `status`, `scimType`
// and a `detail` that names the offending position or attribute but never echoes
// stored data. Thread-safety: everything here is a value type or a pure function.
#include <boost/assert/source_location.hpp>
#include <boost/json/value.hpp>
#include <boost/system/error_category.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <string>
#include <string_view>
#include <type_traits>

namespace ssogate::scim {

enum class errc {
    /// The filter does not follow the grammar of RFC 7644 §3.4.2.2, or uses an operator or
    /// attribute this server does not support.
    invalid_filter = 1,
    /// The filter is longer than the configured bound.
    filter_too_long,
    /// The filter nests (parentheses, `not`, value paths) deeper than the configured bound.
    filter_too_deep,
    /// The request asks for more results, operations or values than the server allows.
    too_many,
    /// The request body is not JSON, or not the JSON shape the message schema requires.
    invalid_syntax,
    /// A PATCH `path` (or a key of a no-path value) is malformed or names no known attribute.
    invalid_path,
    /// A PATCH operation needs a target and none was given (remove without `path`).
    no_target,
    /// A value has the wrong type, a required attribute is missing, or a value is out of range.
    invalid_value,
    /// The request tries to set, change or remove a readOnly, immutable or required attribute.
    mutability,
    /// A unique attribute (`userName`, Group `displayName`) already belongs to another resource.
    uniqueness,
    /// The SCIM protocol version in the request is not supported.
    invalid_version,
    /// The request carries sensitive data in a place it must not (e.g. a filter in a URL).
    sensitive,
    /// The resource named in the request does not exist.
    not_found,
    /// The `If-Match` version does not match the resource's current version.
    precondition_failed,
    /// The request has no valid bearer token.
    unauthorized,
    /// The request body is larger than the configured bound.
    payload_too_large,
    /// The endpoint or operation (bulk, sort, changePassword) is not implemented.
    not_implemented,
};

/// The error category of scim::errc ("ssogate.scim").
boost::system::error_category const& scim_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), scim_category()};
}

/// The stable snake_case name of a code (`invalid_filter`), as written to the audit log.
std::string_view to_reason_code(errc e) noexcept;

/// The HTTP status code RFC 7644 §3.12 assigns to a code (400, 401, 403, 404, 409, 412, 413, 501).
int http_status(errc e) noexcept;

/// The RFC 7644 §3.12 `scimType` keyword of a code, or "" when the status alone says it
/// (`not_found`, `unauthorized`, ...).
std::string_view scim_type(errc e) noexcept;

/// A refused request as the client will see it (RFC 7644 §3.12), plus the precise code.
struct scim_error {
    errc code = errc::invalid_syntax;
    int status = 400;
    std::string scim_type; ///< One of uniqueness, invalidFilter, tooMany, ..., or empty.
    std::string detail;    ///< A human sentence; names positions and attributes, never secrets.
};

/// The error for `code` with `detail`; status and scimType follow from the code.
[[nodiscard]] scim_error make_error(errc code, std::string detail);

/// The JSON body of an error response:
/// `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","scimType":"invalidFilter","detail":"..."}`.
/// `status` is a string, as the RFC's examples and Entra expect; `scimType` is omitted when empty.
/// @par Specification RFC 7644 §3.12
[[nodiscard]] boost::json::value to_json(scim_error const& e);

/// Used by `result<T>::value()` on an error: throws std::system_error-like boost::system::system_error.
[[noreturn]] void throw_exception_from_error(scim_error const& e, boost::source_location const& loc);

/// What every fallible function of this module returns.
template <class T>
using result = boost::system::result<T, scim_error>;

} // namespace ssogate::scim

template <>
struct boost::system::is_error_code_enum<ssogate::scim::errc> : std::true_type {};
