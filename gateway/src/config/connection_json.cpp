// The JSON form of a connection (config.hpp): connection_config → JSON, and JSON →
// the same TOML tree a [[connection]] table would be, read by the file's own reader so
// that the admin API, the CLI and the file refuse a value with the same sentence.
#include <ssogate/gateway/config.hpp>

#include "config/reader.hpp"
#include "config/values.hpp"

#include <boost/json.hpp>

#include <limits>

namespace ssogate::gateway {

namespace json = boost::json;

namespace {

// --- connection_config → JSON ---------------------------------------------------------

json::array strings(std::vector<std::string> const& v)
{
    json::array a;
    for (auto const& s : v)
        a.emplace_back(s);
    return a;
}

json::object attributes_json(attribute_names const& a)
{
    json::object o{{"email", strings(a.email)},
                   {"given_name", strings(a.given_name)},
                   {"family_name", strings(a.family_name)},
                   {"display_name", strings(a.display_name)},
                   {"groups", strings(a.groups)},
                   {"role", strings(a.role)}};
    if (a.subject)
        o["subject"] = *a.subject;
    return o;
}

// --- JSON → TOML ------------------------------------------------------------------------

[[noreturn]] void refuse(config_detail::context const& ctx, config_errc code, std::string const& key,
                         std::string const& what)
{
    ctx.fail(code, key, what, nullptr);
}

std::string join_key(std::string const& prefix, std::string_view name)
{
    return prefix.empty() ? std::string(name) : prefix + "." + std::string(name);
}

toml::table to_toml(config_detail::context const& ctx, json::object const& o, std::string const& prefix);

toml::array to_toml(config_detail::context const& ctx, json::array const& a, std::string const& key)
{
    toml::array out;
    for (auto const& v : a) {
        switch (v.kind()) {
        case json::kind::string: out.push_back(std::string(v.get_string())); break;
        case json::kind::bool_: out.push_back(v.get_bool()); break;
        case json::kind::int64: out.push_back(v.get_int64()); break;
        case json::kind::uint64:
            if (v.get_uint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                refuse(ctx, config_errc::out_of_range, key, "holds a number that is too large");
            out.push_back(static_cast<std::int64_t>(v.get_uint64()));
            break;
        case json::kind::double_: out.push_back(v.get_double()); break;
        case json::kind::array: out.push_back(to_toml(ctx, v.get_array(), key)); break;
        case json::kind::object: out.push_back(to_toml(ctx, v.get_object(), key)); break;
        case json::kind::null: refuse(ctx, config_errc::wrong_type, key, "must not hold null");
        }
    }
    return out;
}

toml::table to_toml(config_detail::context const& ctx, json::object const& o, std::string const& prefix)
{
    toml::table out;
    for (auto const& [k, v] : o) {
        std::string const key = join_key(prefix, k);
        std::string_view const name(k.data(), k.size());
        switch (v.kind()) {
        case json::kind::null: break; // absent: the default
        case json::kind::string: out.insert_or_assign(name, std::string(v.get_string())); break;
        case json::kind::bool_: out.insert_or_assign(name, v.get_bool()); break;
        case json::kind::int64: out.insert_or_assign(name, v.get_int64()); break;
        case json::kind::uint64:
            if (v.get_uint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                refuse(ctx, config_errc::out_of_range, key, "is too large");
            out.insert_or_assign(name, static_cast<std::int64_t>(v.get_uint64()));
            break;
        case json::kind::double_: out.insert_or_assign(name, v.get_double()); break;
        case json::kind::array: out.insert_or_assign(name, to_toml(ctx, v.get_array(), key)); break;
        case json::kind::object: out.insert_or_assign(name, to_toml(ctx, v.get_object(), key)); break;
        }
    }
    return out;
}

} // namespace

json::object connection_to_json(connection_config const& c)
{
    json::object o;
    o["id"] = c.id;
    o["name"] = c.name;
    o["domains"] = strings(c.domains);
    if (c.idp.file)
        o["idp_metadata_file"] = c.idp.file->string();
    if (c.idp.xml)
        o["idp_metadata"] = *c.idp.xml;
    if (c.idp.entity_id)
        o["idp_entity_id"] = *c.idp.entity_id;
    o["sign_requests"] = c.sp.sign_requests;
    o["want_assertions_signed"] = c.sp.want_assertions_signed;
    o["want_encrypted_assertions"] = c.sp.want_encrypted_assertions;
    o["allow_idp_initiated"] = c.sp.allow_idp_initiated;
    o["allow_sha1"] = c.sp.allow_sha1;
    o["clock_skew"] = config_detail::format_duration(c.sp.clock_skew);
    o["allowed_return_origins"] = strings(c.sp.allowed_return_origins);

    json::object jit{{"enabled", c.jit.enabled},
                     {"update", to_string(c.jit.update)},
                     {"groups", to_string(c.jit.groups)},
                     {"default_role", c.jit.default_role.value_or("")},
                     {"create_teams", c.jit.create_teams},
                     {"link", to_string(c.jit.link)},
                     {"attributes", attributes_json(c.jit.attributes)}};
    if (c.jit.default_team)
        jit["default_team"] = *c.jit.default_team;
    o["jit"] = std::move(jit);

    json::object roles;
    if (c.roles.update)
        roles["update"] = to_string(*c.roles.update);
    json::object values, groups;
    for (auto const& [k, v] : c.roles.attribute_values)
        values[k] = v;
    for (auto const& [k, v] : c.roles.groups)
        groups[k] = v;
    roles["attribute_values"] = std::move(values);
    roles["groups"] = std::move(groups);
    o["role_mapping"] = std::move(roles);

    json::object teams;
    if (c.teams.update)
        teams["update"] = to_string(*c.teams.update);
    json::object team_groups;
    for (auto const& [k, v] : c.teams.groups)
        team_groups[k] = strings(v);
    teams["groups"] = std::move(team_groups);
    teams["organization_convention"] = c.teams.organization_convention;
    if (c.teams.organization)
        teams["organization"] = *c.teams.organization;
    o["team_mapping"] = std::move(teams);

    o["scim"] = json::object{{"enabled", c.scim.enabled},
                             {"adopt_existing", c.scim.adopt_existing},
                             {"match_on", to_string(c.scim.match_on)},
                             {"role_attribute", scim::to_string(c.scim.role_attribute)}};
    return o;
}

boost::system::result<connection_config, config_error> connection_from_json(json::value const& value,
                                                                            role_settings const& roles)
{
    config_detail::context ctx; // no file: messages start with the connection
    try {
        auto const* o = value.if_object();
        if (!o)
            ctx.fail_sentence(config_errc::wrong_type, "", "a connection must be a JSON object", nullptr);
        if (auto const* id = o->if_contains("id"); id && id->is_string()
                                                   && config_detail::is_connection_id(id->get_string())) {
            ctx.connection_label = "connection \"" + std::string(id->get_string()) + "\"";
            ctx.connection_id = std::string(id->get_string());
        } else {
            ctx.connection_label = "connection";
        }
        auto table = to_toml(ctx, *o, "");
        return config_detail::read_connection_table(ctx, table, roles);
    } catch (config_detail::config_failure& f) {
        return std::move(f.error);
    }
}

} // namespace ssogate::gateway
