#include "support/app_fixture.hpp"

#include <stdexcept>

namespace ssogate::test {

captured_log::captured_log()
    : logger_(
          [this](std::string_view line) {
              std::lock_guard lock(mutex_);
              lines_.emplace_back(line);
          },
          gateway::fixed_clock(test_now()), gateway::log_level::debug)
{
}

std::vector<std::string> captured_log::lines() const
{
    std::lock_guard lock(mutex_);
    return lines_;
}

std::string captured_log::text() const
{
    std::string all;
    for (auto const& l : lines()) {
        all += l;
        all += '\n';
    }
    return all;
}

std::chrono::system_clock::time_point test_now()
{
    return std::chrono::system_clock::time_point(std::chrono::seconds(1714564800));
}

namespace {

std::unique_ptr<store::store> open_test_store(std::filesystem::path const& path, store::sqlite_options const& options)
{
    auto s = store::open_sqlite(path, options);
    if (!s)
        throw std::runtime_error("open_sqlite: " + s.error().message);
    return std::move(*s);
}

gateway::random_fn counting_random()
{
    return [](std::span<std::byte> out) {
        for (std::size_t i = 0; i < out.size(); ++i)
            out[i] = static_cast<std::byte>(i);
    };
}

} // namespace

app_fixture::app_fixture(store::sqlite_options const& options)
    : cfg(gateway::default_config()),
      store(open_test_store(dir / "ssogate.db", options)),
      ctx{cfg, *store, gateway::fixed_clock(test_now()), counting_random(), log.logger(), connections}
{
}

} // namespace ssogate::test
