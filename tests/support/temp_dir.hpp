#pragma once
// A fresh directory under the system temp dir, removed with its contents on
// destruction. Tests use one per test case so that runs never share state.
#include <filesystem>

namespace ssogate::test {

class temp_dir {
public:
    temp_dir();
    ~temp_dir();
    temp_dir(temp_dir const&) = delete;
    temp_dir& operator=(temp_dir const&) = delete;

    std::filesystem::path const& path() const noexcept { return path_; }
    std::filesystem::path operator/(std::filesystem::path const& leaf) const { return path_ / leaf; }

private:
    std::filesystem::path path_;
};

/// Absolute path of a fixture under tests/data/.
std::filesystem::path data_path(std::filesystem::path const& relative);

/// Whole contents of a file; throws (failing the test) when it cannot be read.
std::string read_file(std::filesystem::path const& path);

} // namespace ssogate::test
