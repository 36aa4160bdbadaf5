#pragma once
// Test-only keys from tests/data/saml/keys (see generate.sh there).
#include <ssogate/saml/keys.hpp>

#include <string>

namespace ssogate::test::saml_keys {

/// certificate from tests/data/saml/keys/<name>.crt (idp, idp_rollover, attacker, idp_clone, idp_ec, sp, ...)
ssogate::saml::certificate cert(std::string const& name);
/// private key from tests/data/saml/keys/<name>.key
ssogate::saml::private_key key(std::string const& name);
/// PEM text of tests/data/saml/keys/<file>
std::string pem(std::string const& file);

} // namespace ssogate::test::saml_keys
