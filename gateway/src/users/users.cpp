// Users as an administrator sees them, and `explain` (users.hpp).
#include <ssogate/gateway/users.hpp>

#include <ssogate/gateway/audit.hpp>
#include <ssogate/gateway/connections.hpp>
#include <ssogate/gateway/provisioning.hpp>
#include <ssogate/jit/plan_json.hpp>
#include <ssogate/jit/planner.hpp>
#include <ssogate/store/owner.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <array>

namespace ssogate::gateway {

namespace {

using time_point = std::chrono::system_clock::time_point;

/// Events that are about the user but never set one of its values.
bool sets_values(std::string_view action) noexcept
{
    static constexpr std::array<std::string_view, 6> not_setters{
        "provision.conflict", "provision.skipped", "sso.login.succeeded", "sso.login.denied",
        "sso.logout",         "session.ended"};
    return std::find(not_setters.begin(), not_setters.end(), action) == not_setters.end();
}

event_ref ref_of(store::chained_audit_event const& e)
{
    return {e.seq, e.event.id, e.event.action, e.event.time, e.event.trace_id};
}

/// Every event whose target is `user_id`, in seq order. Reads the whole log: the store
/// has no index by target (yet).
store::result<std::vector<store::chained_audit_event>> events_about(store::transaction& tx, std::string const& user_id)
{
    std::vector<store::chained_audit_event> out;
    std::int64_t after = 0;
    for (;;) {
        auto page = tx.audit().after(after, 500);
        if (!page)
            return page.error();
        if (page->empty())
            break;
        for (auto& e : *page)
            if (e.event.target == user_id)
                out.push_back(std::move(e));
        after = page->back().seq;
    }
    return out;
}

std::optional<event_ref> setter_of(std::vector<store::chained_audit_event> const& events,
                                   std::optional<std::string> const& event_id, time_point set_at)
{
    if (event_id)
        for (auto const& e : events)
            if (e.event.id == *event_id)
                return ref_of(e);
    for (auto const& e : events)
        if (e.event.time == set_at && sets_values(e.event.action))
            return ref_of(e);
    return std::nullopt;
}

boost::json::value time_or_null(std::optional<time_point> t)
{
    if (!t)
        return nullptr;
    return boost::json::value(format_audit_time(*t));
}

boost::json::value event_json(std::optional<event_ref> const& e)
{
    if (!e)
        return nullptr;
    return boost::json::object{{"seq", e->seq},
                               {"id", e->id},
                               {"action", e->action},
                               {"time", format_audit_time(e->time)},
                               {"trace_id", e->trace_id.empty() ? boost::json::value(nullptr)
                                                                : boost::json::value(e->trace_id)}};
}

boost::json::array values_json(std::vector<owned_value> const& vs, char const* name_key, char const* value_key)
{
    boost::json::array out;
    for (auto const& v : vs) {
        boost::json::object o;
        o[name_key] = v.name;
        if (value_key)
            o[value_key] = v.value;
        o["owner"] = v.owner;
        o["set_at"] = format_audit_time(v.set_at);
        o["event"] = event_json(v.set_by);
        out.push_back(std::move(o));
    }
    return out;
}

/// The jit::identity of an assertion stored by the ACS (assertion_summary in sso.cpp):
/// {"name_id","name_id_format","attributes":{name:[values]}}. nullopt when not that shape.
std::optional<jit::identity> identity_of(std::string const& connection_id, boost::json::value const& a)
{
    auto const* o = a.if_object();
    if (!o)
        return std::nullopt;
    jit::identity id;
    id.connection_id = connection_id;
    auto str = [&](char const* key) -> std::optional<std::string> {
        auto it = o->find(key);
        if (it == o->end() || !it->value().is_string())
            return std::nullopt;
        return std::string(it->value().get_string());
    };
    auto name_id = str("name_id");
    if (!name_id)
        return std::nullopt;
    id.subject = {*name_id, str("name_id_format").value_or("")};
    if (auto it = o->find("attributes"); it != o->end()) {
        auto const* attrs = it->value().if_object();
        if (!attrs)
            return std::nullopt;
        for (auto const& [name, values] : *attrs) {
            auto const* arr = values.if_array();
            if (!arr)
                return std::nullopt;
            jit::assertion_attribute at{std::string(name), {}};
            for (auto const& v : *arr) {
                if (!v.is_string())
                    return std::nullopt;
                at.values.emplace_back(v.get_string());
            }
            id.attributes.push_back(std::move(at));
        }
    }
    return id;
}

} // namespace

store::result<next_sign_in> plan_next_sign_in(store::transaction& tx, store::identity_record const& identity,
                                              policy_lookup const& policy_of, time_point now)
{
    next_sign_in n;
    n.connection_id = identity.connection_id;
    auto row = tx.connections().find(identity.connection_id);
    if (!row)
        return row.error();
    auto policy = policy_of ? policy_of(identity.connection_id) : std::nullopt;
    if (!policy || !*row) {
        n.status = "connection_unknown";
        n.detail = "connection " + identity.connection_id + " is not configured any more";
        return n;
    }
    policy->jit_enabled = (*row)->jit_enabled;
    n.jit_enabled = policy->jit_enabled;
    if (identity.last_assertion_json.empty()) {
        n.status = "no_assertion";
        n.detail = "no assertion was stored for this identity yet";
        return n;
    }
    boost::system::error_code ec;
    auto parsed = boost::json::parse(identity.last_assertion_json, ec);
    auto id = ec ? std::nullopt : identity_of(identity.connection_id, parsed);
    if (!id) {
        n.status = "assertion_unreadable";
        n.detail = "the stored assertion is not in the sign-in route's JSON form";
        return n;
    }
    auto keys = jit::lookup_keys_for(*id, *policy);
    if (!keys) {
        n.status = "keys_refused";
        n.detail = keys.error().message();
        return n;
    }
    auto state = provisioning::read_current_state(tx, identity.connection_id, *keys);
    if (!state)
        return state.error();
    n.status = "planned";
    n.plan = jit::plan(*id, *state, *policy, now);
    return n;
}

store::result<std::optional<store::user_record>> find_user(store::transaction& tx, std::string_view email_or_id)
{
    if (email_or_id.empty())
        return std::optional<store::user_record>();
    auto by_id = tx.users().find(email_or_id);
    if (!by_id || *by_id)
        return by_id;
    return tx.users().find_by_email(email_or_id);
}

namespace {

/// read_user_details with the user's events already read (nullptr: no event lookup).
store::result<user_details> read_details(store::transaction& tx, store::user_record const& user,
                                         std::vector<store::chained_audit_event> const* about)
{
    user_details d;
    d.user = user;
    bool const with_events = about != nullptr;
    std::vector<store::chained_audit_event> const no_events;
    auto const& events = about ? *about : no_events;
    auto setter = [&](std::optional<std::string> const& event_id, time_point at) -> std::optional<event_ref> {
        if (!with_events)
            return std::nullopt;
        return setter_of(events, event_id, at);
    };
    auto attrs = tx.users().attributes(user.id);
    if (!attrs)
        return attrs.error();
    for (auto const& a : *attrs)
        d.profile.push_back({a.name, a.value, a.owner, a.set_at, setter(a.event_id, a.set_at)});
    auto roles = tx.users().roles(user.id);
    if (!roles)
        return roles.error();
    for (auto const& r : *roles)
        d.roles.push_back({r.role, {}, r.owner, r.set_at, setter(r.event_id, r.set_at)});
    auto ms = tx.teams().memberships_of(user.id);
    if (!ms)
        return ms.error();
    for (auto const& m : *ms) {
        auto t = tx.teams().find(m.team_id);
        if (!t)
            return t.error();
        d.teams.push_back({*t ? (*t)->name : m.team_id, m.team_id, m.owner, m.set_at, setter(m.event_id, m.set_at)});
    }
    std::sort(d.teams.begin(), d.teams.end(), [](auto const& a, auto const& b) { return a.name < b.name; });
    auto ids = tx.users().identities(user.id);
    if (!ids)
        return ids.error();
    d.identities = std::move(*ids);
    return d;
}

} // namespace

store::result<user_details> read_user_details(store::transaction& tx, store::user_record const& user,
                                              bool with_events)
{
    if (!with_events)
        return read_details(tx, user, nullptr);
    auto events = events_about(tx, user.id);
    if (!events)
        return events.error();
    return read_details(tx, user, &*events);
}

boost::json::object user_details_to_json(user_details const& d)
{
    boost::json::array identities;
    for (auto const& i : d.identities)
        identities.push_back(boost::json::object{{"connection", i.connection_id},
                                                 {"subject", i.subject},
                                                 {"created_at", format_audit_time(i.created_at)},
                                                 {"last_login_at", time_or_null(i.last_login_at)}});
    return boost::json::object{
        {"id", d.user.id},
        {"email", d.user.email ? boost::json::value(*d.user.email) : boost::json::value(nullptr)},
        {"active", d.user.active},
        {"created_by", d.user.created_by},
        {"created_at", format_audit_time(d.user.created_at)},
        {"updated_at", format_audit_time(d.user.updated_at)},
        {"profile", values_json(d.profile, "field", "value")},
        {"roles", values_json(d.roles, "role", nullptr)},
        {"teams", values_json(d.teams, "team", "team_id")},
        {"identities", std::move(identities)},
    };
}

namespace {

std::string owner_of(std::vector<owned_value> const& values, std::string_view name)
{
    for (auto const& v : values)
        if (v.name == name)
            return v.owner;
    return {};
}

/// The first sign-in through `row`'s connection of a user its SCIM provisioned.
next_sign_in plan_first_sign_in(store::scim_user_record const& row, user_details const& d,
                                std::optional<jit::connection_policy> const& policy,
                                std::optional<scim_settings> const& scim, std::optional<bool> jit_enabled)
{
    next_sign_in n;
    n.connection_id = row.connection_id;
    n.status = "first_sign_in";
    n.jit_enabled = jit_enabled;
    first_sign_in f;
    if (scim) {
        f.match_on = std::string(to_string(scim->match_on));
        f.match_value = scim->match_on == scim_match::external_id ? row.external_id.value_or("") : row.user_name;
    }
    auto const jit_owner = store::owner_jit(row.connection_id);
    auto const foreign = [&](std::string const& owner) { return !owner.empty() && owner != jit_owner; };
    auto mode_text = [](jit::update_mode m) { return std::string(jit::to_string(m)); };
    for (std::string_view field : {"email", "given_name", "family_name", "display_name"}) {
        auto const owner = owner_of(d.profile, field);
        if (foreign(owner)) {
            f.kept.push_back(std::string(field) + " (" + owner + ")");
            continue;
        }
        if (!policy)
            continue;
        auto const mode = field == "email" ? policy->email_update() : policy->profile_update();
        std::string const state = owner.empty() ? "unowned" : "owned by " + jit_owner;
        if (mode == jit::update_mode::never)
            continue;
        if (mode == jit::update_mode::on_create && !owner.empty())
            continue;
        f.may_set.push_back(std::string(field) + ": " + state + ", update = " + mode_text(mode) +
                            (mode == jit::update_mode::on_create ? " (only while it has no value)" : ""));
    }
    bool foreign_role = false;
    for (auto const& r : d.roles)
        if (foreign(r.owner)) {
            foreign_role = true;
            f.kept.push_back("role " + r.name + " (" + r.owner + ")");
        }
    if (policy && !foreign_role && policy->role_update() != jit::update_mode::never)
        f.may_set.push_back("role: from the role mapping" +
                            (policy->default_role ? " (else default_role " + *policy->default_role + ")"
                                                  : std::string()) +
                            ", update = " + mode_text(policy->role_update()));
    for (auto const& t : d.teams)
        if (foreign(t.owner))
            f.kept.push_back("team " + t.name + " (" + t.owner + ")");
    if (policy && policy->groups != jit::group_mode::off && policy->teams_update() != jit::update_mode::never)
        f.may_set.push_back("teams: memberships from the group mapping, owned by " + jit_owner + " (groups = " +
                            std::string(jit::to_string(policy->groups)) + ", update = " +
                            mode_text(policy->teams_update()) + ")");
    if (!policy) {
        n.detail = "connection " + row.connection_id + " is not configured any more";
    } else if (jit_enabled && !*jit_enabled) {
        f.may_set.clear();
        n.detail = "JIT is off on " + row.connection_id + ": the first sign-in links the identity and writes nothing else";
    } else {
        n.detail = "never signed in through " + row.connection_id + ": the first sign-in links the identity to this "
                   "user (" + (f.match_on.empty() ? std::string("scim.match_on") : f.match_on) +
                   (f.match_value.empty() ? std::string() : " = \"" + f.match_value + "\"") +
                   "), keeps what other sources own and may set the rest";
    }
    n.first = std::move(f);
    return n;
}

} // namespace

store::result<user_explanation> explain_user(store::transaction& tx, store::user_record const& user,
                                             policy_lookup const& policy_of, time_point now)
{
    return explain_user(tx, user, policy_of, scim_lookup{}, now);
}

store::result<user_explanation> explain_user(store::transaction& tx, store::user_record const& user,
                                             policy_lookup const& policy_of, scim_lookup const& scim_of, time_point now)
{
    user_explanation e;
    // One pass over the audit log serves both the setters of the values and the conflicts.
    auto events = events_about(tx, user.id);
    if (!events)
        return events.error();
    auto details = read_details(tx, user, &*events);
    if (!details)
        return details.error();
    e.details = std::move(*details);

    for (auto const& ev : *events) {
        if (ev.event.action != "provision.conflict")
            continue;
        boost::system::error_code ec;
        auto record = ev.event.changes_json.empty() ? boost::json::value(nullptr)
                                                    : boost::json::parse(ev.event.changes_json, ec);
        if (ec)
            record = nullptr;
        e.conflicts.push_back({ref_of(ev), ev.event.connection_id, std::move(record)});
    }

    for (auto const& i : e.details.identities) {
        if (!i.last_assertion_json.empty()) {
            boost::system::error_code ec;
            auto a = boost::json::parse(i.last_assertion_json, ec);
            seen_assertion s{i.connection_id, i.subject, i.last_login_at,
                             ec ? boost::json::value(i.last_assertion_json) : std::move(a)};
            if (!e.last_assertion || (s.at && (!e.last_assertion->at || *s.at > *e.last_assertion->at)))
                e.last_assertion = s;
            e.assertions.push_back(std::move(s));
        }
        auto n = plan_next_sign_in(tx, i, policy_of, now);
        if (!n)
            return n.error();
        e.next_sign_ins.push_back(std::move(*n));
    }

    // SCIM views the user is in without an identity on that connection: the first sign-in.
    auto views = tx.scim().user_connections(user.id);
    if (!views)
        return views.error();
    for (auto const& v : *views) {
        bool const signed_in = std::any_of(e.details.identities.begin(), e.details.identities.end(),
                                           [&](auto const& i) { return i.connection_id == v.connection_id; });
        if (signed_in)
            continue;
        auto row = tx.connections().find(v.connection_id);
        if (!row)
            return row.error();
        auto policy = policy_of ? policy_of(v.connection_id) : std::nullopt;
        if (!*row)
            policy.reset();
        auto scim = scim_of ? scim_of(v.connection_id) : std::nullopt;
        e.next_sign_ins.push_back(plan_first_sign_in(v, e.details, policy, scim,
                                                     *row ? std::optional<bool>((*row)->jit_enabled) : std::nullopt));
    }

    auto pending = tx.link_approvals().pending();
    if (!pending)
        return pending.error();
    for (auto const& la : *pending)
        if (la.user_id == user.id)
            e.link_approvals.push_back(la);
    return e;
}

boost::json::object user_explanation_to_json(user_explanation const& e)
{
    auto out = user_details_to_json(e.details);
    boost::json::array conflicts;
    for (auto const& c : e.conflicts) {
        boost::json::object o{{"event", event_json(c.event)}, {"connection", c.connection_id}};
        if (auto const* r = c.record.if_object())
            for (auto const& [k, v] : *r)
                o[k] = v;
        conflicts.push_back(std::move(o));
    }
    auto assertion_json = [](seen_assertion const& s) {
        return boost::json::object{{"connection", s.connection_id},
                                   {"subject", s.subject},
                                   {"at", time_or_null(s.at)},
                                   {"assertion", s.assertion}};
    };
    boost::json::array assertions;
    for (auto const& s : e.assertions)
        assertions.push_back(assertion_json(s));
    boost::json::array approvals;
    for (auto const& la : e.link_approvals)
        approvals.push_back(boost::json::object{{"id", la.id},
                                                {"connection", la.connection_id},
                                                {"subject", la.subject},
                                                {"email", la.email},
                                                {"requested_at", format_audit_time(la.requested_at)}});
    boost::json::array next;
    for (auto const& n : e.next_sign_ins)
        next.push_back(boost::json::object{
            {"connection", n.connection_id},
            {"status", n.status},
            {"detail", n.detail.empty() ? boost::json::value(nullptr) : boost::json::value(n.detail)},
            {"jit_enabled", n.jit_enabled ? boost::json::value(*n.jit_enabled) : boost::json::value(nullptr)},
            {"plan", n.plan ? boost::json::value_from(*n.plan) : boost::json::value(nullptr)},
            {"first_sign_in", n.first ? boost::json::value(boost::json::object{
                                            {"match_on", n.first->match_on.empty() ? boost::json::value(nullptr)
                                                                                   : boost::json::value(n.first->match_on)},
                                            {"match_value", n.first->match_value},
                                            {"kept", boost::json::value_from(n.first->kept)},
                                            {"may_set", boost::json::value_from(n.first->may_set)}})
                                      : boost::json::value(nullptr)}});
    out["conflicts"] = std::move(conflicts);
    out["assertions"] = std::move(assertions);
    out["last_assertion"] = e.last_assertion ? boost::json::value(assertion_json(*e.last_assertion))
                                             : boost::json::value(nullptr);
    out["link_approvals"] = std::move(approvals);
    out["next_sign_in"] = std::move(next);
    return out;
}

scim_lookup registry_scim_settings(connection_registry const& connections)
{
    return [&connections](std::string_view id) -> std::optional<scim_settings> {
        if (auto c = connections.find(id))
            return c->settings.scim;
        return std::nullopt;
    };
}

} // namespace ssogate::gateway
