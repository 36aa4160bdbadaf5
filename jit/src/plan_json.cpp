#include <ssogate/jit/plan_json.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <cstdio>

namespace ssogate::jit {
namespace {

template <class T>
boost::json::value optional_value(std::optional<T> const& v)
{
    return v ? boost::json::value_from(*v) : boost::json::value(nullptr);
}

template <class T>
boost::json::array array_of(std::vector<T> const& items)
{
    boost::json::array out;
    out.reserve(items.size());
    for (auto const& item : items)
        out.push_back(boost::json::value_from(item));
    return out;
}

boost::json::string_view sv(std::string_view s) { return {s.data(), s.size()}; }

} // namespace

std::string to_iso8601(time_point t)
{
    using namespace std::chrono;
    auto const seconds = floor<std::chrono::seconds>(t);
    auto const day = floor<days>(seconds);
    year_month_day const ymd{day};
    hh_mm_ss const hms{seconds - day};
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
    return buffer;
}

void tag_invoke(boost::json::value_from_tag, boost::json::value& out, owner const& o)
{
    out = boost::json::string(o.to_string());
}

void tag_invoke(boost::json::value_from_tag, boost::json::value& out, denial const& d)
{
    out = boost::json::object{{"reason", sv(to_reason_code(d.reason))},
                              {"message", make_error_code(d.reason).message()},
                              {"detail", d.detail}};
}

void tag_invoke(boost::json::value_from_tag, boost::json::value& out, field_change const& c)
{
    out = boost::json::object{{"field", sv(to_string(c.field))},
                              {"before", optional_value(c.before)},
                              {"after", c.after},
                              {"owner_before", optional_value(c.owner_before)},
                              {"owner_after", boost::json::value_from(c.owner_after)}};
}

void tag_invoke(boost::json::value_from_tag, boost::json::value& out, role_change const& c)
{
    out = boost::json::object{{"role", c.role}, {"owner", boost::json::value_from(c.owned_by)}};
}

void tag_invoke(boost::json::value_from_tag, boost::json::value& out, membership_change const& c)
{
    out = boost::json::object{{"team", c.team}, {"owner", boost::json::value_from(c.owned_by)}};
}

void tag_invoke(boost::json::value_from_tag, boost::json::value& out, link_action const& l)
{
    out = boost::json::object{{"kind", sv(to_string(l.kind))}, {"user_id", l.user_id}, {"detail", l.detail}};
}

void tag_invoke(boost::json::value_from_tag, boost::json::value& out, conflict const& c)
{
    out = boost::json::object{{"kind", sv(to_string(c.kind))},
                              {"item", c.item},
                              {"assertion_value", c.assertion_value},
                              {"stored_value", c.stored_value},
                              {"stored_owner", optional_value(c.stored_owner)},
                              {"detail", c.detail}};
}

void tag_invoke(boost::json::value_from_tag, boost::json::value& out, skipped_item const& s)
{
    out = boost::json::object{{"source", sv(to_string(s.source))},
                              {"attribute", s.attribute},
                              {"value", s.value},
                              {"reason", sv(to_string(s.reason))},
                              {"detail", s.detail}};
}

void tag_invoke(boost::json::value_from_tag, boost::json::value& out, provisioning_plan const& p)
{
    boost::json::array teams_created;
    for (auto const& t : p.teams_created)
        teams_created.emplace_back(t);
    out = boost::json::object{{"decision", sv(to_string(p.decision))},
                              {"denied", optional_value(p.denied)},
                              {"connection", p.connection_id},
                              {"subject", p.subject},
                              {"user_id", optional_value(p.user_id)},
                              {"email", p.email},
                              {"link", optional_value(p.link)},
                              {"profile_changes", array_of(p.profile_changes)},
                              {"roles_added", array_of(p.roles_added)},
                              {"roles_removed", array_of(p.roles_removed)},
                              {"memberships_added", array_of(p.memberships_added)},
                              {"memberships_removed", array_of(p.memberships_removed)},
                              {"teams_created", std::move(teams_created)},
                              {"conflicts", array_of(p.conflicts)},
                              {"skipped", array_of(p.skipped)},
                              {"at", to_iso8601(p.at)}};
}

} // namespace ssogate::jit
