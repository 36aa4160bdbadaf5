// decide_link (users.hpp): the admin side of `link = "admin_approval"`.
#include <ssogate/gateway/audit.hpp>
#include <ssogate/gateway/users.hpp>

#include <boost/json.hpp>

namespace ssogate::gateway {

store::result<link_decision> decide_link(store::store& db, std::string const& approval_id, bool approve,
                                         admin_actor const& actor, random_fn const& random,
                                         std::chrono::system_clock::time_point now)
{
    auto began = db.begin(store::access::write);
    if (!began)
        return began.error();
    auto& tx = **began;
    auto found = tx.link_approvals().find(approval_id);
    if (!found)
        return found.error();
    link_decision out;
    if (!*found || (*found)->status != store::approval_status::pending)
        return out;
    auto const& la = **found;
    auto decided = tx.link_approvals().decide(
        approval_id, approve ? store::approval_status::approved : store::approval_status::rejected, actor.id, now);
    if (!decided)
        return decided.error();
    if (!*decided)
        return out;
    if (approve) {
        store::identity_record id;
        id.connection_id = la.connection_id;
        id.subject = la.subject;
        id.user_id = la.user_id;
        id.created_at = now;
        if (auto r = tx.users().add_identity(id); !r)
            return r.error();
    }
    store::audit_event ev;
    ev.id = new_audit_event_id(random);
    ev.time = now;
    ev.action = approve ? "user.link.approved" : "user.link.denied";
    ev.actor_type = actor.type;
    ev.actor_id = actor.id;
    ev.target = la.user_id;
    ev.connection_id = la.connection_id;
    ev.source_ip = actor.source_ip;
    ev.user_agent = actor.user_agent;
    ev.result_status = "success";
    ev.changes_json = boost::json::serialize(boost::json::object{{"approval_id", la.id},
                                                                 {"connection", la.connection_id},
                                                                 {"subject", la.subject},
                                                                 {"email", la.email},
                                                                 {"user_id", la.user_id},
                                                                 {"linked", approve}});
    if (auto r = tx.audit().append(ev); !r)
        return r.error();
    if (auto r = tx.commit(); !r)
        return r.error();
    out.approval = la;
    return out;
}

} // namespace ssogate::gateway
