// Admin tokens and admin API authentication (admin.hpp).
#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/logger.hpp>

#include "admin/failure_limiter.hpp"
#include "text/base64url.hpp"

#include <boost/json.hpp>

#include <array>

namespace ssogate::gateway {

namespace {

std::string hex(std::span<std::byte const> bytes)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (auto b : bytes) {
        auto const v = std::to_integer<unsigned>(b);
        out += digits[v >> 4];
        out += digits[v & 0xf];
    }
    return out;
}

store::audit_event admin_event(std::string action, admin_actor const& actor, std::string target,
                               random_fn const& random, std::chrono::system_clock::time_point now)
{
    store::audit_event e;
    e.id = new_audit_event_id(random);
    e.time = now;
    e.action = std::move(action);
    e.actor_type = actor.type;
    e.actor_id = actor.id;
    e.target = std::move(target);
    e.source_ip = actor.source_ip;
    e.user_agent = actor.user_agent;
    e.result_status = "success";
    return e;
}

/// At most one `admin.auth.failed` event per source IP per minute.
failure_limiter& limiter()
{
    static failure_limiter l;
    return l;
}

http_response unauthorized()
{
    auto res = admin_json_error(401, "unauthorized");
    res.headers.set("WWW-Authenticate", "Bearer realm=\"ssogate-admin\"");
    return res;
}

} // namespace

http_response admin_json_error(int status, std::string const& message, std::string const& field)
{
    boost::json::object o{{"error", message}};
    if (!field.empty())
        o["field"] = field;
    http_response res;
    res.status = status;
    res.headers.set("Content-Type", "application/json");
    res.body = boost::json::serialize(o);
    res.body += '\n';
    return res;
}

store::result<created_admin_token> create_admin_token(store::store& db, std::string const& name,
                                                    admin_actor const& actor, random_fn const& random,
                                                    std::chrono::system_clock::time_point now)
{
    std::array<std::byte, 32> secret_bytes{};
    random(secret_bytes);
    std::array<std::byte, 8> id_bytes{};
    random(id_bytes);
    // The id must not reveal the secret: with a deterministic source both could be
    // the same bytes, so the id takes the event-id counter's uniqueness too.
    created_admin_token t;
    t.secret = "sgadm_" + base64url(secret_bytes);
    t.record.id = "adm_" + hex(id_bytes) + new_audit_event_id(random).substr(24);
    t.record.kind = store::token_kind::admin;
    t.record.name = name;
    t.record.created_at = now;

    auto began = db.begin(store::access::write);
    if (!began)
        return began.error();
    auto& tx = **began;
    if (auto r = tx.tokens().create(t.record, t.secret); !r)
        return r.error();
    auto ev = admin_event("admin.token.created", actor, t.record.id, random, now);
    ev.changes_json = boost::json::serialize(
        boost::json::object{{"after", boost::json::object{{"id", t.record.id}, {"name", name}, {"kind", "admin"}}}});
    if (auto r = tx.audit().append(ev); !r)
        return r.error();
    if (auto r = tx.commit(); !r)
        return r.error();
    process_audit_notifier().notify();
    // The stored record (times rounded as the store keeps them).
    t.record.created_at = std::chrono::floor<std::chrono::microseconds>(now);
    return t;
}

store::result<bool> revoke_admin_token(store::store& db, std::string const& id, admin_actor const& actor,
                                       random_fn const& random, std::chrono::system_clock::time_point now)
{
    auto began = db.begin(store::access::write);
    if (!began)
        return store::result<bool>(boost::system::in_place_error, began.error());
    auto& tx = **began;
    auto found = tx.tokens().find(id);
    if (!found)
        return store::result<bool>(boost::system::in_place_error, found.error());
    if (!*found || (*found)->kind != store::token_kind::admin || (*found)->revoked_at)
        return false;
    auto revoked = tx.tokens().revoke(id, now);
    if (!revoked)
        return store::result<bool>(boost::system::in_place_error, revoked.error());
    if (!*revoked)
        return false;
    auto ev = admin_event("admin.token.revoked", actor, id, random, now);
    ev.changes_json = boost::json::serialize(boost::json::object{
        {"before", boost::json::object{{"revoked", false}}}, {"after", boost::json::object{{"revoked", true}}}});
    if (auto r = tx.audit().append(ev); !r)
        return store::result<bool>(boost::system::in_place_error, r.error());
    if (auto r = tx.commit(); !r)
        return store::result<bool>(boost::system::in_place_error, r.error());
    process_audit_notifier().notify();
    return true;
}

