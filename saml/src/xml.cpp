#include "detail/xml.hpp"

#include <libxml/valid.h>
#include <libxml/xmlerror.h>

#include <climits>
#include <vector>

namespace ssogate::saml::detail {
namespace {

struct parse_state {
    bool saw_dtd = false;
};

// SAX hook: a DOCTYPE stops the parser before a single declaration of the internal
// subset is read, so no entity (billion laughs, XXE) is ever declared.
// @par Specification SAML 2.0 Core §1.3 / Bindings §3.5.5.2: SAML messages carry
// no DTD; OWASP XXE Prevention Cheat Sheet: disallow DOCTYPE declarations.
void on_doctype(void* user, xmlChar const*, xmlChar const*, xmlChar const*)
{
    auto* ctxt = static_cast<xmlParserCtxtPtr>(user);
    if (auto* st = static_cast<parse_state*>(ctxt->_private))
        st->saw_dtd = true;
    xmlStopParser(ctxt);
}

// Registers one attribute as an ID; false if the value is already taken.
bool register_id(xmlDoc* doc, xmlAttr* attr)
{
    xml_char_ptr value(xmlNodeListGetString(doc, attr->children, 1));
    if (!value)
        return true; // empty attribute: nothing to resolve
    if (xmlGetID(doc, value.get()) != nullptr)
        return false;
    return xmlAddID(nullptr, doc, value.get(), attr) != nullptr;
}

bool is_id_attribute(xmlAttr const* attr) noexcept
{
    if (attr->ns != nullptr)
        return false; // xml:id is registered by libxml2's parser itself
    return xml_eq(attr->name, "ID") || xml_eq(attr->name, "Id");
}

// Walks the subtree at `root` iteratively; checks depth and registers IDs.
outcome<void> walk(xmlDoc* doc, xmlNode* root, std::size_t max_depth, std::size_t depth)
{
    xmlNode* node = root;
    while (node != nullptr) {
        if (node->type == XML_ELEMENT_NODE) {
            if (depth > max_depth)
                return failure{errc::too_deep, "elements nest deeper than " + std::to_string(max_depth)};
            for (xmlAttr* a = node->properties; a != nullptr; a = a->next) {
                if (is_id_attribute(a) && !register_id(doc, a)) {
                    return failure{errc::duplicate_id,
                                   "the ID \"" + take_string(xml_char_ptr(xmlNodeListGetString(doc, a->children, 1))) +
                                       "\" appears more than once"};
                }
            }
        } else if (node->type == XML_ENTITY_REF_NODE || node->type == XML_DTD_NODE ||
                   node->type == XML_ENTITY_DECL || node->type == XML_XINCLUDE_START) {
            return failure{errc::dtd_forbidden, "the document uses entities or a DTD"};
        }
        // Next node in document order, staying within `root`.
        if (node->type == XML_ELEMENT_NODE && node->children != nullptr) {
            node = node->children;
            ++depth;
            continue;
        }
        while (node != nullptr && node != root && node->next == nullptr) {
            node = node->parent;
            --depth;
        }
        if (node == nullptr || node == root)
            break;
        node = node->next;
    }
    return {};
}

} // namespace

outcome<xml_doc_ptr> parse_document(std::string_view xml, std::size_t max_depth)
{
    if (xml.size() > static_cast<std::size_t>(INT_MAX))
        return failure{errc::too_large, "document larger than 2 GiB"};
    xml_parser_ctxt_ptr ctxt(xmlNewParserCtxt());
    if (!ctxt || ctxt->sax == nullptr)
        return failure{errc::malformed, "cannot create an XML parser"};
    parse_state state;
    ctxt->_private = &state;
    ctxt->sax->internalSubset = on_doctype;
    ctxt->sax->externalSubset = on_doctype;

    xml_doc_ptr doc(xmlCtxtReadMemory(ctxt.get(), xml.data(), static_cast<int>(xml.size()), nullptr, nullptr,
                                      parse_options));
    if (state.saw_dtd || (doc && (doc->intSubset != nullptr || doc->extSubset != nullptr)))
        return failure{errc::dtd_forbidden, "the document carries a DOCTYPE declaration"};
    if (!doc || ctxt->wellFormed == 0) {
        std::string detail = "not well-formed XML";
        if (xmlError const* e = xmlCtxtGetLastError(ctxt.get()); e != nullptr && e->message != nullptr) {
            detail += ": line " + std::to_string(e->line) + ": " + e->message;
            while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' '))
                detail.pop_back();
        }
        return failure{errc::malformed, std::move(detail)};
    }
    xmlNode* root = xmlDocGetRootElement(doc.get());
    if (root == nullptr)
        return failure{errc::malformed, "the document has no root element"};
    // Top-level nodes beside the root (comments, PIs) need no walk; entities can't
    // appear there without a DTD.
    if (auto r = walk(doc.get(), root, max_depth, 1); !r)
        return r.error();
    return doc;
}

