#pragma once
// Group commit for the sign-in write path (issue 8): one writer thread takes the write
// jobs queued by request handlers, runs many of them in one store write transaction —
// each inside its own savepoint — commits once, and only then completes each job.
//
// Why: with `synchronous = FULL` every commit is an fsync of the WAL, and SQLite admits
// one writer at a time. One transaction per sign-in made the fsync, and the writers'
// busy-handler sleeps, the bound of the ACS rate. A batch pays one fsync for all its
// sign-ins; durability is unchanged, because no job is reported done before the commit
// that contains it has returned.
//
// A job is a function of the open transaction. It must re-read inside it whatever it
// depends on (a JIT plan is computed against the rows as they are now, not as a request
// read them before queueing), must not call commit(), and must be short and
// non-blocking apart from the store: it runs on the writer thread while other jobs wait.
// A job that returns an error is rolled back to its savepoint and receives that error;
// the other jobs of the batch are unaffected. When the batch cannot commit (or a
// savepoint command fails, leaving the transaction in an unknown state), every job of
// the batch receives the error and nothing of the batch is written.
//
// Ownership and thread-safety: submit() may be called from any thread. Completions run
// on the writer thread, after the commit, in submission order; they must be short (post
// the rest to the request's own executor). The destructor (or stop()) stops accepting
// jobs, runs and commits every job already queued, and joins the writer; a job submitted
// after that is completed at once with store::errc::unavailable. The store must outlive
// the batcher.
#include <ssogate/store/store.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace ssogate::gateway {

/// The bounds of a batch. Defaults suit the ACS on a small machine; nothing in the
/// config file sets them (there is no knob an operator should need).
struct write_batcher_options {
    /// Most jobs in one transaction. A batch this size holds the store's write lock for
    /// roughly max_batch × (one job's statements) before its fsync; 64 sign-ins are a
    /// few milliseconds of SQLite work.
    std::size_t max_batch = 64;
    /// How long the writer waits, once a job is queued, for more jobs to join the batch
    /// before it begins the transaction. Zero (the default) takes whatever is queued:
    /// the batch grows by itself while the previous one is committing (its fsync), so
    /// a lone sign-in never waits for company and a burst still shares commits.
    std::chrono::microseconds max_wait{0};
};

/// The group-commit writer (see the file comment).
class write_batcher {
public:
    /// The work of one job inside the batch's write transaction. An error rolls back the
    /// job's own savepoint and is passed to its completion.
    using job_fn = std::function<store::result<void>(store::transaction&)>;
    /// Called once per job, on the writer thread, after the batch's commit returned:
    /// success means the job's writes are durable.
    using completion_fn = std::function<void(store::result<void>)>;

    /// Starts the writer thread. `on_commit`, when set, is called on the writer thread
    /// once per committed batch, before the batch's completions (the ACS wakes the audit
    /// notifier's tailers with it).
    write_batcher(store::store& store, write_batcher_options options, std::function<void()> on_commit = {});
    /// stop().
    ~write_batcher();

    write_batcher(write_batcher const&) = delete;
    write_batcher& operator=(write_batcher const&) = delete;

    /// Queues a job. `done` is always called exactly once: after the commit, or at once
    /// (store::errc::unavailable) when the batcher has stopped.
    void submit(job_fn job, completion_fn done);

    /// Stops accepting jobs, runs and commits the queued ones, joins the writer thread.
    /// Idempotent; must not be called from a job or a completion.
    void stop();

    /// Counters, for tests and the benchmark's description of what happened.
    struct counters {
        std::uint64_t batches = 0;   ///< transactions the writer began
        std::uint64_t jobs = 0;      ///< jobs run (including failed ones)
        std::uint64_t largest = 0;   ///< most jobs in one batch
    };
    [[nodiscard]] counters stats() const;

private:
    struct queued_job {
        job_fn job;
        completion_fn done;
    };

    void run();
    void run_batch(std::deque<queued_job>& batch);

    store::store& store_;
    write_batcher_options const options_;
    std::function<void()> const on_commit_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<queued_job> queue_;
    bool stopping_ = false;
    counters counters_;
    std::mutex join_mutex_; // stop() from several threads joins once
    std::thread writer_; // last: starts after everything above is built
};

} // namespace ssogate::gateway
