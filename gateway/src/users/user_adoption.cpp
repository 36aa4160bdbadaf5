// Adoption into a connection's SCIM (user_adoption.hpp): the one implementation behind
// `ssogate user adopt`, POST /admin/v1/users/{id}/adopt and the console's user page.
#include <ssogate/gateway/user_adoption.hpp>

#include <ssogate/gateway/audit.hpp>
#include <ssogate/gateway/users.hpp>
#include <ssogate/scim/user.hpp>
#include <ssogate/store/owner.hpp>

#include "provisioning/adopt.hpp"

#include <boost/json.hpp>

namespace ssogate::gateway {

namespace {

adoption_error refuse(adoption_errc code, std::string message, std::string field = {})
{
    return adoption_error{code, std::move(message), std::move(field)};
}

adoption_error store_failed(store::transaction* tx, boost::system::error_code const& ec)
{
    std::string detail = ec.message();
    if (tx && !tx->last_error_detail().empty())
        detail += " (" + tx->last_error_detail() + ")";
    return refuse(adoption_errc::store_failed, "the store failed: " + detail);
}

/// The SCIM resource of an adopted user, from its stored values.
std::string resource_of(std::vector<store::attribute_record> const& attrs, std::string const& email)
{
    scim::user u;
    u.user_name = email;
    for (auto const& a : attrs) {
        if (a.name == "given_name")
            u.name.given_name = a.value;
        else if (a.name == "family_name")
            u.name.family_name = a.value;
        else if (a.name == "display_name")
            u.display_name = a.value;
    }
    u.emails.push_back({email, "work", "", true});
    auto o = scim::render_user(u, scim::resource_meta{}, "");
    o.erase("id");
    o.erase("meta");
    return boost::json::serialize(o);
}

adoption_change to_public(provisioning::owner_change const& c)
{
    return adoption_change{c.kind,         c.name,        c.team_id, c.value_before, c.value_after,
                           c.owner_before, c.owner_after, provisioning::describe(c)};
}

provisioning::owner_change to_internal(adoption_change const& c)
{
    return provisioning::owner_change{c.kind,         c.name,        c.team_id, c.value_before,
                                      c.value_after,  c.owner_before, c.owner_after};
}

std::vector<provisioning::owner_change> to_internal(std::vector<adoption_change> const& changes)
{
    std::vector<provisioning::owner_change> out;
    out.reserve(changes.size());
    for (auto const& c : changes)
        out.push_back(to_internal(c));
    return out;
}

} // namespace

scim_switch_lookup registry_scim_switch(connection_registry const& registry)
{
    return [&registry](std::string_view id) -> std::optional<bool> {
        if (auto c = registry.find(id))
            return c->settings.scim.enabled;
        return std::nullopt;
    };
}

adoption_outcome adopt_user(adoption_context const& ctx, std::string_view user, std::string_view connection_id,
                            bool dry_run)
{
    if (user.empty())
        return refuse(adoption_errc::invalid, "name the user to adopt (an id or an email)", "user");
    if (connection_id.empty())
        return refuse(adoption_errc::invalid, "name the connection whose SCIM adopts the user", "connection");
    auto const scim_on = ctx.connection_scim(connection_id);
    if (!scim_on)
        return refuse(adoption_errc::unknown_connection, "no connection \"" + std::string(connection_id) + "\"",
                      "connection");

    // A dry run reads a snapshot; an adoption plans and writes in one write transaction,
    // so what it applies is exactly what it planned.
    auto began = ctx.db.begin(dry_run ? store::access::read : store::access::write);
    if (!began)
        return store_failed(nullptr, began.error());
    auto& tx = **began;
    auto found = find_user(tx, user);
    if (!found)
        return store_failed(&tx, found.error());
    if (!*found)
        return refuse(adoption_errc::unknown_user, "no user with id or email " + std::string(user));
    auto const& u = **found;

    adoption_plan plan;
    plan.user_id = u.id;
    plan.email = u.email.value_or("");
    plan.created_by = u.created_by;
    plan.connection_id = std::string(connection_id);
    plan.scim_user_name = plan.email;
    plan.scim_enabled = *scim_on;
    plan.dry_run = dry_run;

    auto existing = tx.scim().find_user(plan.connection_id, u.id);
    if (!existing)
        return store_failed(&tx, existing.error());
    if (*existing) {
        plan.already_adopted = true;
        plan.scim_user_name = (*existing)->user_name;
        return plan;
    }
    if (plan.email.empty())
        return refuse(adoption_errc::no_email, "user " + u.id + " has no email, which SCIM needs as its userName");
    auto taken = tx.scim().find_user_by_user_name(plan.connection_id, plan.email);
    if (!taken)
        return store_failed(&tx, taken.error());
    if (*taken)
        return refuse(adoption_errc::user_name_taken, "the userName " + plan.email + " already belongs to user "
                                                          + (*taken)->user_id + " in the SCIM view of connection "
                                                          + plan.connection_id);
    auto changes = provisioning::plan_admin_adoption(tx, u.id, plan.connection_id);
    if (!changes)
        return store_failed(&tx, changes.error());
    for (auto const& c : *changes)
        plan.changes.push_back(to_public(c));
    if (dry_run)
        return plan; // read transaction: nothing written

    if (auto r = provisioning::apply_owner_changes(tx, u.id, *changes, ctx.now); !r)
        return store_failed(&tx, r.error());
    auto attrs = tx.users().attributes(u.id);
    if (!attrs)
        return store_failed(&tx, attrs.error());
    store::scim_user_record row;
    row.connection_id = plan.connection_id;
    row.user_id = u.id;
    row.user_name = plan.email;
    row.resource_json = resource_of(*attrs, plan.email);
    row.created_at = ctx.now;
    row.updated_at = ctx.now;
    if (auto r = tx.scim().create_user(row); !r)
        return store_failed(&tx, r.error());

    store::audit_event e;
    e.id = new_audit_event_id(ctx.random);
    e.time = ctx.now;
    e.action = "scim.user.adopted";
    e.actor_type = ctx.actor.type;
    e.actor_id = ctx.actor.id;
    e.target = u.id;
    e.connection_id = plan.connection_id;
    e.source_ip = ctx.actor.source_ip;
    e.user_agent = ctx.actor.user_agent;
    e.result_status = "success";
    e.changes_json = boost::json::serialize(boost::json::object{
        {"before", boost::json::object{{"created_by", u.created_by}, {"scim", nullptr}}},
        {"after", boost::json::object{{"created_by", u.created_by},
                                      {"scim", boost::json::object{{"userName", plan.email}}}}},
        {"owners", provisioning::to_json(*changes)}});
    if (auto r = tx.audit().append(e); !r)
        return store_failed(&tx, r.error());
    if (auto r = tx.commit(); !r)
        return store_failed(&tx, r.error());
    process_audit_notifier().notify();
    plan.applied = true;
    plan.event_id = e.id;
    return plan;
}

boost::json::object adoption_plan_to_json(adoption_plan const& plan)
{
    return boost::json::object{
        {"user_id", plan.user_id},
        {"email", plan.email},
        {"created_by", plan.created_by},
        {"connection", plan.connection_id},
        {"scim_user_name", plan.scim_user_name},
        {"scim_enabled", plan.scim_enabled},
        {"dry_run", plan.dry_run},
        {"already_adopted", plan.already_adopted},
        {"applied", plan.applied},
        {"event_id", plan.event_id.empty() ? boost::json::value() : boost::json::value(plan.event_id)},
        {"changes", provisioning::to_json(to_internal(plan.changes))}};
}

int http_status_of(adoption_errc code) noexcept
{
    switch (code) {
    case adoption_errc::invalid:
    case adoption_errc::unknown_connection:
        return 400;
    case adoption_errc::unknown_user:
        return 404;
    case adoption_errc::no_email:
    case adoption_errc::user_name_taken:
        return 409;
    case adoption_errc::store_failed:
        return 503;
    }
    return 500;
}

} // namespace ssogate::gateway
