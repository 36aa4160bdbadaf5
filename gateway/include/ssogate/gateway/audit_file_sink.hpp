#pragma once
// The optional JSON-lines file sink of the audit log (`[audit] file = "…"`, issue 6,
// DESIGN.md "Audit log"): every committed event, appended to a file as one line of
// the same JSON as GET /admin/v1/audit, in seq order, for SIEM collectors.
//
// The store is the truth and the sink is a reader of it: one writer thread reads the
// events after the last seq it wrote (store::audit_log::after) and appends them. It
// is woken by the audit notifier after commits in this process and polls the store
// for events that other processes (the CLI) committed. A sign-in never waits for it:
// the request path only calls audit_notifier::notify(), which takes a mutex and does
// no I/O. Because the cursor is a seq, nothing is lost if the process dies between a
// commit and the write: on start the sink resumes after the last seq in the file.
//
// Rotation: reopen() (on SIGHUP with reopen_on_sighup()) closes the file and opens
// the path again, creating it — logrotate's `create` style: rename the file, send
// SIGHUP, and the next events go to the new file, none lost or written twice.
// `copytruncate` works as well (the file is opened O_APPEND).
#include <ssogate/gateway/audit.hpp>
#include <ssogate/gateway/logger.hpp>
#include <ssogate/store/store.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>

namespace ssogate::gateway {

struct audit_file_sink_options {
    /// Read the store at least this often without a notify() (events committed by
    /// another process); also the retry interval after a write error.
    std::chrono::milliseconds poll{1'000};
    /// Events read and written per batch at most.
    std::size_t batch = 500;
};

/// Appends committed audit events to a JSON-lines file from its own thread.
///
/// Starting point: after the seq of the file's last line when the file has events;
/// after the store's last seq when the file is missing or empty (the sink writes what
/// is committed from now on; to start a file with the whole history, run
/// `ssogate audit tail --json > FILE` first). A torn last line (a crash in the middle
/// of a write) is cut off and its event written again whole.
///
/// Thread-safety: reopen(), written_seq() and wait_written() may be called from any
/// thread. `db`, `log` and `notifier` must outlive the sink. The destructor writes
/// what is committed by then (best effort), then stops the thread.
class audit_file_sink {
public:
    /// Opens (creating, mode 0640) `file` for appending and starts the writer thread.
    /// @throws startup_error (exit 1) when the file cannot be opened or read, when its
    ///   last line is not an audit event, or when it ends at a seq the store does not
    ///   have (the file belongs to another store).
    audit_file_sink(store::store& db, std::filesystem::path file, logger const& log,
                    audit_notifier& notifier = process_audit_notifier(), audit_file_sink_options options = {});
    ~audit_file_sink();
    audit_file_sink(audit_file_sink const&) = delete;
    audit_file_sink& operator=(audit_file_sink const&) = delete;

    /// Asks the writer thread to close the file and open the path again before its
    /// next write. Returns at once.
    void reopen() noexcept;

    /// Calls reopen() on every SIGHUP from now until destruction, through an Asio
    /// signal_set on its own thread (other signal_sets on SIGHUP keep working).
    void reopen_on_sighup();

    /// The seq of the last event written to the file (the cursor).
    [[nodiscard]] std::int64_t written_seq() const noexcept;

    /// Waits until written_seq() >= seq; false at the timeout.
    [[nodiscard]] bool wait_written(std::int64_t seq, std::chrono::milliseconds timeout) const;

    /// Number of reopen() requests the writer thread has carried out.
    [[nodiscard]] std::uint64_t reopen_count() const noexcept;

    /// Waits until reopen_count() >= count; false at the timeout.
    [[nodiscard]] bool wait_reopened(std::uint64_t count, std::chrono::milliseconds timeout) const;

    [[nodiscard]] std::filesystem::path const& path() const noexcept;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

/// The seq of the last event in a JSON-lines audit file; nullopt for a missing or
/// empty file. A last line without its newline is ignored (see audit_file_sink).
/// @throws startup_error when the file cannot be read or its last complete line is
///   not an event with a seq.
[[nodiscard]] std::optional<std::int64_t> last_seq_in_audit_file(std::filesystem::path const& file);

} // namespace ssogate::gateway
