// The PostgreSQL store: a pool of libpq connections to one database, transactions over
// them (pg_transaction: the one class implementing store::transaction here), the
// LISTEN/NOTIFY change watch, and open_postgres().
#include "pg_context.hpp"
#include "pg_migrations.hpp"
#include "pg_repositories.hpp"
#include "sql/basic_transaction.hpp"
#include "writer_gate.hpp"

#include <ssogate/store/postgres.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <poll.h>
#include <unistd.h>

namespace ssogate::store {

namespace pg {

namespace {

constexpr char const* audit_channel = "ssogate_audit";
constexpr char const* connections_channel = "ssogate_connections";

/// "database <name> on <host>[:port]" from a URL, without user or password.
std::string describe(std::string const& url)
{
    char* err = nullptr;
    PQconninfoOption* opts = PQconninfoParse(url.c_str(), &err);
    if (!opts) {
        if (err)
            PQfreemem(err);
        return "PostgreSQL database (unparsable URL)";
    }
    std::string db, host, port;
    for (auto* o = opts; o->keyword; ++o) {
        if (!o->val)
            continue;
        std::string_view const k = o->keyword;
        if (k == "dbname")
            db = o->val;
        else if (k == "host" || (k == "hostaddr" && host.empty()))
            host = o->val;
        else if (k == "port")
            port = o->val;
    }
    PQconninfoFree(opts);
    std::string out = "PostgreSQL database " + (db.empty() ? std::string("(default)") : db);
    out += " on " + (host.empty() ? std::string("the default host") : host);
    if (!port.empty())
        out += ":" + port;
    return out;
}

/// libpq's error message on one line.
std::string one_line_error(PGconn* c)
{
    std::string why = c ? PQerrorMessage(c) : "out of memory";
    while (!why.empty() && (why.back() == '\n' || why.back() == ' '))
        why.pop_back();
    for (auto& ch : why)
        if (ch == '\n' || ch == '\t')
            ch = ' ';
    return why;
}

/// Waits until the socket is readable (`write` false) or writable, up to `timeout_ms`;
/// false to give up (the caller is stopping).
using socket_wait = std::function<bool(int fd, bool write, int timeout_ms)>;

/// Opens one connection; on failure `why` says why (libpq's message, one line). With
/// `wait`, connects without blocking (PQconnectStart/PQconnectPoll) and lets `wait`
/// interrupt it: the change watch's thread must stop promptly even while the server
/// does not answer.
conn_ptr connect(std::string const& url, postgres_options const& options, std::string& why,
                 socket_wait const& wait = {})
{
    auto const timeout_s = std::max<long long>(2, (options.connect_timeout.count() + 999) / 1000);
    std::string const timeout = std::to_string(timeout_s);
    std::string const pg_options = "-c lock_timeout=" + std::to_string(std::max<long long>(1, options.busy_timeout.count())) +
                                   " -c client_min_messages=warning";
    // TCP keepalives: a server that vanished without closing the connection (host down,
    // network cut) is noticed within about 30 s instead of never (no effect on Unix
    // sockets). Listed before dbname, so the URL may override them; the keywords after
    // it are ours (the lock_timeout in options is what makes a lock wait errc::busy).
    char const* keywords[] = {"keepalives", "keepalives_idle",  "keepalives_interval", "keepalives_count",
                              "dbname",     "connect_timeout",  "application_name",    "options",
                              nullptr};
    char const* values[] = {"1",         "10",           "5",                               "4",
                            url.c_str(), timeout.c_str(), options.application_name.c_str(), pg_options.c_str(),
                            nullptr};
    if (!wait) {
        conn_ptr c(PQconnectdbParams(keywords, values, 1));
        if (!c || PQstatus(c.get()) != CONNECTION_OK) {
            why = one_line_error(c.get());
            return nullptr;
        }
        return c;
    }
    conn_ptr c(PQconnectStartParams(keywords, values, 1));
    if (!c || PQstatus(c.get()) == CONNECTION_BAD) {
        why = one_line_error(c.get());
        return nullptr;
    }
    auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    auto state = PGRES_POLLING_WRITING;
    while (state != PGRES_POLLING_OK) {
        if (state == PGRES_POLLING_FAILED) {
            why = one_line_error(c.get());
            return nullptr;
        }
        auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            why = "timeout expired";
            return nullptr;
        }
        if (!wait(PQsocket(c.get()), state == PGRES_POLLING_WRITING, static_cast<int>(left.count()))) {
            why = "stopped";
            return nullptr;
        }
        state = PQconnectPoll(c.get());
    }
    return c;
}

/// The connections of one store. Shared by the store and its transactions.
class pool {
public:
    pool(std::string url, postgres_options options)
        : url_(std::move(url)), options_(std::move(options)), max_(std::max<std::size_t>(options_.pool_size, 1))
    {
    }

