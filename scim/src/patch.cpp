#include <ssogate/scim/patch.hpp>

#include "detail/coerce.hpp"
#include "detail/filter_parser.hpp"
#include "detail/text.hpp"

#include <boost/json/array.hpp>

#include <string>
#include <vector>

namespace ssogate::scim {

result<patch_path> parse_patch_path(std::string_view text, filter_limits const& limits)
{
    detail::filter_parser parser(text, limits, errc::invalid_path);
    patch_path p;
    std::optional<filter_node> inner;
    if (auto r = parser.parse_patch_path(p.attribute, inner, p.sub_attribute); !r)
        return r.error();
    if (inner)
        p.value_filter = filter{std::move(*inner)};
    return p;
}

namespace {

enum class op_kind { add, replace, remove };

std::string quoted(std::string_view s)
{
    constexpr std::size_t max = 60;
    return "\"" + (s.size() <= max ? std::string(s) : std::string(s.substr(0, max)) + "...") + "\"";
}

/// One PATCH operation against a working copy.
class patcher {
public:
    patcher(boost::json::object& doc, resource_type_def const& type, patch_limits const& limits)
        : doc_(doc), type_(type), limits_(limits)
    {
    }

    result<void> apply(op_kind op, boost::json::value const* path, boost::json::value const* value);
    void normalise_schemas();

private:
    result<void> apply_no_path(op_kind op, boost::json::value const* value);
    result<void> apply_key(op_kind op, std::string_view key, boost::json::value const& value);
    result<void> apply_path(op_kind op, patch_path const& path, boost::json::value const* value, bool lenient);
    result<void> add_or_replace(op_kind op, patch_path const& path, resolved_attribute const& res,
                                attribute_def const* sub, boost::json::value const& value, std::string const& where);
    result<void> remove(patch_path const& path, resolved_attribute const& res, attribute_def const* sub,
                        boost::json::value const* value, std::string const& where);
    boost::json::object* container(resolved_attribute const& res, bool create);
    std::vector<std::size_t> matching(boost::json::array const& arr, patch_path const& path,
                                      attribute_def const& attr) const;

