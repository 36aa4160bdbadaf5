#include <ssogate/scim/filter.hpp>

#include "detail/filter_parser.hpp"
#include "detail/text.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cctype>
#include <chrono>
#include <utility>

namespace ssogate::scim {
namespace detail {
namespace {

constexpr bool is_space(char c) noexcept { return c == ' ' || c == '\t'; }
constexpr bool is_path_char(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '$' || c == '.' || c == ':';
}

struct op_name {
    std::string_view name;
    compare_op op;
};
constexpr op_name op_names[] = {
    {"eq", compare_op::eq}, {"ne", compare_op::ne}, {"co", compare_op::co},
    {"sw", compare_op::sw}, {"ew", compare_op::ew}, {"gt", compare_op::gt},
    {"ge", compare_op::ge}, {"lt", compare_op::lt}, {"le", compare_op::le},
};

// Client text is echoed in details; keep it short.
std::string excerpt(std::string_view s)
{
    constexpr std::size_t max = 40;
    return s.size() <= max ? std::string(s) : std::string(s.substr(0, max)) + "...";
}

} // namespace

void filter_parser::skip_spaces() noexcept
{
    while (!at_end() && is_space(text_[pos_]))
        ++pos_;
}

bool filter_parser::peek_keyword(std::string_view word) const noexcept
{
    if (!istarts_with(text_.substr(pos_), word))
        return false;
    auto const next = pos_ + word.size();
    return next >= text_.size() || !is_path_char(text_[next]);
}

std::string_view filter_parser::read_word() noexcept
{
    auto const start = pos_;
    while (!at_end() && is_path_char(text_[pos_]))
        ++pos_;
    return text_.substr(start, pos_ - start);
}

scim_error filter_parser::fail_at(std::size_t pos, std::string const& what) const
{
    std::string const noun = code_ == errc::invalid_path ? "path" : "filter";
    return make_error(code_, "invalid " + noun + " at position " + std::to_string(pos + 1) + ": " + what);
}

scim_error filter_parser::fail(std::string const& what) const { return fail_at(pos_, what); }

result<filter_node> filter_parser::parse_whole()
{
    if (text_.size() > limits_.max_length)
        return make_error(errc::filter_too_long, "the filter is " + std::to_string(text_.size()) +
                                                     " characters long; the limit is " +
                                                     std::to_string(limits_.max_length));
    skip_spaces();
    if (at_end())
        return fail("the filter is empty");
    auto node = parse_or(0, false);
    if (!node)
        return node;
    skip_spaces();
    if (!at_end())
        return fail("unexpected \"" + excerpt(text_.substr(pos_)) + "\"");
    return node;
}

result<filter_node> filter_parser::parse_or(std::size_t depth, bool in_value_path)
{
    auto left = parse_and(depth, in_value_path);
    if (!left)
        return left;
    for (;;) {
        auto const save = pos_;
        skip_spaces();
        if (pos_ == save || !peek_keyword("or")) {
            pos_ = save;
            return left;
        }
        pos_ += 2;
        auto right = parse_and(depth, in_value_path);
        if (!right)
            return right;
        filter_node n;
        n.type = filter_node::kind::logical_or;
        n.children.push_back(std::move(*left));
        n.children.push_back(std::move(*right));
        *left = std::move(n);
    }
}

result<filter_node> filter_parser::parse_and(std::size_t depth, bool in_value_path)
{
    auto left = parse_unary(depth, in_value_path);
    if (!left)
        return left;
    for (;;) {
        auto const save = pos_;
        skip_spaces();
        if (pos_ == save || !peek_keyword("and")) {
            pos_ = save;
            return left;
        }
        pos_ += 3;
        auto right = parse_unary(depth, in_value_path);
        if (!right)
            return right;
        filter_node n;
        n.type = filter_node::kind::logical_and;
        n.children.push_back(std::move(*left));
        n.children.push_back(std::move(*right));
        *left = std::move(n);
    }
}

result<filter_node> filter_parser::parse_unary(std::size_t depth, bool in_value_path)
{
    skip_spaces();
    if (at_end())
        return fail("an expression is missing");
    if (depth >= limits_.max_depth)
        return make_error(errc::filter_too_deep, "the filter nests deeper than " +
                                                     std::to_string(limits_.max_depth) + " levels at position " +
                                                     std::to_string(pos_ + 1));
    bool negate = false;
    if (peek_keyword("not")) {
        auto const save = pos_;
        pos_ += 3;
        skip_spaces();
        if (at_end() || text_[pos_] != '(') {
            // `not` is only an operator before a parenthesis; anything else is an attribute
            // named "not", which no schema has.
            pos_ = save;
        } else {
            negate = true;
        }
    }
    if (!at_end() && text_[pos_] == '(') {
        auto const open = pos_;
        ++pos_;
        auto inner = parse_or(depth + 1, in_value_path);
        if (!inner)
            return inner;
        skip_spaces();
        if (at_end() || text_[pos_] != ')')
            return fail_at(open, "the parenthesis opened here is not closed");
        ++pos_;
        if (!negate)
            return inner;
        filter_node n;
        n.type = filter_node::kind::logical_not;
        n.children.push_back(std::move(*inner));
        return n;
    }
    return parse_attribute_expression(depth, in_value_path);
}

result<attribute_path> filter_parser::parse_path_token(bool in_value_path)
{
    auto const start = pos_;
    auto const word = read_word();
    if (word.empty()) {
        if (at_end())
            return fail("an attribute name is missing");
        return fail(std::string("unexpected character '") + text_[pos_] + "'");
    }
    auto path = parse_attribute_path(word);
    if (!path)
        return fail_at(start, "\"" + excerpt(word) + "\" is not an attribute path");
    if (in_value_path && (!path->schema.empty() || !path->sub_attribute.empty()))
        return fail_at(start, "inside [ ] only sub-attribute names are allowed, not \"" + excerpt(word) + "\"");
    return path;
}

result<filter_node> filter_parser::parse_attribute_expression(std::size_t depth, bool in_value_path)
{
    auto path = parse_path_token(in_value_path);
    if (!path)
        return path.error();
    if (!at_end() && text_[pos_] == '[') {
        if (in_value_path)
            return fail("a value path cannot nest inside another");
        if (!path->sub_attribute.empty())
            return fail("a value path applies to an attribute, not to a sub-attribute");
        auto const open = pos_;
        ++pos_;
        auto inner = parse_or(depth + 1, true);
        if (!inner)
            return inner;
        skip_spaces();
        if (at_end() || text_[pos_] != ']')
            return fail_at(open, "the bracket opened here is not closed");
        ++pos_;
        filter_node n;
        n.type = filter_node::kind::value_path;
        n.path = std::move(*path);
        if (!at_end() && text_[pos_] == '.') {
            // `emails[type eq "work"].value eq "x"` (what Entra sends to look users up by
            // their work email; outside RFC 7644's grammar): the element that satisfies the
            // brackets must also satisfy the comparison of its sub-attribute, i.e.
            // `emails[type eq "work" and value eq "x"]`.
            auto const dot = pos_++;
            auto const name_start = pos_;
            while (!at_end() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_' ||
                                 text_[pos_] == '-' || text_[pos_] == '$'))
                ++pos_;
            auto const sub = text_.substr(name_start, pos_ - name_start);
            if (!is_attribute_name(sub))
                return fail_at(dot, "a sub-attribute name must follow \"].\"");
            auto cmp = parse_operator(attribute_path{"", std::string(sub), ""});
            if (!cmp)
                return cmp;
            filter_node both;
            both.type = filter_node::kind::logical_and;
            both.children.push_back(std::move(*inner));
            both.children.push_back(std::move(*cmp));
            n.children.push_back(std::move(both));
            return n;
        }
        n.children.push_back(std::move(*inner));
        return n;
    }
    return parse_operator(std::move(*path));
}

result<filter_node> filter_parser::parse_operator(attribute_path path)
{
    auto const before_space = pos_;
    skip_spaces();
    if (pos_ == before_space)
        return fail(at_end() ? "an operator is missing" : "a space must follow the attribute name");
    auto const op_pos = pos_;
    auto const word = read_word();
    if (word.empty())
        return fail("an operator is missing");
    filter_node n;
    n.path = std::move(path);
    if (iequals(word, "pr")) {
        n.type = filter_node::kind::present;
        return n;
    }
    bool found = false;
    for (auto const& o : op_names)
        if (iequals(word, o.name)) {
            n.op = o.op;
            found = true;
        }
    if (!found)
        return fail_at(op_pos, "\"" + excerpt(word) + "\" is not an operator (eq ne co sw ew gt ge lt le pr)");
    auto const after_op = pos_;
    skip_spaces();
    if (pos_ == after_op)
        return fail("a space and a value must follow the operator");
    auto value = parse_comp_value();
    if (!value)
        return value.error();
    n.type = filter_node::kind::compare;
    n.value = std::move(*value);
    return n;
}

result<boost::json::value> filter_parser::parse_comp_value()
{
    if (at_end())
        return fail("a value is missing");
    auto const start = pos_;
    if (text_[pos_] == '"') {
        ++pos_;
        while (!at_end() && text_[pos_] != '"') {
            if (text_[pos_] == '\\')
                ++pos_;
            ++pos_;
        }
        if (at_end())
            return fail_at(start, "the string that starts here is not closed");
        ++pos_;
        boost::system::error_code ec;
        auto v = boost::json::parse(text_.substr(start, pos_ - start), ec);
        if (ec || !v.is_string())
            return fail_at(start, "the string that starts here is not a valid JSON string");
        return v;
    }
    // true / false / null / number: one run of non-delimiters.
    while (!at_end() && !is_space(text_[pos_]) && text_[pos_] != ')' && text_[pos_] != ']')
        ++pos_;
    auto const token = text_.substr(start, pos_ - start);
    if (iequals(token, "true"))
        return boost::json::value(true);
    if (iequals(token, "false"))
        return boost::json::value(false);
    if (iequals(token, "null"))
        return boost::json::value(nullptr);
    if (!token.empty() && (token.front() == '-' || (token.front() >= '0' && token.front() <= '9'))) {
        boost::system::error_code ec;
        auto v = boost::json::parse(token, ec);
        if (!ec && v.is_number())
            return v;
    }
    return fail_at(start, "\"" + excerpt(token) + "\" is not a value (a \"string\", true, false, null or a number)");
}

result<void> filter_parser::parse_patch_path(attribute_path& path, std::optional<filter_node>& inner,
                                             std::string& sub)
{
    if (text_.size() > limits_.max_length)
        return make_error(errc::invalid_path, "the path is longer than " + std::to_string(limits_.max_length) +
                                                  " characters");
    if (text_.empty())
        return fail("the path is empty");
    auto p = parse_path_token(false);
    if (!p)
        return p.error();
    path = std::move(*p);
    if (!at_end() && text_[pos_] == '[') {
        if (!path.sub_attribute.empty())
            return fail("a value filter applies to an attribute, not to a sub-attribute");
        auto const open = pos_;
        ++pos_;
        auto f = parse_or(1, true);
        if (!f) {
            auto e = f.error();
            e.code = errc::invalid_path;
            e.scim_type = std::string(scim_type(errc::invalid_path));
            return e;
        }
        skip_spaces();
        if (at_end() || text_[pos_] != ']')
            return fail_at(open, "the bracket opened here is not closed");
        ++pos_;
        inner = std::move(*f);
        if (!at_end() && text_[pos_] == '.') {
            ++pos_;
            auto const start = pos_;
            auto const word = read_word();
            if (!is_attribute_name(word))
                return fail_at(start, "a sub-attribute name must follow \"].\"");
            sub = std::string(word);
        }
    }
    if (!at_end())
        return fail("unexpected \"" + excerpt(text_.substr(pos_)) + "\"");
    return {};
}

} // namespace detail

