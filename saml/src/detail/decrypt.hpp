#pragma once
// Decryption of saml:EncryptedAssertion (XML Encryption 1.0/1.1) with the SP's keys.
#include <ssogate/saml/keys.hpp>

#include "detail/xml.hpp"

#include <vector>

namespace ssogate::saml::detail {

/// Checks the shape and algorithms of `encrypted_assertion` *before* any
/// decryption, decrypts it with the first of `keys` that works, and replaces the
/// EncryptedAssertion in the tree with the decrypted element (whose IDs are then
/// registered, refusing duplicates, and whose depth is bounded).
/// @returns the new element (not yet checked to be a saml:Assertion).
outcome<xmlNode*> decrypt_assertion(xmlNode* encrypted_assertion, std::vector<private_key> const& keys,
                                    std::size_t max_depth);

} // namespace ssogate::saml::detail
