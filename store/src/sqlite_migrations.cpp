#include "sqlite_migrations.hpp"

#include <ssogate/store/store.hpp>

#include <array>
#include <optional>

namespace ssogate::store::sqlite {

namespace {

// Conventions: times are INTEGER microseconds since the Unix epoch; tables are STRICT;
// owners are 'admin', 'jit:<connection>' or 'scim:<connection>'; secrets appear only
// as hex SHA-256 (`*_hash`). Migrations are append-only: never edit a released one.

constexpr char const* migration_1 = R"sql(
CREATE TABLE connections (
    id            TEXT NOT NULL PRIMARY KEY CHECK (length(id) > 0),
    display_name  TEXT NOT NULL,
    owner         TEXT NOT NULL CHECK (owner IN ('file', 'store')),
    source_file   TEXT NOT NULL DEFAULT '',
    jit_enabled   INTEGER NOT NULL CHECK (jit_enabled IN (0, 1)),
    settings      TEXT NOT NULL DEFAULT '{}',   -- JSON, validated by the repository
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
    id            TEXT NOT NULL PRIMARY KEY CHECK (length(id) > 0),
    active        INTEGER NOT NULL CHECK (active IN (0, 1)),
    created_by    TEXT NOT NULL CHECK (created_by = 'admin' OR created_by GLOB 'jit:?*' OR created_by GLOB 'scim:?*'),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;

-- The immutable IdP subject of a user on a connection; one user may hold several.
CREATE TABLE user_identities (
    connection_id  TEXT NOT NULL REFERENCES connections (id) ON DELETE RESTRICT,
    subject        TEXT NOT NULL CHECK (length(subject) > 0),
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at     INTEGER NOT NULL,
    last_login_at  INTEGER,
    last_assertion TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (connection_id, subject)
) STRICT;
CREATE INDEX user_identities_by_user ON user_identities (user_id);

CREATE TABLE user_attributes (
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name      TEXT NOT NULL CHECK (length(name) > 0),
    value     TEXT NOT NULL,
    owner     TEXT NOT NULL CHECK (owner = 'admin' OR owner GLOB 'jit:?*' OR owner GLOB 'scim:?*'),
    set_at    INTEGER NOT NULL,
    event_id  TEXT,
    PRIMARY KEY (user_id, name)
) STRICT;
-- Email is unique across the store, case-insensitively.
CREATE UNIQUE INDEX user_attributes_email_unique ON user_attributes (value COLLATE NOCASE) WHERE name = 'email';
CREATE INDEX user_attributes_by_value ON user_attributes (name, value COLLATE NOCASE);

CREATE TABLE role_grants (
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role      TEXT NOT NULL CHECK (length(role) > 0),
    owner     TEXT NOT NULL CHECK (owner = 'admin' OR owner GLOB 'jit:?*' OR owner GLOB 'scim:?*'),
    set_at    INTEGER NOT NULL,
    event_id  TEXT,
    PRIMARY KEY (user_id, role)
) STRICT;

CREATE TABLE teams (
    id          TEXT NOT NULL PRIMARY KEY CHECK (length(id) > 0),
    name        TEXT NOT NULL COLLATE NOCASE CHECK (length(name) > 0),
    owner       TEXT NOT NULL CHECK (owner = 'admin' OR owner GLOB 'jit:?*' OR owner GLOB 'scim:?*'),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX teams_name_unique ON teams (name COLLATE NOCASE);

CREATE TABLE team_memberships (
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    team_id   TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    owner     TEXT NOT NULL CHECK (owner = 'admin' OR owner GLOB 'jit:?*' OR owner GLOB 'scim:?*'),
    set_at    INTEGER NOT NULL,
    event_id  TEXT,
    PRIMARY KEY (user_id, team_id)
) STRICT;
CREATE INDEX team_memberships_by_team ON team_memberships (team_id);

-- Account links waiting for an administrator (link = "admin_approval").
CREATE TABLE link_approvals (
    id              TEXT NOT NULL PRIMARY KEY CHECK (length(id) > 0),
    connection_id   TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    subject         TEXT NOT NULL CHECK (length(subject) > 0),
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email           TEXT NOT NULL,
    assertion       TEXT NOT NULL DEFAULT '',
    requested_at    INTEGER NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_at      INTEGER,
    decided_by      TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE UNIQUE INDEX link_approvals_one_pending ON link_approvals (connection_id, subject) WHERE status = 'pending';
)sql";

constexpr char const* migration_2 = R"sql(
CREATE TABLE sessions (
    id_hash            TEXT NOT NULL PRIMARY KEY,
    user_id            TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    connection_id      TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    created_at         INTEGER NOT NULL,
    expires_at         INTEGER NOT NULL,
    last_seen_at       INTEGER NOT NULL,
    idp_session_index  TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Pending SP-initiated AuthnRequests, bound to the browser by the flow cookie's hash.
CREATE TABLE authn_requests (
    request_id     TEXT NOT NULL PRIMARY KEY CHECK (length(request_id) > 0),
    connection_id  TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    binding_hash   TEXT NOT NULL,
    return_to      TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX authn_requests_by_expiry ON authn_requests (expires_at);

-- Consumed assertion IDs; the primary key makes the consume one atomic insert.
CREATE TABLE replay_cache (
    connection_id  TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    assertion_id   TEXT NOT NULL CHECK (length(assertion_id) > 0),
    expires_at     INTEGER NOT NULL,
    PRIMARY KEY (connection_id, assertion_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX replay_cache_by_expiry ON replay_cache (expires_at);
)sql";

constexpr char const* migration_3 = R"sql(
-- Append-only, hash-chained. seq is assigned as last seq + 1 inside the (serialised)
-- write transaction, so it is gapless on commit. No foreign keys: the log outlives
-- the connections and users it names.
CREATE TABLE audit_events (
    seq            INTEGER NOT NULL PRIMARY KEY CHECK (seq > 0),
    id             TEXT NOT NULL UNIQUE CHECK (length(id) > 0),
    time           INTEGER NOT NULL,
    action         TEXT NOT NULL CHECK (length(action) > 0),
    actor_type     TEXT NOT NULL,
    actor_id       TEXT NOT NULL,
    target         TEXT NOT NULL,
    connection_id  TEXT NOT NULL,
    source_ip      TEXT NOT NULL,
    user_agent     TEXT NOT NULL,
    result_status  TEXT NOT NULL,
    result_reason  TEXT NOT NULL,
    changes        TEXT NOT NULL,
    trace_id       TEXT NOT NULL,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL
) STRICT;
CREATE INDEX audit_events_by_action ON audit_events (action, seq);
CREATE INDEX audit_events_by_connection ON audit_events (connection_id, seq);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;

-- Admin API tokens and per-connection SCIM tokens, by hash only.
CREATE TABLE api_tokens (
    id             TEXT NOT NULL PRIMARY KEY CHECK (length(id) > 0),
    kind           TEXT NOT NULL CHECK (kind IN ('admin', 'scim')),
    name           TEXT NOT NULL,
    connection_id  TEXT REFERENCES connections (id) ON DELETE CASCADE,
    token_hash     TEXT NOT NULL UNIQUE,
    created_at     INTEGER NOT NULL,
    revoked_at     INTEGER,
    CHECK ((kind = 'scim') = (connection_id IS NOT NULL))
) STRICT;
)sql";

constexpr char const* migration_4 = R"sql(
-- The SCIM view of a connection (issue 7): which users and teams its SCIM client sees,
-- with what SCIM needs on top of the provenance-tracked rows: userName, externalId,
-- the resource as SCIM last set it, and meta (created, lastModified, version).
CREATE TABLE scim_users (
    connection_id  TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_name      TEXT NOT NULL CHECK (length(user_name) > 0),
    external_id    TEXT,
    resource       TEXT NOT NULL DEFAULT '{}',   -- JSON object, validated by the repository
    version        INTEGER NOT NULL CHECK (version > 0),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (connection_id, user_id)
) STRICT;
-- userName is unique per connection, case-insensitively; `userName eq` and
-- `externalId eq` are index lookups; lists page in (created_at, user_id) order.
CREATE UNIQUE INDEX scim_users_user_name ON scim_users (connection_id, user_name COLLATE NOCASE);
CREATE INDEX scim_users_external_id ON scim_users (connection_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX scim_users_order ON scim_users (connection_id, created_at, user_id);
CREATE INDEX scim_users_by_user ON scim_users (user_id);

CREATE TABLE scim_groups (
    connection_id  TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    team_id        TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    external_id    TEXT,
    version        INTEGER NOT NULL CHECK (version > 0),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (connection_id, team_id)
) STRICT;
CREATE INDEX scim_groups_external_id ON scim_groups (connection_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX scim_groups_order ON scim_groups (connection_id, created_at, team_id);
CREATE INDEX scim_groups_by_team ON scim_groups (team_id);
)sql";

constexpr char const* migration_5 = R"sql(
-- The sweep of ended sessions (every GET /sso/login) deletes rows past their lifetime OR
-- idle since a bound; with an index on each term SQLite serves the OR from both indexes
-- instead of scanning the table (issue 8, tests/store/query_plan_test.cpp).
CREATE INDEX sessions_by_last_seen ON sessions (last_seen_at);
)sql";

constexpr char const* migration_6 = R"sql(
-- Admin console sessions (issue 9), in the store so that every node on a shared store
-- recognises an admin who signed in on another (issue 10). Only the SHA-256 of the
-- cookie secret is kept; the CSRF token is derived from the secret, so it needs no
-- column. The actor is a user id (SSO) or an admin token id (break-glass): no foreign
-- key. The sweep's OR is served by one index per term (as sessions, migration 5).
CREATE TABLE admin_sessions (
    id_hash        TEXT NOT NULL PRIMARY KEY CHECK (length(id_hash) = 64),
    actor_type     TEXT NOT NULL CHECK (length(actor_type) > 0),
    actor_id       TEXT NOT NULL CHECK (length(actor_id) > 0),
    label          TEXT NOT NULL,
    method         TEXT NOT NULL CHECK (length(method) > 0),
    created_at     INTEGER NOT NULL,
    last_seen_at   INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX admin_sessions_by_expiry ON admin_sessions (expires_at);
CREATE INDEX admin_sessions_by_last_seen ON admin_sessions (last_seen_at);
CREATE INDEX admin_sessions_by_actor ON admin_sessions (actor_id, actor_type);
)sql";

constexpr std::array<migration, 6> all_migrations{{
    {1, "identities and provenance", migration_1},
    {2, "sign-in state", migration_2},
    {3, "audit log and tokens", migration_3},
    {4, "scim views", migration_4},
    {5, "session sweep index", migration_5},
    {6, "admin console sessions", migration_6},
}};

static_assert(all_migrations.size() == static_cast<std::size_t>(latest_schema_version),
              "latest_schema_version must equal the number of migrations");

constexpr char const* create_migrations_table = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER NOT NULL PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT
)sql";

/// The SQLite side of detail::run_migrations(): BEGIN IMMEDIATE (so two processes
/// opening one new file migrate it once), the version read and the record.
struct migration_db {
    explicit migration_db(connection& c) noexcept : db(c) {}

    connection& db;
    char const* create_table_sql = create_migrations_table;
    int begin_rc = SQLITE_OK;
    std::string why;

    /// `ok`, keeping the connection's message when false.
    bool check(bool ok)
    {
        if (!ok)
            why = db.message();
        return ok;
    }
    bool begin()
    {
        begin_rc = db.exec("BEGIN IMMEDIATE");
        return check(begin_rc == SQLITE_OK);
    }
    errc begin_failure() const { return map_result_code(begin_rc) == errc::busy ? errc::busy : errc::open_failed; }
    bool exec(char const* sql) { return check(db.exec(sql) == SQLITE_OK); }
    std::optional<int> read_version()
    {
        int rc = SQLITE_OK;
        auto* raw = db.prepare("SELECT coalesce(max(version), 0) FROM schema_migrations", rc);
        if (!check(raw != nullptr))
            return std::nullopt;
        statement st(raw);
        if (!check(st.step() == SQLITE_ROW))
            return std::nullopt;
        return static_cast<int>(st.integer(0));
    }
    bool record(migration const& step)
    {
        int rc = SQLITE_OK;
        auto* insert = db.prepare("INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)", rc);
        if (!check(insert != nullptr))
            return false;
        statement st(insert);
        st.bind_int(1, step.version).bind_text(2, step.name);
        return check(st.step() == SQLITE_DONE);
    }
    static errc failure(errc code) noexcept { return code; }
    std::string const& message() const noexcept { return why; }
};

} // namespace

std::span<migration const> migrations() noexcept
{
    return all_migrations;
}

migrate_outcome migrate(connection& db, int target, std::string_view label)
{
    migration_db steps(db);
    return detail::run_migrations(steps, all_migrations, target, label);
}

} // namespace ssogate::store::sqlite