result<filter> parse_filter(std::string_view text, filter_limits const& limits)
{
    detail::filter_parser parser(text, limits, errc::invalid_filter);
    auto root = parser.parse_whole();
    if (!root)
        return root.error();
    return filter{std::move(*root)};
}

// --- validation ----------------------------------------------------------------------

namespace {

bool is_stringish(attribute_type t) noexcept
{
    return t == attribute_type::string || t == attribute_type::reference || t == attribute_type::date_time ||
           t == attribute_type::binary;
}

scim_error invalid(std::string detail) { return make_error(errc::invalid_filter, std::move(detail)); }

/// The definition of the leaf a comparison reads: the attribute, its sub-attribute, or
/// for a multi-valued complex attribute without a sub-attribute, its `value`.
attribute_def const* leaf_of(attribute_def const* a, std::string_view sub)
{
    if (!a)
        return nullptr;
    if (!sub.empty())
        return find_attribute(a->sub_attributes(), sub);
    if (a->type == attribute_type::complex)
        return find_attribute(a->sub_attributes(), "value");
    return a;
}

result<void> validate_node(filter_node const& n, resource_type_def const& type, attribute_def const* parent)
{
    using k = filter_node::kind;
    switch (n.type) {
    case k::logical_and:
    case k::logical_or:
    case k::logical_not:
        for (auto const& c : n.children)
            if (auto r = validate_node(c, type, parent); !r)
                return r;
        return {};
    case k::value_path: {
        auto const res = resolve_attribute(type, n.path.schema, n.path.attribute);
        if (!res.attribute)
            return invalid("unknown attribute \"" + to_string(n.path) + "\"");
        if (!res.attribute->multi_valued || res.attribute->type != attribute_type::complex)
            return invalid("\"" + to_string(n.path) + "\" is not a multi-valued complex attribute");
        return validate_node(n.children.front(), type, res.attribute);
    }
    case k::present:
    case k::compare: {
        attribute_def const* a = nullptr;
        // `schemas` is on every resource and in no schema; RFC 7644 §3.4.2.2 filters on it.
        if (!parent && n.path.schema.empty() && n.path.sub_attribute.empty() &&
            detail::iequals(n.path.attribute, "schemas"))
            return {};
        if (parent) {
            a = find_attribute(parent->sub_attributes(), n.path.attribute);
        } else {
            a = resolve_attribute(type, n.path.schema, n.path.attribute).attribute;
        }
        if (!a)
            return invalid("unknown attribute \"" + to_string(n.path) + "\"");
        if (!n.path.sub_attribute.empty() && !find_attribute(a->sub_attributes(), n.path.sub_attribute))
            return invalid("unknown attribute \"" + to_string(n.path) + "\"");
        if (a->mutability == mutability_kind::write_only)
            return invalid("\"" + to_string(n.path) + "\" cannot be filtered on");
        if (n.type == k::present)
            return {};
        auto const* leaf = leaf_of(a, n.path.sub_attribute);
        if (!leaf)
            return invalid("\"" + to_string(n.path) + "\" has no value to compare");
        bool const ordering = n.op == compare_op::gt || n.op == compare_op::ge || n.op == compare_op::lt ||
                              n.op == compare_op::le;
        bool const substring = n.op == compare_op::co || n.op == compare_op::sw || n.op == compare_op::ew;
        if (ordering && (leaf->type == attribute_type::boolean || leaf->type == attribute_type::binary))
            return invalid("\"" + to_string(n.path) + "\" cannot be ordered");
        if (substring && !is_stringish(leaf->type))
            return invalid("\"" + to_string(n.path) + "\" is not a string");
        return {};
    }
    }
    return {};
}

} // namespace

