#pragma once
// Runs the built `ssogate` binary for CLI tests: to completion, or in the background
// with its stdout readable line by line. Every wait has a timeout.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ssogate::test {

/// ${SSOGATE_BINARY_DIR}/ssogate
std::filesystem::path ssogate_binary();

struct process_result {
    int exit_code = -1; ///< -1 when killed by a signal or timed out
    std::string out;
    std::string err;
};

/// Runs `ssogate args...` in `cwd` to completion (killed after `timeout`).
process_result run_ssogate(std::vector<std::string> const& args, std::filesystem::path const& cwd,
                           std::chrono::milliseconds timeout = std::chrono::milliseconds(20000));

/// A background `ssogate` process; killed (SIGKILL) on destruction if still running.
class background_process {
public:
    background_process(std::vector<std::string> const& args, std::filesystem::path const& cwd);
    ~background_process();
    background_process(background_process const&) = delete;
    background_process& operator=(background_process const&) = delete;

    /// Reads stdout until a line contains `needle`; returns that line, or nullopt when
    /// the process ends or `timeout` passes first.
    std::optional<std::string> wait_for_line(std::string const& needle, std::chrono::milliseconds timeout);
    /// Sends `signo` and waits for the exit; returns the exit code (-1 if killed or timeout).
    int signal_and_wait(int signo, std::chrono::milliseconds timeout);
    /// Everything read from stdout so far, and all of stderr once the process ended.
    std::string const& out() const noexcept { return out_; }
    std::string const& err() const noexcept { return err_; }

private:
    pid_t pid_ = -1;
    int out_fd_ = -1;
    int err_fd_ = -1;
    std::string out_;
    std::string err_;
    std::size_t scanned_ = 0;
};

} // namespace ssogate::test