    boost::json::object& doc_;
    resource_type_def const& type_;
    patch_limits const& limits_;
};

boost::json::object* patcher::container(resolved_attribute const& res, bool create)
{
    if (!res.in_extension)
        return &doc_;
    if (auto* ext = detail::find_ci(doc_, res.schema->id)) {
        if (!ext->is_object()) {
            if (!create)
                return nullptr;
            *ext = boost::json::object{};
        }
        return &ext->get_object();
    }
    if (!create)
        return nullptr;
    return &doc_[res.schema->id].emplace_object();
}

std::vector<std::size_t> patcher::matching(boost::json::array const& arr, patch_path const& path,
                                           attribute_def const& attr) const
{
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < arr.size(); ++i)
        if (auto const* o = arr[i].if_object();
            o && detail::matches_element(path.value_filter->root, *o, attr, type_))
            out.push_back(i);
    return out;
}

// The element a value filter describes, when it is a conjunction of `eq` terms:
// `type eq "work"` → {"type":"work"}; `type eq "work" and primary eq true` → both.
bool element_from_filter(filter_node const& n, attribute_def const& attr, boost::json::object& out)
{
    using k = filter_node::kind;
    if (n.type == k::logical_and)
        return element_from_filter(n.children[0], attr, out) && element_from_filter(n.children[1], attr, out);
    if (n.type != k::compare || n.op != compare_op::eq || n.value.is_null())
        return false;
    auto const* sub = find_attribute(attr.sub_attributes(), n.path.attribute);
    if (!sub)
        return false;
    auto c = detail::coerce(n.value, *sub, sub->name);
    if (!c || c->is_null())
        return false;
    detail::set_ci(out, sub->name, std::move(*c));
    return true;
}

// Whether two elements of a multi-valued attribute are the same value: by `value`
// when both have one (member ids, email addresses), else entirely.
bool same_element(boost::json::value const& a, boost::json::value const& b)
{
    auto const* oa = a.if_object();
    auto const* ob = b.if_object();
    if (oa && ob) {
        auto const* va = detail::find_ci(*oa, "value");
        auto const* vb = detail::find_ci(*ob, "value");
        if (va && vb)
            return *va == *vb;
    }
    return a == b;
}

void merge_into(boost::json::object& target, boost::json::object const& from)
{
    for (auto const& kv : from)
        detail::set_ci(target, kv.key(), kv.value());
}

result<void> patcher::apply(op_kind op, boost::json::value const* path, boost::json::value const* value)
{
    if (!path || path->is_null() || (path->is_string() && path->get_string().empty())) {
        if (op == op_kind::remove)
            return make_error(errc::no_target, "a remove operation needs a path");
        return apply_no_path(op, value);
    }
    if (!path->is_string())
        return make_error(errc::invalid_path, "\"path\" must be a string");
    auto const text = std::string_view(path->get_string());
    // The bare URN of an extension, as a path, names the extension object.
    if (auto const* ext = find_schema(type_, text); ext && ext != type_.schema) {
        if (op == op_kind::remove) {
            detail::erase_ci(doc_, ext->id);
            return {};
        }
        if (!value || !value->is_object())
            return make_error(errc::invalid_value, "the value for " + quoted(text) + " must be an object");
        for (auto const& kv : value->get_object())
            if (auto r = apply_key(op, std::string(ext->id) + ":" + std::string(kv.key()), kv.value()); !r)
                return r;
        return {};
    }
    auto p = parse_patch_path(text, limits_.path_limits);
    if (!p)
        return p.error();
    return apply_path(op, *p, value, false);
}

result<void> patcher::apply_no_path(op_kind op, boost::json::value const* value)
{
    if (!value || !value->is_object())
        return make_error(errc::invalid_syntax, "an operation without a path needs an object value");
    for (auto const& kv : value->get_object()) {
        std::string_view const key = kv.key();
        if (detail::iequals(key, "schemas"))
            continue;
        if (auto const* schema = find_schema(type_, key)) {
            // {"urn:…:enterprise:2.0:User": {"department": "…"}} — or the core schema's URN.
            if (!kv.value().is_object())
                return make_error(errc::invalid_value, "the value of " + quoted(key) + " must be an object");
            for (auto const& inner : kv.value().get_object())
                if (auto r = apply_key(op, std::string(schema->id) + ":" + std::string(inner.key()), inner.value());
                    !r)
                    return r;
            continue;
        }
        if (auto r = apply_key(op, key, kv.value()); !r)
            return r;
    }
    return {};
}

result<void> patcher::apply_key(op_kind op, std::string_view key, boost::json::value const& value)
{
    auto p = parse_patch_path(key, limits_.path_limits);
    if (!p)
        return p.error();
    return apply_path(op, *p, &value, true);
}

result<void> patcher::apply_path(op_kind op, patch_path const& path, boost::json::value const* value, bool lenient)
{
    auto const where = to_string(path.attribute) + (path.value_filter ? "[...]" : "") +
                       (path.sub_attribute.empty() ? "" : "." + path.sub_attribute);
    auto const res = resolve_attribute(type_, path.attribute.schema, path.attribute.attribute);
    if (!res.attribute)
        return make_error(errc::invalid_path, "no attribute " + quoted(to_string(path.attribute)) + " on a " +
                                                  std::string(type_.id));
    auto const& attr = *res.attribute;
    std::string const& sub_name = path.value_filter ? path.sub_attribute : path.attribute.sub_attribute;
    attribute_def const* sub = nullptr;
    if (!sub_name.empty()) {
        sub = find_attribute(attr.sub_attributes(), sub_name);
        if (!sub)
            return make_error(errc::invalid_path, "no sub-attribute " + quoted(sub_name) + " in " +
                                                      quoted(std::string(attr.name)));
    }
    if (path.value_filter) {
        if (!attr.multi_valued || attr.type != attribute_type::complex)
            return make_error(errc::invalid_path, quoted(std::string(attr.name)) +
                                                      " is not multi-valued; a value filter cannot select from it");
        filter_node wrapper;
        wrapper.type = filter_node::kind::value_path;
        wrapper.path = path.attribute;
        wrapper.children.push_back(path.value_filter->root);
        if (auto r = validate_filter(filter{std::move(wrapper)}, type_); !r)
            return make_error(errc::invalid_path, r.error().detail);
    }
    auto const& target = sub ? *sub : attr;
    // A password may arrive (Okta's password sync); it is accepted and never stored.
    if (attr.mutability == mutability_kind::write_only)
        return {};
    bool const read_only =
        attr.mutability == mutability_kind::read_only || target.mutability == mutability_kind::read_only;
    if (read_only) {
        // readOnly values inside a no-path value (Okta puts the group's `id` there) are
        // ignored, as RFC 7643 §2.2 says for POST and PUT; an explicit path is an error.
        if (lenient)
            return {};
        return make_error(errc::mutability, quoted(where) + " is readOnly");
    }
    if (op == op_kind::remove)
        return remove(path, res, sub, value, where);
    if (!value)
        return make_error(errc::invalid_value, "the " + std::string(op == op_kind::add ? "add" : "replace") +
                                                   " operation on " + quoted(where) + " needs a value");
    if (value->is_null()) {
        if (op == op_kind::add)
            return make_error(errc::invalid_value, "the add operation on " + quoted(where) + " needs a value");
        return remove(path, res, sub, nullptr, where); // replace with null unassigns (RFC 7643 §2.5)
    }
    return add_or_replace(op, path, res, sub, *value, where);
}

result<void> patcher::add_or_replace(op_kind op, patch_path const& path, resolved_attribute const& res,
                                     attribute_def const* sub, boost::json::value const& value,
                                     std::string const& where)
{
    auto const& attr = *res.attribute;
    auto* cont = container(res, true);
    auto* current = detail::find_ci(*cont, attr.name);
    bool const has_current = current && !current->is_null();

    if (!path.value_filter && !sub) {
        if (attr.mutability == mutability_kind::immutable && has_current)
            return make_error(errc::mutability, quoted(where) + " is immutable");
        auto c = detail::coerce(value, attr, where);
        if (!c)
            return c.error();
        if (attr.multi_valued) {
            if (op == op_kind::replace || !current || !current->is_array()) {
                detail::set_ci(*cont, attr.name, std::move(*c));
                return {};
            }
            auto& arr = current->get_array();
            for (auto& e : c->get_array()) {
                bool present = false;
                for (auto const& existing : arr)
                    present = present || same_element(existing, e);
                if (!present)
                    arr.push_back(std::move(e));
            }
            return {};
        }
        if (attr.type == attribute_type::complex && current && current->is_object()) {
            // RFC 7644 §3.5.2.1/§3.5.2.3: sub-attributes not in the value are left unchanged.
            merge_into(current->get_object(), c->get_object());
            return {};
        }
        detail::set_ci(*cont, attr.name, std::move(*c));
        return {};
    }

    if (!path.value_filter) {
        // name.givenName, or emails.value (every element) on a multi-valued attribute.
        if (sub->mutability == mutability_kind::immutable)
            return make_error(errc::mutability, quoted(where) + " is immutable");
        auto c = detail::coerce(value, *sub, where);
        if (!c)
            return c.error();
        if (!attr.multi_valued) {
            if (!current || !current->is_object())
                current = &detail::set_ci(*cont, attr.name, boost::json::object{});
            detail::set_ci(current->get_object(), sub->name, std::move(*c));
            return {};
        }
        if (current && current->is_array() && !current->get_array().empty()) {
            for (auto& e : current->get_array())
                if (auto* o = e.if_object())
                    detail::set_ci(*o, sub->name, *c);
            return {};
        }
        detail::set_ci(*cont, attr.name, boost::json::array{boost::json::object{{sub->name, std::move(*c)}}});
        return {};
    }

    // A value filter: emails[type eq "work"].value, members[value eq "x"], ...
    boost::json::value element_value;
    if (sub) {
        auto c = detail::coerce(value, *sub, where);
        if (!c)
            return c.error();
        element_value = std::move(*c);
    } else {
        auto c = detail::coerce(value, attr, where, true);
        if (!c)
            return c.error();
        element_value = std::move(*c);
    }
    if (!current || !current->is_array())
        current = &detail::set_ci(*cont, attr.name, boost::json::array{});
    auto& arr = current->get_array();
    auto const hits = matching(arr, path, attr);
    if (hits.empty()) {
        boost::json::object fresh;
        if (!element_from_filter(path.value_filter->root, attr, fresh))
            return make_error(errc::no_target, "no value of " + quoted(std::string(attr.name)) +
                                                   " matches the filter, and the filter does not describe a new one");
        if (sub)
            detail::set_ci(fresh, sub->name, std::move(element_value));
        else
            merge_into(fresh, element_value.get_object());
        arr.push_back(std::move(fresh));
        return {};
    }
    for (auto i : hits) {
        auto& element = arr[i].get_object();
        if (sub) {
            if (sub->mutability == mutability_kind::immutable) {
                auto const* old = detail::find_ci(element, sub->name);
                if (old && !old->is_null() && *old != element_value)
                    return make_error(errc::mutability, quoted(where) + " is immutable");
            }
            detail::set_ci(element, sub->name, element_value);
        } else if (op == op_kind::replace) {
            element = element_value.get_object();
        } else {
            merge_into(element, element_value.get_object());
        }
    }
    return {};
}

result<void> patcher::remove(patch_path const& path, resolved_attribute const& res, attribute_def const* sub,
                             boost::json::value const* value, std::string const& where)
{
    auto const& attr = *res.attribute;
    auto* cont = container(res, false);
    auto* current = cont ? detail::find_ci(*cont, attr.name) : nullptr;

    if (!path.value_filter && !sub) {
        bool const listed = value && !value->is_null() && attr.multi_valued;
        if (!listed && (attr.required || attr.mutability == mutability_kind::immutable))
            return make_error(errc::mutability, quoted(where) + " is required or immutable and cannot be removed");
        if (!current)
            return {};
        if (listed && current->is_array()) {
            // Entra: {"op":"Remove","path":"members","value":[{"value":"id"}]} removes only the listed members.
            boost::json::array items;
            if (auto const* a = value->if_array())
                items = *a;
            else
                items.push_back(*value);
            auto& arr = current->get_array();
            boost::json::array kept;
            for (auto& e : arr) {
                bool drop = false;
                for (auto const& item : items)
                    drop = drop || same_element(e, item);
                if (!drop)
                    kept.push_back(std::move(e));
            }
            arr = std::move(kept);
            if (arr.empty())
                detail::erase_ci(*cont, attr.name);
            return {};
        }
        detail::erase_ci(*cont, attr.name);
        return {};
    }
    if (sub && (sub->required || sub->mutability == mutability_kind::immutable))
        return make_error(errc::mutability, quoted(where) + " is required or immutable and cannot be removed");
    if (!current)
        return {};

    if (!path.value_filter) {
        if (auto* o = current->if_object()) {
            detail::erase_ci(*o, sub->name);
            if (o->empty())
                detail::erase_ci(*cont, attr.name);
        } else if (auto* a = current->if_array()) {
            for (auto& e : *a)
                if (auto* eo = e.if_object())
                    detail::erase_ci(*eo, sub->name);
        }
        return {};
    }
    auto* arr = current->if_array();
    if (!arr)
        return {};
    auto const hits = matching(*arr, path, attr);
    if (sub) {
        for (auto i : hits)
            detail::erase_ci((*arr)[i].get_object(), sub->name);
        return {};
    }
    boost::json::array kept;
    std::size_t next = 0;
    for (std::size_t i = 0; i < arr->size(); ++i) {
        if (next < hits.size() && hits[next] == i) {
            ++next;
            continue;
        }
        kept.push_back(std::move((*arr)[i]));
    }
    *arr = std::move(kept);
    if (arr->empty())
        detail::erase_ci(*cont, attr.name);
    return {};
}

void patcher::normalise_schemas()
{
    for (auto const* ext : type_.extensions()) {
        auto* v = detail::find_ci(doc_, ext->id);
        bool const present = v && v->is_object() && !v->get_object().empty();
        if (v && !present)
            detail::erase_ci(doc_, ext->id);
        auto* schemas = detail::find_ci(doc_, "schemas");
        if (!schemas || !schemas->is_array()) {
            if (!present)
                continue;
            schemas = &detail::set_ci(doc_, "schemas", boost::json::array{type_.schema->id});
        }
        auto& list = schemas->get_array();
        bool listed = false;
        for (auto it = list.begin(); it != list.end();) {
            if (it->is_string() && detail::iequals(it->get_string(), ext->id)) {
                if (!present) {
                    it = list.erase(it);
                    continue;
                }
                listed = true;
            }
            ++it;
        }
        if (present && !listed)
            list.push_back(boost::json::string(ext->id));
    }
}

} // namespace

