-- Identity and access: what a user may do (role), where (unit_id's subtree),
-- how they sign in (argon2id password hash; refresh tokens stored hashed),
-- long-lived API tokens for third-party systems, the editable role →
-- permission matrix, and an append-only audit log.
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'rep'
    CHECK (role IN ('hq', 'admin', 'region_manager', 'province_manager', 'rep'));
ALTER TABLE users ADD COLUMN unit_id INTEGER REFERENCES org_units (id);
ALTER TABLE users ADD COLUMN password_hash TEXT;
-- Users made before roles existed keep a rep's narrowest useful scope.
UPDATE users SET unit_id = COALESCE(
    (SELECT r.unit_id FROM reps r WHERE r.id = users.rep_id),
    (SELECT id FROM org_units WHERE parent_id IS NULL));
CREATE INDEX users_unit ON users (unit_id);

CREATE TABLE role_permissions (
    role        TEXT NOT NULL,
    permission  TEXT NOT NULL,
    PRIMARY KEY (role, permission)
);

CREATE TABLE refresh_tokens (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Every token rotated from one sign-in shares a family; reuse of a spent
    -- token revokes the whole family.
    family      TEXT    NOT NULL,
    token_hash  TEXT    NOT NULL UNIQUE,
    issued_at   TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    used_at     TEXT,
    revoked_at  TEXT
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL,
    prefix        TEXT    NOT NULL,
    token_hash    TEXT    NOT NULL UNIQUE,
    role          TEXT    NOT NULL,
    unit_id       INTEGER NOT NULL REFERENCES org_units (id),
    created_by    INTEGER NOT NULL REFERENCES users (id),
    created_at    TEXT    NOT NULL,
    expires_on    TEXT,
    revoked_at    TEXT,
    last_used_at  TEXT
);

-- No foreign keys: the log outlives the users and objects it names.
CREATE TABLE audit_log (
    id             INTEGER PRIMARY KEY,
    at             TEXT    NOT NULL,
    actor_user_id  INTEGER,
    actor          TEXT    NOT NULL,
    api_token_id   INTEGER,
    action         TEXT    NOT NULL,
    entity         TEXT    NOT NULL,
    entity_id      TEXT,
    before_json    TEXT,
    after_json     TEXT,
    client_ip      TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_actor ON audit_log (actor_user_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
