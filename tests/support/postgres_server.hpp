#pragma once
// A real, throwaway PostgreSQL server for tests (issue 10: "Tests start a real
// PostgreSQL from Debian's postgresql package themselves").
//
// initdb into a fresh temporary directory, then `postgres` listening only on a Unix
// socket in that directory (listen_addresses='', no TCP port to collide on), fsync off.
// initdb and postgres refuse to run as root: when the test runs as root they run as the
// `postgres` system user the package creates (the directory is chowned to it); otherwise
// as the current user. The server process gets SIGQUIT if the test process dies, and the
// destructor stops it and removes the directory.
//
// Binaries: $SSOGATE_PG_BINDIR, else `pg_config --bindir`, else the newest
// /usr/lib/postgresql/<version>/bin, else the PATH.
//
// Thread-safety: create_database(), url() and exec() may be called from any thread;
// stop()/start() from one thread while no other thread uses the server.
#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/types.h>

namespace ssogate::test {

class postgres_server {
public:
    /// The server shared by every test of this process, started on first use and
    /// stopped at exit. Call it first from the main thread (the server's death signal is
    /// tied to the thread that started it).
    static postgres_server& shared();

    /// initdb and start; throws std::runtime_error with the server log on failure.
    postgres_server();
    /// Stops the server (fast shutdown) and removes its directory.
    ~postgres_server();
    postgres_server(postgres_server const&) = delete;
    postgres_server& operator=(postgres_server const&) = delete;

    /// Creates a new, empty database (unique in this server) and returns its URL,
    /// `postgresql:///<name>?host=<socket dir>&port=<port>&user=postgres`.
    std::string create_database();

    /// The URL of database `name` on this server.
    std::string url(std::string const& name) const;

    /// The directory holding the server's Unix socket (the URL's host).
    std::filesystem::path const& socket_dir() const noexcept { return dir_; }

    /// The port (names the socket file `.s.PGSQL.<port>`; no TCP listener).
    int port() const noexcept { return port_; }

    /// Stops the server with a fast shutdown (clients are disconnected); idempotent.
    void stop();
    /// Starts the stopped server again on the same directory and socket.
    void start();
    /// True between start() and stop().
    bool running() const noexcept { return pid_ > 0; }

    /// Runs `sql` (one or more statements) on the database at `url` as the superuser;
    /// throws std::runtime_error with the server's message on error.
    static void exec(std::string const& url, std::string const& sql);
    /// Runs `sql` and returns the first column of the first row ("" when no row; NULL
    /// is ""); throws on error.
    static std::string query_value(std::string const& url, std::string const& sql);
    /// Like exec() but returns the server's error message ("" on success).
    static std::string try_exec(std::string const& url, std::string const& sql);

private:
    void run_tool(std::string const& tool, std::vector<std::string> const& args);
    void spawn_postgres();
    std::string log_tail() const;

    std::filesystem::path dir_;
    std::filesystem::path bindir_;
    int port_ = 5432;
    pid_t pid_ = -1;
    uid_t run_uid_ = 0;
    gid_t run_gid_ = 0;
    bool drop_privileges_ = false;
    std::atomic<int> next_database_{0};
};

} // namespace ssogate::test
