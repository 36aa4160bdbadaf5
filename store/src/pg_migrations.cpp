// Numbered schema migrations of the PostgreSQL backend: the same versions as
// sqlite_migrations.cpp, in PostgreSQL's dialect (store.hpp latest_schema_version).
//
// Dialect: times BIGINT microseconds and booleans 0/1 as on SQLite, so both backends
// read rows alike; every text column COLLATE "C" so that equality and ORDER BY compare
// bytes (as SQLite's BINARY) whatever the database's locale; SQLite's NOCASE becomes
// lower() over a "C" text (ASCII case folding, as NOCASE) with an expression index;
// GLOB 'jit:?*' becomes LIKE 'jit:_%'; the audit log is append-only by triggers.
// Migrations are append-only: never edit a released one.
#include "pg_migrations.hpp"

#include <ssogate/store/store.hpp>

#include <array>
#include <cstdlib>
#include <optional>
#include <string>

namespace ssogate::store::pg {

namespace {

constexpr char const* migration_1 = R"sql(
CREATE TABLE connections (
    id            TEXT COLLATE "C" NOT NULL PRIMARY KEY CHECK (length(id) > 0),
    display_name  TEXT COLLATE "C" NOT NULL,
    owner         TEXT COLLATE "C" NOT NULL CHECK (owner IN ('file', 'store')),
    source_file   TEXT COLLATE "C" NOT NULL DEFAULT '',
    jit_enabled   BIGINT NOT NULL CHECK (jit_enabled IN (0, 1)),
    settings      TEXT COLLATE "C" NOT NULL DEFAULT '{}',   -- JSON, validated by the repository
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

CREATE TABLE users (
    id            TEXT COLLATE "C" NOT NULL PRIMARY KEY CHECK (length(id) > 0),
    active        BIGINT NOT NULL CHECK (active IN (0, 1)),
    created_by    TEXT COLLATE "C" NOT NULL CHECK (created_by = 'admin' OR created_by LIKE 'jit:_%' OR created_by LIKE 'scim:_%'),
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

-- The immutable IdP subject of a user on a connection; one user may hold several.
CREATE TABLE user_identities (
    connection_id  TEXT COLLATE "C" NOT NULL REFERENCES connections (id) ON DELETE RESTRICT,
    subject        TEXT COLLATE "C" NOT NULL CHECK (length(subject) > 0),
    user_id        TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at     BIGINT NOT NULL,
    last_login_at  BIGINT,
    last_assertion TEXT COLLATE "C" NOT NULL DEFAULT '',
    PRIMARY KEY (connection_id, subject)
);
CREATE INDEX user_identities_by_user ON user_identities (user_id);

CREATE TABLE user_attributes (
    user_id   TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name      TEXT COLLATE "C" NOT NULL CHECK (length(name) > 0),
    value     TEXT COLLATE "C" NOT NULL,
    owner     TEXT COLLATE "C" NOT NULL CHECK (owner = 'admin' OR owner LIKE 'jit:_%' OR owner LIKE 'scim:_%'),
    set_at    BIGINT NOT NULL,
    event_id  TEXT COLLATE "C",
    PRIMARY KEY (user_id, name)
);
-- Email is unique across the store, case-insensitively.
CREATE UNIQUE INDEX user_attributes_email_unique ON user_attributes (lower(value)) WHERE name = 'email';
CREATE INDEX user_attributes_by_value ON user_attributes (name, lower(value));

CREATE TABLE role_grants (
    user_id   TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role      TEXT COLLATE "C" NOT NULL CHECK (length(role) > 0),
    owner     TEXT COLLATE "C" NOT NULL CHECK (owner = 'admin' OR owner LIKE 'jit:_%' OR owner LIKE 'scim:_%'),
    set_at    BIGINT NOT NULL,
    event_id  TEXT COLLATE "C",
    PRIMARY KEY (user_id, role)
);

CREATE TABLE teams (
    id          TEXT COLLATE "C" NOT NULL PRIMARY KEY CHECK (length(id) > 0),
    name        TEXT COLLATE "C" NOT NULL CHECK (length(name) > 0),
    owner       TEXT COLLATE "C" NOT NULL CHECK (owner = 'admin' OR owner LIKE 'jit:_%' OR owner LIKE 'scim:_%'),
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX teams_name_unique ON teams (lower(name));

CREATE TABLE team_memberships (
    user_id   TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    team_id   TEXT COLLATE "C" NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    owner     TEXT COLLATE "C" NOT NULL CHECK (owner = 'admin' OR owner LIKE 'jit:_%' OR owner LIKE 'scim:_%'),
    set_at    BIGINT NOT NULL,
    event_id  TEXT COLLATE "C",
    PRIMARY KEY (user_id, team_id)
);
CREATE INDEX team_memberships_by_team ON team_memberships (team_id);

-- Account links waiting for an administrator (link = "admin_approval").
CREATE TABLE link_approvals (
    id              TEXT COLLATE "C" NOT NULL PRIMARY KEY CHECK (length(id) > 0),
    connection_id   TEXT COLLATE "C" NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    subject         TEXT COLLATE "C" NOT NULL CHECK (length(subject) > 0),
    user_id         TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email           TEXT COLLATE "C" NOT NULL,
    assertion       TEXT COLLATE "C" NOT NULL DEFAULT '',
    requested_at    BIGINT NOT NULL,
    status          TEXT COLLATE "C" NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_at      BIGINT,
    decided_by      TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX link_approvals_one_pending ON link_approvals (connection_id, subject) WHERE status = 'pending';
)sql";

constexpr char const* migration_2 = R"sql(
CREATE TABLE sessions (
    id_hash            TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    user_id            TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    connection_id      TEXT COLLATE "C" NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    created_at         BIGINT NOT NULL,
    expires_at         BIGINT NOT NULL,
    last_seen_at       BIGINT NOT NULL,
    idp_session_index  TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Pending SP-initiated AuthnRequests, bound to the browser by the flow cookie's hash.
CREATE TABLE authn_requests (
    request_id     TEXT COLLATE "C" NOT NULL PRIMARY KEY CHECK (length(request_id) > 0),
    connection_id  TEXT COLLATE "C" NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    binding_hash   TEXT COLLATE "C" NOT NULL,
    return_to      TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL
);
CREATE INDEX authn_requests_by_expiry ON authn_requests (expires_at);

-- Consumed assertion IDs; the primary key makes the consume one atomic insert.
CREATE TABLE replay_cache (
    connection_id  TEXT COLLATE "C" NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    assertion_id   TEXT COLLATE "C" NOT NULL CHECK (length(assertion_id) > 0),
    expires_at     BIGINT NOT NULL,
    PRIMARY KEY (connection_id, assertion_id)
);
CREATE INDEX replay_cache_by_expiry ON replay_cache (expires_at);
)sql";

constexpr char const* migration_3 = R"sql(
-- Append-only, hash-chained. seq is assigned as last seq + 1 under a transaction-scoped
-- advisory lock on the chain head (held until commit), so it is gapless in commit
-- order with several nodes writing. No foreign keys: the log outlives
-- the connections and users it names.
CREATE TABLE audit_events (
    seq            BIGINT NOT NULL PRIMARY KEY CHECK (seq > 0),
    id             TEXT COLLATE "C" NOT NULL UNIQUE CHECK (length(id) > 0),
    time           BIGINT NOT NULL,
    action         TEXT COLLATE "C" NOT NULL CHECK (length(action) > 0),
    actor_type     TEXT COLLATE "C" NOT NULL,
    actor_id       TEXT COLLATE "C" NOT NULL,
    target         TEXT COLLATE "C" NOT NULL,
    connection_id  TEXT COLLATE "C" NOT NULL,
    source_ip      TEXT COLLATE "C" NOT NULL,
    user_agent     TEXT COLLATE "C" NOT NULL,
    result_status  TEXT COLLATE "C" NOT NULL,
    result_reason  TEXT COLLATE "C" NOT NULL,
    changes        TEXT COLLATE "C" NOT NULL,
    trace_id       TEXT COLLATE "C" NOT NULL,
    prev_hash      TEXT COLLATE "C" NOT NULL,
    hash           TEXT COLLATE "C" NOT NULL
);
CREATE INDEX audit_events_by_action ON audit_events (action, seq);
CREATE INDEX audit_events_by_connection ON audit_events (connection_id, seq);
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN RAISE EXCEPTION 'audit_events is append-only'; END
$fn$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- Admin API tokens and per-connection SCIM tokens, by hash only.
CREATE TABLE api_tokens (
    id             TEXT COLLATE "C" NOT NULL PRIMARY KEY CHECK (length(id) > 0),
    kind           TEXT COLLATE "C" NOT NULL CHECK (kind IN ('admin', 'scim')),
    name           TEXT COLLATE "C" NOT NULL,
    connection_id  TEXT COLLATE "C" REFERENCES connections (id) ON DELETE CASCADE,
    token_hash     TEXT COLLATE "C" NOT NULL UNIQUE,
    created_at     BIGINT NOT NULL,
    revoked_at     BIGINT,
    CHECK ((kind = 'scim') = (connection_id IS NOT NULL))
);
)sql";

constexpr char const* migration_4 = R"sql(
-- The SCIM view of a connection (issue 7): which users and teams its SCIM client sees,
-- with what SCIM needs on top of the provenance-tracked rows: userName, externalId,
-- the resource as SCIM last set it, and meta (created, lastModified, version).
CREATE TABLE scim_users (
    connection_id  TEXT COLLATE "C" NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    user_id        TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_name      TEXT COLLATE "C" NOT NULL CHECK (length(user_name) > 0),
    external_id    TEXT COLLATE "C",
    resource       TEXT COLLATE "C" NOT NULL DEFAULT '{}',   -- JSON object, validated by the repository
    version        BIGINT NOT NULL CHECK (version > 0),
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (connection_id, user_id)
);
-- userName is unique per connection, case-insensitively; `userName eq` and
-- `externalId eq` are index lookups; lists page in (created_at, user_id) order.
CREATE UNIQUE INDEX scim_users_user_name ON scim_users (connection_id, lower(user_name));
CREATE INDEX scim_users_external_id ON scim_users (connection_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX scim_users_order ON scim_users (connection_id, created_at, user_id);
CREATE INDEX scim_users_by_user ON scim_users (user_id);

CREATE TABLE scim_groups (
    connection_id  TEXT COLLATE "C" NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    team_id        TEXT COLLATE "C" NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    external_id    TEXT COLLATE "C",
    version        BIGINT NOT NULL CHECK (version > 0),
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (connection_id, team_id)
);
CREATE INDEX scim_groups_external_id ON scim_groups (connection_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX scim_groups_order ON scim_groups (connection_id, created_at, team_id);
CREATE INDEX scim_groups_by_team ON scim_groups (team_id);
)sql";

constexpr char const* migration_5 = R"sql(
-- The sweep of ended sessions (every GET /sso/login) deletes rows past their lifetime OR
-- idle since a bound; an index on each term (as on SQLite) (issue 8, tests/store/query_plan_test.cpp).
CREATE INDEX sessions_by_last_seen ON sessions (last_seen_at);
)sql";

constexpr char const* migration_6 = R"sql(
-- Admin console sessions (issue 9), in the store so that every node on a shared store
-- recognises an admin who signed in on another (issue 10). Only the SHA-256 of the
-- cookie secret is kept; the CSRF token is derived from the secret, so it needs no
-- column. The actor is a user id (SSO) or an admin token id (break-glass): no foreign
-- key. The sweep's OR is served by one index per term (as sessions, migration 5).
CREATE TABLE admin_sessions (
    id_hash        TEXT COLLATE "C" NOT NULL PRIMARY KEY CHECK (length(id_hash) = 64),
    actor_type     TEXT COLLATE "C" NOT NULL CHECK (length(actor_type) > 0),
    actor_id       TEXT COLLATE "C" NOT NULL CHECK (length(actor_id) > 0),
    label          TEXT COLLATE "C" NOT NULL,
    method         TEXT COLLATE "C" NOT NULL CHECK (length(method) > 0),
    created_at     BIGINT NOT NULL,
    last_seen_at   BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL
);
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
              "latest_schema_version must equal the number of migrations (add the PostgreSQL dialect here)");

constexpr char const* create_migrations_table = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER NOT NULL PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
)
)sql";

/// The PostgreSQL side of detail::run_migrations(), on a connection that holds the
/// migration lock: a READ COMMITTED transaction per step, the version read and the record.
struct migration_db {
    connection& db;
    char const* create_table_sql = create_migrations_table;

