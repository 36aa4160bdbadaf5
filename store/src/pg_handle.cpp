#include "pg_handle.hpp"

#include <charconv>
#include <chrono>
#include <cstdlib>

namespace ssogate::store::pg {

namespace {

constexpr unsigned text_oid = 25;
constexpr unsigned int8_oid = 20;

std::string one_line(std::string s)
{
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
    for (auto& c : s)
        if (c == '\n' || c == '\t')
            c = ' ';
    return s;
}

} // namespace

std::int64_t to_micros(time_point t) noexcept
{
    return std::chrono::floor<std::chrono::microseconds>(t.time_since_epoch()).count();
}

time_point from_micros(std::int64_t us) noexcept
{
    return time_point(std::chrono::duration_cast<time_point::duration>(std::chrono::microseconds(us)));
}

errc map_error(pg_error const& error, bool connection_lost, conflict_map const& conflicts) noexcept
{
    if (connection_lost)
        return errc::unavailable;
    std::string_view const state = error.sqlstate;
    if (state == "23505") {
        std::string_view const name = error.constraint;
        bool const pkey = name.size() >= 5 && name.substr(name.size() - 5) == "_pkey";
        return pkey ? conflicts.primary_key : conflicts.unique;
    }
    if (state == "23503")
        return conflicts.foreign_key;
    // check, not null, string too long, invalid text for a type, our append-only trigger
    if (state == "23514" || state == "23502" || state == "22001" || state == "22P02" || state == "22021" ||
        state == "P0001" || state.substr(0, 2) == "23")
        return errc::invalid_argument;
    if (state == "25006")
        return errc::read_only_transaction;
    // serialization failure, deadlock, lock_timeout, statement_timeout/cancel
    if (state == "40001" || state == "40P01" || state == "55P03" || state == "57014")
        return errc::busy;
    // connection exceptions, admin/crash shutdown, cannot connect now, too many connections
    if (state.substr(0, 2) == "08" || state == "57P01" || state == "57P02" || state == "57P03" || state == "53300" ||
        state.empty())
        return errc::unavailable;
    if (state == "XX001" || state == "XX002")
        return errc::corrupt;
    return errc::database_error;
}

std::string to_dollar_placeholders(std::string_view sql)
{
    std::string out;
    out.reserve(sql.size());
    for (std::size_t i = 0; i < sql.size(); ++i) {
        char const c = sql[i];
        if (c == '?' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9')
            out += '$';
        else
            out += c;
    }
    return out;
}

// ---- statement ----

void statement::set(int index, std::optional<std::string> value, unsigned type)
{
    auto const i = static_cast<std::size_t>(index - 1);
    if (values_.size() <= i) {
        values_.resize(i + 1);
        types_.resize(i + 1, 0);
    }
    values_[i] = std::move(value);
    types_[i] = type;
}

statement& statement::bind_text(int index, std::string_view value)
{
    set(index, std::string(value), text_oid);
    return *this;
}

statement& statement::bind_optional_text(int index, std::optional<std::string> const& value)
{
    set(index, value, text_oid);
    return *this;
}

statement& statement::bind_int(int index, std::int64_t value)
{
    set(index, std::to_string(value), int8_oid);
    return *this;
}

statement& statement::bind_optional_time(int index, std::optional<time_point> const& value)
{
    if (value)
        return bind_time(index, *value);
    set(index, std::nullopt, int8_oid);
    return *this;
}

statement& statement::bind_null(int index)
{
    set(index, std::nullopt, 0);
    return *this;
}

step_status statement::step()
{
    if (!executed_) {
        executed_ = true;
        result_ = db_->run_prepared(*sql_, values_, types_);
        if (!result_)
            return step_status::error;
        row_ = 0;
    } else {
        ++row_;
    }
    if (PQresultStatus(result_.get()) != PGRES_TUPLES_OK)
        return step_status::done;
    return row_ < PQntuples(result_.get()) ? step_status::row : step_status::done;
}

guarded_status statement::run_guarded(char const* name)
{
    executed_ = true;
    auto const status = db_->run_guarded(*sql_, values_, types_, name, result_);
    row_ = 0;
    return status;
}

bool statement::current_is_row() const noexcept
{
    return result_ && PQresultStatus(result_.get()) == PGRES_TUPLES_OK && row_ >= 0 && row_ < PQntuples(result_.get());
}

std::size_t statement::changes() const noexcept
{
    if (!result_)
        return 0;
    char const* n = PQcmdTuples(result_.get());
    if (n && *n)
        return static_cast<std::size_t>(std::strtoull(n, nullptr, 10));
    return static_cast<std::size_t>(PQntuples(result_.get()));
}

bool statement::is_null(int column) const noexcept
{
    return PQgetisnull(result_.get(), row_, column) != 0;
}

std::string statement::text(int column) const
{
    if (is_null(column))
        return {};
    return std::string(PQgetvalue(result_.get(), row_, column),
                       static_cast<std::size_t>(PQgetlength(result_.get(), row_, column)));
}

std::optional<std::string> statement::optional_text(int column) const
{
    if (is_null(column))
        return std::nullopt;
    return text(column);
}

std::int64_t statement::integer(int column) const noexcept
{
    if (is_null(column))
        return 0;
    char const* v = PQgetvalue(result_.get(), row_, column);
    auto const len = static_cast<std::size_t>(PQgetlength(result_.get(), row_, column));
    if (len == 1 && (v[0] == 't' || v[0] == 'f'))   // a boolean expression
        return v[0] == 't' ? 1 : 0;
    std::int64_t out = 0;
    std::from_chars(v, v + len, out);
    return out;
}

std::optional<time_point> statement::optional_time(int column) const noexcept
{
    if (is_null(column))
        return std::nullopt;
    return time(column);
}

// ---- connection ----

void connection::record_error(PGresult const* r)
{
    error_ = {};
    if (r) {
        if (char const* s = PQresultErrorField(r, PG_DIAG_SQLSTATE))
            error_.sqlstate = s;
        if (char const* c = PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME))
            error_.constraint = c;
        error_.message = one_line(PQresultErrorMessage(r));
    }
    if (error_.message.empty())
        error_.message = one_line(PQerrorMessage(conn_.get()));
    if (error_.message.empty())
        error_.message = "PostgreSQL command failed";
}

std::string const& connection::dollar_sql(std::string_view sql)
{
    std::string key(sql);
    auto it = dollar_.find(key);
    if (it == dollar_.end())
        it = dollar_.emplace(key, to_dollar_placeholders(sql)).first;
    return it->second;
}

bool connection::exec(char const* sql)
{
    result_ptr r(PQexec(conn_.get(), sql));
    auto const status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
        return true;
    record_error(r.get());
    return false;
}

result_ptr connection::query(char const* sql)
{
    result_ptr r(PQexec(conn_.get(), sql));
    auto const status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
        return r;
    record_error(r.get());
    return nullptr;
}

std::string const* connection::prepared_name(std::string const& sql, std::vector<unsigned> const& types)
{
    std::string key;
    key.reserve(sql.size() + types.size() * 3 + 1);
    for (auto t : types)
        key += std::to_string(t) + ",";
    key += ';';
    key += sql;
    auto it = prepared_.find(key);
    if (it == prepared_.end()) {
        std::string name = "ssogate_" + std::to_string(prepared_.size() + 1);
        std::vector<Oid> oids(types.begin(), types.end());
        result_ptr p(PQprepare(conn_.get(), name.c_str(), sql.c_str(), static_cast<int>(oids.size()),
                               oids.empty() ? nullptr : oids.data()));
        if (!p || PQresultStatus(p.get()) != PGRES_COMMAND_OK) {
            record_error(p.get());
            return nullptr;
        }
        it = prepared_.emplace(std::move(key), std::move(name)).first;
    }
    return &it->second;
}

namespace {

std::vector<char const*> param_pointers(std::vector<std::optional<std::string>> const& values)
{
    std::vector<char const*> params;
    params.reserve(values.size());
    for (auto const& v : values)
        params.push_back(v ? v->c_str() : nullptr);
    return params;
}

bool succeeded(PGresult const* r) noexcept
{
    auto const status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

} // namespace

result_ptr connection::run_prepared(std::string const& sql, std::vector<std::optional<std::string>> const& values,
                                    std::vector<unsigned> const& types)
{
    auto const* name = prepared_name(sql, types);
    if (!name)
        return nullptr;
    auto const params = param_pointers(values);
    result_ptr r(PQexecPrepared(conn_.get(), name->c_str(), static_cast<int>(params.size()),
                                params.empty() ? nullptr : params.data(), nullptr, nullptr, 0));
    if (succeeded(r.get()))
        return r;
    record_error(r.get());
    return nullptr;
}

guarded_status connection::run_guarded(std::string const& sql,
                                            std::vector<std::optional<std::string>> const& values,
                                            std::vector<unsigned> const& types, char const* savepoint,
                                            result_ptr& out)
{
    auto const* name = prepared_name(sql, types);
    if (!name)
        return guarded_status::failed;   // a failed PREPARE aborted the transaction
    PGconn* c = conn_.get();
    std::string const open = std::string("SAVEPOINT ") + savepoint;
    std::string const release = std::string("RELEASE SAVEPOINT ") + savepoint;
    auto const params = param_pointers(values);
    if (PQenterPipelineMode(c) != 1) {
        record_error(nullptr);
        return guarded_status::failed;
    }
    bool ok = PQsendQueryParams(c, open.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 1 &&
              PQsendQueryPrepared(c, name->c_str(), static_cast<int>(params.size()),
                                  params.empty() ? nullptr : params.data(), nullptr, nullptr, 0) == 1 &&
              PQsendQueryParams(c, release.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 1 &&
              PQpipelineSync(c) == 1;
    // Three results, each followed by a null, then the sync point.
    result_ptr results[3];
    for (int i = 0; ok && i < 3; ++i) {
        results[i].reset(PQgetResult(c));
        if (!results[i]) {
            ok = false;
            break;
        }
        while (PGresult* extra = PQgetResult(c))
            PQclear(extra);
    }
    if (ok) {
        result_ptr sync(PQgetResult(c));
        ok = sync && PQresultStatus(sync.get()) == PGRES_PIPELINE_SYNC;
    }
    if (PQexitPipelineMode(c) != 1)
        poisoned_ = true;   // results left unread: the connection cannot be trusted again
    if (!ok || poisoned_) {
        record_error(nullptr);
        poisoned_ = true;
        return guarded_status::failed;
    }
    if (!succeeded(results[0].get())) {
        record_error(results[0].get());
        return guarded_status::failed;
    }
    if (!succeeded(results[1].get())) {
        record_error(results[1].get());
        return guarded_status::failed_in_savepoint;
    }
    if (!succeeded(results[2].get())) {
        record_error(results[2].get());
        return guarded_status::failed;
    }
    out = std::move(results[1]);
    return guarded_status::ok;
}

} // namespace ssogate::store::pg
