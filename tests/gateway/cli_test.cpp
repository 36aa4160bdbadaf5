// Runs the built `ssogate` binary: exit codes, one-line errors, serve on port 0.
#include <ssogate/gateway/cli.hpp>

#include <catch2/catch.hpp>

#include "support/process.hpp"
#include "support/tls_client.hpp"
#include "temp_dir.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

using ssogate::test::run_ssogate;
using ssogate::test::temp_dir;
using namespace std::chrono_literals;

namespace {

void write(std::filesystem::path const& p, std::string const& text)
{
    std::ofstream(p) << text;
}

bool one_line(std::string const& s) { return !s.empty() && s.find('\n') == s.size() - 1; }

/// A TCP socket listening on 127.0.0.1 on a free port, closed on destruction.
struct occupied_port {
    occupied_port()
    {
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(::listen(fd, 1) == 0);
        socklen_t len = sizeof a;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        port = ntohs(a.sin_port);
    }
    ~occupied_port() { ::close(fd); }
    int fd = -1;
    std::uint16_t port = 0;
};

std::string serve_config(temp_dir const& dir, std::string const& listen)
{
    return "[server]\nlisten = \"" + listen + "\"\ndata_dir = \"" + (dir / "data").string() + "\"\n[store]\npath = \"" +
           (dir / "ssogate.db").string() + "\"\n";
}

} // namespace

TEST_CASE("ssogate --version prints the version and exits 0", "[gateway][cli]")
{
    temp_dir dir;
    auto r = run_ssogate({"--version"}, dir.path());
    CHECK(r.exit_code == 0);
    CHECK(r.out == "ssogate 0.1.0\n");
}

TEST_CASE("ssogate --help lists serve and exits 0", "[gateway][cli]")
{
    temp_dir dir;
    auto r = run_ssogate({"--help"}, dir.path());
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("serve") != std::string::npos);
    CHECK(r.out.find("--config") != std::string::npos);
}

TEST_CASE("ssogate exits 2 with one line for an unknown flag or no command", "[gateway][cli]")
{
    temp_dir dir;
    auto unknown = run_ssogate({"--bogus"}, dir.path());
    CHECK(unknown.exit_code == 2);
    CHECK(one_line(unknown.err));
    CHECK(unknown.err.find("--bogus") != std::string::npos);

    auto sub_unknown = run_ssogate({"serve", "--bogus"}, dir.path());
    CHECK(sub_unknown.exit_code == 2);

    auto none = run_ssogate({}, dir.path());
    CHECK(none.exit_code == 2);
    CHECK(one_line(none.err));
}

TEST_CASE("ssogate --config with a missing file exits 2 naming the file, before or after serve", "[gateway][cli]")
{
    temp_dir dir;
    for (auto args : {std::vector<std::string>{"--config", "missing.toml", "serve"},
                      std::vector<std::string>{"serve", "--config", "missing.toml"}}) {
        auto r = run_ssogate(args, dir.path());
        CHECK(r.exit_code == 2);
        CHECK(one_line(r.err));
        CHECK(r.err.find("missing.toml") != std::string::npos);
    }
    CHECK_FALSE(std::filesystem::exists(dir / "ssogate.db"));
}

TEST_CASE("ssogate serve exits 2 on malformed TOML with one line", "[gateway][cli]")
{
    temp_dir dir;
    write(dir / "bad.toml", "[server\nlisten = 1\n");
    auto r = run_ssogate({"serve", "--config", "bad.toml"}, dir.path());
    CHECK(r.exit_code == 2);
    CHECK(one_line(r.err));
    CHECK(r.err.find("bad.toml") != std::string::npos);
}

TEST_CASE("ssogate serve exits 1 naming the address when the port is in use", "[gateway][cli]")
{
    temp_dir dir;
    occupied_port busy;
    auto const listen = "127.0.0.1:" + std::to_string(busy.port);
    write(dir / "ssogate.toml", serve_config(dir, listen));
    auto r = run_ssogate({"serve"}, dir.path());
    CHECK(r.exit_code == 1);
    auto last_line = r.err.substr(r.err.rfind('\n', r.err.size() - 2) + 1);
    CHECK(last_line.rfind("ssogate: cannot listen on " + listen + ": ", 0) == 0);
    CHECK(last_line.find("in use") != std::string::npos);
}

