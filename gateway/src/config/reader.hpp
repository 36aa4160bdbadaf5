#pragma once
// A checked view of one TOML table: it refuses unknown keys when constructed and
// reads typed values whose errors name the file, the connection and the dotted key.
//
// Errors travel as a `config_failure` exception from here to parse_config, which
// turns it into a result: configuration loading runs once at startup (STYLE.md
// rule 8 allows exceptions there), and a throw keeps every check one line long.
// Nothing outside src/config sees it.
#include <ssogate/gateway/config.hpp>

#include <toml++/toml.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ssogate::gateway::config_detail {

struct config_failure {
    config_error error;
};

/// What every message starts with: the file and, inside a connection, which one.
struct context {
    std::string file;             // as given by the caller ("ssogate.toml", "/etc/ssogate/ssogate.toml")
    std::filesystem::path base;   // directory relative paths are resolved against
    std::string connection_label; // `connection "okta"` or `connection #2`; empty at top level
    std::string connection_id;    // the id when known

    /// Throws config_failure: "<file>: [<connection>: ]<key> <what>".
    [[noreturn]] void fail(config_errc code, std::string const& key, std::string_view what,
                           toml::node const* at) const;
    /// Throws config_failure with `sentence` after the prefix as is.
    [[noreturn]] void fail_sentence(config_errc code, std::string const& key, std::string_view sentence,
                                    toml::node const* at) const;

    std::filesystem::path resolve(std::filesystem::path const& p) const;
};

/// "string \"x\"", "integer 5", "boolean true", "an array", ... for "(got ...)".
std::string describe(toml::node const& node);
/// A string in TOML basic-string quotes, control characters escaped, long text cut.
std::string quote(std::string_view s);

class section {
public:
    /// `prefix` is the dotted path of this table relative to the context
    /// ("server.", "jit.", "" for a connection's own table). Refuses unknown keys.
    section(context const& ctx, toml::table const& table, std::string prefix,
            std::initializer_list<std::string_view> known);

    context const& ctx() const noexcept { return ctx_; }
    toml::table const& table() const noexcept { return table_; }
    std::string key(std::string_view name) const { return prefix_ + std::string(name); }
    toml::node const* node(std::string_view name) const { return table_.get(name); }
    bool has(std::string_view name) const { return node(name) != nullptr; }

    [[noreturn]] void fail(config_errc code, std::string_view name, std::string_view what) const
    {
        ctx_.fail(code, key(name), what, node(name));
    }

    std::optional<bool> boolean(std::string_view name) const;
    std::optional<std::int64_t> integer(std::string_view name, std::int64_t min, std::int64_t max) const;
    std::optional<std::string> string(std::string_view name) const;
    /// A non-empty string without control characters.
    std::optional<std::string> text(std::string_view name) const;
    std::optional<std::filesystem::path> path(std::string_view name) const;
    std::optional<std::chrono::seconds> duration(std::string_view name, std::chrono::seconds min,
                                                 std::chrono::seconds max) const;
    /// An array of strings (possibly empty).
    std::optional<std::vector<std::string>> strings(std::string_view name) const;
    /// A sub-table, or nullptr when absent; wrong_type when the key is not a table.
    toml::table const* sub_table(std::string_view name) const;

    template <class E>
    std::optional<E> one_of(std::string_view name,
                            std::initializer_list<std::pair<std::string_view, E>> words) const
    {
        auto const* n = node(name);
        if (!n)
            return std::nullopt;
        std::string expected = "must be one of ";
        bool first = true;
        for (auto const& w : words) {
            expected += (first ? "" : ", ") + std::string(w.first);
            first = false;
        }
        auto const* s = n->as_string();
        if (!s)
            fail(config_errc::wrong_type, name, expected + " (got " + describe(*n) + ")");
        for (auto const& w : words)
            if (s->get() == w.first)
                return w.second;
        fail(config_errc::not_one_of, name, expected + " (got " + quote(s->get()) + ")");
    }

private:
    context const& ctx_;
    toml::table const& table_;
    std::string prefix_;
};

/// One [[connection]] table, validated exactly as in a file (parse_config.cpp); the
/// JSON form (connection_json.cpp) goes through here too, so the messages agree.
connection_config read_connection_table(context const& ctx, toml::table const& t, role_settings const& roles);

/// Line and column of a node (0 when none).
std::pair<std::uint32_t, std::uint32_t> position_of(toml::node const* n);

} // namespace ssogate::gateway::config_detail
