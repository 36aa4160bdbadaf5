// The ACS's write transaction (acs_write.hpp).
#include "routes/acs_write.hpp"

#include <ssogate/gateway/provisioning.hpp>
#include <ssogate/jit/plan_json.hpp>
#include <ssogate/jit/planner.hpp>

#include "provisioning/scim_match.hpp"
#include "routes/sso_support.hpp"

#include <boost/json.hpp>

namespace ssogate::gateway::sso_detail {

namespace {

/// The savepoint of one sign-in's writes, nested in the batch job's.
constexpr std::string_view signin_savepoint = "ssogate_acs";

std::string reason_of(jit::errc e)
{
    return std::string(jit::to_reason_code(e));
}

/// Records a refusal decided inside the transaction: its event goes with what the
/// sign-in consumed so far.
store::result<void> refuse(app_context const& ctx, store::transaction& tx, acs_signin const& in, acs_result& out,
                           acs_refusal d)
{
    auto ev = login_denied_event(in.conn->id, in.source_ip, in.user_agent, in.trace_id, d, in.now, random_hex(ctx, 16));
    out.refused = std::move(d);
    if (auto r = tx.audit().append(ev); !r)
        return r.error();
    out.refusal_audited = true;
    return {};
}

/// The sign-in proper, inside savepoint signin_savepoint. `failed` names what failed
/// when it returns an error.
store::result<void> write_inside(app_context const& ctx, store::transaction& tx, acs_signin const& in, acs_result& out,
                                 std::string& failed)
{
    auto const& conn = *in.conn;
    auto const& a = in.assertion;
    auto const now = in.now;
    auto fail = [&](std::string what, boost::system::error_code ec) -> store::result<void> {
        failed = std::move(what);
        return ec;
    };

    // The pending request: bound to this browser, single use.
    std::string return_to = "/";
    if (in.solicited) {
        if (in.flow.empty())
            return refuse(ctx, tx, in, out,
                          {"flow_cookie_missing", "the browser sent no flow cookie with a solicited response", {}, {}});
        auto consumed = tx.requests().consume(in.relay_state, conn.id, in.flow, now);
        if (!consumed)
            return fail("consume pending request", consumed.error());
        switch (consumed->status) {
        case store::consume_status::consumed: break;
        case store::consume_status::unknown:
            return refuse(ctx, tx, in, out, {"request_unknown", "no pending request " + in.relay_state, {}, {}});
        case store::consume_status::other_connection:
            return refuse(ctx, tx, in, out,
                          {"request_other_connection",
                           "request " + in.relay_state + " was issued for another connection", {}, {}});
        case store::consume_status::other_browser:
            return refuse(ctx, tx, in, out,
                          {"request_other_browser", "request " + in.relay_state + " is bound to another browser", {},
                           {}});
        case store::consume_status::expired:
            return refuse(ctx, tx, in, out, {"request_expired", "request " + in.relay_state + " expired", {}, {}});
        }
        if (consumed->request)
            return_to = consumed->request->return_to;
    } else if (auto r = validate_return_to(in.relay_state, conn.allowed_return_origins, ctx.cfg.server.public_url)) {
        return_to = *r;
    }
    // Stored return_to values were validated when stored; check again (fail closed).
    if (auto r = validate_return_to(return_to, conn.allowed_return_origins, ctx.cfg.server.public_url))
        out.return_to = *r;
    else
        out.return_to = "/";

    // Replay cache: the assertion ID is consumed until NotOnOrAfter + skew.
    if (auto r = tx.replay().consume(conn.id, a.assertion_id, a.not_on_or_after + conn.sp.clock_skew); !r) {
        if (r.error() == store::errc::replayed)
            return refuse(ctx, tx, in, out, {"replayed", "assertion " + a.assertion_id + " was seen before", {}, {}});
        return fail("replay cache", r.error());
    }

    // The runtime JIT switch lives in the store row.
    auto row = tx.connections().find(conn.id);
    if (!row)
        return fail("read connection", row.error());
    if (!*row)
        return refuse(ctx, tx, in, out, {"connection_not_in_store", "the connection has no row in the store", {}, {}});
    // A store-owned connection changed (by any process) since it was looked up: the
    // response was verified against settings that are no longer in force (fail closed).
    if (!ctx.connections.is_current(conn, **row))
        return refuse(ctx, tx, in, out,
                      {"connection_changed", "the connection's settings changed during this sign-in", {}, {}});
    auto policy = conn.policy;
    policy.jit_enabled = (*row)->jit_enabled;

    jit::identity id;
    id.connection_id = conn.id;
    id.subject = {a.name_id, a.name_id_format};
    for (auto const& at : a.attributes)
        id.attributes.push_back({at.name, at.values});
    auto keys = jit::lookup_keys_for(id, policy);
    if (!keys) {
        auto code = keys.error();
        std::string reason = code.category() == jit::jit_category() ? reason_of(static_cast<jit::errc>(code.value()))
                                                                   : std::string("subject_missing");
        return refuse(ctx, tx, in, out, {reason, code.message(), {}, {}});
    }
    // The plan is made here, against the rows as they are inside this transaction (a
    // sign-in of the same user earlier in the batch is already visible).
    auto state = provisioning::read_current_state(tx, conn.id, *keys);
    if (!state)
        return fail("read current state", state.error());
    if (auto matched = provisioning::add_scim_match(tx, conn.settings.scim, conn.id, *keys, *state); !matched)
        return fail("match a SCIM user", matched.error()); // issue 7: a SCIM user's first sign-in links to it
    auto plan = jit::plan(id, *state, policy, now);

    if (plan.decision == jit::plan_decision::deny) {
        auto const reason = plan.denied ? reason_of(plan.denied->reason) : std::string("denied");
        if (plan.link && plan.link->kind == jit::link_kind::approval_requested) {
            auto pending = tx.link_approvals().find_pending(conn.id, plan.subject);
            if (pending && !*pending) {
                store::link_approval la;
                la.id = random_hex(ctx, 16);
                la.connection_id = conn.id;
                la.subject = plan.subject;
                la.user_id = plan.link->user_id;
                la.email = plan.email;
                la.assertion_json = in.assertion_json;
                la.requested_at = now;
                if (auto q = tx.link_approvals().request(la); !q)
                    return fail("queue link approval", q.error());
            }
        }
        return refuse(ctx, tx, in, out,
                      {reason, plan.denied ? plan.denied->detail : std::string(),
                       plan.email.empty() ? keys->email.value_or("") : plan.email, plan.user_id.value_or("")});
    }

    auto user_id = provisioning::apply_plan(tx, plan, in.assertion_json, ctx.random);
    if (!user_id)
        return fail("apply plan: " + user_id.error().message(), user_id.error());
    out.user_id = *user_id;
    out.email = plan.email;
    provisioning::event_source const source{in.source_ip, in.user_agent};
    if (auto r = provisioning::append_plan_events(tx, plan, *user_id, source, in.trace_id, ctx.random); !r)
        return fail("audit provisioning", r.error());

    // The session: 256-bit secret, stored hashed; ends at the configured lifetime or the
    // IdP's SessionNotOnOrAfter, whichever comes first.
    auto expires = now + ctx.cfg.session.lifetime;
    if (a.session_not_on_or_after && *a.session_not_on_or_after < expires)
        expires = *a.session_not_on_or_after;
    store::new_session ns{*user_id, conn.id, now, expires, a.session_index};
    if (auto r = tx.sessions().create(in.session_secret, ns); !r)
        return fail("create session", r.error());

    store::audit_event ev;
    ev.id = random_hex(ctx, 16);
    ev.time = now;
    ev.action = "sso.login.succeeded";
    ev.actor_type = "user";
    ev.actor_id = *user_id;
    ev.target = plan.email;
    ev.connection_id = conn.id;
    ev.source_ip = in.source_ip;
    ev.user_agent = in.user_agent;
    ev.result_status = "success";
    ev.changes_json = boost::json::serialize(boost::json::object{
        {"decision", jit::to_string(plan.decision)}, {"session_expires_at", jit::to_iso8601(expires)},
        {"assertion_id", a.assertion_id}, {"solicited", in.solicited}});
    ev.trace_id = in.trace_id;
    if (auto r = tx.audit().append(ev); !r)
        return fail("audit sign-in", r.error());
    return {};
}

} // namespace

store::audit_event login_denied_event(std::string const& connection_id, std::string const& source_ip,
                                      std::string const& user_agent, std::string const& trace_id, acs_refusal const& d,
                                      std::chrono::system_clock::time_point now, std::string id)
{
    store::audit_event ev;
    ev.id = std::move(id);
    ev.time = now;
    ev.action = "sso.login.denied";
    ev.actor_type = "user";
    ev.actor_id = d.user_id;
    ev.target = d.email;
    ev.connection_id = connection_id;
    ev.source_ip = source_ip;
    ev.user_agent = user_agent;
    ev.result_status = "failure";
    ev.result_reason = d.reason;
    ev.changes_json = boost::json::serialize(boost::json::object{{"detail", d.detail}, {"email", d.email}});
    ev.trace_id = trace_id;
    return ev;
}

store::result<void> write_signin(app_context const& ctx, store::transaction& tx, acs_signin const& in, acs_result& out)
{
    if (auto sp = tx.savepoint(signin_savepoint); !sp)
        return sp;
    std::string failed;
    auto r = write_inside(ctx, tx, in, out, failed);
    if (r)
        return tx.release_savepoint(signin_savepoint);
    // A store failure: nothing of this sign-in may stay; record the refusal instead.
    std::string const detail = (failed.empty() ? std::string("store") : failed) + ": " + tx.last_error_detail();
    if (auto back = tx.rollback_to_savepoint(signin_savepoint); !back)
        return back;
    out = acs_result{};
    return refuse(ctx, tx, in, out, {"store_error", detail, {}, {}});
}

} // namespace ssogate::gateway::sso_detail