    /// The writer turn of a transaction begun with `mode` (writer_gate.hpp): a writer
    /// waits up to busy_timeout for it before taking a connection, so waiting writers
    /// hold none; a reader gets an empty turn.
    std::optional<detail::writer_gate::turn> turn_for(access mode) { return writers_.enter(mode, options_.busy_timeout); }

    void adopt(std::unique_ptr<connection> c)
    {
        std::lock_guard lock(mutex_);
        ++open_;
        idle_.push_back(std::move(c));
    }

    /// A connection, and whether it was opened just now (not reused).
    result<std::pair<std::unique_ptr<connection>, bool>> acquire(std::string& detail)
    {
        std::unique_lock lock(mutex_);
        auto const deadline = std::chrono::steady_clock::now() + options_.busy_timeout;
        while (idle_.empty() && open_ >= max_) {
            if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() && open_ >= max_) {
                detail = "no free store connection within the busy timeout";
                return make_error_code(errc::busy);
            }
        }
        if (!idle_.empty()) {
            auto c = std::move(idle_.back());
            idle_.pop_back();
            return std::make_pair(std::move(c), false);
        }
        ++open_;
        lock.unlock();
        std::string why;
        auto raw = connect(url_, options_, why);
        if (!raw) {
            lock.lock();
            --open_;
            cv_.notify_one();
            detail = "cannot connect: " + why;
            return make_error_code(errc::unavailable);
        }
        return std::make_pair(std::make_unique<connection>(std::move(raw)), true);
    }

    /// Returns a connection, or drops it (null) when it is lost or in an unknown state.
    void release(std::unique_ptr<connection> c) noexcept
    {
        std::lock_guard lock(mutex_);
        if (c && !c->lost())
            idle_.push_back(std::move(c));
        else
            --open_;
        cv_.notify_one();
    }

    std::string const& url() const noexcept { return url_; }
    postgres_options const& options() const noexcept { return options_; }

private:
    detail::writer_gate writers_;
    std::string const url_;
    postgres_options const options_;
    std::size_t const max_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<std::unique_ptr<connection>> idle_;
    std::size_t open_ = 0;
};

/// A transaction on one pooled connection: its context and repositories are
/// basic_transaction's; BEGIN is pg_store::begin()'s.
class pg_transaction final : public sql::basic_transaction<backend> {
public:
    /// `writing`: the writer turn of a write transaction (empty for a read one), given
    /// back at commit() or, without one, at destruction after the rollback.
    pg_transaction(std::shared_ptr<pool> p, std::unique_ptr<connection> c, access mode,
                   detail::writer_gate::turn writing)
        : basic_transaction(*c, mode), pool_(std::move(p)), conn_(std::move(c)), writing_(std::move(writing))
    {
    }

    ~pg_transaction() override
    {
        if (!committed_) {
            // Roll back; a connection that is lost or not back outside a transaction is dropped.
            if (ctx_.broken() || conn_->lost() || !conn_->exec("ROLLBACK") ||
                PQtransactionStatus(conn_->handle()) != PQTRANS_IDLE)
                conn_.reset();
        }
        pool_->release(std::move(conn_));
    }

    result<void> commit() override
    {
        // The turn goes to the next writer now; the connection at destruction.
        auto r = commit_once();
        writing_ = {};
        return r;
    }

    // Named savepoints (transaction.hpp; added by the acs engineer for the group commit,
    // the same SQL as SQLite). A failed savepoint command aborts the transaction on the
    // server (ctx_ refuses every call but a rollback to a savepoint until then).
    result<void> savepoint(std::string_view name) override { return savepoint_sql("SAVEPOINT ", name); }
    result<void> release_savepoint(std::string_view name) override { return savepoint_sql("RELEASE SAVEPOINT ", name); }
    result<void> rollback_to_savepoint(std::string_view name) override
    {
        // Allowed after a failure that aborted the transaction, which it repairs.
        if (auto r = savepoint_sql("ROLLBACK TO SAVEPOINT ", name, true); !r)
            return r;
        return savepoint_sql("RELEASE SAVEPOINT ", name);
    }

private:
    result<void> commit_once()
    {
        if (ctx_.closed())
            return ctx_.fail(errc::transaction_closed, "the transaction is closed");
        if (ctx_.broken()) {
            ctx_.close();
            return ctx_.fail(errc::unavailable, "the transaction cannot commit: " + ctx_.last_error());
        }
        if (ctx_.aborted()) {
            ctx_.close();
            return ctx_.fail(errc::database_error, "the transaction cannot commit after a failed statement: " +
                                                       ctx_.last_error());
        }
        ctx_.close();
        // Notifications are queued inside the transaction and delivered at commit only;
        // sent with the COMMIT, in one round trip.
        std::string sql;
        if (ctx_.notify_connections)
            sql += "SELECT pg_notify('ssogate_connections', ''); ";
        if (ctx_.notify_audit)
            sql += "SELECT pg_notify('ssogate_audit', ''); ";
        sql += "COMMIT";
        if (!conn_->exec(sql.c_str()))
            return ctx_.fail_db();
        // COMMIT of a transaction that failed on the server answers ROLLBACK, not an error.
        if (PQtransactionStatus(conn_->handle()) != PQTRANS_IDLE)
            return ctx_.fail(errc::database_error, "the transaction did not commit");
        committed_ = true;
        return {};
    }

