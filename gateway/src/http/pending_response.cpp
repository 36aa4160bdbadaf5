// pending_response (http.hpp): a response completed later, from another thread.
#include <ssogate/gateway/http.hpp>

namespace ssogate::gateway {

void pending_response::complete(finisher f)
{
    callback cb;
    {
        std::lock_guard lock(mutex_);
        if (!callback_) {
            finisher_ = std::move(f);
            done_.notify_all();
            return;
        }
        cb = std::move(callback_);
    }
    cb(std::move(f));
}

void pending_response::on_complete(callback cb)
{
    std::unique_lock lock(mutex_);
    if (!finisher_) {
        callback_ = std::move(cb);
        return;
    }
    auto f = std::move(finisher_);
    finisher_ = nullptr;
    lock.unlock();
    cb(std::move(f));
}

http_response pending_response::wait()
{
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return static_cast<bool>(finisher_); });
    auto f = std::move(finisher_);
    finisher_ = nullptr;
    lock.unlock();
    return f();
}

} // namespace ssogate::gateway
