#include "text/form.hpp"

namespace ssogate::gateway {
namespace {

int hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

std::optional<std::string> decode_form_component(std::string_view s)
{
    // Into a buffer of the input's size (decoding only shrinks) through a pointer: the
    // ~15 KB SAMLResponse of every ACS post went through a push_back per byte, 7% of a
    // sign-in's instructions (bench/README.md, issue 8).
    std::string out(s.size(), '\0');
    char* o = out.data();
    char const* p = s.data();
    char const* const end = p + s.size();
    while (p != end) {
        char const c = *p;
        if (c == '%') {
            if (end - p < 3)
                return std::nullopt;
            int const hi = hex_value(p[1]);
            int const lo = hex_value(p[2]);
            if (hi < 0 || lo < 0)
                return std::nullopt;
            *o++ = static_cast<char>(hi * 16 + lo);
            p += 3;
        } else {
            *o++ = c == '+' ? ' ' : c;
            ++p;
        }
    }
    out.resize(static_cast<std::size_t>(o - out.data()));
    return out;
}

} // namespace ssogate::gateway
