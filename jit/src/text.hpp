#pragma once
// Byte-level text checks shared by the planner. ASCII-only case folding on purpose:
// Unicode case folding could make two distinct values equal (DESIGN.md "Security").
#include <string>
#include <string_view>

namespace ssogate::jit::detail {

[[nodiscard]] char to_lower_ascii(char c) noexcept;
[[nodiscard]] std::string to_lower_ascii(std::string_view text);
[[nodiscard]] bool iequals_ascii(std::string_view a, std::string_view b) noexcept;

/// Any byte below 0x20 or 0x7F.
[[nodiscard]] bool has_control_characters(std::string_view text) noexcept;
/// Well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
[[nodiscard]] bool is_valid_utf8(std::string_view text) noexcept;
/// Starts or ends with an ASCII space (tab, CR and LF are control characters).
[[nodiscard]] bool has_surrounding_space(std::string_view text) noexcept;
/// `local@domain`: one `@`, both parts non-empty, a dot inside the domain, no spaces or
/// control characters, at most 254 bytes. A shape test, not RFC 5321 validation.
[[nodiscard]] bool is_email_shaped(std::string_view text) noexcept;
/// The part after the `@` of an email-shaped value.
[[nodiscard]] std::string_view email_domain(std::string_view email) noexcept;

} // namespace ssogate::jit::detail
