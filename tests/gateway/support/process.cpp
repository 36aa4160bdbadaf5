#include "support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <thread>

namespace ssogate::test {

namespace {

using clock = std::chrono::steady_clock;

pid_t spawn(std::vector<std::string> const& args, std::filesystem::path const& cwd, int& out_fd, int& err_fd)
{
    int out_pipe[2];
    int err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
    auto const bin = ssogate_binary().string();
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(bin.c_str()));
    for (auto const& a : args)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::dup2(out_pipe[1], 1);
        ::dup2(err_pipe[1], 2);
        if (::chdir(cwd.c_str()) != 0)
            ::_exit(126);
        ::execv(bin.c_str(), argv.data());
        ::_exit(127);
    }
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    out_fd = out_pipe[0];
    err_fd = err_pipe[0];
    ::fcntl(out_fd, F_SETFL, O_NONBLOCK);
    ::fcntl(err_fd, F_SETFL, O_NONBLOCK);
    return pid;
}

/// Reads what is available from `fd` into `into`; false at EOF.
bool drain(int& fd, std::string& into)
{
    if (fd < 0)
        return false;
    char buf[4096];
    for (;;) {
        auto n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            into.append(buf, static_cast<std::size_t>(n));
            continue;
        }
        if (n == 0) {
            ::close(fd);
            fd = -1;
            return false;
        }
        return errno == EAGAIN || errno == EINTR;
    }
}

/// Polls both pipes for up to `ms`.
void pump(int& out_fd, int& err_fd, std::string& out, std::string& err, int ms)
{
    pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    ::poll(fds, 2, ms);
    drain(out_fd, out);
    drain(err_fd, err);
}

int exit_code_of(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

} // namespace

std::filesystem::path ssogate_binary() { return std::filesystem::path(SSOGATE_BINARY_DIR) / "ssogate"; }

process_result run_ssogate(std::vector<std::string> const& args, std::filesystem::path const& cwd,
                           std::chrono::milliseconds timeout)
{
    process_result r;
    int out_fd = -1;
    int err_fd = -1;
    pid_t pid = spawn(args, cwd, out_fd, err_fd);
    auto const deadline = clock::now() + timeout;
    while ((out_fd >= 0 || err_fd >= 0) && clock::now() < deadline)
        pump(out_fd, err_fd, r.out, r.err, 50);
    if (out_fd >= 0 || err_fd >= 0) {
        ::kill(pid, SIGKILL);
        if (out_fd >= 0)
            ::close(out_fd);
        if (err_fd >= 0)
            ::close(err_fd);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.exit_code = exit_code_of(status);
    return r;
}

background_process::background_process(std::vector<std::string> const& args, std::filesystem::path const& cwd)
{
    pid_ = spawn(args, cwd, out_fd_, err_fd_);
}

background_process::~background_process()
{
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    if (out_fd_ >= 0)
        ::close(out_fd_);
    if (err_fd_ >= 0)
        ::close(err_fd_);
}

std::optional<std::string> background_process::wait_for_line(std::string const& needle, std::chrono::milliseconds timeout)
{
    auto const deadline = clock::now() + timeout;
    for (;;) {
        // Look for a complete line holding the needle.
        for (;;) {
            auto nl = out_.find('\n', scanned_);
            if (nl == std::string::npos)
                break;
            auto line = out_.substr(scanned_, nl - scanned_);
            scanned_ = nl + 1;
            if (line.find(needle) != std::string::npos)
                return line;
        }
        if (clock::now() >= deadline || (out_fd_ < 0 && err_fd_ < 0))
            return std::nullopt;
        pump(out_fd_, err_fd_, out_, err_, 50);
        if (out_fd_ < 0 && out_.find('\n', scanned_) == std::string::npos)
            return std::nullopt;
    }
}

int background_process::signal_and_wait(int signo, std::chrono::milliseconds timeout)
{
    if (pid_ <= 0)
        return -1;
    ::kill(pid_, signo);
    auto const deadline = clock::now() + timeout;
    while ((out_fd_ >= 0 || err_fd_ >= 0) && clock::now() < deadline)
        pump(out_fd_, err_fd_, out_, err_, 50);
    int status = 0;
    for (;;) {
        pid_t r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            pid_ = -1;
            return exit_code_of(status);
        }
        if (clock::now() >= deadline)
            return -1;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

} // namespace ssogate::test
