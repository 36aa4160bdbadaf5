#pragma once
// Private to gateway/: the one implementation of "generate a key and a self-signed
// certificate" and "write a key file atomically", used by the TLS self-signed pair
// (tls/self_signed.cpp), the development IdP's signing pair (dev_idp/keys.cpp) and the
// SP pair (crypto/sp_keys.cpp). Startup code: failures throw startup_error (exit 1)
// naming the file or the step.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace ssogate::gateway::detail {

/// The key type of a generated pair.
enum class key_kind {
    /// ECDSA on P-256: the TLS server pair (fast handshakes, every browser supports it).
    ec_p256,
    /// RSA-2048: the development IdP (what most SAML IdPs ship).
    rsa_2048,
    /// RSA-3072: the SP pair (NIST SP 800-57 Part 1 rev. 5: 128-bit strength, for a
    /// pair that may live well beyond 2030); SAML needs RSA for request signing and
    /// RSA-OAEP key transport.
    rsa_3072,
};

/// What goes into the certificate.
struct certificate_request {
    key_kind kind = key_kind::ec_p256;
    /// Subject and issuer: O=ssogate, CN=common_name.
    std::string common_name;
    /// Valid from now - 1 h (clock skew) for this many days.
    int valid_days = 365;
    /// Non-empty for a TLS server certificate: the subjectAltName value
    /// ("DNS:localhost,IP:127.0.0.1"), with basicConstraints CA:FALSE, keyUsage
    /// digitalSignature, extendedKeyUsage serverAuth and a subjectKeyIdentifier.
    std::string subject_alt_names;
};

/// A PEM private key (PKCS#8, unencrypted) and its PEM certificate.
struct pem_pair {
    std::string key;
    std::string cert;
};

/// Generates a key and a self-signed X.509 v3 certificate (SHA-256, random positive
/// 127-bit serial: RFC 5280 §4.1.2.2).
/// @throws startup_error (exit 1) naming the failing step.
[[nodiscard]] pem_pair generate_self_signed(certificate_request const& request,
                                            std::chrono::system_clock::time_point now);

/// Writes `data` to `path` atomically: a temporary file in the same directory created
/// with `mode` (then fchmod'ed: the umask must neither widen nor narrow it), fsync,
/// rename over `path`. A crash never leaves a half-written file under `path`.
/// @throws startup_error (exit 1) naming the file and the cause.
void write_file_atomically(std::filesystem::path const& path, std::string const& data, mode_t mode);

/// Writes a generated pair: the key first (mode 0600), then the certificate (0644),
/// so that a certificate is never newer than its key.
void write_pair(std::filesystem::path const& key_file, std::filesystem::path const& cert_file, pem_pair const& pair);

/// The permission bits of `path` as octal text ("0644") when users other than its owner
/// may read or write it (any group or other bit); empty when only the owner may, or when
/// it cannot be stat()ed (whoever opens it reports that).
std::optional<std::string> shared_file_mode(std::filesystem::path const& path);

/// Refuses a private key file that users other than its owner may read or write
/// (any group or other permission bit).
/// @throws startup_error (exit 1): "<what> FILE is readable by other users (mode 0644);
/// run: chmod 600 FILE".
void require_private_file(std::filesystem::path const& path, std::string const& what);

} // namespace ssogate::gateway::detail
