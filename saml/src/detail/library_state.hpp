#pragma once
// Internal hooks of library_guard for the rest of saml/.
#include <string>

namespace ssogate::saml::detail {

/// Aborts the process unless a saml::library_guard is alive (fail closed: never
/// run xmlsec with its unsafe defaults).
void require_library() noexcept;

/// Forgets the xmlsec error recorded on this thread (call before an operation).
void clear_xmlsec_error() noexcept;

/// The first xmlsec error reported on this thread since the last clear, then clears it.
std::string take_xmlsec_error();

} // namespace ssogate::saml::detail
