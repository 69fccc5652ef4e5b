-- +goose Up
-- The customer search's change feed (store/searchidx): one row per
-- customer id that ever existed, holding the sequence number of its
-- latest change (insert, delete, or an update of a searched or sorted
-- column). Each server keeps its search index in memory and brings it up
-- to date before every search by reading the rows above the last number
-- it applied (store/postgres/feed.go), so a search sees every change
-- committed before it began, on every server on the database.
--
-- Numbers come from a sequence, drawn by the triggers below inside the
-- writing transaction. They are in commit order because every writer of
-- customers holds the engine's write lock (pg_advisory_xact_lock, see
-- postgres.go) from before its first change until its commit: Store.Write
-- takes it first thing, and CopySQLite (the sandbox seed's bulk load)
-- runs inside a Write. So no two transactions draw numbers at the same
-- time, and the one that drew the lower numbers has committed (and is
-- visible to new snapshots) before the next one can draw any: a change
-- the feed has not shown yet never gets a number below one it has shown.
-- A rolled-back transaction leaves a gap, which the feed skips. A deleted
-- customer's row stays (the feed shows the delete).
--
-- The old search's trigram index, its search_text column, the initials
-- table and its trigger go, and so do the indexes only its name,
-- first-name and phone lookups used.

-- Writers wait until this migration commits (and see its trigger then).
LOCK TABLE customers IN SHARE ROW EXCLUSIVE MODE;

CREATE SEQUENCE customer_changes_seq AS bigint;
CREATE TABLE customer_changes (
    customer_id bigint PRIMARY KEY,
    seq         bigint NOT NULL UNIQUE
);
INSERT INTO customer_changes (customer_id, seq)
SELECT id, nextval('customer_changes_seq') FROM (SELECT id FROM customers ORDER BY id) c;

-- Inserts and deletes are recorded once per statement, from the
-- statement's transition table: a bulk COPY of a million customers costs
-- one set-based insert here, not a million trigger calls. (PostgreSQL
-- allows no transition table on an UPDATE OF trigger, so updates are
-- recorded row by row; they come one customer at a time.)
-- +goose StatementBegin
CREATE FUNCTION customer_changes_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO customer_changes AS cc (customer_id, seq)
        SELECT id, nextval('customer_changes_seq') FROM new_rows
        ON CONFLICT (customer_id) DO UPDATE SET seq = excluded.seq;
    ELSE
        INSERT INTO customer_changes AS cc (customer_id, seq)
        SELECT id, nextval('customer_changes_seq') FROM old_rows
        ON CONFLICT (customer_id) DO UPDATE SET seq = excluded.seq;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION customer_changes_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.id <> NEW.id THEN
        INSERT INTO customer_changes AS cc (customer_id, seq)
        VALUES (OLD.id, nextval('customer_changes_seq'))
        ON CONFLICT (customer_id) DO UPDATE SET seq = excluded.seq;
    END IF;
    INSERT INTO customer_changes AS cc (customer_id, seq)
    VALUES (NEW.id, nextval('customer_changes_seq'))
    ON CONFLICT (customer_id) DO UPDATE SET seq = excluded.seq;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER customer_changes_ins AFTER INSERT ON customers
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION customer_changes_rows();
CREATE TRIGGER customer_changes_del AFTER DELETE ON customers
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION customer_changes_rows();
CREATE TRIGGER customer_changes_upd AFTER UPDATE OF id, email, first_name, last_name, phone, created_at, total_spent
    ON customers FOR EACH ROW EXECUTE FUNCTION customer_changes_row();

DROP TRIGGER customers_initials ON customers;
DROP FUNCTION customer_initials_track();
DROP TABLE customer_initials;
DROP FUNCTION customer_initials_of(text, text, text, text);
DROP INDEX customers_trgm;
DROP INDEX customers_name;
DROP INDEX customers_first;
DROP INDEX customers_phone;
ALTER TABLE customers DROP COLUMN search_text;

-- +goose Down
DROP TRIGGER customer_changes_upd ON customers;
DROP TRIGGER customer_changes_del ON customers;
DROP TRIGGER customer_changes_ins ON customers;
DROP FUNCTION customer_changes_row();
DROP FUNCTION customer_changes_rows();
DROP TABLE customer_changes;
DROP SEQUENCE customer_changes_seq;

ALTER TABLE customers ADD COLUMN search_text text COLLATE "C" GENERATED ALWAYS AS
    (' ' || lower(email) || ' ' || lower(first_name) || ' ' || lower(last_name) || ' ' || lower(phone)
     || ' ' || replace(lower(phone), '+254', '0')) STORED;
CREATE INDEX customers_name ON customers (lower(last_name), lower(first_name), id)
    INCLUDE (email, first_name, last_name, phone);
CREATE INDEX customers_first ON customers (lower(first_name));
CREATE INDEX customers_phone ON customers (lower(phone));
CREATE INDEX customers_trgm ON customers USING gin (search_text gin_trgm_ops);
-- +goose StatementBegin
CREATE FUNCTION customer_initials_of(email text, first_name text, last_name text, phone text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT ch ORDER BY ch), '{}')
    FROM unnest(ARRAY[left(lower(email COLLATE "C"), 1), left(lower(first_name COLLATE "C"), 1),
                      left(lower(last_name COLLATE "C"), 1), left(lower(phone COLLATE "C"), 1)]) AS ch
    WHERE ch <> ''
$$;
-- +goose StatementEnd
CREATE TABLE customer_initials (
    last_initial text COLLATE "C" NOT NULL,
    initials     text[] COLLATE "C" NOT NULL,
    n            bigint NOT NULL CHECK (n >= 0),
    PRIMARY KEY (last_initial, initials)
);
INSERT INTO customer_initials (last_initial, initials, n)
SELECT left(lower(last_name), 1), customer_initials_of(email, first_name, last_name, phone), count(*)
FROM customers GROUP BY 1, 2;
-- +goose StatementBegin
CREATE FUNCTION customer_initials_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE customer_initials SET n = n - 1
        WHERE last_initial = left(lower(OLD.last_name), 1)
          AND initials = customer_initials_of(OLD.email, OLD.first_name, OLD.last_name, OLD.phone);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO customer_initials AS ci (last_initial, initials, n)
        VALUES (left(lower(NEW.last_name), 1), customer_initials_of(NEW.email, NEW.first_name, NEW.last_name, NEW.phone), 1)
        ON CONFLICT (last_initial, initials) DO UPDATE SET n = ci.n + 1;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER customers_initials AFTER INSERT OR DELETE OR UPDATE OF email, first_name, last_name, phone
    ON customers FOR EACH ROW EXECUTE FUNCTION customer_initials_track();
