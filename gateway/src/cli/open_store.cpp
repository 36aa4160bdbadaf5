#include "cli/open_store.hpp"

#include <ssogate/gateway/startup_error.hpp>
#include <ssogate/store/sqlite.hpp>

#include <filesystem>

namespace ssogate::gateway::detail {

std::unique_ptr<store::store> open_store(config const& cfg)
{
    if (cfg.store.url)
        throw startup_error(exit_failure, "store.url: the PostgreSQL store is not available in this build");
    auto opened = store::open_sqlite(cfg.store.path);
    if (!opened)
        throw startup_error(exit_failure, opened.error().message);
    return std::move(*opened);
}

std::string describe_store(config const& cfg)
{
    if (cfg.store.url)
        return "postgresql";
    std::error_code ec;
    auto abs = std::filesystem::absolute(cfg.store.path, ec);
    return "sqlite " + (ec ? cfg.store.path : abs).string();
}

} // namespace ssogate::gateway::detail
