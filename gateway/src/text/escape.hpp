#pragma once
// Escaping for text that goes into HTML pages or XML documents the gateway writes.
#include <string>
#include <string_view>

namespace ssogate::gateway {

/// `s` with & < > " ' replaced by entities that mean the same in HTML and in XML
/// (&amp; &lt; &gt; &quot; &#39;), so the result is safe as element text and as a
/// quoted attribute value in either.
[[nodiscard]] std::string escape_markup(std::string_view s);

} // namespace ssogate::gateway
