#pragma once
// Hardened libxml2 parsing and small DOM helpers for saml/.
//
// Every document saml/ reads goes through parse_document(): no network, no DTD
// (internal or external subset: refused outright), no entity substitution, no
// XML_PARSE_HUGE, a depth bound, and IDs registered by saml/ itself with
// duplicates refused (xmlsec's own resolution keeps the *first* of duplicate IDs,
// the root of several signature-wrapping attacks).
#include <ssogate/saml/errc.hpp>

#include "detail/c_handles.hpp"

#include <boost/system/result.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace ssogate::saml::detail {

namespace ns {
inline constexpr char protocol[] = "urn:oasis:names:tc:SAML:2.0:protocol";
inline constexpr char assertion[] = "urn:oasis:names:tc:SAML:2.0:assertion";
inline constexpr char dsig[] = "http://www.w3.org/2000/09/xmldsig#";
inline constexpr char xenc[] = "http://www.w3.org/2001/04/xmlenc#";
inline constexpr char xsi[] = "http://www.w3.org/2001/XMLSchema-instance";
} // namespace ns

/// A precise reason and the detail for the log.
struct failure {
    errc code;
    std::string detail;
};

template <class T>
using outcome = boost::system::result<T, failure>;

/// libxml2 options for every parse in saml/: no network, no error printing.
/// Deliberately absent: XML_PARSE_NOENT (entity substitution), XML_PARSE_DTDLOAD,
/// XML_PARSE_DTDATTR, XML_PARSE_DTDVALID, XML_PARSE_HUGE, XML_PARSE_XINCLUDE,
/// XML_PARSE_NOBLANKS (would change signed content).
inline constexpr int parse_options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;

/// Parses `xml` with the options above, refusing any DTD (dtd_forbidden), any
/// parse error (malformed) and nesting deeper than `max_depth` (too_deep), then
/// registers every `ID`/`Id` attribute as an XML ID, refusing duplicates
/// (duplicate_id), also against `xml:id`.
outcome<xml_doc_ptr> parse_document(std::string_view xml, std::size_t max_depth);

/// Checks depth and registers the IDs of the subtree at `root` (already linked
/// into its document), refusing values already registered in the document.
outcome<void> check_and_register_subtree(xmlNode* root, std::size_t max_depth, std::size_t base_depth);

/// The serialised document (with an XML declaration, no reformatting).
std::string serialize(xmlDoc* doc);

/// True if the libxml2 string `a` is exactly `b` (false for null). Inline and byte by
/// byte: the structure scan asks ~250 of these per response and most differ at the
/// first byte, where a call to strcmp cost more than the comparison (issue 8 profile).
inline bool xml_eq(xmlChar const* a, char const* b) noexcept
{
    if (a == nullptr)
        return false;
    for (auto const* p = reinterpret_cast<char const*>(a);; ++p, ++b) {
        if (*p != *b)
            return false;
        if (*p == '\0')
            return true;
    }
}

/// True if `node` is an element named `local` in namespace `ns_uri`.
inline bool is_element(xmlNode const* node, char const* ns_uri, char const* local) noexcept
{
    // The local name first: it is short and usually differs at its first byte, where
    // namespace URIs share long prefixes (the structure scan asks this of every node).
    return node != nullptr && node->type == XML_ELEMENT_NODE && node->ns != nullptr && xml_eq(node->name, local) &&
           xml_eq(node->ns->href, ns_uri);
}

/// First element child of `node` (or null).
inline xmlNode* first_element(xmlNode* node) noexcept
{
    for (xmlNode* c = node->children; c != nullptr; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return c;
    return nullptr;
}

/// Next element sibling of `node` (or null).
inline xmlNode* next_element(xmlNode* node) noexcept
{
    for (xmlNode* c = node->next; c != nullptr; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return c;
    return nullptr;
}

/// Value of the non-namespaced attribute `name` (nullopt if absent).
std::optional<std::string> attribute(xmlNode* node, char const* name);

/// The full text content of an element (all descendant text, comments skipped).
std::string text_content(xmlNode* node);

/// True if the element has an element child.
bool has_element_children(xmlNode* node) noexcept;

/// The element whose `ID` or `Id` attribute equals `id`, through the document's
/// ID table (null if none).
xmlNode* element_by_id(xmlDoc* doc, std::string const& id) noexcept;

/// The element's ID attribute (`ID` for SAML elements, `Id` for xmldsig/xmlenc).
std::optional<std::string> id_of(xmlNode* node);

/// Silences libxml2's generic and structured error output on this thread while
/// alive (xmlsec calls into libxml2 XPath/c14n, which would print attacker-chosen
/// text to stderr), restoring the previous handlers afterwards.
class quiet_libxml_errors {
public:
    quiet_libxml_errors() noexcept;
    ~quiet_libxml_errors();
    quiet_libxml_errors(quiet_libxml_errors const&) = delete;
    quiet_libxml_errors& operator=(quiet_libxml_errors const&) = delete;

private:
    xmlGenericErrorFunc generic_;
    void* generic_context_;
    xmlStructuredErrorFunc structured_;
    void* structured_context_;
};

/// True if `id` can be an xs:ID (an NCName; here: no whitespace, quotes, '#',
/// parentheses, '<', '&' or ':' — characters xmlsec's id() lookup cannot carry).
bool plausible_id(std::string const& id) noexcept;

inline char const* name_of(xmlNode const* node) noexcept
{
    return reinterpret_cast<char const*>(node->name);
}

} // namespace ssogate::saml::detail