result<boost::json::object> apply_patch(boost::json::object const& resource, boost::json::value const& request,
                                        resource_type_def const& type, patch_limits const& limits)
{
    auto const* msg = request.if_object();
    if (!msg)
        return make_error(errc::invalid_syntax, "the PATCH body must be a JSON object");
    if (auto const* schemas = detail::find_ci(*msg, "schemas")) {
        bool ok = false;
        if (auto const* arr = schemas->if_array())
            for (auto const& s : *arr)
                ok = ok || (s.is_string() && detail::iequals(s.get_string(), patch_op_urn));
        if (!ok)
            return make_error(errc::invalid_syntax, "the PATCH body's schemas must list " + std::string(patch_op_urn));
    }
    auto const* ops_value = detail::find_ci(*msg, "Operations");
    if (!ops_value || !ops_value->is_array() || ops_value->get_array().empty())
        return make_error(errc::invalid_syntax, "the PATCH body needs a non-empty \"Operations\" array");
    auto const& ops = ops_value->get_array();
    if (ops.size() > limits.max_operations)
        return make_error(errc::too_many, "the PATCH body has " + std::to_string(ops.size()) +
                                              " operations; the limit is " + std::to_string(limits.max_operations));

    boost::json::object doc = resource; // atomicity: every operation applies to this copy
    patcher p(doc, type, limits);
    for (std::size_t i = 0; i < ops.size(); ++i) {
        auto const* op = ops[i].if_object();
        if (!op)
            return make_error(errc::invalid_syntax, "operation " + std::to_string(i + 1) + " is not an object");
        auto const* name = detail::find_ci(*op, "op");
        if (!name || !name->is_string())
            return make_error(errc::invalid_syntax, "operation " + std::to_string(i + 1) + " has no \"op\"");
        op_kind kind{};
        if (detail::iequals(name->get_string(), "add"))
            kind = op_kind::add;
        else if (detail::iequals(name->get_string(), "replace"))
            kind = op_kind::replace;
        else if (detail::iequals(name->get_string(), "remove"))
            kind = op_kind::remove;
        else
            return make_error(errc::invalid_syntax, "operation " + std::to_string(i + 1) + ": " +
                                                        quoted(name->get_string()) +
                                                        " is not add, replace or remove");
        if (auto r = p.apply(kind, detail::find_ci(*op, "path"), detail::find_ci(*op, "value")); !r) {
            auto e = r.error();
            e.detail = "operation " + std::to_string(i + 1) + ": " + e.detail;
            return e;
        }
    }
    p.normalise_schemas();
    return doc;
}

} // namespace ssogate::scim