result<void> validate_filter(filter const& f, resource_type_def const& type)
{
    return validate_node(f.root, type, nullptr);
}

// --- evaluation ------------------------------------------------------------------------

namespace {

struct candidates {
    std::vector<boost::json::value const*> values; // raw values found at the path
    attribute_def const* leaf = nullptr;           // what a comparison reads
    bool flatten_complex = false;                  // compare a complex value by its `value`
};

void push_values(boost::json::value const* v, std::vector<boost::json::value const*>& out)
{
    if (!v)
        return;
    if (auto const* arr = v->if_array()) {
        for (auto const& e : *arr)
            out.push_back(&e);
    } else {
        out.push_back(v);
    }
}

candidates collect(boost::json::object const& scope, attribute_path const& path, resource_type_def const& type,
                   attribute_def const* parent)
{
    candidates c;
    attribute_def const* a = nullptr;
    boost::json::value const* v = nullptr;
    if (parent) {
        a = find_attribute(parent->sub_attributes(), path.attribute);
        v = detail::find_ci(scope, path.attribute);
    } else {
        auto const res = resolve_attribute(type, path.schema, path.attribute);
        a = res.attribute;
        if (res.in_extension) {
            if (auto const* ext = detail::find_ci(scope, res.schema->id); ext && ext->is_object())
                v = detail::find_ci(ext->get_object(), path.attribute);
        } else if (res.attribute || path.schema.empty()) {
            v = detail::find_ci(scope, path.attribute);
        }
    }
    if (path.sub_attribute.empty()) {
        push_values(v, c.values);
        c.leaf = leaf_of(a, {});
        c.flatten_complex = true;
        return c;
    }
    std::vector<boost::json::value const*> parents;
    push_values(v, parents);
    for (auto const* p : parents)
        if (auto const* o = p->if_object())
            push_values(detail::find_ci(*o, path.sub_attribute), c.values);
    c.leaf = leaf_of(a, path.sub_attribute);
    return c;
}

bool non_empty(boost::json::value const& v)
{
    switch (v.kind()) {
    case boost::json::kind::null: return false;
    case boost::json::kind::string: return !v.get_string().empty();
    case boost::json::kind::array:
        for (auto const& e : v.get_array())
            if (non_empty(e))
                return true;
        return false;
    case boost::json::kind::object:
        for (auto const& kv : v.get_object())
            if (non_empty(kv.value()))
                return true;
        return false;
    default: return true;
    }
}

std::optional<bool> as_bool(boost::json::value const& v)
{
    if (v.is_bool())
        return v.get_bool();
    if (v.is_string()) {
        if (detail::iequals(v.get_string(), "true"))
            return true;
        if (detail::iequals(v.get_string(), "false"))
            return false;
    }
    return std::nullopt;
}

std::optional<double> as_double(boost::json::value const& v)
{
    if (v.is_int64())
        return static_cast<double>(v.get_int64());
    if (v.is_uint64())
        return static_cast<double>(v.get_uint64());
    if (v.is_double())
        return v.get_double();
    return std::nullopt;
}

/// An RFC 3339 date-time as (seconds since the epoch in UTC, nanoseconds), so that
/// `2011-05-13T04:42:34.5Z`, `2011-05-13T04:42:34Z` and `2011-05-13T06:42:34+02:00`
/// order by time, not by spelling.
std::optional<std::pair<long long, long>> parse_date_time(std::string_view s)
{
    auto digits = [&](std::size_t pos, std::size_t n) -> std::optional<int> {
        if (pos + n > s.size())
            return std::nullopt;
        int v = 0;
        for (std::size_t i = pos; i < pos + n; ++i) {
            if (s[i] < '0' || s[i] > '9')
                return std::nullopt;
            v = v * 10 + (s[i] - '0');
        }
        return v;
    };
    auto const y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2), h = digits(11, 2), mi = digits(14, 2),
               sec = digits(17, 2);
    if (!y || !mo || !d || !h || !mi || !sec || s.size() < 20 || s[4] != '-' || s[7] != '-' ||
        (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
        return std::nullopt;
    std::chrono::year_month_day const ymd{std::chrono::year{*y}, std::chrono::month{static_cast<unsigned>(*mo)},
                                          std::chrono::day{static_cast<unsigned>(*d)}};
    if (!ymd.ok() || *h > 23 || *mi > 59 || *sec > 60)
        return std::nullopt;
    std::size_t pos = 19;
    long nanos = 0;
    if (s[pos] == '.') {
        ++pos;
        long scale = 100000000;
        auto const start = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            nanos += (s[pos] - '0') * scale;
            scale /= 10;
            ++pos;
        }
        if (pos == start)
            return std::nullopt;
    }
    long long offset = 0;
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
        ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        auto const oh = digits(pos + 1, 2), om = digits(pos + 4, 2);
        if (!oh || !om || pos + 3 >= s.size() || s[pos + 3] != ':')
            return std::nullopt;
        offset = (s[pos] == '+' ? 1 : -1) * (*oh * 3600LL + *om * 60LL);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != s.size())
        return std::nullopt;
    auto const days = std::chrono::sys_days{ymd}.time_since_epoch().count();
    return std::pair<long long, long>{days * 86400LL + *h * 3600LL + *mi * 60LL + *sec - offset, nanos};
}

