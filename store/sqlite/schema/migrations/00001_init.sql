-- +goose Up
-- frontdesk sandbox schema. Times are RFC 3339 UTC text with milliseconds
-- ("2026-01-15T10:00:00.000Z") so they sort as text. Money is integer minor
-- units.

CREATE TABLE agents (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('viewer', 'agent', 'supervisor', 'admin')),
    loyalty_limit INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);

CREATE TABLE api_keys (
    key_id      TEXT PRIMARY KEY,           -- ck_...
    secret_hash TEXT NOT NULL,              -- hex SHA-256 of the cs_... secret
    agent_id    TEXT NOT NULL REFERENCES agents (id),
    gateway     INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);

CREATE TABLE customers (
    id              INTEGER PRIMARY KEY,
    email           TEXT NOT NULL,
    email_confirmed INTEGER NOT NULL DEFAULT 1,
    first_name      TEXT NOT NULL,
    last_name       TEXT NOT NULL,
    phone           TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    total_orders    INTEGER NOT NULL DEFAULT 0,
    total_spent     INTEGER NOT NULL DEFAULT 0,
    currency        TEXT NOT NULL DEFAULT 'KES',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX customers_email ON customers (email COLLATE NOCASE);
CREATE INDEX customers_created ON customers (created_at DESC, id DESC);
CREATE INDEX customers_spent ON customers (total_spent DESC, id DESC);
CREATE INDEX customers_name ON customers (last_name COLLATE NOCASE, first_name COLLATE NOCASE, id);
CREATE INDEX customers_first ON customers (first_name COLLATE NOCASE);
CREATE INDEX customers_phone ON customers (phone);

-- Substring search (FTS5 trigram) over the four searchable columns; kept in
-- step with customers by the triggers below. The seed generator may drop
-- the triggers' work by inserting in bulk and running 'rebuild' once.
CREATE VIRTUAL TABLE customers_fts USING fts5 (
    email, first_name, last_name, phone,
    content = 'customers', content_rowid = 'id', tokenize = 'trigram'
);
-- +goose StatementBegin
CREATE TRIGGER customers_fts_ai AFTER INSERT ON customers BEGIN
    INSERT INTO customers_fts (rowid, email, first_name, last_name, phone)
    VALUES (new.id, new.email, new.first_name, new.last_name, new.phone);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER customers_fts_ad AFTER DELETE ON customers BEGIN
    INSERT INTO customers_fts (customers_fts, rowid, email, first_name, last_name, phone)
    VALUES ('delete', old.id, old.email, old.first_name, old.last_name, old.phone);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER customers_fts_au AFTER UPDATE OF email, first_name, last_name, phone ON customers BEGIN
    INSERT INTO customers_fts (customers_fts, rowid, email, first_name, last_name, phone)
    VALUES ('delete', old.id, old.email, old.first_name, old.last_name, old.phone);
    INSERT INTO customers_fts (rowid, email, first_name, last_name, phone)
    VALUES (new.id, new.email, new.first_name, new.last_name, new.phone);
END;
-- +goose StatementEnd

CREATE TABLE addresses (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    type        TEXT NOT NULL CHECK (type IN ('shipping', 'billing')),
    address1    TEXT NOT NULL,
    address2    TEXT NOT NULL DEFAULT '',
    city        TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT '',
    zip         TEXT NOT NULL DEFAULT '',
    country     TEXT NOT NULL,
    is_default  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX addresses_customer ON addresses (customer_id);

CREATE TABLE orders (
    id                 INTEGER PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE,
    customer_id        INTEGER NOT NULL REFERENCES customers (id),
    status             TEXT NOT NULL,
    payment_status     TEXT NOT NULL,
    fulfillment_status TEXT NOT NULL,
    currency           TEXT NOT NULL DEFAULT 'KES',
    subtotal           INTEGER NOT NULL,
    shipping           INTEGER NOT NULL DEFAULT 0,
    tax                INTEGER NOT NULL DEFAULT 0,
    discount           INTEGER NOT NULL DEFAULT 0,
    total              INTEGER NOT NULL,
    item_count         INTEGER NOT NULL,
    items              TEXT NOT NULL,        -- JSON array of api.OrderItem
    shipping_address   TEXT,                 -- JSON api.Address
    billing_address    TEXT,                 -- JSON api.Address
    created_at         TEXT NOT NULL
);
CREATE INDEX orders_customer ON orders (customer_id, created_at DESC, id DESC);

CREATE TABLE loyalty_accounts (
    customer_id     INTEGER PRIMARY KEY REFERENCES customers (id),
    points_balance  INTEGER NOT NULL DEFAULT 0 CHECK (points_balance >= 0),
    lifetime_earned INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE loyalty_ledger (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers (id),
    type            TEXT NOT NULL CHECK (type IN ('earn', 'redeem', 'adjust', 'expire')),
    points          INTEGER NOT NULL,
    balance_after   INTEGER NOT NULL CHECK (balance_after >= 0),
    order_id        INTEGER REFERENCES orders (id),
    reason          TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    agent_id        TEXT REFERENCES agents (id),
    created_at      TEXT NOT NULL
);
CREATE INDEX loyalty_ledger_customer ON loyalty_ledger (customer_id, id DESC);
-- The ledger is append-only.
-- +goose StatementBegin
CREATE TRIGGER loyalty_ledger_no_update BEFORE UPDATE ON loyalty_ledger BEGIN
    SELECT RAISE(ABORT, 'loyalty_ledger is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER loyalty_ledger_no_delete BEFORE DELETE ON loyalty_ledger BEGIN
    SELECT RAISE(ABORT, 'loyalty_ledger is append-only');
END;
-- +goose StatementEnd

-- Idempotency keys of loyalty adjustments, scoped to the calling key's
-- agent. state: in_flight while the request runs, done with the stored
-- answer after.
CREATE TABLE idempotency_keys (
    agent_id     TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('in_flight', 'done')),
    status       INTEGER,
    response     BLOB,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (agent_id, key)
);

CREATE TABLE notes (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    body        TEXT NOT NULL,
    agent_id    TEXT NOT NULL,
    agent_name  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX notes_customer ON notes (customer_id, id DESC);
