#pragma once
// scim filters — the `filter` query parameter (RFC 7644 §3.4.2.2): a bounded parser to
// an AST, an evaluator over a JSON resource, and a recogniser for the equality shapes
// a store can answer with an index (`userName eq "x"`).
//
// `filter` is a value type (copyable, no shared state); parsing and evaluation are pure
// functions, safe to call concurrently.
#include <ssogate/scim/attribute_path.hpp>
#include <ssogate/scim/errc.hpp>
#include <ssogate/scim/schema.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssogate::scim {

/// The comparison operators of RFC 7644 Table 3 (`pr` is a node kind of its own).
enum class compare_op { eq, ne, co, sw, ew, gt, ge, lt, le };

/// One node of a parsed filter.
struct filter_node {
    enum class kind {
        compare,     ///< path op value
        present,     ///< path pr
        logical_and, ///< children[0] and children[1]
        logical_or,  ///< children[0] or children[1]
        logical_not, ///< not (children[0])
        value_path,  ///< path[children[0]] — children[0] uses sub-attributes of path
    };
    kind type = kind::present;
    compare_op op = compare_op::eq;
    attribute_path path;      ///< compare, present, value_path
    boost::json::value value; ///< compare: a string, bool, null or number literal
    std::vector<filter_node> children;
};

/// A parsed filter: its root node.
struct filter {
    filter_node root;
};

/// Bounds on what a client may send; exceeding one is invalidFilter.
struct filter_limits {
    std::size_t max_length = 4096; ///< characters of filter text
    std::size_t max_depth = 16;    ///< nesting of parentheses, `not`, value paths and logical operators
};

/// Parse a filter. Attribute names and operators are case-insensitive; `and` binds
/// tighter than `or`; `not` needs parentheses. Malformed text, an unknown operator,
/// a value path inside a value path, or a bound violation fail with a `scim_error`
/// whose scimType is invalidFilter and whose detail names the character position.
/// @par Specification RFC 7644 §3.4.2.2
[[nodiscard]] result<filter> parse_filter(std::string_view text, filter_limits const& limits = {});

/// Check a parsed filter against the schema of `type`: every attribute must be known,
/// `gt ge lt le` are refused on booleans and binaries, `co sw ew` on non-strings,
/// value paths only on multi-valued complex attributes. Fails with invalidFilter.
[[nodiscard]] result<void> validate_filter(filter const& f, resource_type_def const& type);

/// Whether `resource` (the JSON form of a User or Group) matches `f`. Attribute names
/// match case-insensitively; a multi-valued attribute matches when any value does;
/// strings compare case-insensitively unless the schema says caseExact (so `userName`
/// does, `id` and `externalId` do not); dateTime values compare as RFC 3339 instants
/// (fractions and offsets honoured; text that is not RFC 3339 compares as a string);
/// `pr` needs a value that is not null, "", [] or {}; `ne` is `not eq`.
/// @par Specification RFC 7644 §3.4.2.2
[[nodiscard]] bool matches(filter const& f, boost::json::object const& resource, resource_type_def const& type);

/// The attributes a store indexes.
enum class indexed_attribute { user_name, external_id, display_name };

/// A filter of the shape `userName eq "x"`, `externalId eq "x"` or `displayName eq "x"`.
struct indexed_lookup {
    indexed_attribute attribute;
    std::string value;
    bool case_exact; ///< false for userName and displayName: compare the index case-insensitively
};

/// Recognise the simple equality shapes Okta and Entra send before every create
/// (`userName eq "…"`, `externalId eq "…"`, `displayName eq "…"`), with or without the
/// core schema URN prefix, so that the store can answer with an index instead of a scan.
/// Any other filter returns std::nullopt (evaluate it with `matches`).
std::optional<indexed_lookup> as_indexed_lookup(filter const& f);

/// The filter written back as text (canonical spacing, lower-case operators).
std::string to_string(filter const& f);

} // namespace ssogate::scim