template <class T>
bool ordered(compare_op op, T const& a, T const& b)
{
    switch (op) {
    case compare_op::eq: return a == b;
    case compare_op::ne: return !(a == b);
    case compare_op::gt: return a > b;
    case compare_op::ge: return a >= b;
    case compare_op::lt: return a < b;
    case compare_op::le: return a <= b;
    default: return false;
    }
}

bool compare_one(boost::json::value const& raw, compare_op op, boost::json::value const& literal,
                 attribute_def const* leaf, bool flatten)
{
    boost::json::value const* v = &raw;
    if (flatten && raw.is_object()) {
        v = detail::find_ci(raw.get_object(), "value");
        if (!v)
            return false;
    }
    if (literal.is_null())
        return v->is_null();
    bool const want_bool = leaf && leaf->type == attribute_type::boolean;
    if (v->is_bool() || (want_bool && v->is_string())) {
        auto const a = as_bool(*v);
        auto const b = as_bool(literal);
        if (!a || !b || (op != compare_op::eq))
            return false;
        return *a == *b;
    }
    if (v->is_string() && literal.is_string() && leaf && leaf->type == attribute_type::date_time &&
        op != compare_op::co && op != compare_op::sw && op != compare_op::ew) {
        auto const a = parse_date_time(v->get_string());
        auto const b = parse_date_time(literal.get_string());
        if (a && b)
            return ordered(op, *a, *b);
    }
    if (v->is_string() && literal.is_string()) {
        bool const exact = leaf ? leaf->case_exact : false;
        std::string a(v->get_string());
        std::string b(literal.get_string());
        if (!exact) {
            a = detail::lower(a);
            b = detail::lower(b);
        }
        switch (op) {
        case compare_op::co: return a.find(b) != std::string::npos;
        case compare_op::sw: return a.starts_with(b);
        case compare_op::ew: return a.ends_with(b);
        default: return ordered(op, a, b);
        }
    }
    auto const a = as_double(*v);
    auto const b = as_double(literal);
    if (a && b && op != compare_op::co && op != compare_op::sw && op != compare_op::ew)
        return ordered(op, *a, *b);
    return false;
}