    /// Runs `verb` + `name` after checking that `name` is a plain identifier (it is
    /// spliced into the SQL) and that the transaction is a write transaction.
    result<void> savepoint_sql(std::string_view verb, std::string_view name, bool rollback = false)
    {
        if (ctx_.mode() == access::read && !ctx_.closed())
            return ctx_.fail(errc::read_only_transaction, "savepoint in a read transaction");
        if (!sql::is_plain_identifier(name))
            return ctx_.fail(errc::invalid_argument, "a savepoint name must be a plain identifier");
        std::string sql(verb);
        sql += name;
        return rollback ? ctx_.rollback_command(sql.c_str()) : ctx_.command(sql.c_str());
    }

    std::shared_ptr<pool> pool_;
    std::unique_ptr<connection> conn_;
    // Destroyed before pool_ (which owns the gate), after the destructor gave conn_ back.
    detail::writer_gate::turn writing_;
    bool committed_ = false;
};

/// LISTEN on the change channels over a dedicated connection, on its own thread.
class pg_watch final : public change_watch {
public:
    pg_watch(std::string url, postgres_options options, std::function<void(change_kind)> on_change)
        : url_(std::move(url)), options_(std::move(options)), on_change_(std::move(on_change))
    {
        if (::pipe(stop_pipe_) != 0)
            stop_pipe_[0] = stop_pipe_[1] = -1;
        thread_ = std::thread([this] { run(); });
    }

    ~pg_watch() override
    {
        stopping_ = true;
        if (stop_pipe_[1] >= 0) {
            char const b = 1;
            (void)::write(stop_pipe_[1], &b, 1);
        }
        if (thread_.joinable())
            thread_.join();
        for (int fd : stop_pipe_)
            if (fd >= 0)
                ::close(fd);
    }

private:
    /// Waits up to `timeout_ms` for `fd` to be readable (writable with `write`), or only
    /// for the stop pipe when fd < 0. False when stopping.
    bool wait(int fd, int timeout_ms, bool write = false)
    {
        pollfd fds[2] = {{stop_pipe_[0], POLLIN, 0}, {fd, static_cast<short>(write ? POLLOUT : POLLIN), 0}};
        int const n = ::poll(fds, fd >= 0 ? 2 : 1, timeout_ms);
        if (stopping_ || (n > 0 && (fds[0].revents & POLLIN)))
            return false;
        return true;
    }

    conn_ptr listen()
    {
        std::string why;
        auto c = connect(url_, options_, why,
                         [this](int fd, bool write, int timeout_ms) { return wait(fd, timeout_ms, write); });
        if (!c)
            return nullptr;
        // The server's "terminating connection" notices are expected here: no stderr.
        PQsetNoticeProcessor(c.get(), [](void*, char const*) {}, nullptr);
        std::string const sql = std::string("LISTEN ") + audit_channel + "; LISTEN " + connections_channel;
        result_ptr r(PQexec(c.get(), sql.c_str()));
        if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK)
            return nullptr;
        return c;
    }

    void deliver(change_kind kind)
    {
        try {
            on_change_(kind);
        } catch (...) {
            // The callback must not throw; a throwing one is not allowed to stop delivery.
        }
    }

