#pragma once
// jit::identity — what a verified assertion says about the person signing in.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ssogate::jit {

/// SAML 2.0 Core §8.3 NameID formats that the planner treats specially.
inline constexpr std::string_view nameid_format_email = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
inline constexpr std::string_view nameid_format_unspecified = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";
inline constexpr std::string_view nameid_format_persistent = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
inline constexpr std::string_view nameid_format_transient = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";

/// The assertion's `<NameID>`: its full text content and its `Format` (empty when absent).
struct name_id {
    std::string value;
    std::string format;
};

/// One `<Attribute>`: its `Name` exactly as sent (a short name such as `groups`, a claim
/// URI, or a `urn:oid:` name) and every `<AttributeValue>` in document order, each the
/// full text content, not trimmed.
struct assertion_attribute {
    std::string name;
    std::vector<std::string> values;
};

/// The person signing in, as the verified assertion of one connection describes them.
/// The gateway builds it from `saml`'s verified assertion; a plain value.
struct identity {
    /// The connection whose IdP issued the assertion.
    std::string connection_id;
    /// The assertion's subject.
    name_id subject;
    /// Every attribute, in document order; a name may occur more than once.
    std::vector<assertion_attribute> attributes;
};

/// Whether the attribute name `sent` matches the configured name `accepted`.
///
/// A configured name that contains `:` (a claim URI such as
/// `http://schemas.xmlsoap.org/claims/Group`, or `urn:oid:0.9.2342.19200300.100.1.3`)
/// matches only exactly: URIs are case-sensitive and their forms are fixed by the IdPs.
/// A short name (`email`, `groups`) matches ASCII case-insensitively, because IdP admin
/// consoles let people type `Email` or `EMAIL` for the same claim.
[[nodiscard]] bool attribute_name_matches(std::string_view accepted, std::string_view sent) noexcept;

/// An attribute found for one field: the name it was sent under and its values.
struct matched_attribute {
    std::string name;
    std::vector<std::string> values;
};

/// The attribute for a field whose accepted names are `accepted`, in priority order:
/// the first accepted name that matches any attribute of the assertion wins, and the
/// values of every attribute matching that same name are joined in document order.
/// nullopt when no accepted name matches (the attribute is absent; an attribute that is
/// present with zero values is returned with an empty `values`).
[[nodiscard]] std::optional<matched_attribute> find_attribute(identity const& id,
                                                              std::span<std::string const> accepted);

} // namespace ssogate::jit
