// Audit event JSON, event ids and the in-process tail notifier (audit.hpp).
#include <ssogate/gateway/audit.hpp>

#include <boost/json.hpp>

#include <array>
#include <atomic>
#include <cstdio>
#include <ctime>

namespace ssogate::gateway {

std::string format_audit_time(std::chrono::system_clock::time_point t)
{
    auto const us = std::chrono::floor<std::chrono::microseconds>(t.time_since_epoch());
    auto const secs = std::chrono::floor<std::chrono::seconds>(us);
    auto const frac = (us - secs).count();
    std::time_t const tt = static_cast<std::time_t>(secs.count());
    std::tm tm{};
    gmtime_r(&tt, &tm);
    std::array<char, 96> buf{};
    std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(frac));
    return buf.data();
}

namespace {

boost::json::value text_or_null(std::string const& s)
{
    if (s.empty())
        return nullptr;
    return boost::json::string(s);
}

} // namespace

boost::json::object audit_event_to_json(store::chained_audit_event const& e)
{
    auto const& ev = e.event;
    boost::json::object o;
    o["seq"] = e.seq;
    o["id"] = ev.id;
    o["time"] = format_audit_time(ev.time);
    o["action"] = ev.action;
    o["actor"] = boost::json::object{{"type", text_or_null(ev.actor_type)}, {"id", text_or_null(ev.actor_id)}};
    o["target"] = text_or_null(ev.target);
    o["connection"] = text_or_null(ev.connection_id);
    o["source"] = boost::json::object{{"ip", text_or_null(ev.source_ip)}, {"user_agent", text_or_null(ev.user_agent)}};
    o["result"] =
        boost::json::object{{"status", text_or_null(ev.result_status)}, {"reason", text_or_null(ev.result_reason)}};
    boost::json::value changes = nullptr;
    if (!ev.changes_json.empty()) {
        boost::system::error_code ec;
        changes = boost::json::parse(ev.changes_json, ec);
        if (ec) // the store only accepts JSON; keep the text rather than lose it
            changes = boost::json::string(ev.changes_json);
    }
    o["changes"] = std::move(changes);
    o["trace_id"] = text_or_null(ev.trace_id);
    o["prev_hash"] = e.prev_hash;
    o["hash"] = e.hash;
    return o;
}

store::audit_event session_ended_event(store::session_record const& session, std::string_view reason,
                                       audit_origin const& origin, std::string id,
                                       std::chrono::system_clock::time_point now)
{
    store::audit_event ev;
    ev.id = std::move(id);
    ev.time = now;
    ev.action = "session.ended";
    ev.actor_type = origin.actor_type;
    ev.actor_id = origin.actor_id;
    ev.target = session.user_id;
    ev.connection_id = session.connection_id;
    ev.source_ip = origin.source_ip;
    ev.user_agent = origin.user_agent;
    ev.result_status = "success";
    ev.result_reason = std::string(reason);
    ev.changes_json = boost::json::serialize(boost::json::object{
        {"session", session.id_hash},
        {"created_at", format_audit_time(session.created_at)},
        {"expires_at", format_audit_time(session.expires_at)},
        {"last_seen_at", format_audit_time(session.last_seen_at)},
    });
    ev.trace_id = origin.trace_id;
    return ev;
}

std::string new_audit_event_id(random_fn const& random)
{
    static std::atomic<std::uint64_t> counter{0};
    std::array<std::byte, 16> b{};
    random(b);
    auto n = counter.fetch_add(1, std::memory_order_relaxed);
    for (int i = 0; i < 8; ++i)
        b[static_cast<std::size_t>(15 - i)] ^= static_cast<std::byte>((n >> (8 * i)) & 0xff);
    b[6] = (b[6] & std::byte{0x0f}) | std::byte{0x40}; // version 4
    b[8] = (b[8] & std::byte{0x3f}) | std::byte{0x80}; // RFC 4122 variant
    static constexpr char hex[] = "0123456789abcdef";
    std::string s;
    s.reserve(36);
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            s += '-';
        auto const v = std::to_integer<unsigned>(b[i]);
        s += hex[v >> 4];
        s += hex[v & 0xf];
    }
    return s;
}

audit_notifier::~audit_notifier()
{
    {
        std::lock_guard l(mutex_);
        stopping_ = true;
        waiters_.clear();
    }
    cv_.notify_all();
    if (worker_.joinable())
        worker_.join();
}

void audit_notifier::notify() noexcept
{
    {
        std::lock_guard l(mutex_);
        ++generation_;
    }
    cv_.notify_all();
}

std::uint64_t audit_notifier::generation() const noexcept
{
    std::lock_guard l(mutex_);
    return generation_;
}

void audit_notifier::wait(std::uint64_t seen, std::function<void()> wake, clock::time_point deadline)
{
    {
        std::lock_guard l(mutex_);
        if (stopping_)
            return;
        waiters_.push_back({seen, std::move(wake), deadline});
        if (!worker_.joinable())
            worker_ = std::thread([this] { run(); });
    }
    cv_.notify_all();
}

void audit_notifier::run()
{
    std::unique_lock l(mutex_);
    while (!stopping_) {
        auto const now = clock::now();
        std::vector<std::function<void()>> due;
        auto next = clock::time_point::max();
        for (auto it = waiters_.begin(); it != waiters_.end();) {
            if (it->seen != generation_ || it->deadline <= now) {
                due.push_back(std::move(it->wake));
                it = waiters_.erase(it);
            } else {
                next = std::min(next, it->deadline);
                ++it;
            }
        }
        if (!due.empty()) {
            l.unlock();
            for (auto& w : due)
                w();
            l.lock();
            continue;
        }
        auto const gen = generation_;
        auto const changed = [&] {
            if (stopping_ || generation_ != gen)
                return true;
            // a waiter registered meanwhile may be due earlier or already stale
            for (auto const& w : waiters_)
                if (w.seen != generation_ || w.deadline < next)
                    return true;
            return false;
        };
        if (next == clock::time_point::max())
            cv_.wait(l, changed);
        else
            cv_.wait_until(l, next, changed);
    }
}

audit_notifier& process_audit_notifier()
{
    static audit_notifier n;
    return n;
}

} // namespace ssogate::gateway