TEST_CASE("ssogate serve exits 1 with one line when the store path is not writable", "[gateway][cli]")
{
    temp_dir dir;
    write(dir / "not-a-dir", "");
    write(dir / "ssogate.toml", "[server]\nlisten = \"127.0.0.1:0\"\ndata_dir = \"" + (dir / "data").string() +
                                    "\"\n[store]\npath = \"" + (dir / "not-a-dir" / "x.db").string() + "\"\n");
    auto r = run_ssogate({"serve"}, dir.path());
    CHECK(r.exit_code == 1);
    CHECK(one_line(r.err));
    CHECK(r.err.find("not-a-dir") != std::string::npos);
}

TEST_CASE("ssogate serve exits 1 with one line when the TLS key cannot be read", "[gateway][cli]")
{
    temp_dir dir;
    write(dir / "cert.pem", "");
    write(dir / "ssogate.toml", serve_config(dir, "127.0.0.1:0") + "");
    // tls_* belong to [server]: rewrite the file with them there.
    write(dir / "ssogate.toml", "[server]\nlisten = \"127.0.0.1:0\"\ntls_cert = \"" + (dir / "cert.pem").string() +
                                    "\"\ntls_key = \"" + (dir / "key.pem").string() + "\"\n[store]\npath = \"" +
                                    (dir / "ssogate.db").string() + "\"\n");
    auto r = run_ssogate({"serve"}, dir.path());
    CHECK(r.exit_code == 1);
    CHECK(r.err == "ssogate: cannot read TLS key " + (dir / "key.pem").string() + ": No such file or directory\n");
}

TEST_CASE("ssogate serve on port 0 prints the real URL, serves, reuses its certificate and stops on SIGTERM",
          "[gateway][cli][serve]")
{
    temp_dir dir;
    write(dir / "ssogate.toml", serve_config(dir, "127.0.0.1:0"));
    for (int run = 0; run < 2; ++run) {
        ssogate::test::background_process p({"serve"}, dir.path());
        auto line = p.wait_for_line("serving https://", 20s);
        INFO("stdout: " << p.out() << "\nstderr: " << p.err());
        REQUIRE(line);
        // std::regex is avoided: GCC 12 warns inside it under the sanitizers.
        auto const prefix = std::string("https://127.0.0.1:");
        auto const at = line->find(prefix);
        REQUIRE(at != std::string::npos);
        auto const port = static_cast<std::uint16_t>(std::stoi(line->substr(at + prefix.size())));
        CHECK(port != 0);
        CHECK(p.out().find(run == 0 ? "tls: generated a self-signed" : "tls: using the self-signed") != std::string::npos);

        ssogate::test::tls_client c(port);
        CHECK(c.request("GET", "/healthz").status == 200);
        CHECK(c.request("GET", "/readyz").status == 200);

        CHECK(p.signal_and_wait(SIGTERM, 10s) == 0);
        CHECK(p.err().find(R"("msg":"request","method":"GET","path":"/readyz","status":200)") != std::string::npos);
        CHECK(p.err().find(R"("msg":"stopped")") != std::string::npos);
    }
    CHECK(std::filesystem::exists(dir / "data" / "ssogate-selfsigned-key.pem"));
    CHECK(std::filesystem::exists(dir / "ssogate.db"));
}

TEST_CASE("ssogate serve without any config uses the built-in defaults and says so", "[gateway][cli][serve]")
{
    // The built-in listen address is 127.0.0.1:8443; only check the start-up report
    // when that port is free on this machine.
    temp_dir dir;
    ssogate::test::background_process p({"serve"}, dir.path());
    auto line = p.wait_for_line("config:", 20s);
    REQUIRE(line);
    CHECK(line->find("built-in defaults") != std::string::npos);
    if (p.wait_for_line("serving https://127.0.0.1:8443/", 20s)) {
        CHECK(p.signal_and_wait(SIGINT, 10s) == 0);
        CHECK(std::filesystem::exists(dir / "ssogate.db"));
        CHECK(std::filesystem::exists(dir / "ssogate-selfsigned-cert.pem"));
    }
}
