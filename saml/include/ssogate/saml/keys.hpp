#pragma once
// saml::certificate and saml::private_key — the key material of a connection.
//
// An IdP's signing certificates (from its metadata) are *pinned keys*: the verifier
// trusts exactly their public keys and nothing that arrives in a document's KeyInfo
// (DESIGN.md "Security rules"). Their validity dates are not checked at sign-in;
// `not_after()` is there for `doctor` and `metadata-info`.
//
// No OpenSSL type appears here; saml/ reaches the native objects through
// `detail::key_access` (saml/src/detail/key_access.hpp).
#include <ssogate/saml/errc.hpp>

#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ssogate::saml {

namespace detail {
struct key_access;
}

/// An X.509 certificate, used as a pinned public key.
///
/// Immutable and cheap to copy (copies share one implementation object).
/// @par Thread safety
/// All member functions are const and may be called concurrently on the same or
/// different objects (requires a live saml::library_guard).
class certificate {
public:
    /// Reads the first `-----BEGIN CERTIFICATE-----` block of `pem`.
    /// @returns errc::key_invalid if there is none or it does not parse.
    [[nodiscard]] static boost::system::result<certificate> from_pem(std::string_view pem);

    /// Reads a DER-encoded certificate; trailing bytes are refused.
    [[nodiscard]] static boost::system::result<certificate> from_der(std::span<std::byte const> der);

    /// Reads base64 DER as found in metadata `<ds:X509Certificate>` (line breaks
    /// and other XML whitespace allowed; anything else refused).
    [[nodiscard]] static boost::system::result<certificate> from_base64_der(std::string_view base64);

    /// The DER encoding.
    [[nodiscard]] std::vector<std::byte> const& der() const noexcept;

    /// Base64 of the DER, one line (the content of `<ds:X509Certificate>`).
    [[nodiscard]] std::string base64_der() const;

    /// PEM text (`-----BEGIN CERTIFICATE-----` ... with a final newline).
    [[nodiscard]] std::string pem() const;

    /// SHA-256 of the DER, 64 lowercase hex digits without separators.
    [[nodiscard]] std::string const& sha256_fingerprint() const noexcept;

    /// Subject distinguished name in RFC 2253 form (`CN=idp.example.com,O=Example`).
    [[nodiscard]] std::string const& subject() const noexcept;

    /// End of the validity period (informational: pinned keys are not date-checked).
    [[nodiscard]] std::chrono::system_clock::time_point not_after() const noexcept;

    /// Same DER bytes.
    friend bool operator==(certificate const& a, certificate const& b) noexcept;

private:
    struct impl;
    explicit certificate(std::shared_ptr<impl const> p) noexcept;
    std::shared_ptr<impl const> impl_;
    friend struct detail::key_access;
};

/// A private key of this SP (or of the development IdP): signs messages and
/// decrypts EncryptedAssertions. RSA (2048 bits or more) or ECDSA (P-256/384/521).
///
/// Immutable and cheap to copy (copies share one implementation object).
/// @par Thread safety
/// All member functions are const and may be called concurrently.
class private_key {
public:
    /// Reads the first unencrypted private key block of `pem` (PKCS#8
    /// `PRIVATE KEY`, or traditional `RSA PRIVATE KEY` / `EC PRIVATE KEY`).
    /// Password-protected keys are refused (errc::key_invalid), as are RSA keys
    /// shorter than 2048 bits.
    [[nodiscard]] static boost::system::result<private_key> from_pem(std::string_view pem);

    enum class kind { rsa = 1, ec };

    [[nodiscard]] kind type() const noexcept;

    /// Key size in bits (2048 for RSA-2048, 256 for P-256).
    [[nodiscard]] int bits() const noexcept;

    /// True when `cert` carries this key's public half.
    [[nodiscard]] bool matches(certificate const& cert) const noexcept;

private:
    struct impl;
    explicit private_key(std::shared_ptr<impl const> p) noexcept;
    std::shared_ptr<impl const> impl_;
    friend struct detail::key_access;
};

} // namespace ssogate::saml
