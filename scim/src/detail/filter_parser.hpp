#pragma once
// The filter parser shared by parse_filter (filter.cpp) and parse_patch_path
// (PATCH paths embed value filters: `emails[type eq "work"].value`).
#include <ssogate/scim/errc.hpp>
#include <ssogate/scim/filter.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace ssogate::scim::detail {

class filter_parser {
public:
    filter_parser(std::string_view text, filter_limits const& limits, errc code) noexcept
        : text_(text), limits_(limits), code_(code)
    {
    }

    /// FILTER, to the end of the text.
    result<filter_node> parse_whole();
    /// attrPath, then optionally "[" valFilter "]" and "." subAttr, to the end of the text.
    /// Sets `path`, `inner` (when a value filter is present) and `sub`.
    result<void> parse_patch_path(attribute_path& path, std::optional<filter_node>& inner, std::string& sub);

private:
    result<filter_node> parse_or(std::size_t depth, bool in_value_path);
    result<filter_node> parse_and(std::size_t depth, bool in_value_path);
    result<filter_node> parse_unary(std::size_t depth, bool in_value_path);
    result<filter_node> parse_attribute_expression(std::size_t depth, bool in_value_path);
    /// The `op value` (or `pr`) after `path`.
    result<filter_node> parse_operator(attribute_path path);
    result<boost::json::value> parse_comp_value();
    result<attribute_path> parse_path_token(bool in_value_path);

    void skip_spaces() noexcept;
    bool at_end() const noexcept { return pos_ >= text_.size(); }
    /// A keyword (case-insensitive) at the current position followed by a non-name character.
    bool peek_keyword(std::string_view word) const noexcept;
    std::string_view read_word() noexcept;
    scim_error fail(std::string const& what) const;
    scim_error fail_at(std::size_t pos, std::string const& what) const;

    std::string_view text_;
    filter_limits limits_;
    errc code_;
    std::size_t pos_ = 0;
};

/// Whether one element of the multi-valued complex attribute `parent` satisfies `inner`
/// (the filter between the brackets of a value path).
bool matches_element(filter_node const& inner, boost::json::object const& element, attribute_def const& parent,
                     resource_type_def const& type);

} // namespace ssogate::scim::detail
