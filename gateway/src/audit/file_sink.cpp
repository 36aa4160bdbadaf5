// The JSON-lines audit file sink (audit_file_sink.hpp).
#include <ssogate/gateway/audit_file_sink.hpp>
#include <ssogate/gateway/startup_error.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace ssogate::gateway {

namespace {

namespace net = boost::asio;

/// A line longer than this at the end of the file is not an event we wrote.
constexpr std::size_t max_scanned_line = 16u << 20;

/// What the end of an existing audit file holds.
struct file_end {
    std::optional<std::int64_t> last_seq; ///< seq of the last complete line
    std::uintmax_t size = 0;              ///< bytes in the file
    std::uintmax_t complete_size = 0;     ///< bytes up to and including the last '\n'
};

[[noreturn]] void fail(std::filesystem::path const& file, std::string const& what)
{
    throw startup_error(exit_failure, "audit.file " + file.string() + ": " + what);
}

file_end scan_file_end(std::filesystem::path const& file)
{
    file_end out;
    std::error_code ec;
    if (!std::filesystem::exists(file, ec))
        return out;
    std::ifstream in(file, std::ios::binary);
    if (!in)
        fail(file, std::string("cannot read: ") + std::strerror(errno));
    in.seekg(0, std::ios::end);
    auto const end = static_cast<std::int64_t>(in.tellg());
    if (end <= 0)
        return out;
    out.size = static_cast<std::uintmax_t>(end);

    // Read backwards until the tail holds the last complete line and the newline before it.
    std::string tail;
    std::int64_t pos = end;
    std::size_t last_nl = std::string::npos;
    std::size_t line_start = std::string::npos;
    while (pos > 0) {
        auto const n = std::min<std::int64_t>(pos, 64 * 1024);
        pos -= n;
        std::string chunk(static_cast<std::size_t>(n), '\0');
        in.seekg(pos);
        if (!in.read(chunk.data(), n))
            fail(file, "cannot read its end");
        tail.insert(0, chunk);
        last_nl = tail.rfind('\n');
        if (last_nl != std::string::npos && last_nl > 0) {
            auto const prev = tail.rfind('\n', last_nl - 1);
            if (prev != std::string::npos) {
                line_start = prev + 1;
                break;
            }
        }
        if (tail.size() > max_scanned_line)
            fail(file, "its last line is longer than 16 MiB; it is not an audit file written by ssogate");
    }
    if (last_nl == std::string::npos)
        return out; // only a torn line
    if (line_start == std::string::npos)
        line_start = 0; // the tail reaches the start of the file
    out.complete_size = static_cast<std::uintmax_t>(pos) + last_nl + 1;
    std::string_view const line(tail.data() + line_start, last_nl - line_start);
    boost::system::error_code jec;
    auto const v = boost::json::parse(line, jec);
    auto const* obj = jec ? nullptr : v.if_object();
    auto const* seq = obj ? obj->if_contains("seq") : nullptr;
    if (!seq || !seq->is_int64() || seq->as_int64() < 1)
        fail(file, "its last line is not an audit event with a seq; move the file away or fix it");
    out.last_seq = seq->as_int64();
    return out;
}

/// SIGHUP → a callback, on a thread of its own (Asio signal_set: other signal_sets on
/// the same signal, e.g. the config reload's, receive it too).
class sighup_listener {
public:
    explicit sighup_listener(std::function<void()> on_hup) : on_hup_(std::move(on_hup))
    {
        arm();
        thread_ = std::thread([this] { io_.run(); });
    }
    ~sighup_listener()
    {
        boost::system::error_code ec;
        signals_.cancel(ec);
        io_.stop();
        thread_.join();
    }
    sighup_listener(sighup_listener const&) = delete;
    sighup_listener& operator=(sighup_listener const&) = delete;

private:
    void arm()
    {
        signals_.async_wait([this](boost::system::error_code const& ec, int) {
            if (ec)
                return;
            on_hup_();
            arm();
        });
    }

    std::function<void()> on_hup_;
    net::io_context io_{1};
    net::signal_set signals_{io_, SIGHUP};
    std::thread thread_;
};

} // namespace

