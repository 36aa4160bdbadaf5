#include "sqlite_handle.hpp"

#include <chrono>

namespace ssogate::store::sqlite {

std::int64_t to_micros(time_point t) noexcept
{
    return std::chrono::floor<std::chrono::microseconds>(t.time_since_epoch()).count();
}

time_point from_micros(std::int64_t us) noexcept
{
    return time_point(std::chrono::duration_cast<time_point::duration>(std::chrono::microseconds(us)));
}

errc map_result_code(int rc, conflict_map const& conflicts) noexcept
{
    switch (rc) {
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_ROWID:
        return conflicts.primary_key;
    case SQLITE_CONSTRAINT_UNIQUE:
        return conflicts.unique;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return conflicts.foreign_key;
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
    case SQLITE_CONSTRAINT_DATATYPE:
    case SQLITE_CONSTRAINT_TRIGGER:
    case SQLITE_TOOBIG:
    case SQLITE_MISMATCH:
        return errc::invalid_argument;
    default:
        break;
    }
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return errc::busy;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return errc::corrupt;
    case SQLITE_CONSTRAINT:
        return errc::invalid_argument;
    default:
        return errc::database_error;
    }
}

statement::~statement()
{
    if (stmt_) {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }
}

statement& statement::bind_text(int index, std::string_view value) noexcept
{
    // An empty view may have a null data(); SQLite would store NULL for it.
    char const* data = value.data() ? value.data() : "";
    int rc = sqlite3_bind_text64(stmt_, index, data, value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK)
        bind_rc_ = rc;
    return *this;
}

statement& statement::bind_optional_text(int index, std::optional<std::string> const& value) noexcept
{
    return value ? bind_text(index, *value) : bind_null(index);
}

statement& statement::bind_int(int index, std::int64_t value) noexcept
{
    int rc = sqlite3_bind_int64(stmt_, index, value);
    if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK)
        bind_rc_ = rc;
    return *this;
}

statement& statement::bind_optional_time(int index, std::optional<time_point> const& value) noexcept
{
    return value ? bind_time(index, *value) : bind_null(index);
}

statement& statement::bind_null(int index) noexcept
{
    int rc = sqlite3_bind_null(stmt_, index);
    if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK)
        bind_rc_ = rc;
    return *this;
}

int statement::step() noexcept
{
    if (bind_rc_ != SQLITE_OK)
        return bind_rc_;
    return sqlite3_step(stmt_);
}

bool statement::is_null(int column) const noexcept
{
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::string statement::text(int column) const
{
    auto const* data = sqlite3_column_text(stmt_, column);
    auto const size = sqlite3_column_bytes(stmt_, column);
    if (!data)
        return {};
    return std::string(reinterpret_cast<char const*>(data), static_cast<std::size_t>(size));
}

std::optional<std::string> statement::optional_text(int column) const
{
    if (is_null(column))
        return std::nullopt;
    return text(column);
}

std::int64_t statement::integer(int column) const noexcept
{
    return sqlite3_column_int64(stmt_, column);
}

std::optional<time_point> statement::optional_time(int column) const noexcept
{
    if (is_null(column))
        return std::nullopt;
    return time(column);
}

sqlite3_stmt* connection::prepare(std::string_view sql, int& rc)
{
    std::string key(sql);
    if (auto it = cache_.find(key); it != cache_.end()) {
        rc = SQLITE_OK;
        return it->second.get();
    }
    sqlite3_stmt* raw = nullptr;
    rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &raw,
                            nullptr);
    stmt_ptr stmt(raw);
    if (rc != SQLITE_OK || !stmt) {
        if (rc == SQLITE_OK)
            rc = SQLITE_MISUSE; // empty SQL: a bug in the backend
        return nullptr;
    }
    auto* result = stmt.get();
    cache_.emplace(std::move(key), std::move(stmt));
    return result;
}

int connection::exec(char const* sql) noexcept
{
    return sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr);
}

std::string connection::message() const
{
    char const* msg = sqlite3_errmsg(db_.get());
    return msg ? std::string(msg) : std::string();
}

} // namespace ssogate::store::sqlite
