-- +goose NO TRANSACTION
-- +goose Up
-- The server's own tables (notes, agent sessions, password resets, the
-- audit trail, idempotency keys) key customers by text id with no foreign
-- key to customers, so a platform's opaque id ("cstmr_…") fits as well as
-- this store's integer ids, which they keep as their digits.
--
-- SQLite changes a column's type or drops a foreign key only by
-- rebuilding the table (https://sqlite.org/lang_altertable.html#otheralter),
-- and the rebuild needs foreign keys off, which a transaction cannot
-- switch: hence NO TRANSACTION, and BEGIN/COMMIT here. The migration runs
-- on a pool of one connection (schema.Migrate), so all of it runs on the
-- connection whose foreign keys are off. Copies do not fire the audit
-- trail's append-only triggers, and the rows keep their bytes, so the
-- hash chain still verifies (an id of digits is hashed as the number).
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE notes_new (
    id          INTEGER PRIMARY KEY,
    customer_id TEXT NOT NULL,
    body        TEXT NOT NULL,
    agent_id    TEXT NOT NULL,
    agent_name  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
INSERT INTO notes_new SELECT id, CAST(customer_id AS TEXT), body, agent_id, agent_name, created_at FROM notes;
DROP TABLE notes;
ALTER TABLE notes_new RENAME TO notes;
CREATE INDEX notes_customer ON notes (customer_id, id DESC);

CREATE TABLE agent_sessions_new (
    id             TEXT PRIMARY KEY,              -- ses_...
    customer_id    TEXT NOT NULL,
    agent_id       TEXT NOT NULL REFERENCES agents (id),
    key_id         TEXT NOT NULL,
    reason         TEXT NOT NULL,
    ticket         TEXT NOT NULL DEFAULT '',
    started_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL,
    max_expires_at TEXT NOT NULL,
    ended_at       TEXT,
    ended_by       TEXT
);
INSERT INTO agent_sessions_new SELECT id, CAST(customer_id AS TEXT), agent_id, key_id, reason, ticket,
    started_at, expires_at, max_expires_at, ended_at, ended_by FROM agent_sessions;
DROP TABLE agent_sessions;
ALTER TABLE agent_sessions_new RENAME TO agent_sessions;
CREATE INDEX agent_sessions_customer ON agent_sessions (customer_id, expires_at);
CREATE INDEX agent_sessions_live ON agent_sessions (expires_at) WHERE ended_at IS NULL;

CREATE TABLE password_resets_new (
    id           INTEGER PRIMARY KEY,
    customer_id  TEXT NOT NULL,
    session_id   TEXT NOT NULL REFERENCES agent_sessions (id),
    agent_id     TEXT NOT NULL,
    token_hash   TEXT NOT NULL,
    sent_to      TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
INSERT INTO password_resets_new SELECT id, CAST(customer_id AS TEXT), session_id, agent_id, token_hash, sent_to,
    requested_at, expires_at FROM password_resets;
DROP TABLE password_resets;
ALTER TABLE password_resets_new RENAME TO password_resets;
CREATE INDEX password_resets_customer ON password_resets (customer_id, id DESC);

CREATE TABLE audit_log_new (
    seq         INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    agent_id    TEXT NOT NULL,
    agent_name  TEXT NOT NULL,
    key_id      TEXT NOT NULL,
    via         TEXT NOT NULL,
    session_id  TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    before      TEXT NOT NULL,
    after       TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
INSERT INTO audit_log_new SELECT seq, at, agent_id, agent_name, key_id, via, session_id, action,
    CAST(customer_id AS TEXT), before, after, request_id, prev_hash, hash FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_log_customer ON audit_log (customer_id, seq DESC);
CREATE INDEX audit_log_agent ON audit_log (agent_id, seq DESC);
CREATE INDEX audit_log_session ON audit_log (session_id, seq DESC) WHERE session_id <> '';
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

-- The customer an adjustment's key was used on, for the desk's own
-- records (the request hash covers it already).
ALTER TABLE idempotency_keys ADD COLUMN customer_id TEXT NOT NULL DEFAULT '';

COMMIT;
PRAGMA foreign_keys = ON;
