// node_sync (issue 10): hearing other nodes. The notification path is exercised with two
// real nodes on PostgreSQL in tests/gateway/multinode/; here, a store that delivers no
// notification (SQLite) still gets its store-owned connections re-listed every refresh
// interval, and destruction is prompt.
#include <ssogate/gateway/node_sync.hpp>

#include "support/sso_fixture.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace ssogate::gateway;
using namespace std::chrono_literals;

TEST_CASE("node_sync subscribes to the store and re-lists store-owned connections every refresh interval without "
          "a notification",
          "[gateway][node_sync]")
{
    ssogate::test::sso::sso_app app;
    app.connections.attach(*app.store, app.log.logger());
    audit_notifier notifier;
    auto const t0 = std::chrono::steady_clock::now();
    {
        node_sync sync(*app.store, app.connections, notifier, 100ms, app.log.logger());
        CHECK(sync.watching()); // SQLite accepts the subscription and delivers nothing
        auto const deadline = std::chrono::steady_clock::now() + 5s;
        while (sync.reloads() < 3 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(10ms);
        CHECK(sync.reloads() >= 3);
        CHECK(sync.audit_notifications() == 0);
        CHECK(sync.connection_notifications() == 0);
    }
    // Three intervals of 100 ms, and a destructor that does not wait for a fourth.
    CHECK(std::chrono::steady_clock::now() - t0 < 3s);
    CHECK(notifier.generation() == 0);
}

TEST_CASE("node_sync stops at once even with a long refresh interval", "[gateway][node_sync]")
{
    ssogate::test::sso::sso_app app;
    audit_notifier notifier;
    auto const t0 = std::chrono::steady_clock::now();
    {
        node_sync sync(*app.store, app.connections, notifier, 1h, app.log.logger());
        CHECK(sync.reloads() == 0);
    }
    CHECK(std::chrono::steady_clock::now() - t0 < 2s);
}
