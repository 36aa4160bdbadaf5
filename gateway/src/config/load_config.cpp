// load_config: the only configuration code that touches the file system (reads one file).
#include <ssogate/gateway/config.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>

namespace ssogate::gateway {
namespace {

config_error file_error(config_errc code, std::filesystem::path const& file, std::string const& why)
{
    config_error e;
    e.code = code;
    e.message = file.string() + ": cannot read the configuration file: " + why;
    return e;
}

// Larger than any sane configuration; protects against pointing --config at a disk image.
constexpr std::uintmax_t max_config_bytes = 16 * 1024 * 1024;

} // namespace

boost::system::result<config, config_error> load_config(std::filesystem::path const& file)
{
    std::error_code ec;
    auto const status = std::filesystem::status(file, ec);
    if (status.type() == std::filesystem::file_type::not_found)
        return file_error(config_errc::file_not_found, file, "no such file");
    if (ec)
        return file_error(config_errc::file_unreadable, file, ec.message());
    if (status.type() == std::filesystem::file_type::directory)
        return file_error(config_errc::file_unreadable, file, "it is a directory");
    if (status.type() == std::filesystem::file_type::regular) {
        auto const size = std::filesystem::file_size(file, ec);
        if (!ec && size > max_config_bytes)
            return file_error(config_errc::file_unreadable, file, "larger than 16 MiB");
    }

    std::ifstream in(file, std::ios::binary);
    if (!in)
        return file_error(config_errc::file_unreadable, file, errno != 0 ? std::strerror(errno) : "open failed");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
        return file_error(config_errc::file_unreadable, file, "read error");
    return parse_config(text.str(), file);
}

boost::system::result<config, config_error>
load_config_or_defaults(std::optional<std::filesystem::path> const& explicit_file,
                        std::filesystem::path const& default_file)
{
    if (explicit_file)
        return load_config(*explicit_file);
    auto loaded = load_config(default_file);
    if (!loaded && loaded.error().code == config_errc::file_not_found)
        return default_config();
    return loaded;
}

} // namespace ssogate::gateway
