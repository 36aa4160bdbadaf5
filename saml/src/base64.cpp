#include "detail/base64.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

namespace ssogate::saml::detail {
namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> make_table()
{
    std::array<std::int8_t, 256> t{};
    for (auto& v : t)
        v = -1;
    for (int i = 0; i < 64; ++i)
        t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
    return t;
}
constexpr auto table = make_table();

/// `table` with each value already shifted into its place in a 24-bit quantum; a byte
/// outside the alphabet has bit 31 set, so one test after OR-ing four lookups finds it.
constexpr std::uint32_t invalid_bit = 0x8000'0000u;
constexpr std::array<std::uint32_t, 256> make_shifted(int shift)
{
    std::array<std::uint32_t, 256> t{};
    for (std::size_t i = 0; i < 256; ++i)
        t[i] = table[i] < 0 ? invalid_bit : static_cast<std::uint32_t>(table[i]) << shift;
    return t;
}
constexpr auto shifted18 = make_shifted(18);
constexpr auto shifted12 = make_shifted(12);
constexpr auto shifted6 = make_shifted(6);
constexpr auto shifted0 = make_shifted(0);

/// Writes the three bytes of the 24-bit quantum `q` at `o`. On little-endian machines as
/// one 4-byte store: `out` keeps 3 bytes of slack past the largest result, and the
/// fourth byte is overwritten by the next quantum or cut off by the final resize.
inline void store3(char* o, std::uint32_t q) noexcept
{
    if constexpr (std::endian::native == std::endian::little) {
        std::uint32_t const bytes = __builtin_bswap32(q << 8);
        std::memcpy(o, &bytes, sizeof bytes);
    } else {
        o[0] = static_cast<char>((q >> 16) & 0xFF);
        o[1] = static_cast<char>((q >> 8) & 0xFF);
        o[2] = static_cast<char>(q & 0xFF);
    }
}

constexpr bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/// Room base64 decoding needs at its output: the largest result plus the 3 bytes of slack
/// store3 writes past it.
constexpr std::size_t decode_room(std::size_t text_size) noexcept
{
    return text_size / 4 * 3 + 3;
}

/// Decodes `text` into `out_begin` (decode_room(text.size()) bytes); the decoded length, or
/// nullopt when `text` is not valid base64.
std::optional<std::size_t> decode(std::string_view text, char* const out_begin) noexcept
{
    // Written into a buffer sized for the largest result (whitespace only shrinks it):
    // a push_back per byte cost more than the rest of verify_response's own checks
    // (issue 8 profile, bench/README.md).
    char* o = out_begin;
    std::uint32_t acc = 0;
    int bits = 0;
    std::size_t symbols = 0; // symbols (including padding) seen
    int padding = 0;
    std::size_t i = 0;
    std::size_t const n = text.size();
    auto const* const in = reinterpret_cast<unsigned char const*>(text.data());
    while (i < n) {
        // Fast path: whole quanta of four alphabet symbols from a quantum boundary.
        if (bits == 0 && padding == 0) {
            std::size_t const from = i;
            while (n - i >= 4) {
                std::uint32_t const q
                    = shifted18[in[i]] | shifted12[in[i + 1]] | shifted6[in[i + 2]] | shifted0[in[i + 3]];
                if (q & invalid_bit)
                    break;
                store3(o, q);
                o += 3;
                i += 4;
            }
            symbols += i - from;
            if (i == n)
                break;
        }
        // One symbol at a time: whitespace, padding, errors, and quanta split by them.
        char const ch = text[i++];
        if (is_space(ch))
            continue;
        if (ch == '=') {
            ++padding;
            ++symbols;
            if (padding > 2)
                return std::nullopt;
            continue;
        }
        if (padding > 0) // data after padding
            return std::nullopt;
        auto const v = table[static_cast<unsigned char>(ch)];
        if (v < 0)
            return std::nullopt;
        ++symbols;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            *o++ = static_cast<char>((acc >> bits) & 0xFF);
        }
    }
    if (symbols % 4 != 0)
        return std::nullopt;
    // Padding must match the leftover bits, and those bits must be zero
    // (RFC 4648 §3.5: canonical encoding).
    if ((padding == 1 && bits != 2) || (padding == 2 && bits != 4) || (padding == 0 && bits != 0))
        return std::nullopt;
    if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
        return std::nullopt;
    return static_cast<std::size_t>(o - out_begin);
}

} // namespace

std::optional<std::string> base64_decode(std::string_view text)
{
    std::string out(decode_room(text.size()), '\0');
    auto const n = decode(text, out.data());
    if (!n)
        return std::nullopt;
    out.resize(*n);
    return out;
}

std::optional<std::string_view> base64_decode_into(std::string_view text, std::string& buffer)
{
    // Grown, never shrunk: a reused buffer is neither reallocated nor zero-filled again.
    if (buffer.size() < decode_room(text.size()))
        buffer.resize(decode_room(text.size()));
    auto const n = decode(text, buffer.data());
    if (!n)
        return std::nullopt;
    return std::string_view(buffer.data(), *n);
}

std::string base64_encode(std::string_view bytes)
{
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        std::uint32_t const n = (std::uint32_t(static_cast<unsigned char>(bytes[i])) << 16) |
                                (std::uint32_t(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                                std::uint32_t(static_cast<unsigned char>(bytes[i + 2]));
        out.push_back(alphabet[(n >> 18) & 63]);
        out.push_back(alphabet[(n >> 12) & 63]);
        out.push_back(alphabet[(n >> 6) & 63]);
        out.push_back(alphabet[n & 63]);
    }
    std::size_t const rest = bytes.size() - i;
    if (rest == 1) {
        std::uint32_t const n = std::uint32_t(static_cast<unsigned char>(bytes[i])) << 16;
        out.push_back(alphabet[(n >> 18) & 63]);
        out.push_back(alphabet[(n >> 12) & 63]);
        out += "==";
    } else if (rest == 2) {
        std::uint32_t const n = (std::uint32_t(static_cast<unsigned char>(bytes[i])) << 16) |
                                (std::uint32_t(static_cast<unsigned char>(bytes[i + 1])) << 8);
        out.push_back(alphabet[(n >> 18) & 63]);
        out.push_back(alphabet[(n >> 12) & 63]);
        out.push_back(alphabet[(n >> 6) & 63]);
        out.push_back('=');
    }
    return out;
}

} // namespace ssogate::saml::detail