    bool begin() { return db.exec("BEGIN ISOLATION LEVEL READ COMMITTED"); }
    static errc begin_failure() noexcept { return errc::open_failed; }
    bool exec(char const* sql) { return db.exec(sql); }
    std::optional<int> read_version()
    {
        auto r = db.query("SELECT coalesce(max(version), 0) FROM schema_migrations");
        if (!r)
            return std::nullopt;
        return std::atoi(PQgetvalue(r.get(), 0, 0));
    }
    bool record(migration const& step)
    {
        return static_cast<bool>(db.run_prepared("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                                                 {std::to_string(step.version), std::string(step.name)}, {20, 25}));
    }
    /// A lost connection is errc::unavailable, whatever the step.
    errc failure(errc code) const { return db.lost() ? errc::unavailable : code; }
    std::string message() const { return db.last_error().message; }
};

} // namespace

std::span<migration const> migrations() noexcept
{
    return all_migrations;
}

migrate_outcome migrate(connection& db, int target, std::string_view label)
{
    migration_db steps{db};
    auto fail = [&](migrate_outcome& out, errc code, std::string message) {
        out.code = steps.failure(code);
        out.message = std::string(label) + ": " + std::move(message);
        (void)db.exec("ROLLBACK"); // a warning, not an error, when no transaction is open
        return out;
    };

    // Several nodes starting at once on a new database: one migrates, the others wait
    // here and then find the schema current. The lock is the session's, released below.
    if (!db.exec("SELECT pg_advisory_lock(" SSOGATE_PG_MIGRATION_LOCK ")")) {
        migrate_outcome out;
        return fail(out, map_error(db.last_error(), db.lost()) == errc::busy ? errc::busy : errc::open_failed,
                    "cannot take the migration lock: " + db.last_error().message);
    }
    auto out = detail::run_migrations(steps, all_migrations, target, label);
    // Released whether the steps succeeded or not (a failed one was rolled back).
    if (!db.exec("SELECT pg_advisory_unlock(" SSOGATE_PG_MIGRATION_LOCK ")") && out.code == errc{})
        return fail(out, errc::open_failed, "cannot release the migration lock: " + db.last_error().message);
    return out;
}

} // namespace ssogate::store::pg