std::optional<std::int64_t> last_seq_in_audit_file(std::filesystem::path const& file)
{
    return scan_file_end(file).last_seq;
}

struct audit_file_sink::impl : std::enable_shared_from_this<impl> {
    impl(store::store& db_, std::filesystem::path file_, logger const& log_, audit_notifier& notifier_,
         audit_file_sink_options options_)
        : db(db_), file(std::move(file_)), log(log_), notifier(notifier_), options(options_)
    {
    }
    ~impl()
    {
        if (fd >= 0)
            ::close(fd);
    }

    enum class drained { idle, more, failed };

    /// Opens the path for appending; false (logged) on failure.
    bool open_file()
    {
        int const f = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
        if (f < 0) {
            failure("cannot open the audit file", std::strerror(errno));
            return false;
        }
        fd = f;
        return true;
    }

    void do_reopen()
    {
        if (fd >= 0)
            ::close(fd);
        fd = -1;
        if (open_file())
            log.info("audit file reopened", {{"file", file.string()}});
        {
            std::lock_guard l(mutex);
            reopens.fetch_add(1);
        }
        written_cv.notify_all();
    }

    /// Writes `data`; the part not written stays in pending_ (retried before anything else).
    bool write_all(std::string_view data)
    {
        if (fd < 0 && !open_file()) {
            pending.assign(data);
            return false;
        }
        while (!data.empty()) {
            auto const n = ::write(fd, data.data(), data.size());
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                failure("cannot write the audit file", std::strerror(errno));
                pending.assign(data);
                return false;
            }
            data.remove_prefix(static_cast<std::size_t>(n));
        }
        pending.clear();
        return true;
    }

    void failure(char const* what, char const* detail)
    {
        if (!failing)
            log.error(what, {{"file", file.string()}, {"error", detail}});
        failing = true;
    }

    void set_written(std::int64_t seq)
    {
        {
            std::lock_guard l(mutex);
            written.store(seq);
        }
        written_cv.notify_all();
        if (failing)
            log.info("audit file: writing again", {{"file", file.string()}, {"seq", std::to_string(seq)}});
        failing = false;
    }

    drained drain()
    {
        if (!pending.empty()) {
            std::string const rest = std::move(pending);
            pending.clear();
            if (!write_all(rest))
                return drained::failed;
            set_written(pending_seq);
        }
        std::vector<store::chained_audit_event> page;
        {
            auto began = db.begin(store::access::read);
            if (!began) {
                failure("audit file: cannot read the store", began.error().message().c_str());
                return drained::failed;
            }
            auto events = (*began)->audit().after(written.load(), options.batch);
            if (!events) {
                failure("audit file: cannot read the audit log", events.error().message().c_str());
                return drained::failed;
            }
            page = std::move(*events);
        }
        if (page.empty())
            return drained::idle;
        std::string buf;
        for (auto const& e : page) {
            buf += boost::json::serialize(audit_event_to_json(e));
            buf += '\n';
        }
        if (!write_all(buf)) {
            pending_seq = page.back().seq;
            return drained::failed;
        }
        set_written(page.back().seq);
        return page.size() == options.batch ? drained::more : drained::idle;
    }

    void wake()
    {
        {
            std::lock_guard l(mutex);
            woken = true;
        }
        cv.notify_all();
    }

    void run()
    {
        for (;;) {
            bool stop = false;
            bool reopen_now = false;
            {
                std::lock_guard l(mutex);
                stop = stopping;
                reopen_now = std::exchange(reopen_requested, false);
                woken = false;
            }
            if (reopen_now)
                do_reopen();
            auto const seen = notifier.generation();
            auto const state = drain();
            if (state == drained::more)
                continue; // write everything committed, also when stopping
            if (stop)
                return;
            auto const deadline = audit_notifier::clock::now() + options.poll;
            std::weak_ptr<impl> weak = shared_from_this();
            notifier.wait(
                seen,
                [weak] {
                    if (auto self = weak.lock())
                        self->wake();
                },
                deadline);
            std::unique_lock l(mutex);
            cv.wait_until(l, deadline, [this] { return woken || stopping || reopen_requested; });
        }
    }

    store::store& db;
    std::filesystem::path file;
    logger const& log;
    audit_notifier& notifier;
    audit_file_sink_options options;

    // Writer thread only.
    int fd = -1;
    std::string pending;
    std::int64_t pending_seq = 0;
    bool failing = false;

    mutable std::mutex mutex;
    std::condition_variable cv;
    mutable std::condition_variable written_cv;
    bool stopping = false;
    bool reopen_requested = false;
    bool woken = false;
    std::atomic<std::int64_t> written{0};
    std::atomic<std::uint64_t> reopens{0};

    std::thread worker;
    std::unique_ptr<sighup_listener> hup;
};

