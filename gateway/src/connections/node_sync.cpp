#include <ssogate/gateway/node_sync.hpp>

#include <string>

namespace ssogate::gateway {

node_sync::node_sync(store::store& db, connection_registry const& registry, audit_notifier& notifier,
                     std::chrono::milliseconds refresh_interval, logger const& log)
    : registry_(registry), notifier_(notifier), refresh_interval_(refresh_interval), log_(log)
{
    auto watch = db.watch_changes([this](store::change_kind kind) { on_change(kind); });
    if (watch) {
        watch_ = std::move(*watch);
    } else {
        log_.warn("store: cannot watch for changes by other nodes; store-owned connections are re-read every "
                  "refresh interval and audit tailers poll",
                  {{"error", watch.error().message()},
                   {"refresh_interval_ms", std::to_string(refresh_interval_.count())}});
    }
    worker_ = std::thread([this] { run(); }); // last: nothing after it may throw
}

node_sync::~node_sync()
{
    watch_.reset(); // no callback runs after this
    {
        std::lock_guard l(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    worker_.join();
}

void node_sync::on_change(store::change_kind kind) noexcept
{
    // On the store's thread: short, no I/O. Tailers read the table themselves; the
    // registry reload (store reads, metadata parsing) happens on our worker.
    switch (kind) {
    case store::change_kind::audit_appended:
        ++audit_seen_;
        notifier_.notify();
        return;
    case store::change_kind::connections_changed:
        ++connections_seen_;
        {
            std::lock_guard l(mutex_);
            reload_requested_ = true;
        }
        cv_.notify_all();
        return;
    }
}

void node_sync::run()
{
    std::unique_lock l(mutex_);
    for (;;) {
        cv_.wait_for(l, refresh_interval_, [this] { return stopping_ || reload_requested_; });
        if (stopping_)
            return;
        reload_requested_ = false;
        l.unlock();
        // A store that cannot be read keeps the previous listing (reload_store_connections);
        // the next notification or interval tries again.
        registry_.reload_store_connections();
        ++reloads_;
        l.lock();
    }
}

} // namespace ssogate::gateway
