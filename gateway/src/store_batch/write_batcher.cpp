// The group-commit writer (write_batcher.hpp, issue 8).
#include <ssogate/gateway/write_batcher.hpp>

#include <algorithm>
#include <exception>
#include <iterator>
#include <optional>
#include <utility>
#include <vector>

namespace ssogate::gateway {

namespace {

/// The savepoint each job runs in. Repositories nest their own ("ssogate_op") inside it.
constexpr std::string_view job_savepoint = "ssogate_job";

} // namespace

write_batcher::write_batcher(store::store& store, write_batcher_options options, std::function<void()> on_commit)
    : store_(store), options_(options), on_commit_(std::move(on_commit)), writer_([this] { run(); })
{
}

write_batcher::~write_batcher() { stop(); }

void write_batcher::submit(job_fn job, completion_fn done)
{
    {
        std::lock_guard lock(mutex_);
        if (!stopping_) {
            queue_.push_back({std::move(job), std::move(done)});
            wake_.notify_one();
            return;
        }
    }
    done(store::make_error_code(store::errc::unavailable)); // stopped: nothing was written
}

void write_batcher::stop()
{
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    std::lock_guard join_lock(join_mutex_);
    if (writer_.joinable())
        writer_.join();
}

write_batcher::counters write_batcher::stats() const
{
    std::lock_guard lock(mutex_);
    return counters_;
}

void write_batcher::run()
{
    auto const max_batch = std::max<std::size_t>(options_.max_batch, 1);
    for (;;) {
        std::deque<queued_job> batch;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty())
                return; // stopping, and every queued job has been run
            if (options_.max_wait.count() > 0 && queue_.size() < max_batch && !stopping_)
                wake_.wait_for(lock, options_.max_wait, [&] { return stopping_ || queue_.size() >= max_batch; });
            auto const n = std::min(queue_.size(), max_batch);
            auto const end = queue_.begin() + static_cast<std::ptrdiff_t>(n);
            std::move(queue_.begin(), end, std::back_inserter(batch));
            queue_.erase(queue_.begin(), end);
        }
        run_batch(batch);
    }
}

void write_batcher::run_batch(std::deque<queued_job>& batch)
{
    // Completions and on_commit must not take the writer down (they are short by contract).
    auto complete = [](queued_job& j, store::result<void> r) {
        try {
            j.done(std::move(r));
        } catch (std::exception const&) {
        }
    };

    auto began = store_.begin(store::access::write);
    if (!began) {
        for (auto& j : batch)
            complete(j, began.error());
        return;
    }
    auto& tx = **began;

    // Each job in its own savepoint; a failed job is undone alone.
    std::vector<store::result<void>> outcomes;
    outcomes.reserve(batch.size());
    std::optional<boost::system::error_code> batch_error; // the transaction is unusable
    for (auto& j : batch) {
        if (auto sp = tx.savepoint(job_savepoint); !sp) {
            batch_error = sp.error();
            break;
        }
        store::result<void> r = store::make_error_code(store::errc::database_error);
        try {
            r = j.job(tx);
        } catch (std::exception const&) {
            // A job must not throw (STYLE.md rule 8); if one does, it failed, alone.
        }
        auto const closed = r ? tx.release_savepoint(job_savepoint) : tx.rollback_to_savepoint(job_savepoint);
        outcomes.push_back(std::move(r));
        if (!closed) {
            batch_error = closed.error();
            break;
        }
    }
    if (!batch_error) {
        if (auto c = tx.commit(); !c)
            batch_error = c.error();
    }
    {
        std::lock_guard lock(mutex_);
        ++counters_.batches;
        counters_.jobs += outcomes.size();
        counters_.largest = std::max<std::uint64_t>(counters_.largest, batch.size());
    }
    if (batch_error) {
        began->reset(); // roll back whatever is left
        // Nothing of the batch was written: a job that failed on its own keeps its own
        // error, every other job (run or not) gets the batch's.
        for (std::size_t i = 0; i < batch.size(); ++i)
            complete(batch[i], i < outcomes.size() && !outcomes[i] ? outcomes[i] : store::result<void>(*batch_error));
        return;
    }
    began->reset();
    if (on_commit_) {
        try {
            on_commit_();
        } catch (std::exception const&) {
        }
    }
    for (std::size_t i = 0; i < batch.size(); ++i)
        complete(batch[i], std::move(outcomes[i]));
}

} // namespace ssogate::gateway
