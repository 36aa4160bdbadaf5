#include "support/keys.hpp"

#include "temp_dir.hpp"

#include <stdexcept>

namespace ssogate::test::saml_keys {

std::string pem(std::string const& file)
{
    return read_file(data_path("saml/keys/" + file));
}

ssogate::saml::certificate cert(std::string const& name)
{
    auto c = ssogate::saml::certificate::from_pem(pem(name + ".crt"));
    if (!c)
        throw std::runtime_error("cannot load test certificate " + name);
    return *c;
}

ssogate::saml::private_key key(std::string const& name)
{
    auto k = ssogate::saml::private_key::from_pem(pem(name + ".key"));
    if (!k)
        throw std::runtime_error("cannot load test key " + name);
    return *k;
}

} // namespace ssogate::test::saml_keys
