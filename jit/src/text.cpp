#include "text.hpp"

#include <algorithm>
#include <cstdint>

namespace ssogate::jit::detail {

char to_lower_ascii(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string to_lower_ascii(std::string_view text)
{
    std::string out(text);
    for (auto& c : out)
        c = to_lower_ascii(c);
    return out;
}

bool iequals_ascii(std::string_view a, std::string_view b) noexcept
{
    return a.size() == b.size()
        && std::equal(a.begin(), a.end(), b.begin(),
                      [](char x, char y) { return to_lower_ascii(x) == to_lower_ascii(y); });
}

bool has_control_characters(std::string_view text) noexcept
{
    return std::any_of(text.begin(), text.end(), [](char c) {
        auto const b = static_cast<unsigned char>(c);
        return b < 0x20 || b == 0x7f;
    });
}

bool is_valid_utf8(std::string_view text) noexcept
{
    std::size_t i = 0;
    while (i < text.size()) {
        auto const b0 = static_cast<unsigned char>(text[i]);
        if (b0 < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = 0;
        std::uint32_t cp = 0;
        if (b0 >= 0xc2 && b0 <= 0xdf) {
            length = 2;
            cp = b0 & 0x1fu;
        }
        else if (b0 >= 0xe0 && b0 <= 0xef) {
            length = 3;
            cp = b0 & 0x0fu;
        }
        else if (b0 >= 0xf0 && b0 <= 0xf4) {
            length = 4;
            cp = b0 & 0x07u;
        }
        else {
            return false;
        }
        if (text.size() - i < length)
            return false;
        for (std::size_t k = 1; k < length; ++k) {
            auto const b = static_cast<unsigned char>(text[i + k]);
            if ((b & 0xc0u) != 0x80u)
                return false;
            cp = (cp << 6) | (b & 0x3fu);
        }
        if ((length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000) || cp > 0x10ffff
            || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += length;
    }
    return true;
}

bool has_surrounding_space(std::string_view text) noexcept
{
    return !text.empty() && (text.front() == ' ' || text.back() == ' ');
}

bool is_email_shaped(std::string_view text) noexcept
{
    if (text.empty() || text.size() > 254 || has_control_characters(text) || !is_valid_utf8(text))
        return false;
    if (text.find(' ') != std::string_view::npos)
        return false;
    auto const at = text.find('@');
    if (at == std::string_view::npos || at == 0 || text.find('@', at + 1) != std::string_view::npos)
        return false;
    auto const domain = text.substr(at + 1);
    auto const dot = domain.find('.');
    return !domain.empty() && dot != std::string_view::npos && dot != 0 && domain.back() != '.'
        && domain.find("..") == std::string_view::npos;
}

std::string_view email_domain(std::string_view email) noexcept
{
    auto const at = email.rfind('@');
    return at == std::string_view::npos ? std::string_view{} : email.substr(at + 1);
}

} // namespace ssogate::jit::detail