bool eval(filter_node const& n, boost::json::object const& scope, resource_type_def const& type,
          attribute_def const* parent)
{
    using k = filter_node::kind;
    switch (n.type) {
    case k::logical_and:
        return eval(n.children[0], scope, type, parent) && eval(n.children[1], scope, type, parent);
    case k::logical_or:
        return eval(n.children[0], scope, type, parent) || eval(n.children[1], scope, type, parent);
    case k::logical_not: return !eval(n.children[0], scope, type, parent);
    case k::present: {
        auto const c = collect(scope, n.path, type, parent);
        for (auto const* v : c.values)
            if (non_empty(*v))
                return true;
        return false;
    }
    case k::value_path: {
        auto const c = collect(scope, n.path, type, parent);
        auto const res = resolve_attribute(type, n.path.schema, n.path.attribute);
        if (!res.attribute)
            return false;
        for (auto const* v : c.values)
            if (auto const* o = v->if_object(); o && eval(n.children[0], *o, type, res.attribute))
                return true;
        return false;
    }
    case k::compare: {
        auto const c = collect(scope, n.path, type, parent);
        // `ne` is the negation of `eq` over the whole attribute: a user without a
        // userType matches `userType ne "Employee"` (RFC 7644 §3.4.2.2 example).
        auto const op = n.op == compare_op::ne ? compare_op::eq : n.op;
        bool any = false;
        if (c.values.empty() && n.value.is_null() && op == compare_op::eq)
            any = true;
        for (auto const* v : c.values)
            if (compare_one(*v, op, n.value, c.leaf, c.flatten_complex)) {
                any = true;
                break;
            }
        return n.op == compare_op::ne ? !any : any;
    }
    }
    return false;
}

