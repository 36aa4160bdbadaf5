// SCIM authentication, responses, tokens and the discovery endpoints (scim.hpp).
#include "scim/scim_support.hpp"

#include <ssogate/gateway/audit.hpp>
#include <ssogate/gateway/logger.hpp>
#include <ssogate/gateway/scim.hpp>
#include <ssogate/scim/discovery.hpp>
#include <ssogate/scim/etag.hpp>
#include <ssogate/scim/list.hpp>
#include <ssogate/store/owner.hpp>

#include "admin/failure_limiter.hpp"
#include "text/base64url.hpp"
#include "text/form.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <tuple>

namespace ssogate::gateway {

namespace scim_api {

namespace {

/// At most one `scim.auth.failed` event per source IP per minute; the rest are logged.
failure_limiter& limiter()
{
    static failure_limiter l;
    return l;
}

http_response unauthorized(std::string detail)
{
    auto res = scim_error_response(scim::errc::unauthorized, std::move(detail));
    res.headers.set("WWW-Authenticate", "Bearer realm=\"ssogate-scim\"");
    return res;
}

std::string_view bearer_secret(std::string_view h)
{
    constexpr std::string_view scheme = "bearer ";
    if (h.size() <= scheme.size())
        return {};
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if (static_cast<char>(std::tolower(static_cast<unsigned char>(h[i]))) != scheme[i])
            return {};
    auto secret = h.substr(scheme.size());
    while (!secret.empty() && secret.front() == ' ')
        secret.remove_prefix(1);
    while (!secret.empty() && secret.back() == ' ')
        secret.remove_suffix(1);
    return secret;
}

void record_auth_failure(app_context const& ctx, http_request const& req, std::string const& connection_id,
                         std::string_view reason, std::chrono::system_clock::time_point now)
{
    ctx.log.warn("scim: request refused", {{"connection", connection_id}, {"reason", std::string(reason)},
                                           {"ip", req.remote_address}});
    if (!limiter().allow(req.remote_address, now))
        return;
    store::audit_event e;
    e.id = new_audit_event_id(ctx.random);
    e.time = now;
    e.action = "scim.auth.failed";
    e.actor_type = "scim";
    e.target = std::string(req.path());
    e.connection_id = connection_id;
    e.source_ip = req.remote_address;
    e.user_agent = std::string(req.headers.get("User-Agent").value_or(""));
    e.result_status = "failure";
    e.result_reason = std::string(reason);
    auto began = ctx.store.begin(store::access::write);
    if (began && (*began)->audit().append(e) && (*began)->commit())
        process_audit_notifier().notify();
    else
        ctx.log.warn("scim: could not record scim.auth.failed");
}

} // namespace

std::string scim_call::owner() const
{
    return store::owner_scim(connection.id);
}

std::string random_hex(random_fn const& random, std::size_t bytes)
{
    std::vector<std::byte> buf(bytes);
    random(buf);
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (auto b : buf) {
        auto const v = std::to_integer<unsigned>(b);
        out += digits[v >> 4];
        out += digits[v & 0xf];
    }
    return out;
}

http_response scim_json(int status, boost::json::value const& body)
{
    http_response res;
    res.status = status;
    res.headers.set("Content-Type", "application/scim+json");
    res.body = boost::json::serialize(body);
    return res;
}

http_response scim_error_response(scim::scim_error const& e)
{
    return scim_json(e.status, scim::to_json(e));
}

http_response scim_error_response(scim::errc code, std::string detail)
{
    return scim_error_response(scim::make_error(code, std::move(detail)));
}

http_response store_failure(scim_call const& call, boost::system::error_code const& ec, std::string_view what,
                            store::transaction* tx)
{
    call.ctx.log.warn("scim: store failure", {{"what", std::string(what)},
                                              {"error", ec.message()},
                                              {"detail", tx ? tx->last_error_detail() : std::string()},
                                              {"trace_id", call.trace_id}});
    scim::scim_error e;
    e.code = scim::errc::invalid_syntax;
    bool const busy = ec == store::errc::busy;
    e.status = busy ? 503 : 500;
    e.detail = (busy ? "the store is busy; retry (trace " : "internal error (trace ") + call.trace_id + ")";
    return scim_error_response(e);
}

std::optional<std::map<std::string, std::string, std::less<>>> query_parameters(std::string_view query)
{
    std::map<std::string, std::string, std::less<>> out;
    while (!query.empty()) {
        auto const amp = query.find('&');
        auto const part = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (part.empty())
            continue;
        auto const eq = part.find('=');
        auto name = decode_form_component(part.substr(0, eq));
        auto value = decode_form_component(eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1));
        if (!name || !value)
            return std::nullopt;
        out[*name] = std::move(*value);
    }
    return out;
}

std::optional<std::string_view> parameter(std::map<std::string, std::string, std::less<>> const& q,
                                          std::string_view name)
{
    // Parameter names are case-insensitive in practice (Entra sends excludedAttributes,
    // some clients startindex).
    for (auto const& [k, v] : q) {
        if (k.size() != name.size())
            continue;
        bool same = true;
        for (std::size_t i = 0; same && i < k.size(); ++i)
            same = std::tolower(static_cast<unsigned char>(k[i])) == std::tolower(static_cast<unsigned char>(name[i]));
        if (same)
            return std::string_view(v);
    }
    return std::nullopt;
}

scim::result<boost::json::value> parse_body(http_request const& req)
{
    boost::system::error_code ec;
    boost::json::parse_options opt;
    opt.max_depth = 32;
    auto v = boost::json::parse(req.body, ec, {}, opt);
    if (ec)
        return scim::make_error(scim::errc::invalid_syntax, "the request body is not valid JSON: " + ec.message());
    return v;
}

store::audit_event scim_event(scim_call const& call, std::string action, std::string target,
                              boost::json::value before, boost::json::value after, boost::json::object extra)
{
    store::audit_event e;
    e.id = new_audit_event_id(call.ctx.random);
    e.time = call.now;
    e.action = std::move(action);
    e.actor_type = "scim";
    e.actor_id = call.token_id;
    e.target = std::move(target);
    e.connection_id = call.connection.id;
    e.source_ip = call.req.remote_address;
    e.user_agent = std::string(call.req.headers.get("User-Agent").value_or(""));
    e.result_status = "success";
    e.trace_id = call.trace_id;
    boost::json::object changes;
    if (!before.is_null())
        changes["before"] = std::move(before);
    if (!after.is_null())
        changes["after"] = std::move(after);
    for (auto& kv : extra)
        changes[kv.key()] = std::move(kv.value());
    e.changes_json = boost::json::serialize(changes);
    return e;
}

http_response single_resource(int status, boost::json::object body)
{
    return single_resource(status, body, body);
}

http_response single_resource(int status, boost::json::object const& resource, boost::json::object const& shown)
{
    std::string location;
    std::string etag;
    if (auto const* meta = resource.if_contains("meta"); meta && meta->is_object()) {
        if (auto const* l = meta->as_object().if_contains("location"); l && l->is_string())
            location = std::string(l->as_string());
        if (auto const* v = meta->as_object().if_contains("version"); v && v->is_string())
            etag = std::string(v->as_string());
    }
    auto res = scim_json(status, shown);
    if (!location.empty())
        res.headers.set("Location", location);
    if (!etag.empty())
        res.headers.set("ETag", etag);
    return res;
}

std::optional<http_response> check_preconditions(scim_call const& call, std::string const& current_etag, bool is_read)
{
    auto const if_match = call.req.headers.get("If-Match");
    auto const if_none_match = call.req.headers.get("If-None-Match");
    switch (scim::evaluate_preconditions(if_match, if_none_match, current_etag, is_read)) {
    case scim::precondition::proceed:
        return std::nullopt;
    case scim::precondition::not_modified: {
        http_response res;
        res.status = 304;
        res.headers.set("ETag", current_etag);
        return res;
    }
    case scim::precondition::precondition_failed:
        break;
    }
    auto res = scim_error_response(scim::errc::precondition_failed,
                                   "the resource is at version " + current_etag +
                                       ", which the If-Match/If-None-Match precondition excludes; GET it again");
    res.headers.set("ETag", current_etag);
    return res;
}

std::optional<http_response> commit_with(scim_call const& call, store::transaction& tx, store::audit_event const& e)
{
    if (auto r = tx.audit().append(e); !r)
        return store_failure(call, r.error(), "append audit event", &tx);
    if (auto r = tx.commit(); !r)
        return store_failure(call, r.error(), "commit", &tx);
    process_audit_notifier().notify();
    return std::nullopt;
}

std::variant<list_query, http_response> parse_list_query(scim_call const& call, scim::resource_type_def const& type)
{
    auto q = query_parameters(call.req.query());
    if (!q)
        return scim_error_response(scim::errc::invalid_syntax, "the query string has a malformed escape");
    auto page = scim::parse_page_request(parameter(*q, "startIndex"), parameter(*q, "count"), scim_max_results);
    if (!page)
        return scim_error_response(page.error());
    auto proj = scim::parse_projection(parameter(*q, "attributes"), parameter(*q, "excludedAttributes"));
    if (!proj)
        return scim_error_response(proj.error());
    list_query out{*page, std::move(*proj), std::nullopt};
    if (auto text = parameter(*q, "filter")) {
        auto f = scim::parse_filter(*text, {scim_max_filter_length, scim_max_filter_depth});
        if (!f)
            return scim_error_response(f.error());
        if (auto v = scim::validate_filter(*f, type); !v)
            return scim_error_response(v.error());
        out.filter = std::move(*f);
    }
    return out;
}

http_response list_response(std::vector<boost::json::object> matched, std::optional<std::size_t> store_total,
                            list_query const& q, scim::resource_type_def const& type)
{
    std::vector<boost::json::value> resources;
    std::size_t total = matched.size();
    std::size_t b = 0;
    std::size_t e = matched.size();
    if (store_total)
        total = *store_total;
    else
        std::tie(b, e) = scim::page_bounds(q.page, total);
    for (auto i = b; i < e; ++i)
        resources.push_back(scim::apply_projection(matched[i], q.projection, type));
    return scim_json(200, scim::render_list_response(std::move(resources), total, q.page.start_index));
}

std::variant<scim_call, http_response> authenticate(app_context const& ctx, http_request const& req,
                                                    route_params const& params)
{
    auto const connection_id = std::string(params.get("connection"));
    // The registry knows store-owned connections (created through the admin API or CLI)
    // as well as the file's; the configuration alone only the file's.
    auto held = ctx.connections.find(connection_id);
    auto const* conn = held ? &held->settings : ctx.cfg.find_connection(connection_id);
    if (!conn || !conn->scim.enabled)
        return scim_error_response(scim::errc::not_found, "no SCIM endpoint for this connection");
    auto const now = ctx.clock();
    auto const header = req.headers.get("Authorization");
    auto const secret = header ? bearer_secret(*header) : std::string_view{};
    if (secret.empty()) {
        ctx.log.info("scim: request without a bearer token", {{"connection", connection_id},
                                                                {"ip", req.remote_address}});
        return unauthorized("a bearer token is required");
    }
    std::optional<store::token_record> token;
    {
        auto began = ctx.store.begin(store::access::read);
        if (!began)
            return scim_error_response(scim::scim_error{scim::errc::invalid_syntax, 503, "", "the store is busy"});
        auto found = (*began)->tokens().find_active(secret);
        if (!found)
            return scim_error_response(scim::scim_error{scim::errc::invalid_syntax, 503, "", "the store is busy"});
        token = std::move(*found);
    }
    if (!token || token->kind != store::token_kind::scim) {
        record_auth_failure(ctx, req, connection_id, "invalid_token", now);
        return unauthorized("the bearer token is not valid");
    }
    if (token->connection_id != connection_id) {
        record_auth_failure(ctx, req, connection_id, "token_of_another_connection", now);
        return unauthorized("the bearer token is not valid");
    }
    if (req.body.size() > scim_max_body_bytes)
        return scim_error_response(scim::errc::payload_too_large,
                                   "the request body is larger than " + std::to_string(scim_max_body_bytes) +
                                       " bytes");
    auto base = ctx.cfg.server.public_url;
    while (!base.empty() && base.back() == '/')
        base.pop_back();
    return scim_call{ctx,
                     req,
                     *conn,
                     token->id,
                     base + "/scim/v2/" + connection_id,
                     now,
                     new_audit_event_id(ctx.random),
                     std::make_shared<scim::user_type_with_role const>(conn->scim.role_attribute),
                     std::move(held)};
}

// ---- discovery ----

namespace {

scim::service_provider_options provider_options()
{
    scim::service_provider_options o;
    o.max_results = scim_max_results;
    o.etag_supported = true; // ETag on every resource, If-Match/If-None-Match honoured
    return o;
}

} // namespace

http_response handle_service_provider_config(app_context const& ctx, http_request const& req,
                                             route_params const& params)
{
    SCIM_AUTH(call);
    return scim_json(200, scim::service_provider_config(provider_options(), call.base_url));
}

http_response handle_resource_types(app_context const& ctx, http_request const& req, route_params const& params)
{
    SCIM_AUTH(call);
    return scim_json(200, scim::resource_types_list(call.base_url, call.user_type->type()));
}

http_response handle_resource_type(app_context const& ctx, http_request const& req, route_params const& params)
{
    SCIM_AUTH(call);
    auto const* type = scim::find_resource_type(params.get("id"));
    if (!type)
        return scim_error_response(scim::errc::not_found, "no such resource type");
    if (type == &scim::user_resource_type())
        type = &call.user_type->type();
    return scim_json(200, scim::render_resource_type(*type, call.base_url));
}

http_response handle_schemas(app_context const& ctx, http_request const& req, route_params const& params)
{
    SCIM_AUTH(call);
    return scim_json(200, scim::schemas_list(call.base_url, call.user_type->custom_schema()));
}

http_response handle_schema(app_context const& ctx, http_request const& req, route_params const& params)
{
    SCIM_AUTH(call);
    auto const id = decode_form_component(params.get("id"));
    auto const* schema = id ? scim::find_schema_by_id(*id) : nullptr;
    if (auto const* custom = call.user_type->custom_schema(); !schema && id && custom && custom->id.size() == id->size()
        && std::equal(id->begin(), id->end(), custom->id.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
           }))
        schema = custom;
    if (!schema)
        return scim_error_response(scim::errc::not_found, "no such schema");
    return scim_json(200, scim::render_schema(*schema, call.base_url));
}

} // namespace scim_api

