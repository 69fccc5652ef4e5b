-- +goose Up
-- How many customers have each set of column initials: the first
-- character (lower-cased, ASCII only, as search_text) of email, first
-- name, last name and phone, as a set without the empty ones, counted by
-- the last name's initial. A query of one-character words (initials such
-- as "j k") matches exactly the customers whose set holds each word, so
-- search.go counts it from this table (a few thousand rows at a million
-- customers) without reading a customer, and knows how far into the name
-- order its first match is. Kept by a trigger on customers.
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

ANALYZE customer_initials;

-- +goose Down
DROP TRIGGER customers_initials ON customers;
DROP FUNCTION customer_initials_track();
DROP TABLE customer_initials;
DROP FUNCTION customer_initials_of(text, text, text, text);