void write(filter_node const& n, std::string& out)
{
    using k = filter_node::kind;
    switch (n.type) {
    case k::logical_and:
    case k::logical_or:
        out += "(";
        write(n.children[0], out);
        out += n.type == k::logical_and ? " and " : " or ";
        write(n.children[1], out);
        out += ")";
        return;
    case k::logical_not:
        out += "not (";
        write(n.children[0], out);
        out += ")";
        return;
    case k::present: out += to_string(n.path) + " pr"; return;
    case k::value_path:
        out += to_string(n.path) + "[";
        write(n.children[0], out);
        out += "]";
        return;
    case k::compare:
        out += to_string(n.path) + " ";
        for (auto const& o : detail::op_names)
            if (o.op == n.op)
                out += o.name;
        out += " " + boost::json::serialize(n.value);
        return;
    }
}

} // namespace

bool matches(filter const& f, boost::json::object const& resource, resource_type_def const& type)
{
    return eval(f.root, resource, type, nullptr);
}

bool detail::matches_element(filter_node const& inner, boost::json::object const& element,
                             attribute_def const& parent, resource_type_def const& type)
{
    return eval(inner, element, type, &parent);
}

std::optional<indexed_lookup> as_indexed_lookup(filter const& f)
{
    auto const& n = f.root;
    if (n.type != filter_node::kind::compare || n.op != compare_op::eq || !n.value.is_string() ||
        !n.path.sub_attribute.empty())
        return std::nullopt;
    if (!n.path.schema.empty() && !detail::iequals(n.path.schema, user_schema_urn) &&
        !detail::iequals(n.path.schema, group_schema_urn))
        return std::nullopt;
    std::string value(n.value.get_string());
    if (detail::iequals(n.path.attribute, "userName"))
        return indexed_lookup{indexed_attribute::user_name, std::move(value), false};
    if (detail::iequals(n.path.attribute, "externalId"))
        return indexed_lookup{indexed_attribute::external_id, std::move(value), true};
    if (detail::iequals(n.path.attribute, "displayName"))
        return indexed_lookup{indexed_attribute::display_name, std::move(value), false};
    return std::nullopt;
}

std::string to_string(filter const& f)
{
    std::string out;
    write(f.root, out);
    return out;
}

} // namespace ssogate::scim