// ---- tokens ----

store::result<created_scim_token> create_scim_token(store::store& db, std::string const& connection_id,
                                                    std::string const& name, admin_actor const& actor,
                                                    random_fn const& random, std::chrono::system_clock::time_point now)
{
    std::array<std::byte, 32> secret_bytes{};
    random(secret_bytes);
    created_scim_token t;
    t.secret = "sgscim_" + base64url(secret_bytes);
    // The id must not reveal the secret (a deterministic source could repeat bytes):
    // it takes the event-id counter's uniqueness too.
    t.record.id = "scim_" + scim_api::random_hex(random, 8) + new_audit_event_id(random).substr(24);
    t.record.kind = store::token_kind::scim;
    t.record.name = name;
    t.record.connection_id = connection_id;
    t.record.created_at = now;

    auto began = db.begin(store::access::write);
    if (!began)
        return began.error();
    auto& tx = **began;
    if (auto r = tx.tokens().create(t.record, t.secret); !r)
        return r.error();
    store::audit_event e;
    e.id = new_audit_event_id(random);
    e.time = now;
    e.action = "scim.token.created";
    e.actor_type = actor.type;
    e.actor_id = actor.id;
    e.target = t.record.id;
    e.connection_id = connection_id;
    e.source_ip = actor.source_ip;
    e.user_agent = actor.user_agent;
    e.result_status = "success";
    e.changes_json = boost::json::serialize(boost::json::object{
        {"after", boost::json::object{{"id", t.record.id}, {"name", name}, {"kind", "scim"},
                                      {"connection", connection_id}}}});
    if (auto r = tx.audit().append(e); !r)
        return r.error();
    if (auto r = tx.commit(); !r)
        return r.error();
    process_audit_notifier().notify();
    t.record.created_at = std::chrono::floor<std::chrono::microseconds>(now);
    return t;
}