    void run()
    {
        bool first = true;
        int backoff_ms = 50;
        while (!stopping_) {
            auto c = listen();
            if (!c) {
                if (!wait(-1, backoff_ms))
                    return;
                backoff_ms = std::min(backoff_ms * 2, 2000);
                continue;
            }
            backoff_ms = 50;
            if (!first) {
                // Whatever was committed while we were not listening: every kind once.
                deliver(change_kind::audit_appended);
                deliver(change_kind::connections_changed);
            }
            first = false;
            int const sock = PQsocket(c.get());
            for (;;) {
                if (!wait(sock, 1000))
                    return;
                if (PQconsumeInput(c.get()) == 0 || PQstatus(c.get()) != CONNECTION_OK)
                    break;   // lost: reconnect
                while (PGnotify* n = PQnotifies(c.get())) {
                    // relname lives in n's block: compare before freeing it.
                    std::string_view const channel = n->relname;
                    bool const audit = channel == audit_channel;
                    bool const connections = channel == connections_channel;
                    PQfreemem(n);
                    if (audit)
                        deliver(change_kind::audit_appended);
                    else if (connections)
                        deliver(change_kind::connections_changed);
                }
            }
        }
    }

    std::string const url_;
    postgres_options const options_;
    std::function<void(change_kind)> const on_change_;
    int stop_pipe_[2] = {-1, -1};
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

class pg_store final : public store {
public:
    pg_store(std::shared_ptr<pool> p, int version) : pool_(std::move(p)), version_(version) {}

    result<std::unique_ptr<transaction>> begin(access mode) override
    {
        // Write transactions run one at a time across every node, as on SQLite
        // (transaction.hpp): each holds the writer lock, a transaction-scoped advisory
        // lock, from BEGIN to its end; a writer that waits for it longer than
        // busy_timeout (lock_timeout) fails with errc::busy. Without it two nodes
        // signing in one new user at once both read "no such user" and both create it,
        // or one reads the other's commit halfway through its reads (READ COMMITTED
        // takes a snapshot per statement) and refuses a link it should not see. Under
        // the lock each statement's snapshot includes every earlier writer's commit.
        // Read transactions take no lock: one snapshot each, never blocked by writers.
        char const* sql = mode == access::write
                              ? "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(" SSOGATE_PG_WRITER_LOCK ")"
                              : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT 1";
        // Writers of this process queue before taking a connection (writer_gate.hpp).
        auto writing = pool_->turn_for(mode);
        if (!writing)
            return make_error_code(errc::busy);
        // A pooled connection may have died with a server restart; libpq notices at its
        // next command. Drop such connections and try the next one, then a new one.
        for (;;) {
            std::string detail;
            auto acquired = pool_->acquire(detail);
            if (!acquired)
                return acquired.error();
            auto [conn, fresh] = std::move(*acquired);
            if (conn->exec(sql)) {
                auto tx = std::make_unique<pg_transaction>(pool_, std::move(conn), mode, std::move(*writing));
                return std::unique_ptr<transaction>(std::move(tx));
            }
            bool const lost = conn->lost();
            auto const code = map_error(conn->last_error(), lost);
            if (!lost)
                (void)conn->exec("ROLLBACK");
            bool const reusable = !lost && PQtransactionStatus(conn->handle()) == PQTRANS_IDLE;
            pool_->release(reusable ? std::move(conn) : nullptr);
            if (lost && !fresh)
                continue;
            return make_error_code(code);
        }
    }

    int schema_version() const noexcept override { return version_; }

    result<std::unique_ptr<change_watch>> watch_changes(std::function<void(change_kind)> on_change) override
    {
        return std::unique_ptr<change_watch>(
            std::make_unique<pg_watch>(pool_->url(), pool_->options(), std::move(on_change)));
    }

private:
    std::shared_ptr<pool> pool_;
    int version_;
};

} // namespace

} // namespace pg

std::string describe_postgres_url(std::string const& url)
{
    return pg::describe(url);
}

bool is_postgres_url(std::string_view url) noexcept
{
    return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

boost::system::result<std::unique_ptr<store>, open_error> open_postgres(std::string const& url,
                                                                        postgres_options const& options)
{
    std::string const name = pg::describe(url);
    int const target = options.target_schema_version.value_or(latest_schema_version);
    if (target < 0 || target > latest_schema_version)
        return open_error{make_error_code(errc::invalid_argument),
                          name + ": target schema version " + std::to_string(target) + " is not between 0 and " +
                              std::to_string(latest_schema_version)};
    std::string why;
    auto raw = pg::connect(url, options, why);
    if (!raw)
        return open_error{make_error_code(errc::unavailable), name + ": cannot connect: " + why};
    auto first = std::make_unique<pg::connection>(std::move(raw));
    auto migrated = pg::migrate(*first, target, name);
    if (migrated.code != errc{})
        return open_error{make_error_code(migrated.code), std::move(migrated.message)};

    auto p = std::make_shared<pg::pool>(url, options);
    p->adopt(std::move(first));
    return std::unique_ptr<store>(std::make_unique<pg::pg_store>(std::move(p), migrated.version));
}

} // namespace ssogate::store
