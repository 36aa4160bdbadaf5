// Connections as the CLI sees them (connection_sources.hpp).
#include "users/connection_sources.hpp"

#include <ssogate/gateway/connections.hpp>

#include <boost/json.hpp>

#include <map>
#include <memory>

namespace ssogate::gateway::users_detail {

store::result<known_connections> read_known_connections(config const& cfg, store::transaction& tx)
{
    known_connections out;
    auto rows = tx.connections().list();
    if (!rows)
        return rows.error();
    auto row_of = [&](std::string const& id) -> std::optional<store::connection_record> {
        for (auto const& r : *rows)
            if (r.id == id)
                return r;
        return std::nullopt;
    };
    for (auto const& c : cfg.connections)
        out.connections.push_back({c, store::connection_owner::file, row_of(c.id)});
    for (auto const& r : *rows) {
        if (r.owner != store::connection_owner::store)
            continue;
        boost::system::error_code ec;
        auto json = boost::json::parse(r.settings_json, ec);
        if (ec) {
            out.problems.push_back({r.id, "settings are not JSON: " + ec.message()});
            continue;
        }
        auto parsed = connection_from_json(json, cfg.roles);
        if (!parsed) {
            out.problems.push_back({r.id, parsed.error().message});
            continue;
        }
        out.connections.push_back({std::move(*parsed), store::connection_owner::store, r});
    }
    return out;
}

policy_lookup policies_of(known_connections const& known)
{
    auto policies = std::make_shared<std::map<std::string, jit::connection_policy, std::less<>>>();
    for (auto const& c : known.connections)
        policies->emplace(c.settings.id, to_jit_policy(c.settings));
    return [policies](std::string_view id) -> std::optional<jit::connection_policy> {
        if (auto it = policies->find(id); it != policies->end())
            return it->second;
        return std::nullopt;
    };
}

scim_lookup scim_settings_of(known_connections const& known)
{
    auto settings = std::make_shared<std::map<std::string, scim_settings, std::less<>>>();
    for (auto const& c : known.connections)
        settings->emplace(c.settings.id, c.settings.scim);
    return [settings](std::string_view id) -> std::optional<scim_settings> {
        if (auto it = settings->find(id); it != settings->end())
            return it->second;
        return std::nullopt;
    };
}

} // namespace ssogate::gateway::users_detail
