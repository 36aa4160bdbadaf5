// The Server-Sent Events body of GET /admin/v1/audit/stream (admin.hpp).
//
// Pull-driven: the server asks for the next chunk when the previous one was written;
// the stream then reads the store after its cursor. With nothing new it parks the
// pull on the notifier until a commit, the poll interval or the heartbeat. No event
// is queued per client: the store is the buffer, the cursor is the only state.
#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/logger.hpp>

#include <boost/json.hpp>

#include <mutex>

namespace ssogate::gateway {

namespace {

class audit_event_stream : public body_stream, public std::enable_shared_from_this<audit_event_stream> {
public:
    audit_event_stream(app_context const& ctx, audit_notifier& notifier, std::int64_t after,
                       store::audit_filter filter, audit_stream_options options)
        : ctx_(ctx), notifier_(notifier), cursor_(after), filter_(std::move(filter)), options_(options),
          last_output_(audit_notifier::clock::now())
    {
    }

    void pull(deliver_fn deliver) override
    {
        {
            std::lock_guard l(mutex_);
            if (!cancelled_) {
                pending_ = std::move(deliver);
                deliver = nullptr;
            }
        }
        if (deliver) {
            deliver(std::nullopt);
            return;
        }
        if (!started_) {
            started_ = true;
            hand_out("retry: 2000\n\n");
            return;
        }
        step();
    }

    void cancel() noexcept override
    {
        deliver_fn d;
        {
            std::lock_guard l(mutex_);
            cancelled_ = true;
            d = std::move(pending_);
            pending_ = nullptr;
        }
        if (d)
            d(std::nullopt);
    }

private:
    /// Reads what is new and hands it out, or parks until the next wake-up.
    void step()
    {
        auto const seen = notifier_.generation();
        std::string chunk;
        bool failed = false;
        {
            auto began = ctx_.store.begin(store::access::read);
            if (!began) {
                failed = true;
            } else {
                auto events = (*began)->audit().after(cursor_, options_.batch, filter_);
                if (!events) {
                    failed = true;
                } else {
                    for (auto const& e : *events) {
                        chunk += "id: " + std::to_string(e.seq) + "\ndata: ";
                        chunk += boost::json::serialize(audit_event_to_json(e));
                        chunk += "\n\n";
                    }
                    if (!events->empty())
                        cursor_ = events->back().seq;
                }
            }
        }
        if (failed) {
            // The client resumes from its Last-Event-ID once the store answers again.
            ctx_.log.warn("audit stream: store read failed; closing the stream");
            finish();
            return;
        }
        auto const now = audit_notifier::clock::now();
        if (!chunk.empty()) {
            hand_out(std::move(chunk));
            return;
        }
        if (now - last_output_ >= options_.heartbeat) {
            hand_out(": heartbeat\n\n");
            return;
        }
        auto const deadline = std::min(now + options_.poll, last_output_ + options_.heartbeat);
        std::weak_ptr<audit_event_stream> weak = shared_from_this();
        notifier_.wait(
            seen,
            [weak] {
                if (auto self = weak.lock())
                    self->resume();
            },
            deadline);
    }

    /// A wake-up from the notifier: go on if the pull is still pending.
    void resume()
    {
        {
            std::lock_guard l(mutex_);
            if (!pending_)
                return; // cancelled meanwhile
        }
        step();
    }

    void hand_out(std::string chunk)
    {
        deliver_fn d;
        {
            std::lock_guard l(mutex_);
            d = std::move(pending_);
            pending_ = nullptr;
        }
        last_output_ = audit_notifier::clock::now();
        if (d)
            d(std::move(chunk));
    }

    void finish()
    {
        deliver_fn d;
        {
            std::lock_guard l(mutex_);
            d = std::move(pending_);
            pending_ = nullptr;
        }
        if (d)
            d(std::nullopt);
    }

    app_context const& ctx_;
    audit_notifier& notifier_;
    // Touched only by the one step() in flight for the current pull.
    std::int64_t cursor_;
    store::audit_filter filter_;
    audit_stream_options options_;
    audit_notifier::clock::time_point last_output_;
    bool started_ = false;

    std::mutex mutex_;
    deliver_fn pending_;
    bool cancelled_ = false;
};

} // namespace

std::shared_ptr<body_stream> make_audit_stream(app_context const& ctx, audit_notifier& notifier, std::int64_t after,
                                               store::audit_filter filter, audit_stream_options options)
{
    return std::make_shared<audit_event_stream>(ctx, notifier, after, std::move(filter), options);
}

} // namespace ssogate::gateway
