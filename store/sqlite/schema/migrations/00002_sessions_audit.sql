-- +goose Up
-- On-behalf agent sessions, customer-scope data (coupons, password resets)
-- and the tamper-evident audit trail.

-- An agent acting as a customer (seed 003's agent on-behalf token). The
-- session lives until expires_at (the newest token's expiry) and never past
-- max_expires_at (started_at + 8 h); ended_at is set when it is revoked.
CREATE TABLE agent_sessions (
    id             TEXT PRIMARY KEY,              -- ses_...
    customer_id    INTEGER NOT NULL REFERENCES customers (id),
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
CREATE INDEX agent_sessions_customer ON agent_sessions (customer_id, expires_at);
CREATE INDEX agent_sessions_live ON agent_sessions (expires_at) WHERE ended_at IS NULL;

-- Every token a session was given, stored as its SHA-256 only. A refresh
-- adds a token and cuts the old ones' expiry to a short grace period.
CREATE TABLE agent_session_tokens (
    token_hash TEXT PRIMARY KEY,                  -- hex SHA-256 of cst_...
    session_id TEXT NOT NULL REFERENCES agent_sessions (id),
    issued_at  TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX agent_session_tokens_session ON agent_session_tokens (session_id);

-- The store's coupons and who may use them: a customer is eligible when
-- its order count and spend fall in the coupon's bounds, its id matches
-- the coupon's targeting (id % customer_mod = customer_rem) and the coupon
-- is running. Money in minor units (KES).
CREATE TABLE coupons (
    code            TEXT PRIMARY KEY,
    description     TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('percent', 'fixed', 'free_shipping')),
    value           INTEGER NOT NULL DEFAULT 0,
    currency        TEXT NOT NULL DEFAULT 'KES',
    min_order_total INTEGER NOT NULL DEFAULT 0,
    min_orders      INTEGER NOT NULL DEFAULT 0,
    max_orders      INTEGER,
    min_spent       INTEGER NOT NULL DEFAULT 0,
    customer_mod    INTEGER NOT NULL DEFAULT 1 CHECK (customer_mod > 0),
    customer_rem    INTEGER NOT NULL DEFAULT 0,
    starts_at       TEXT,
    ends_at         TEXT,
    sort            INTEGER NOT NULL DEFAULT 0
);
INSERT INTO coupons (code, description, kind, value, min_order_total, min_orders, max_orders, min_spent, customer_mod, customer_rem, starts_at, ends_at, sort) VALUES
    ('WELCOME10',  '10% off your first order',                    'percent',       10,     0,       0, 0,    0,        1,  0, NULL, NULL, 1),
    ('KARIBU500',  'KES 500 off orders over KES 3,000',            'fixed',         50000,  300000,  0, NULL, 0,        1,  0, NULL, NULL, 2),
    ('FREESHIP',   'Free delivery in Nairobi and Mombasa',         'free_shipping', 0,      150000,  1, NULL, 0,        1,  0, NULL, NULL, 3),
    ('LOYAL15',    '15% off for customers with 5 or more orders',  'percent',       15,     0,       5, NULL, 0,        1,  0, NULL, NULL, 4),
    ('VIP2000',    'KES 2,000 off for customers who spent KES 100,000 or more', 'fixed', 200000, 1000000, 0, NULL, 10000000, 1, 0, NULL, NULL, 5),
    ('BIRTHDAY20', '20% birthday treat',                           'percent',       20,     0,       0, NULL, 0,        4,  1, NULL, NULL, 6),
    ('MIDYEAR12',  '12% off everything until the end of 2030',     'percent',       12,     0,       1, NULL, 0,        3,  0, NULL, '2030-12-31T23:59:59.000Z', 7),
    ('JAMHURI25',  '25% off for Jamhuri Day 2025 (over)',          'percent',       25,     0,       0, NULL, 0,        1,  0, '2025-12-10T00:00:00.000Z', '2025-12-13T00:00:00.000Z', 8);

-- Password reset requests made on a customer's behalf. The reset token
-- itself is only stored hashed.
CREATE TABLE password_resets (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    session_id   TEXT NOT NULL REFERENCES agent_sessions (id),
    agent_id     TEXT NOT NULL,
    token_hash   TEXT NOT NULL,
    sent_to      TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX password_resets_customer ON password_resets (customer_id, id DESC);

-- The audit trail: one row per mutation, written in the same transaction
-- as the change. hash = SHA-256 over the row's canonical encoding, which
-- includes prev_hash (the previous row's hash), so changing, removing or
-- inserting a row breaks the chain (`frontdesk audit verify`). before and
-- after are JSON objects of the changed fields only (or null).
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    agent_id    TEXT NOT NULL,
    agent_name  TEXT NOT NULL,
    key_id      TEXT NOT NULL,
    via         TEXT NOT NULL,
    session_id  TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    customer_id INTEGER NOT NULL,
    before      TEXT NOT NULL,
    after       TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_customer ON audit_log (customer_id, seq DESC);
CREATE INDEX audit_log_agent ON audit_log (agent_id, seq DESC);
CREATE INDEX audit_log_session ON audit_log (session_id, seq DESC) WHERE session_id <> '';
-- Append-only, so a mistake cannot quietly rewrite history. (Someone with
-- the file can drop these; the hash chain is what catches that.)
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

-- The chain's head: the last row's seq and hash, updated with every
-- append, so removing rows from the end is caught too.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
