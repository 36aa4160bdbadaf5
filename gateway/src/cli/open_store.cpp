#include "cli/open_store.hpp"

#include <ssogate/gateway/startup_error.hpp>
#include <ssogate/store/postgres.hpp>
#include <ssogate/store/sqlite.hpp>

#include <filesystem>

namespace ssogate::gateway::detail {

std::unique_ptr<store::store> open_store(config const& cfg)
{
    if (cfg.store.url) {
        // [store] url: the PostgreSQL backend (issue 10), pool sized by [store] pool_size.
        store::postgres_options options;
        options.pool_size = cfg.store.pool_size;
        auto opened = store::open_postgres(*cfg.store.url, options);
        if (!opened)
            throw startup_error(exit_failure, "store.url: " + opened.error().message);
        return std::move(*opened);
    }
    auto opened = store::open_sqlite(cfg.store.path);
    if (!opened)
        throw startup_error(exit_failure, opened.error().message);
    return std::move(*opened);
}

std::string describe_store(config const& cfg)
{
    if (cfg.store.url)
        return store::describe_postgres_url(*cfg.store.url);
    std::error_code ec;
    auto abs = std::filesystem::absolute(cfg.store.path, ec);
    return "sqlite " + (ec ? cfg.store.path : abs).string();
}

} // namespace ssogate::gateway::detail
