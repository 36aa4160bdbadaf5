// config_reloader: the configuration file re-read while serving (reload.hpp).
#include <ssogate/gateway/audit.hpp>
#include <ssogate/gateway/logger.hpp>
#include <ssogate/gateway/reload.hpp>

#include "connections/settings_diff.hpp"

#include <boost/json.hpp>

#include <map>

namespace ssogate::gateway {

namespace json = boost::json;

namespace {

/// A connection's settings as compared by a reload: its position in the file and the
/// JIT switch (reported on its own) do not count.
connection_config comparable(connection_config c)
{
    c.declared_at = {};
    c.jit_enabled_line = 0;
    c.jit.enabled = true;
    return c;
}

json::array to_array(std::vector<std::string> const& v)
{
    json::array a;
    for (auto const& s : v)
        a.emplace_back(s);
    return a;
}

} // namespace

std::vector<std::string> settings_needing_restart(config const& a, config const& b)
{
    std::vector<std::string> out;
    auto check = [&](bool same, char const* key) {
        if (!same)
            out.emplace_back(key);
    };
    check(a.server.listen_host == b.server.listen_host && a.server.listen_port == b.server.listen_port,
          "server.listen");
    check(a.server.public_url == b.server.public_url, "server.public_url");
    check(a.server.tls_cert == b.server.tls_cert, "server.tls_cert");
    check(a.server.tls_key == b.server.tls_key, "server.tls_key");
    check(a.server.threads == b.server.threads, "server.threads");
    check(a.server.max_body_bytes == b.server.max_body_bytes, "server.max_body_bytes");
    check(a.server.max_header_bytes == b.server.max_header_bytes, "server.max_header_bytes");
    check(a.server.max_connections == b.server.max_connections, "server.max_connections");
    check(a.server.read_timeout == b.server.read_timeout, "server.read_timeout");
    check(a.server.idle_timeout == b.server.idle_timeout, "server.idle_timeout");
    check(a.server.data_dir == b.server.data_dir, "server.data_dir");
    check(a.store.path == b.store.path, "store.path");
    check(a.store.url == b.store.url, "store.url");
    check(a.store.pool_size == b.store.pool_size, "store.pool_size");
    check(a.store.refresh_interval == b.store.refresh_interval, "store.refresh_interval");
    check(a.session.lifetime == b.session.lifetime, "session.lifetime");
    check(a.session.idle_timeout == b.session.idle_timeout, "session.idle_timeout");
    check(a.roles.order == b.roles.order, "roles.order");
    check(a.admin.roles == b.admin.roles, "admin.roles");
    check(a.admin.session_idle_timeout == b.admin.session_idle_timeout, "admin.session_idle_timeout");
    check(a.audit.file == b.audit.file, "audit.file");
    check(a.sp.entity_id == b.sp.entity_id, "sp.entity_id");
    check(a.sp.key == b.sp.key, "sp.key");
    check(a.sp.cert == b.sp.cert, "sp.cert");
    return out;
}

json::object reload_result_to_json(reload_result const& r)
{
    return json::object{{"applied", r.applied},
                        {"error", r.error},
                        {"added", to_array(r.added)},
                        {"removed", to_array(r.removed)},
                        {"changed", to_array(r.changed)},
                        {"jit", to_array(r.jit_changes)},
                        {"restart_required", to_array(r.restart_required)}};
}

std::filesystem::path reload_status_path(config const& cfg)
{
    return cfg.server.data_dir / "ssogate.reload";
}

std::filesystem::path pid_file_path(config const& cfg)
{
    return cfg.server.data_dir / "ssogate.pid";
}

config_reloader::config_reloader(config running, store::store& db, connection_registry& registry, logger const& log,
                                 random_fn random, clock_fn clock)
    : running_(running), current_(std::move(running)), db_(db), registry_(registry), log_(log),
      random_(std::move(random)), clock_(std::move(clock))
{
}

reload_result config_reloader::reload()
{
    std::lock_guard l(mutex_);
    reload_result result;
    auto const now = clock_();
    auto const file = running_.source_file ? running_.source_file->string() : std::string();

    auto event = [&](char const* status) {
        store::audit_event e;
        e.id = new_audit_event_id(random_);
        e.time = now;
        e.action = "config.reloaded";
        e.actor_type = "system";
        e.actor_id = "reload";
        e.target = file;
        e.result_status = status;
        return e;
    };
    // Refused: nothing was applied; say so in the log and the audit log.
    auto refuse = [&](std::string why) {
        result.error = std::move(why);
        log_.error("config reload refused; still serving the previous configuration",
                   {{"file", file}, {"error", result.error}});
        auto ev = event("failure");
        ev.result_reason = "config_invalid";
        ev.changes_json = json::serialize(json::object{{"error", result.error}});
        if (auto began = db_.begin(store::access::write)) {
            if ((*began)->audit().append(ev) && (*began)->commit())
                process_audit_notifier().notify();
            else
                log_.error("config reload: cannot record the refusal", {{"detail", (*began)->last_error_detail()}});
        } else {
            log_.error("config reload: store unavailable", {{"error", began.error().message()}});
        }
        return result;
    };

    if (!running_.source_file)
        return refuse("ssogate serve runs on the built-in defaults (no configuration file); there is nothing to "
                      "reload");
    auto loaded = load_config(*running_.source_file);
    if (!loaded)
        return refuse(loaded.error().message);
    auto const& next = *loaded;

    // Build every connection first: all or nothing.
    std::vector<sso_connection> built;
    for (auto const& c : next.connections) {
        auto b = build_connection(c, registry_.sp());
        if (auto* p = std::get_if<connection_problem>(&b))
            return refuse(file + ": " + p->message);
        built.push_back(std::get<sso_connection>(std::move(b)));
    }

    // The diff against what is applied now.
    std::map<std::string, connection_config const*> before, after;
    for (auto const& c : current_.connections)
        before[c.id] = &c;
    for (auto const& c : next.connections)
        after[c.id] = &c;
    json::object changed, jit;
    for (auto const& [id, old] : before) {
        auto it = after.find(id);
        if (it == after.end()) {
            result.removed.push_back(id);
            continue;
        }
        auto const& now_c = *it->second;
        if (comparable(*old) != comparable(now_c)) {
            result.changed.push_back(id);
            auto old_form = connections_detail::audit_form(connection_to_json(comparable(*old)));
            auto new_form = connections_detail::audit_form(connection_to_json(comparable(now_c)));
            json::object b, a;
            connections_detail::diff(old_form, new_form, b, a);
            changed[id] = json::object{{"before", std::move(b)}, {"after", std::move(a)}};
        }
        if (old->jit.enabled != now_c.jit.enabled) {
            result.jit_changes.push_back(id + ": " + (old->jit.enabled ? "on" : "off") + " -> "
                                         + (now_c.jit.enabled ? "on" : "off"));
            jit[id] = json::object{{"before", old->jit.enabled}, {"after", now_c.jit.enabled}};
        }
    }
    for (auto const& [id, c] : after)
        if (!before.contains(id))
            result.added.push_back(id);
    result.restart_required = settings_needing_restart(running_, next);

    bool const nothing_changed = result.added.empty() && result.removed.empty() && result.changed.empty()
                                 && result.jit_changes.empty() && result.restart_required.empty();

    // The rows and the event, one transaction.
    auto began = db_.begin(store::access::write);
    if (!began)
        return refuse("store: " + began.error().message());
    auto& tx = **began;
    if (auto problem = sync_file_rows(tx, next, now)) {
        began->reset();
        return refuse(file + ": " + *problem);
    }
    auto ev = event("success");
    ev.changes_json = json::serialize(json::object{
        {"connections", json::object{{"added", to_array(result.added)},
                                     {"removed", to_array(result.removed)},
                                     {"changed", std::move(changed)}}},
        {"jit", std::move(jit)},
        {"restart_required", to_array(result.restart_required)}});
    if (auto r = nothing_changed ? store::result<store::chained_audit_event>(store::chained_audit_event{})
                                 : tx.audit().append(ev);
        !r) {
        auto detail = tx.last_error_detail();
        began->reset();
        return refuse("store: cannot record the reload: " + r.error().message() + " " + detail);
    }
    if (auto r = tx.commit(); !r) {
        began->reset();
        return refuse("store: cannot commit the reload: " + r.error().message());
    }
    process_audit_notifier().notify();

    registry_.replace_file_connections(std::move(built));
    current_ = next;
    result.applied = true;
    auto joined = [](std::vector<std::string> const& v) {
        std::string s;
        for (auto const& x : v)
            s += (s.empty() ? "" : ", ") + x;
        return s.empty() ? std::string("-") : s;
    };
    log_.info("config reloaded", {{"file", file},
                                  {"added", joined(result.added)},
                                  {"removed", joined(result.removed)},
                                  {"changed", joined(result.changed)},
                                  {"jit", joined(result.jit_changes)}});
    if (!result.restart_required.empty())
        log_.warn("config reload: these settings changed but need a restart of ssogate serve",
                  {{"keys", joined(result.restart_required)}});
    return result;
}

} // namespace ssogate::gateway