namespace {

/// 401 with no detail for a missing or wrong admin token, and an `admin.auth.failed`
/// event (reason missing_token | invalid_token), at most one per source IP per minute so
/// that a scanner cannot flood the audit log.
http_response refuse_unauthenticated(app_context const& ctx, http_request const& req, std::string const& path,
                                     std::string_view reason, std::chrono::system_clock::time_point now)
{
    if (limiter().allow(req.remote_address, now)) {
        admin_actor anon{"admin", "", req.remote_address, std::string(req.headers.get("User-Agent").value_or(""))};
        auto ev = admin_event("admin.auth.failed", anon, path, ctx.random, now);
        ev.result_status = "failure";
        ev.result_reason = std::string(reason);
        auto began = ctx.store.begin(store::access::write);
        bool ok = false;
        if (began) {
            auto& tx = **began;
            ok = tx.audit().append(ev) && tx.commit();
        }
        if (ok)
            process_audit_notifier().notify();
        else
            ctx.log.warn("admin: could not record admin.auth.failed");
    }
    return unauthorized();
}

} // namespace

admin_auth authenticate_admin(app_context const& ctx, http_request const& req)
{
    auto const header = req.headers.get("Authorization");
    auto const path = std::string(req.path());
    auto const now = ctx.clock();
    if (!header) {
        ctx.log.info("admin: request without a token", {{"path", path}, {"ip", req.remote_address}});
        return refuse_unauthenticated(ctx, req, path, "missing_token", now);
    }
    // RFC 6750 §2.1: "Bearer" (case-insensitive scheme) SP token68.
    std::string_view h = *header;
    constexpr std::string_view scheme = "bearer ";
    bool is_bearer = h.size() > scheme.size();
    for (std::size_t i = 0; is_bearer && i < scheme.size(); ++i)
        is_bearer = static_cast<char>(std::tolower(static_cast<unsigned char>(h[i]))) == scheme[i];
    std::string_view secret = is_bearer ? h.substr(scheme.size()) : std::string_view{};
    while (!secret.empty() && secret.front() == ' ')
        secret.remove_prefix(1);
    while (!secret.empty() && secret.back() == ' ')
        secret.remove_suffix(1);
    if (secret.empty()) {
        ctx.log.info("admin: request without a bearer token", {{"path", path}, {"ip", req.remote_address}});
        return refuse_unauthenticated(ctx, req, path, "missing_token", now);
    }

    std::optional<store::token_record> token;
    {
        auto began = ctx.store.begin(store::access::read);
        if (!began) {
            ctx.log.warn("admin: store unavailable", {{"error", began.error().message()}});
            return admin_json_error(503, "store unavailable");
        }
        auto found = (*began)->tokens().find_active(secret);
        if (!found) {
            ctx.log.warn("admin: token lookup failed", {{"error", found.error().message()}});
            return admin_json_error(503, "store unavailable");
        }
        token = std::move(*found);
    }
    if (token && token->kind == store::token_kind::admin)
        return admin_actor{"admin", token->id, req.remote_address,
                           std::string(req.headers.get("User-Agent").value_or(""))};

    ctx.log.warn("admin: invalid bearer token", {{"path", path}, {"ip", req.remote_address}});
    return refuse_unauthenticated(ctx, req, path, "invalid_token", now);
}

} // namespace ssogate::gateway