audit_file_sink::audit_file_sink(store::store& db, std::filesystem::path file, logger const& log,
                                 audit_notifier& notifier, audit_file_sink_options options)
    : impl_(std::make_shared<impl>(db, std::move(file), log, notifier, options))
{
    auto const& path = impl_->file;
    auto const end = scan_file_end(path);
    if (end.complete_size < end.size) {
        // A crash in the middle of a write: the torn line's event is written again whole.
        if (::truncate(path.c_str(), static_cast<off_t>(end.complete_size)) != 0)
            fail(path, std::string("cannot cut off its torn last line: ") + std::strerror(errno));
        log.warn("audit file: cut off a torn last line", {{"file", path.string()}});
    }
    std::int64_t store_last = 0;
    {
        auto began = db.begin(store::access::read);
        if (!began)
            fail(path, "cannot read the store: " + began.error().message());
        auto last = (*began)->audit().last_seq();
        if (!last)
            fail(path, "cannot read the audit log: " + last.error().message());
        store_last = *last;
    }
    if (end.last_seq && *end.last_seq > store_last)
        fail(path, "it ends at seq " + std::to_string(*end.last_seq) + " but the store's last seq is " +
                       std::to_string(store_last) + "; it belongs to another store (move it away)");
    impl_->written.store(end.last_seq.value_or(store_last));
    if (!impl_->open_file())
        fail(path, std::string("cannot open for appending: ") + std::strerror(errno));
    impl_->worker = std::thread([self = impl_] { self->run(); });
}

audit_file_sink::~audit_file_sink()
{
    impl_->hup.reset();
    {
        std::lock_guard l(impl_->mutex);
        impl_->stopping = true;
    }
    impl_->cv.notify_all();
    if (impl_->worker.joinable())
        impl_->worker.join();
}

void audit_file_sink::reopen() noexcept
{
    {
        std::lock_guard l(impl_->mutex);
        impl_->reopen_requested = true;
    }
    impl_->cv.notify_all();
}

void audit_file_sink::reopen_on_sighup()
{
    if (!impl_->hup)
        impl_->hup = std::make_unique<sighup_listener>([weak = std::weak_ptr<impl>(impl_)] {
            if (auto self = weak.lock()) {
                {
                    std::lock_guard l(self->mutex);
                    self->reopen_requested = true;
                }
                self->cv.notify_all();
            }
        });
}

std::int64_t audit_file_sink::written_seq() const noexcept
{
    return impl_->written.load();
}

bool audit_file_sink::wait_written(std::int64_t seq, std::chrono::milliseconds timeout) const
{
    std::unique_lock l(impl_->mutex);
    return impl_->written_cv.wait_for(l, timeout, [&] { return impl_->written.load() >= seq; });
}

std::uint64_t audit_file_sink::reopen_count() const noexcept
{
    return impl_->reopens.load();
}

bool audit_file_sink::wait_reopened(std::uint64_t count, std::chrono::milliseconds timeout) const
{
    std::unique_lock l(impl_->mutex);
    return impl_->written_cv.wait_for(l, timeout, [&] { return impl_->reopens.load() >= count; });
}

std::filesystem::path const& audit_file_sink::path() const noexcept
{
    return impl_->file;
}

} // namespace ssogate::gateway
