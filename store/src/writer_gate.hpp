#pragma once
// One write transaction at a time per store object, queued inside the process before it
// takes a pooled connection (both backends' begin(access::write)).
//
// Write transactions run one at a time anyway (SQLite: BEGIN IMMEDIATE; PostgreSQL: the
// writer lock, across nodes). Without this gate a writer would wait for that lock while
// holding one of the pool's connections, so a burst of writers on many threads (a SCIM
// client pushing in parallel) could hold every connection and leave readers — the
// sign-in pages, GET /auth/check — waiting for a free one. Queued here, waiting writers
// hold nothing: at most one connection per store object serves writers, and readers
// keep the rest.
#include <ssogate/store/transaction.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <utility>

namespace ssogate::store::detail {

class writer_gate {
public:
    /// The right to write, held by one transaction until it is destroyed (after its
    /// connection went back to the pool). A moved-from or default turn holds nothing.
    class turn {
    public:
        turn() noexcept = default;
        turn(turn&& other) noexcept : gate_(std::exchange(other.gate_, nullptr)) {}
        turn& operator=(turn&& other) noexcept
        {
            if (this != &other) {
                leave();
                gate_ = std::exchange(other.gate_, nullptr);
            }
            return *this;
        }
        turn(turn const&) = delete;
        turn& operator=(turn const&) = delete;
        ~turn() { leave(); }

    private:
        friend class writer_gate;
        explicit turn(writer_gate& gate) noexcept : gate_(&gate) {}
        void leave() noexcept
        {
            if (gate_ != nullptr)
                std::exchange(gate_, nullptr)->leave();
        }
        writer_gate* gate_ = nullptr;
    };

    writer_gate() = default;
    writer_gate(writer_gate const&) = delete;
    writer_gate& operator=(writer_gate const&) = delete;

    /// For a transaction begun with `mode`: a write transaction waits up to `timeout`
    /// for the turn, a read one gets an empty turn at once. Empty optional when another
    /// writer of this store object kept the turn that long (the caller answers
    /// errc::busy). The gate must outlive the turn.
    [[nodiscard]] std::optional<turn> enter(access mode, std::chrono::milliseconds timeout)
    {
        if (mode != access::write)
            return turn();
        std::unique_lock lock(mutex_);
        if (!cv_.wait_for(lock, timeout, [this] { return !taken_; }))
            return std::nullopt;
        taken_ = true;
        return turn(*this);
    }

private:
    void leave() noexcept
    {
        {
            std::lock_guard lock(mutex_);
            taken_ = false;
        }
        cv_.notify_one();
    }

    std::mutex mutex_;
    std::condition_variable cv_;
    bool taken_ = false;
};

} // namespace ssogate::store::detail
