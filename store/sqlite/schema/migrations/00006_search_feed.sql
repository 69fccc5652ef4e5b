-- +goose Up
-- The customer search's change feed (store/searchidx): one row per
-- customer id that ever existed, holding the sequence number of its
-- latest change (insert, delete, or an update of a searched or sorted
-- column). Each server keeps its search index in memory and brings it up
-- to date before every search by reading the rows above the last number
-- it applied (store/sqlite/feed.go), so a search sees every change
-- committed before it began, on every server on the file.
--
-- Numbers are max(seq) + 1, taken inside the writing transaction. SQLite
-- has one writer at a time, and a write transaction always works on the
-- newest snapshot (a deferred one that read an older one gets
-- SQLITE_BUSY_SNAPSHOT instead of writing), so numbers are handed out in
-- commit order: a change the feed has not shown yet never gets a number
-- below one it has shown. A deleted customer's row stays (the feed shows
-- the delete), so max(seq) never goes back.
--
-- The old search's FTS5 trigram index and its triggers go, and so do the
-- indexes only its name, first-name and phone lookups used.
CREATE TABLE customer_changes (
    customer_id INTEGER PRIMARY KEY,
    seq         INTEGER NOT NULL UNIQUE
);
INSERT INTO customer_changes (customer_id, seq)
SELECT id, row_number() OVER (ORDER BY id) FROM customers WHERE true;

-- +goose StatementBegin
CREATE TRIGGER customer_changes_ai AFTER INSERT ON customers BEGIN
    INSERT INTO customer_changes (customer_id, seq)
    VALUES (new.id, (SELECT coalesce(max(seq), 0) + 1 FROM customer_changes))
    ON CONFLICT (customer_id) DO UPDATE SET seq = excluded.seq;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER customer_changes_ad AFTER DELETE ON customers BEGIN
    INSERT INTO customer_changes (customer_id, seq)
    VALUES (old.id, (SELECT coalesce(max(seq), 0) + 1 FROM customer_changes))
    ON CONFLICT (customer_id) DO UPDATE SET seq = excluded.seq;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER customer_changes_au AFTER UPDATE OF id, email, first_name, last_name, phone, created_at, total_spent ON customers BEGIN
    INSERT INTO customer_changes (customer_id, seq)
    SELECT old.id, (SELECT coalesce(max(seq), 0) + 1 FROM customer_changes) WHERE old.id <> new.id
    ON CONFLICT (customer_id) DO UPDATE SET seq = excluded.seq;
    INSERT INTO customer_changes (customer_id, seq)
    VALUES (new.id, (SELECT coalesce(max(seq), 0) + 1 FROM customer_changes))
    ON CONFLICT (customer_id) DO UPDATE SET seq = excluded.seq;
END;
-- +goose StatementEnd

DROP TRIGGER customers_fts_ai;
DROP TRIGGER customers_fts_ad;
DROP TRIGGER customers_fts_au;
DROP TABLE customers_fts;
DROP INDEX customers_name;
DROP INDEX customers_first;
DROP INDEX customers_phone;

-- +goose Down
CREATE INDEX customers_name ON customers (last_name COLLATE NOCASE, first_name COLLATE NOCASE, id);
CREATE INDEX customers_first ON customers (first_name COLLATE NOCASE);
CREATE INDEX customers_phone ON customers (phone);
CREATE VIRTUAL TABLE customers_fts USING fts5 (
    email, first_name, last_name, phone,
    content = 'customers', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO customers_fts (customers_fts) VALUES ('rebuild');
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
DROP TRIGGER customer_changes_au;
DROP TRIGGER customer_changes_ad;
DROP TRIGGER customer_changes_ai;
DROP TABLE customer_changes;
