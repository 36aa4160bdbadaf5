// The SQLite store: a pool of connections to one database file, transactions over
// them, and open_sqlite().
#include "sqlite_context.hpp"
#include "sqlite_migrations.hpp"
#include "sqlite_repositories.hpp"
#include "sql/basic_transaction.hpp"
#include "writer_gate.hpp"

#include <ssogate/store/sqlite.hpp>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace ssogate::store {

namespace sqlite {

namespace {

/// Opens and configures one connection. On failure `error` names the cause.
std::unique_ptr<connection> open_connection(std::string const& path, sqlite_options const& options, bool memory,
                                            open_error& error)
{
    auto fail = [&](errc code, std::string message) {
        error.code = make_error_code(code);
        error.message = path + ": " + std::move(message);
        return std::unique_ptr<connection>();
    };

    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    if (options.create_if_missing)
        flags |= SQLITE_OPEN_CREATE;
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    db_ptr db(raw);
    if (rc != SQLITE_OK) {
        std::string why = db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(rc);
        return fail(errc::open_failed, "cannot open the store database: " + why);
    }
    sqlite3_extended_result_codes(db.get(), 1);
    auto const busy_ms = options.busy_timeout.count() > std::numeric_limits<int>::max()
                             ? std::numeric_limits<int>::max()
                             : static_cast<int>(options.busy_timeout.count());
    sqlite3_busy_timeout(db.get(), busy_ms);

    auto c = std::make_unique<connection>(std::move(db));
    // The first statement reads the file: a file that is not a database fails here.
    for (char const* pragma : {"PRAGMA foreign_keys = ON", "PRAGMA trusted_schema = OFF"}) {
        if (int prc = c->exec(pragma); prc != SQLITE_OK)
            return fail(errc::open_failed, "cannot configure the store database: " + c->message());
    }
    if (int prc = c->exec(options.sync_every_commit ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
        prc != SQLITE_OK)
        return fail(errc::open_failed, "cannot configure the store database: " + c->message());
    // Page cache, memory map, temporary storage (sqlite_options; issue 8 "scale").
    std::string const tuning = "PRAGMA cache_size = -" + std::to_string(options.cache_size_kib) +
                               "; PRAGMA mmap_size = " + std::to_string(std::max<std::int64_t>(options.mmap_size, 0)) +
                               "; PRAGMA temp_store = " + (options.temp_store_memory ? "MEMORY" : "DEFAULT");
    if (int prc = c->exec(tuning.c_str()); prc != SQLITE_OK)
        return fail(errc::open_failed, "cannot configure the store database: " + c->message());

    // WAL: readers see a committed snapshot and never wait for the writer.
    // Switching a new file to WAL needs an exclusive lock and SQLite reports
    // SQLITE_BUSY for it without calling the busy handler when several processes
    // open the same new file at once, so retry here until the busy timeout.
    auto const deadline = std::chrono::steady_clock::now() + options.busy_timeout;
    std::string mode;
    for (;;) {
        int prc = SQLITE_OK;
        auto* wal = c->prepare("PRAGMA journal_mode = WAL", prc);
        if (!wal)
            return fail(errc::open_failed, "cannot switch to WAL: " + c->message());
        statement st(wal);
        int const src = st.step();
        if (src == SQLITE_ROW) {
            mode = st.text(0);
            break;
        }
        if ((src & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() >= deadline)
            return fail(errc::open_failed, "cannot switch to WAL: " + c->message());
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (mode != "wal" && !(memory && mode == "memory"))
        return fail(errc::open_failed, "cannot switch to WAL (journal mode is " + mode + ")");
    return c;
}

/// The connections of one store. Shared by the store and its transactions, so a
/// transaction that outlives its store by mistake still returns its connection safely.
class pool {
public:
    pool(std::string path, sqlite_options options, bool memory)
        : path_(std::move(path)), options_(std::move(options)), memory_(memory),
          max_(memory ? 1 : std::max<std::size_t>(options_.max_connections, 1))
    {
    }

    /// The writer turn of a transaction begun with `mode` (writer_gate.hpp): a writer
    /// waits up to busy_timeout for it before taking a connection, so waiting writers
    /// hold none; a reader gets an empty turn.
    std::optional<detail::writer_gate::turn> turn_for(access mode) { return writers_.enter(mode, options_.busy_timeout); }

    /// Adds the connection that open_sqlite() used for migrations.
    void adopt(std::unique_ptr<connection> c)
    {
        std::lock_guard lock(mutex_);
        ++open_;
        idle_.push_back(std::move(c));
    }

    result<std::unique_ptr<connection>> acquire(std::string& detail)
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
            return c;
        }
        ++open_;
        lock.unlock();
        open_error error;
        auto c = open_connection(path_, options_, memory_, error);
        if (!c) {
            lock.lock();
            --open_;
            cv_.notify_one();
            detail = error.message;
            return error.code;
        }
        return c;
    }

    /// Returns a connection, or drops it (null) when it is in an unknown state.
    void release(std::unique_ptr<connection> c) noexcept
    {
        std::lock_guard lock(mutex_);
        if (c)
            idle_.push_back(std::move(c));
        else
            --open_;
        cv_.notify_one();
    }

private:
    detail::writer_gate writers_;
    std::string const path_;
    sqlite_options const options_;
    bool const memory_;
    std::size_t const max_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<std::unique_ptr<connection>> idle_;
    std::size_t open_ = 0;
};

/// A transaction on one pooled connection: its context and repositories are
/// basic_transaction's; BEGIN is sqlite_store::begin()'s.
class sqlite_transaction final : public sql::basic_transaction<backend> {
public:
    /// `writing`: the writer turn of a write transaction (empty for a read one), given
    /// back at commit() or, without one, at destruction after the rollback.
    sqlite_transaction(std::shared_ptr<pool> p, std::unique_ptr<connection> c, access mode,
                       detail::writer_gate::turn writing)
        : basic_transaction(*c, mode), pool_(std::move(p)), conn_(std::move(c)), writing_(std::move(writing))
    {
    }

    ~sqlite_transaction() override
    {
        if (!committed_) {
            // Roll back; a connection left inside a transaction is not reused.
            if (conn_->exec("ROLLBACK") != SQLITE_OK && sqlite3_get_autocommit(conn_->handle()) == 0)
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

    // Named savepoints (transaction.hpp; the group commit's one per job).
    result<void> savepoint(std::string_view name) override { return savepoint_sql("SAVEPOINT ", name); }
    result<void> release_savepoint(std::string_view name) override { return savepoint_sql("RELEASE SAVEPOINT ", name); }
    result<void> rollback_to_savepoint(std::string_view name) override
    {
        if (auto r = savepoint_sql("ROLLBACK TO SAVEPOINT ", name); !r)
            return r;
        return savepoint_sql("RELEASE SAVEPOINT ", name);
    }

private:
    result<void> commit_once()
    {
        if (ctx_.closed())
            return ctx_.fail(errc::transaction_closed, "the transaction is closed");
        ctx_.close();
        if (int rc = conn_->exec("COMMIT"); rc != SQLITE_OK)
            return ctx_.fail(rc);
        committed_ = true;
        return {};
    }

    /// Runs `verb` + `name` after checking that `name` is a plain identifier (it is
    /// spliced into the SQL) and that the transaction is an open write transaction.
    result<void> savepoint_sql(std::string_view verb, std::string_view name)
    {
        if (ctx_.closed())
            return ctx_.fail(errc::transaction_closed, "the transaction is closed");
        if (ctx_.mode() == access::read)
            return ctx_.fail(errc::read_only_transaction, "savepoint in a read transaction");
        if (!sql::is_plain_identifier(name))
            return ctx_.fail(errc::invalid_argument, "a savepoint name must be a plain identifier");
        std::string sql(verb);
        sql += name;
        if (int rc = conn_->exec(sql.c_str()); rc != SQLITE_OK)
            return ctx_.fail(rc);
        return {};
    }

    std::shared_ptr<pool> pool_;
    std::unique_ptr<connection> conn_;
    // Destroyed before pool_ (which owns the gate), after the destructor gave conn_ back.
    detail::writer_gate::turn writing_;
    bool committed_ = false;
};

class sqlite_store final : public store {
public:
    sqlite_store(std::shared_ptr<pool> p, int version) : pool_(std::move(p)), version_(version) {}

    result<std::unique_ptr<transaction>> begin(access mode) override
    {
        auto writing = pool_->turn_for(mode);
        if (!writing)
            return make_error_code(errc::busy);
        std::string detail;
        auto c = pool_->acquire(detail);
        if (!c)
            return c.error();
        auto conn = std::move(*c);
        // BEGIN IMMEDIATE takes the write lock now (waiting up to the busy timeout), so
        // writers queue here instead of failing later with SQLITE_BUSY on upgrade.
        int rc = conn->exec(mode == access::write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
        if (rc != SQLITE_OK) {
            auto const code = map_result_code(rc);
            pool_->release(sqlite3_get_autocommit(conn->handle()) ? std::move(conn) : nullptr);
            return make_error_code(code);
        }
        if (mode == access::read) {
            // Start the read snapshot now rather than at the first query, so that the
            // transaction sees the database as of begin().
            int prc = SQLITE_OK;
            auto* st = conn->prepare("SELECT count(*) FROM schema_migrations", prc);
            int src = SQLITE_ERROR;
            if (st) {
                statement snapshot(st);
                src = snapshot.step();
            }
            if (src != SQLITE_ROW) {
                auto const code = map_result_code(st ? src : prc);
                (void)conn->exec("ROLLBACK");
                pool_->release(sqlite3_get_autocommit(conn->handle()) ? std::move(conn) : nullptr);
                return make_error_code(code);
            }
        }
        auto tx = std::make_unique<sqlite_transaction>(pool_, std::move(conn), mode, std::move(*writing));
        return std::unique_ptr<transaction>(std::move(tx));
    }

    int schema_version() const noexcept override { return version_; }

private:
    std::shared_ptr<pool> pool_;
    int version_;
};

} // namespace

} // namespace sqlite

boost::system::result<std::unique_ptr<store>, open_error> open_sqlite(std::filesystem::path const& path,
                                                                      sqlite_options const& options)
{
    std::string const name = path.string();
    bool const memory = name == ":memory:";
    int const target = options.target_schema_version.value_or(latest_schema_version);
    if (target < 0 || target > latest_schema_version)
        return open_error{make_error_code(errc::invalid_argument),
                          name + ": target schema version " + std::to_string(target) + " is not between 0 and " +
                              std::to_string(latest_schema_version)};

    open_error error;
    auto first = sqlite::open_connection(name, options, memory, error);
    if (!first)
        return error;
    auto migrated = sqlite::migrate(*first, target, name);
    if (migrated.code != errc{})
        return open_error{make_error_code(migrated.code), std::move(migrated.message)};

    auto p = std::make_shared<sqlite::pool>(name, options, memory);
    p->adopt(std::move(first));
    return std::unique_ptr<store>(std::make_unique<sqlite::sqlite_store>(std::move(p), migrated.version));
}

} // namespace ssogate::store
