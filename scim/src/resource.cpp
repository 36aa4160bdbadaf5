#include <ssogate/scim/resource.hpp>

#include <cstdio>

namespace ssogate::scim {

std::string format_timestamp(std::chrono::system_clock::time_point t)
{
    using namespace std::chrono;
    auto const ms_total = floor<milliseconds>(t);
    auto const day = floor<days>(ms_total);
    year_month_day const ymd{day};
    hh_mm_ss const tod{ms_total - day};
    char buf[40];
    auto const ms = tod.subseconds().count();
    if (ms == 0)
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                      static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                      static_cast<int>(tod.seconds().count()));
    else
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                      static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                      static_cast<int>(tod.seconds().count()), static_cast<int>(ms));
    return buf;
}

std::string weak_etag(std::string_view version)
{
    return "W/\"" + std::string(version) + "\"";
}

std::string resource_location(std::string_view base_url, resource_type_def const& type, std::string_view id)
{
    while (!base_url.empty() && base_url.back() == '/')
        base_url.remove_suffix(1);
    return std::string(base_url) + std::string(type.endpoint) + "/" + std::string(id);
}

boost::json::object render_meta(resource_type_def const& type, resource_meta const& meta, std::string_view base_url)
{
    boost::json::object m;
    m["resourceType"] = type.id;
    m["created"] = format_timestamp(meta.created);
    m["lastModified"] = format_timestamp(meta.last_modified);
    m["location"] = resource_location(base_url, type, meta.id);
    if (!meta.version.empty())
        m["version"] = weak_etag(meta.version);
    return m;
}

} // namespace ssogate::scim
