#include <ssogate/scim/errc.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/system/system_error.hpp>
#include <boost/throw_exception.hpp>

#include <string>

namespace ssogate::scim {
namespace {

class scim_category_impl final : public boost::system::error_category {
public:
    scim_category_impl() noexcept : error_category(0x5c13a7e0f1d2c3b4ULL) {}
    char const* name() const noexcept override { return "ssogate.scim"; }
    std::string message(int ev) const override;
};

// One human sentence per code; a test checks they are all distinct.
std::string scim_category_impl::message(int ev) const
{
    switch (static_cast<errc>(ev)) {
    case errc::invalid_filter: return "the filter is malformed or not supported";
    case errc::filter_too_long: return "the filter is longer than allowed";
    case errc::filter_too_deep: return "the filter nests deeper than allowed";
    case errc::too_many: return "the request asks for more than the server allows";
    case errc::invalid_syntax: return "the request body is not a valid SCIM message";
    case errc::invalid_path: return "the attribute path is malformed or unknown";
    case errc::no_target: return "the operation has no target";
    case errc::invalid_value: return "a value is missing or has the wrong type";
    case errc::mutability: return "the attribute cannot be changed";
    case errc::uniqueness: return "a unique attribute value is already taken";
    case errc::invalid_version: return "the SCIM protocol version is not supported";
    case errc::sensitive: return "the request exposes sensitive data";
    case errc::not_found: return "the resource does not exist";
    case errc::precondition_failed: return "the resource version does not match";
    case errc::unauthorized: return "the bearer token is missing or invalid";
    case errc::payload_too_large: return "the request body is larger than allowed";
    case errc::not_implemented: return "the operation is not implemented";
    }
    return "unknown SCIM error";
}

} // namespace

boost::system::error_category const& scim_category() noexcept
{
    static scim_category_impl const instance;
    return instance;
}

std::string_view to_reason_code(errc e) noexcept
{
    switch (e) {
    case errc::invalid_filter: return "invalid_filter";
    case errc::filter_too_long: return "filter_too_long";
    case errc::filter_too_deep: return "filter_too_deep";
    case errc::too_many: return "too_many";
    case errc::invalid_syntax: return "invalid_syntax";
    case errc::invalid_path: return "invalid_path";
    case errc::no_target: return "no_target";
    case errc::invalid_value: return "invalid_value";
    case errc::mutability: return "mutability";
    case errc::uniqueness: return "uniqueness";
    case errc::invalid_version: return "invalid_version";
    case errc::sensitive: return "sensitive";
    case errc::not_found: return "not_found";
    case errc::precondition_failed: return "precondition_failed";
    case errc::unauthorized: return "unauthorized";
    case errc::payload_too_large: return "payload_too_large";
    case errc::not_implemented: return "not_implemented";
    }
    return "unknown";
}

int http_status(errc e) noexcept
{
    switch (e) {
    case errc::uniqueness: return 409;
    case errc::sensitive: return 403;
    case errc::not_found: return 404;
    case errc::precondition_failed: return 412;
    case errc::unauthorized: return 401;
    case errc::payload_too_large: return 413;
    case errc::not_implemented: return 501;
    default: return 400;
    }
}

std::string_view scim_type(errc e) noexcept
{
    switch (e) {
    case errc::invalid_filter:
    case errc::filter_too_long:
    case errc::filter_too_deep: return "invalidFilter";
    case errc::too_many: return "tooMany";
    case errc::invalid_syntax: return "invalidSyntax";
    case errc::invalid_path: return "invalidPath";
    case errc::no_target: return "noTarget";
    case errc::invalid_value: return "invalidValue";
    case errc::mutability: return "mutability";
    case errc::uniqueness: return "uniqueness";
    case errc::invalid_version: return "invalidVers";
    case errc::sensitive: return "sensitive";
    default: return "";
    }
}

scim_error make_error(errc code, std::string detail)
{
    return scim_error{code, http_status(code), std::string(scim_type(code)), std::move(detail)};
}

boost::json::value to_json(scim_error const& e)
{
    boost::json::object o;
    o["schemas"] = boost::json::array{"urn:ietf:params:scim:api:messages:2.0:Error"};
    o["status"] = std::to_string(e.status);
    if (!e.scim_type.empty())
        o["scimType"] = e.scim_type;
    o["detail"] = e.detail.empty() ? scim_category().message(static_cast<int>(e.code)) : e.detail;
    return o;
}

void throw_exception_from_error(scim_error const& e, boost::source_location const& loc)
{
    boost::throw_exception(boost::system::system_error(make_error_code(e.code), e.detail), loc);
}

} // namespace ssogate::scim
