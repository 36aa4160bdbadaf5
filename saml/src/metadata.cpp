#include <ssogate/saml/metadata.hpp>

#include "detail/library_state.hpp"
#include "detail/url.hpp"
#include "detail/xml.hpp"

#include <algorithm>
#include <cstring>

namespace ssogate::saml {
namespace {

constexpr char md_ns[] = "urn:oasis:names:tc:SAML:2.0:metadata";
constexpr std::string_view saml2_protocol = "urn:oasis:names:tc:SAML:2.0:protocol";

using detail::attribute;
using detail::first_element;
using detail::is_element;
using detail::next_element;

metadata_error fail(errc code, std::string detail)
{
    return metadata_error{code, std::move(detail), {}};
}

std::string_view trim(std::string_view s) noexcept
{
    auto const ws = " \t\r\n";
    auto const first = s.find_first_not_of(ws);
    if (first == std::string_view::npos)
        return {};
    return s.substr(first, s.find_last_not_of(ws) - first + 1);
}

std::string quoted(std::string_view s)
{
    std::string out = "\"";
    out += s;
    out += '"';
    return out;
}

// protocolSupportEnumeration is a whitespace-separated list of URIs (Metadata §2.4.1).
bool supports_saml2(xmlNode* role)
{
    auto const list = attribute(role, "protocolSupportEnumeration");
    if (!list)
        return false;
    std::string_view rest = *list;
    while (!rest.empty()) {
        auto const start = rest.find_first_not_of(" \t\r\n");
        if (start == std::string_view::npos)
            break;
        rest.remove_prefix(start);
        auto const end = rest.find_first_of(" \t\r\n");
        if (rest.substr(0, end) == saml2_protocol)
            return true;
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
    }
    return false;
}

// The SAML 2.0 IDPSSODescriptor of an EntityDescriptor; null when it has none.
// Shibboleth IdPs may describe SAML 1.x in a separate IDPSSODescriptor: skipped.
xmlNode* saml2_idp_role(xmlNode* entity)
{
    for (xmlNode* c = first_element(entity); c != nullptr; c = next_element(c))
        if (is_element(c, md_ns, "IDPSSODescriptor") && supports_saml2(c))
            return c;
    return nullptr;
}

// Every EntityDescriptor under an EntitiesDescriptor, nested groups included, in
// document order. Depth is bounded by the parser already.
void collect_entities(xmlNode* group, std::vector<xmlNode*>& out)
{
    for (xmlNode* c = first_element(group); c != nullptr; c = next_element(c)) {
        if (is_element(c, md_ns, "EntityDescriptor"))
            out.push_back(c);
        else if (is_element(c, md_ns, "EntitiesDescriptor"))
            collect_entities(c, out);
    }
}

std::string entity_id_of(xmlNode* entity)
{
    return attribute(entity, "entityID").value_or(std::string{});
}

// The root must be SAML metadata; its EntityDescriptors in document order.
boost::system::result<std::vector<xmlNode*>, metadata_error> entities_of(xmlDoc* doc)
{
    xmlNode* root = xmlDocGetRootElement(doc);
    std::vector<xmlNode*> entities;
    if (is_element(root, md_ns, "EntityDescriptor"))
        entities.push_back(root);
    else if (is_element(root, md_ns, "EntitiesDescriptor"))
        collect_entities(root, entities);
    else
        return fail(errc::metadata_invalid,
            "the document is not SAML 2.0 metadata: its root element is not an EntityDescriptor or "
            "EntitiesDescriptor in namespace " + std::string(md_ns));
    return entities;
}

boost::system::result<endpoint, metadata_error> read_endpoint(xmlNode* node, std::string const& entity)
{
    auto const where = std::string("entity ") + quoted(entity) + ": " + detail::name_of(node);
    auto binding = attribute(node, "Binding");
    auto location = attribute(node, "Location");
    if (!binding || trim(*binding).empty())
        return fail(errc::metadata_invalid, where + " has no Binding");
    if (!location || trim(*location).empty())
        return fail(errc::metadata_invalid, where + " has no Location");
    endpoint e{std::string(trim(*binding)), std::string(trim(*location)), std::nullopt};
    // The browser is sent to these: they must be web URLs (no javascript:, no relative path).
    if ((e.binding == binding_http_redirect || e.binding == binding_http_post) &&
        !detail::is_absolute_http_url(e.location, detail::fragment::allowed))
        return fail(errc::metadata_invalid, where + " Location " + quoted(e.location) + " is not an absolute http(s) URL");
    if (auto response = attribute(node, "ResponseLocation"))
        e.response_location = std::string(trim(*response));
    return e;
}

// KeyDescriptor → the certificates it contributes to signing (none for use="encryption").
boost::system::result<std::vector<certificate>, metadata_error> read_key_descriptor(
    xmlNode* key_descriptor, std::string const& entity, int ordinal)
{
    auto const where = "entity " + quoted(entity) + ": KeyDescriptor #" + std::to_string(ordinal);
    auto const use = attribute(key_descriptor, "use");
    if (use && *use == "encryption")
        return std::vector<certificate>{};
    if (use && *use != "signing")
        return fail(errc::metadata_invalid,
            where + " has use=" + quoted(*use) + " (must be \"signing\", \"encryption\" or absent)");

    std::vector<certificate> certs;
    for (xmlNode* info = first_element(key_descriptor); info != nullptr; info = next_element(info)) {
        if (!is_element(info, detail::ns::dsig, "KeyInfo"))
            continue;
        for (xmlNode* data = first_element(info); data != nullptr; data = next_element(data)) {
            if (!is_element(data, detail::ns::dsig, "X509Data"))
                continue;
            // The first X509Certificate is the entity's own; any further ones are its chain.
            xmlNode* cert_node = first_element(data);
            while (cert_node != nullptr && !is_element(cert_node, detail::ns::dsig, "X509Certificate"))
                cert_node = next_element(cert_node);
            if (cert_node == nullptr)
                continue;
            auto cert = certificate::from_base64_der(detail::text_content(cert_node));
            if (!cert)
                return fail(errc::key_invalid, where + ": X509Certificate is not a valid base64 DER certificate");
            certs.push_back(std::move(*cert));
        }
    }
    return certs;
}

boost::system::result<idp_metadata, metadata_error> read_idp(xmlNode* entity_node)
{
    idp_metadata md;
    md.entity_id = entity_id_of(entity_node);
    if (md.entity_id.empty())
        return fail(errc::metadata_invalid, "the EntityDescriptor has no entityID");
    auto const where = "entity " + quoted(md.entity_id);

    xmlNode* role = saml2_idp_role(entity_node);
    if (role == nullptr)
        return fail(errc::metadata_invalid,
            where + " is not a SAML 2.0 identity provider (no IDPSSODescriptor supporting " + std::string(saml2_protocol) + ")");

    if (auto want = attribute(role, "WantAuthnRequestsSigned")) {
        auto const v = trim(*want);
        if (v == "true" || v == "1")
            md.want_authn_requests_signed = true;
        else if (v == "false" || v == "0")
            md.want_authn_requests_signed = false;
        else
            return fail(errc::metadata_invalid, where + ": WantAuthnRequestsSigned=" + quoted(*want) + " is not a boolean");
    }

    int key_descriptors = 0;
    int encryption_keys = 0;
    for (xmlNode* c = first_element(role); c != nullptr; c = next_element(c)) {
        if (is_element(c, md_ns, "KeyDescriptor")) {
            ++key_descriptors;
            if (attribute(c, "use") == std::optional<std::string>("encryption"))
                ++encryption_keys;
            auto certs = read_key_descriptor(c, md.entity_id, key_descriptors);
            if (!certs)
                return certs.error();
            for (auto& cert : *certs)
                if (std::find(md.signing_certs.begin(), md.signing_certs.end(), cert) == md.signing_certs.end())
                    md.signing_certs.push_back(std::move(cert));
        } else if (is_element(c, md_ns, "SingleSignOnService")) {
            auto e = read_endpoint(c, md.entity_id);
            if (!e)
                return e.error();
            md.sso_endpoints.push_back(std::move(*e));
        } else if (is_element(c, md_ns, "SingleLogoutService")) {
            auto e = read_endpoint(c, md.entity_id);
            if (!e)
                return e.error();
            md.slo_endpoints.push_back(std::move(*e));
        } else if (is_element(c, md_ns, "NameIDFormat")) {
            auto const text = detail::text_content(c);
            auto const format = trim(text);
            if (!format.empty())
                md.name_id_formats.emplace_back(format);
        }
    }

    // Fail closed: metadata without a signing key must never mean "accept anything".
    if (md.signing_certs.empty()) {
        std::string why = where + " has no signing certificate in its IDPSSODescriptor";
        if (encryption_keys > 0 && encryption_keys == key_descriptors)
            why += " (only use=\"encryption\" keys, which are never trusted for signatures)";
        else
            why += " (a KeyDescriptor with use=\"signing\" or no use, holding a ds:X509Certificate, is required)";
        return fail(errc::metadata_invalid, std::move(why));
    }
    if (md.sso_endpoints.empty())
        return fail(errc::metadata_invalid, where + " has no SingleSignOnService");
    return md;
}

boost::system::result<detail::xml_doc_ptr, metadata_error> parse(std::string_view xml, metadata_options const& options)
{
    detail::require_library();
    if (xml.size() > options.max_bytes)
        return fail(errc::too_large,
            "the metadata is " + std::to_string(xml.size()) + " bytes, more than the bound of "
                + std::to_string(options.max_bytes));
    auto doc = detail::parse_document(xml, options.max_depth);
    if (!doc)
        return fail(doc.error().code, "the metadata is not usable XML: " + doc.error().detail);
    return std::move(*doc);
}

} // namespace

std::optional<std::string> idp_metadata::sso_url(std::string_view binding) const
{
    for (auto const& e : sso_endpoints)
        if (e.binding == binding)
            return e.location;
    return std::nullopt;
}

std::optional<std::string> idp_metadata::slo_url(std::string_view binding) const
{
    for (auto const& e : slo_endpoints)
        if (e.binding == binding)
            return e.location;
    return std::nullopt;
}

idp_trust idp_metadata::trust() const
{
    return idp_trust{entity_id, signing_certs};
}

boost::system::result<std::vector<std::string>, metadata_error> list_idp_entities(
    std::string_view xml, metadata_options const& options)
{
    auto doc = parse(xml, options);
    if (!doc)
        return doc.error();
    auto entities = entities_of(doc->get());
    if (!entities)
        return entities.error();
    std::vector<std::string> ids;
    for (xmlNode* e : *entities)
        if (saml2_idp_role(e) != nullptr)
            ids.push_back(entity_id_of(e));
    return ids;
}

boost::system::result<idp_metadata, metadata_error> parse_idp_metadata(
    std::string_view xml, metadata_options const& options)
{
    auto doc = parse(xml, options);
    if (!doc)
        return doc.error();
    auto entities = entities_of(doc->get());
    if (!entities)
        return entities.error();

    std::vector<std::string> idp_ids;
    std::vector<xmlNode*> idps;
    for (xmlNode* e : *entities) {
        if (saml2_idp_role(e) != nullptr) {
            idp_ids.push_back(entity_id_of(e));
            idps.push_back(e);
        }
    }
    auto const listing = [&] {
        std::string s;
        for (auto const& id : idp_ids)
            s += (s.empty() ? "" : ", ") + quoted(id);
        return s.empty() ? std::string("none") : s;
    };

    if (options.entity_id) {
        for (xmlNode* e : *entities)
            if (entity_id_of(e) == *options.entity_id)
                return read_idp(e);
        return fail(errc::metadata_invalid,
            "the metadata has no entity " + quoted(*options.entity_id) + " (identity providers in it: " + listing() + ")");
    }
    if (entities->size() == 1)
        return read_idp(entities->front()); // says precisely why it is not a usable IdP
    if (idps.empty())
        return fail(errc::metadata_invalid,
            "the metadata describes " + std::to_string(entities->size()) + " entities and none is a SAML 2.0 identity provider");
    if (idps.size() > 1) {
        metadata_error e = fail(errc::metadata_invalid,
            "the metadata describes " + std::to_string(idps.size()) + " identity providers; choose one by entity ID: "
                + listing());
        e.idp_entity_ids = std::move(idp_ids);
        return e;
    }
    return read_idp(idps.front());
}

} // namespace ssogate::saml
