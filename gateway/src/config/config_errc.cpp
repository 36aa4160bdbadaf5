#include <ssogate/gateway/config.hpp>

#include <boost/system/system_error.hpp>
#include <boost/throw_exception.hpp>

#include <ostream>
#include <string>

namespace ssogate::gateway {
namespace {

class config_category_impl final : public boost::system::error_category {
public:
    config_category_impl() noexcept : error_category(0x5c0f16a7e1b2c3d4ULL) {}
    char const* name() const noexcept override { return "ssogate.config"; }
    std::string message(int ev) const override;
};

// One human sentence per code; tests check they are all distinct.
std::string config_category_impl::message(int ev) const
{
    switch (static_cast<config_errc>(ev)) {
    case config_errc::file_not_found: return "the configuration file does not exist";
    case config_errc::file_unreadable: return "the configuration file cannot be read";
    case config_errc::syntax_error: return "the configuration file is not valid TOML";
    case config_errc::unknown_key: return "the configuration names a key ssogate does not know";
    case config_errc::wrong_type: return "a configuration value has the wrong type";
    case config_errc::missing_key: return "a required configuration key is missing";
    case config_errc::invalid_value: return "a configuration value is malformed";
    case config_errc::not_one_of: return "a configuration value is not one of the allowed words";
    case config_errc::out_of_range: return "a configuration value is out of range";
    case config_errc::duplicate_value: return "a configuration value that must be unique appears twice";
    case config_errc::conflicting_keys: return "configuration keys conflict or are incomplete";
    }
    return "unknown configuration error";
}

} // namespace

boost::system::error_category const& config_category() noexcept
{
    static config_category_impl const instance;
    return instance;
}

std::ostream& operator<<(std::ostream& os, config_error const& e)
{
    return os << e.message;
}

std::ostream& operator<<(std::ostream& os, config const& c)
{
    os << "config from " << (c.source_file ? c.source_file->string() : std::string("embedded defaults")) << ": "
       << c.connections.size() << (c.connections.size() == 1 ? " connection" : " connections");
    return os;
}

void throw_exception_from_error(config_error const& e, boost::source_location const& loc)
{
    boost::throw_exception(boost::system::system_error(make_error_code(e.code), e.message), loc);
}

std::string_view to_string(update_mode m) noexcept
{
    switch (m) {
    case update_mode::each_login: return "each_login";
    case update_mode::on_create: return "on_create";
    case update_mode::never: return "never";
    }
    return "?";
}

std::string_view to_string(group_sync_mode m) noexcept
{
    switch (m) {
    case group_sync_mode::off: return "off";
    case group_sync_mode::merge: return "merge";
    case group_sync_mode::sync: return "sync";
    }
    return "?";
}

std::string_view to_string(link_policy p) noexcept
{
    switch (p) {
    case link_policy::deny: return "deny";
    case link_policy::verified_domain: return "verified_domain";
    case link_policy::admin_approval: return "admin_approval";
    }
    return "?";
}

std::string_view to_string(scim_match m) noexcept
{
    switch (m) {
    case scim_match::user_name: return "userName";
    case scim_match::external_id: return "externalId";
    }
    return "?";
}

} // namespace ssogate::gateway