outcome<void> check_and_register_subtree(xmlNode* root, std::size_t max_depth, std::size_t base_depth)
{
    return walk(root->doc, root, max_depth, base_depth);
}

std::string serialize(xmlDoc* doc)
{
    xmlChar* mem = nullptr;
    int size = 0;
    xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
    xml_char_ptr owned(mem);
    if (!owned || size <= 0)
        return {};
    return std::string(reinterpret_cast<char const*>(mem), static_cast<std::size_t>(size));
}

namespace {
/// The text of `children` when it is one text node (the usual case), read in place:
/// xmlNodeListGetString / xmlNodeGetContent would allocate and copy it once more.
xmlChar const* single_text(xmlNode const* children) noexcept
{
    if (children != nullptr && children->next == nullptr && children->type == XML_TEXT_NODE
        && children->content != nullptr)
        return children->content;
    return nullptr;
}
} // namespace

std::optional<std::string> attribute(xmlNode* node, char const* name)
{
    xmlAttr* a = xmlHasNsProp(node, reinterpret_cast<xmlChar const*>(name), nullptr);
    if (a == nullptr || a->ns != nullptr)
        return std::nullopt;
    if (xmlChar const* text = single_text(a->children))
        return std::string(reinterpret_cast<char const*>(text));
    return take_string(xml_char_ptr(xmlNodeListGetString(node->doc, a->children, 1)));
}

std::string text_content(xmlNode* node)
{
    if (node != nullptr && node->type == XML_ELEMENT_NODE)
        if (xmlChar const* text = single_text(node->children))
            return std::string(reinterpret_cast<char const*>(text));
    return take_string(xml_char_ptr(xmlNodeGetContent(node)));
}

bool has_element_children(xmlNode* node) noexcept
{
    return first_element(node) != nullptr;
}

xmlNode* element_by_id(xmlDoc* doc, std::string const& id) noexcept
{
    xmlAttr* a = xmlGetID(doc, reinterpret_cast<xmlChar const*>(id.c_str()));
    if (a == nullptr || a->parent == nullptr || a->parent->type != XML_ELEMENT_NODE)
        return nullptr;
    return a->parent;
}

std::optional<std::string> id_of(xmlNode* node)
{
    if (auto v = attribute(node, "ID"))
        return v;
    return attribute(node, "Id");
}

namespace {
void silent(void*, char const*, ...) {}
void silent_structured(void*, xmlErrorPtr) {}
} // namespace

quiet_libxml_errors::quiet_libxml_errors() noexcept
    : generic_(xmlGenericError), generic_context_(xmlGenericErrorContext), structured_(xmlStructuredError),
      structured_context_(xmlStructuredErrorContext)
{
    xmlSetGenericErrorFunc(nullptr, silent);
    xmlSetStructuredErrorFunc(nullptr, silent_structured);
}

quiet_libxml_errors::~quiet_libxml_errors()
{
    xmlSetGenericErrorFunc(generic_context_, generic_);
    xmlSetStructuredErrorFunc(structured_context_, structured_);
}

bool plausible_id(std::string const& id) noexcept
{
    if (id.empty())
        return false;
    for (char const c : id)
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\'' || c == '"' || c == '#' || c == '(' ||
            c == ')' || c == '<' || c == '&' || c == ':')
            return false;
    return true;
}

} // namespace ssogate::saml::detail
