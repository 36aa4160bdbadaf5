#include "config/reader.hpp"

#include "config/values.hpp"

#include <algorithm>
#include <cstdio>

namespace ssogate::gateway::config_detail {

std::pair<std::uint32_t, std::uint32_t> position_of(toml::node const* n)
{
    if (!n)
        return {0, 0};
    auto const& begin = n->source().begin;
    return {static_cast<std::uint32_t>(begin.line), static_cast<std::uint32_t>(begin.column)};
}

void context::fail(config_errc code, std::string const& key, std::string_view what, toml::node const* at) const
{
    fail_sentence(code, key, key + " " + std::string(what), at);
}

void context::fail_sentence(config_errc code, std::string const& key, std::string_view sentence,
                            toml::node const* at) const
{
    config_error e;
    e.code = code;
    // Without a file (a connection sent as JSON to the admin API) the message starts
    // with the connection.
    e.message = file.empty() ? std::string() : file + ": ";
    if (!connection_label.empty())
        e.message += connection_label + ": ";
    e.message += sentence;
    e.connection = connection_id;
    e.key = key;
    std::tie(e.line, e.column) = position_of(at);
    throw config_failure{std::move(e)};
}

std::filesystem::path context::resolve(std::filesystem::path const& p) const
{
    if (p.is_absolute() || base.empty())
        return p.lexically_normal();
    return (base / p).lexically_normal();
}

std::string quote(std::string_view s)
{
    constexpr std::size_t max_shown = 80;
    std::string out = "\"";
    std::size_t shown = 0;
    for (unsigned char c : s) {
        if (shown++ == max_shown) {
            out += "...";
            break;
        }
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04X", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

std::string describe(toml::node const& node)
{
    switch (node.type()) {
    case toml::node_type::string: return "string " + quote(node.as_string()->get());
    case toml::node_type::integer: return "integer " + std::to_string(node.as_integer()->get());
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return node.as_boolean()->get() ? "boolean true" : "boolean false";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
    }
    return "nothing";
}

section::section(context const& ctx, toml::table const& table, std::string prefix,
                 std::initializer_list<std::string_view> known)
    : ctx_(ctx), table_(table), prefix_(std::move(prefix))
{
    for (auto const& [k, v] : table_) {
        std::string_view const name = k.str();
        if (std::find(known.begin(), known.end(), name) != known.end())
            continue;
        std::string sentence = "unknown key " + prefix_ + std::string(name);
        // Suggest the closest known key when it is a likely typo.
        std::string_view best;
        std::size_t best_distance = 3;
        for (auto candidate : known) {
            auto const d = edit_distance(name, candidate);
            if (d < best_distance) {
                best_distance = d;
                best = candidate;
            }
        }
        // Or a known key that the unknown one abbreviates or extends (adopt → adopt_existing).
        if (best.empty() && name.size() >= 3)
            for (auto candidate : known)
                if (candidate.starts_with(name) || name.starts_with(candidate)) {
                    best = candidate;
                    break;
                }
        if (!best.empty())
            sentence += " (did you mean " + prefix_ + std::string(best) + "?)";
        sentence += "; expected one of ";
        bool first = true;
        for (auto candidate : known) {
            sentence += (first ? "" : ", ") + std::string(candidate);
            first = false;
        }
        ctx_.fail_sentence(config_errc::unknown_key, prefix_ + std::string(name), sentence, &v);
    }
}

std::optional<bool> section::boolean(std::string_view name) const
{
    auto const* n = node(name);
    if (!n)
        return std::nullopt;
    if (auto const* b = n->as_boolean())
        return b->get();
    fail(config_errc::wrong_type, name, "must be true or false (got " + describe(*n) + ")");
}

std::optional<std::int64_t> section::integer(std::string_view name, std::int64_t min, std::int64_t max) const
{
    auto const* n = node(name);
    if (!n)
        return std::nullopt;
    auto const* i = n->as_integer();
    std::string const range = "an integer between " + std::to_string(min) + " and " + std::to_string(max);
    if (!i)
        fail(config_errc::wrong_type, name, "must be " + range + " (got " + describe(*n) + ")");
    if (i->get() < min || i->get() > max)
        fail(config_errc::out_of_range, name, "must be " + range + " (got " + std::to_string(i->get()) + ")");
    return i->get();
}

std::optional<std::string> section::string(std::string_view name) const
{
    auto const* n = node(name);
    if (!n)
        return std::nullopt;
    if (auto const* s = n->as_string())
        return s->get();
    fail(config_errc::wrong_type, name, "must be a string (got " + describe(*n) + ")");
}

std::optional<std::string> section::text(std::string_view name) const
{
    auto s = string(name);
    if (s && !is_plain_name(*s, 4096))
        fail(config_errc::invalid_value, name,
             "must be non-empty text without control characters (got " + quote(*s) + ")");
    return s;
}

std::optional<std::filesystem::path> section::path(std::string_view name) const
{
    auto s = string(name);
    if (!s)
        return std::nullopt;
    if (!is_plain_name(*s, 4096))
        fail(config_errc::invalid_value, name, "must be a non-empty file path (got " + quote(*s) + ")");
    return ctx_.resolve(std::filesystem::path(*s));
}

std::optional<std::chrono::seconds> section::duration(std::string_view name, std::chrono::seconds min,
                                                      std::chrono::seconds max) const
{
    auto const* n = node(name);
    if (!n)
        return std::nullopt;
    std::string const shape = "must be a duration such as \"180s\", \"30m\", \"8h\" or \"1h30m\"";
    auto const* s = n->as_string();
    if (!s)
        fail(config_errc::wrong_type, name, shape + " (got " + describe(*n) + ")");
    auto const d = parse_duration(s->get());
    if (!d)
        fail(config_errc::invalid_value, name, shape + " (got " + quote(s->get()) + ")");
    if (*d < min || *d > max)
        fail(config_errc::out_of_range, name,
             "must be between " + format_duration(min) + " and " + format_duration(max) + " (got "
                 + quote(s->get()) + ")");
    return d;
}

std::optional<std::vector<std::string>> section::strings(std::string_view name) const
{
    auto const* n = node(name);
    if (!n)
        return std::nullopt;
    auto const* a = n->as_array();
    if (!a)
        fail(config_errc::wrong_type, name, "must be an array of strings (got " + describe(*n) + ")");
    std::vector<std::string> out;
    out.reserve(a->size());
    for (std::size_t i = 0; i < a->size(); ++i) {
        auto const& element = *a->get(i);
        auto const* s = element.as_string();
        if (!s)
            ctx_.fail(config_errc::wrong_type, key(name) + "[" + std::to_string(i) + "]",
                      "must be a string (got " + describe(element) + ")", &element);
        out.push_back(s->get());
    }
    return out;
}

toml::table const* section::sub_table(std::string_view name) const
{
    auto const* n = node(name);
    if (!n)
        return nullptr;
    if (auto const* t = n->as_table())
        return t;
    fail(config_errc::wrong_type, name, "must be a table (got " + describe(*n) + ")");
}

} // namespace ssogate::gateway::config_detail
