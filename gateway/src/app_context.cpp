#include <ssogate/gateway/app_context.hpp>

#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>

namespace ssogate::gateway {

clock_fn system_clock()
{
    return [] { return std::chrono::system_clock::now(); };
}

clock_fn fixed_clock(std::chrono::system_clock::time_point t)
{
    return [t] { return t; };
}

random_fn system_random()
{
    return [](std::span<std::byte> out) {
        if (out.empty())
            return;
        if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size())) != 1) {
            // Fail closed: a secret from a broken CSPRNG is worse than no process.
            std::fputs("ssogate: fatal: RAND_bytes failed\n", stderr);
            std::abort();
        }
    };
}

} // namespace ssogate::gateway
