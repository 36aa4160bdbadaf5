#include "secret_hash.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstdlib>

namespace ssogate::store::detail {

std::string sha256_hex(std::string_view data)
{
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    if (EVP_Digest(data.data(), data.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1 || size != 32) {
        // SHA-256 from libcrypto cannot fail short of memory exhaustion; storing a
        // secret unhashed or a chain with a bogus digest is not an option.
        std::abort();
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (unsigned int i = 0; i < size; ++i) {
        out.push_back(hex[digest[i] >> 4]);
        out.push_back(hex[digest[i] & 0x0f]);
    }
    return out;
}

} // namespace ssogate::store::detail
