#pragma once
#include <string_view>

namespace ssogate::gateway {

/// ssogate's version ("0.1.0"), from the CMake project version.
std::string_view version() noexcept;

} // namespace ssogate::gateway
