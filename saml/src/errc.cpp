#include <ssogate/saml/errc.hpp>

#include <string>

namespace ssogate::saml {
namespace {

class saml_category_impl final : public boost::system::error_category {
public:
    saml_category_impl() noexcept : error_category(0x5a3100c1d2e3f405ULL) {}
    char const* name() const noexcept override { return "ssogate.saml"; }
    std::string message(int ev) const override;
};

// One human sentence per code; tests check they are all distinct.
std::string saml_category_impl::message(int ev) const
{
    switch (static_cast<errc>(ev)) {
    case errc::too_large: return "the SAML message is larger than allowed";
    case errc::malformed: return "the SAML message is not well-formed";
    case errc::dtd_forbidden: return "the SAML message carries a DTD";
    case errc::too_deep: return "the SAML message nests deeper than allowed";
    case errc::duplicate_id: return "two elements carry the same ID";
    case errc::multiple_assertions: return "the response holds more than one assertion";
    case errc::assertion_missing: return "the response holds no assertion";
    case errc::signature_missing: return "no trusted signature covers the assertion";
    case errc::signature_invalid: return "the signature does not verify with the connection's keys";
    case errc::reference_mismatch: return "the signature does not reference the element it protects";
    case errc::algorithm_forbidden: return "an algorithm outside the allow-list was used";
    case errc::structure_forbidden: return "the message uses a construct that is never accepted";
    case errc::status_not_success: return "the identity provider reported a failure status";
    case errc::issuer_mismatch: return "the issuer is not the connection's identity provider";
    case errc::destination_mismatch: return "the response is addressed to another endpoint";
    case errc::destination_missing: return "the signed response does not say where it is to be delivered";
    case errc::recipient_mismatch: return "the assertion is for another recipient";
    case errc::audience_mismatch: return "the assertion is for another service provider";
    case errc::not_yet_valid: return "the assertion is not yet valid";
    case errc::expired: return "the assertion has expired";
    case errc::in_response_to_mismatch: return "the response answers another request";
    case errc::unsolicited_forbidden: return "unsolicited responses are not allowed for this connection";
    case errc::subject_missing: return "the assertion names no subject";
    case errc::decryption_failed: return "the encrypted assertion could not be decrypted";
    case errc::decryption_key_missing: return "an encrypted assertion arrived and no decryption key is configured";
    case errc::metadata_invalid: return "the identity provider metadata is unusable";
    case errc::key_invalid: return "a key or certificate could not be read";
    case errc::signing_failed: return "the message could not be signed";
    }
    return "unknown SAML error";
}

} // namespace

boost::system::error_category const& saml_category() noexcept
{
    static saml_category_impl const instance;
    return instance;
}

std::string_view to_reason_code(errc e) noexcept
{
    switch (e) {
    case errc::too_large: return "too_large";
    case errc::malformed: return "malformed";
    case errc::dtd_forbidden: return "dtd_forbidden";
    case errc::too_deep: return "too_deep";
    case errc::duplicate_id: return "duplicate_id";
    case errc::multiple_assertions: return "multiple_assertions";
    case errc::assertion_missing: return "assertion_missing";
    case errc::signature_missing: return "signature_missing";
    case errc::signature_invalid: return "signature_invalid";
    case errc::reference_mismatch: return "reference_mismatch";
    case errc::algorithm_forbidden: return "algorithm_forbidden";
    case errc::structure_forbidden: return "structure_forbidden";
    case errc::status_not_success: return "status_not_success";
    case errc::issuer_mismatch: return "issuer_mismatch";
    case errc::destination_mismatch: return "destination_mismatch";
    case errc::destination_missing: return "destination_missing";
    case errc::recipient_mismatch: return "recipient_mismatch";
    case errc::audience_mismatch: return "audience_mismatch";
    case errc::not_yet_valid: return "not_yet_valid";
    case errc::expired: return "expired";
    case errc::in_response_to_mismatch: return "in_response_to_mismatch";
    case errc::unsolicited_forbidden: return "unsolicited_forbidden";
    case errc::subject_missing: return "subject_missing";
    case errc::decryption_failed: return "decryption_failed";
    case errc::decryption_key_missing: return "decryption_key_missing";
    case errc::metadata_invalid: return "metadata_invalid";
    case errc::key_invalid: return "key_invalid";
    case errc::signing_failed: return "signing_failed";
    }
    return "unknown";
}

} // namespace ssogate::saml