store::result<bool> revoke_scim_token(store::store& db, std::string const& id, admin_actor const& actor,
                                      random_fn const& random, std::chrono::system_clock::time_point now)
{
    using R = store::result<bool>;
    auto began = db.begin(store::access::write);
    if (!began)
        return R(boost::system::in_place_error, began.error());
    auto& tx = **began;
    auto found = tx.tokens().find(id);
    if (!found)
        return R(boost::system::in_place_error, found.error());
    if (!*found || (*found)->kind != store::token_kind::scim || (*found)->revoked_at)
        return false;
    auto revoked = tx.tokens().revoke(id, now);
    if (!revoked)
        return R(boost::system::in_place_error, revoked.error());
    if (!*revoked)
        return false;
    store::audit_event e;
    e.id = new_audit_event_id(random);
    e.time = now;
    e.action = "scim.token.revoked";
    e.actor_type = actor.type;
    e.actor_id = actor.id;
    e.target = id;
    e.connection_id = (*found)->connection_id;
    e.source_ip = actor.source_ip;
    e.user_agent = actor.user_agent;
    e.result_status = "success";
    e.changes_json = boost::json::serialize(boost::json::object{
        {"before", boost::json::object{{"revoked", false}}}, {"after", boost::json::object{{"revoked", true}}}});
    if (auto r = tx.audit().append(e); !r)
        return R(boost::system::in_place_error, r.error());
    if (auto r = tx.commit(); !r)
        return R(boost::system::in_place_error, r.error());
    process_audit_notifier().notify();
    return true;
}

} // namespace ssogate::gateway
