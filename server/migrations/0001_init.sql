-- Berth's first schema: users, API tokens, console sessions and the audit trail.
-- Times are Unix seconds (UTC).

CREATE TABLE users (
    name          TEXT PRIMARY KEY NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    password_hash TEXT NOT NULL,          -- argon2id, PHC string
    created       INTEGER NOT NULL
);

CREATE TABLE tokens (
    name          TEXT PRIMARY KEY NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    secret_hash   TEXT NOT NULL UNIQUE,   -- hex SHA-256 of the secret; the secret itself is never stored
    created       INTEGER NOT NULL,
    expires_at    INTEGER,                -- NULL: never
    revoked       INTEGER NOT NULL DEFAULT 0,
    labels        TEXT NOT NULL DEFAULT '{}',  -- JSON object: the label scope (all must match)
    allow         TEXT NOT NULL DEFAULT '[]'   -- JSON array: the allowed verbs (empty: the role's all)
);

CREATE TABLE sessions (
    id_hash       TEXT PRIMARY KEY NOT NULL,   -- hex SHA-256 of the cookie's session id
    user_name     TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    csrf_token    TEXT NOT NULL,
    created       INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL
);

CREATE TABLE audit (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    time          INTEGER NOT NULL,
    user_name     TEXT,                   -- NULL: anonymous
    auth          TEXT NOT NULL,          -- 'token:<name>', 'session' or 'anonymous'
    remote_addr   TEXT NOT NULL,
    method        TEXT NOT NULL,
    path          TEXT NOT NULL,
    status        INTEGER NOT NULL,
    outcome       TEXT NOT NULL CHECK (outcome IN ('allowed', 'denied', 'failed'))
);

CREATE INDEX audit_by_user ON audit (user_name);
CREATE INDEX audit_by_outcome ON audit (outcome);
