#include <ssogate/gateway/version.hpp>

namespace ssogate::gateway {

std::string_view version() noexcept { return SSOGATE_VERSION; }

} // namespace ssogate::gateway
