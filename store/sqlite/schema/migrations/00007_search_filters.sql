-- +goose Up
-- The search's field filters (status:, orders:, points:, last-order:,
-- store/searchq) test attributes the change feed now carries
-- (store/sqlite/feed.go): the customer's status and order count, its
-- loyalty points balance (loyalty_accounts) and the time of its last
-- order (orders). So a change of any of them is a change of the
-- customer: the update trigger covers status and total_orders too, and
-- triggers on loyalty_accounts and orders record the customer they
-- belong to. The numbers are drawn as in migration 00006 (max(seq) + 1
-- inside the writing transaction, SQLite's one writer at a time), so
-- they stay in commit order.
DROP TRIGGER customer_changes_au;
-- +goose StatementBegin
CREATE TRIGGER customer_changes_au AFTER UPDATE OF id, email, first_name, last_name, phone, created_at, total_spent,
    status, total_orders ON customers BEGIN
    INSERT INTO customer_changes (customer_id, seq)
    SELECT old.id, (SELECT coalesce(max(seq), 0) + 1 FROM customer_changes) WHERE old.id <> new.id
    ON CONFLICT (customer_id) DO UPDATE SET seq = excluded.seq;
    INSERT INTO customer_changes (customer_id, seq)
    VALUES (new.id, (SELECT coalesce(max(seq), 0) + 1 FROM customer_changes))
    ON CONFLICT (customer_id) DO UPDATE SET seq = excluded.seq;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER customer_changes_loyalty_ai AFTER INSERT ON loyalty_accounts BEGIN
    INSERT INTO customer_changes (customer_id, seq)
    VALUES (new.customer_id, (SELECT coalesce(max(seq), 0) + 1 FROM customer_changes))
    ON CONFLICT (customer_id) DO UPDATE SET seq = excluded.seq;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER customer_changes_loyalty_au AFTER UPDATE OF customer_id, points_balance ON loyalty_accounts BEGIN
    INSERT INTO customer_changes (customer_id, seq)
    SELECT old.customer_id, (SELECT coalesce(max(seq), 0) + 1 FROM customer_changes) WHERE old.customer_id <> new.customer_id
    ON CONFLICT (customer_id) DO UPDATE SET seq = excluded.seq;
    INSERT INTO customer_changes (customer_id, seq)
    VALUES (new.customer_id, (SELECT coalesce(max(seq), 0) + 1 FROM customer_changes))
    ON CONFLICT (customer_id) DO UPDATE SET seq = excluded.seq;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER customer_changes_loyalty_ad AFTER DELETE ON loyalty_accounts BEGIN
    INSERT INTO customer_changes (customer_id, seq)
    VALUES (old.customer_id, (SELECT coalesce(max(seq), 0) + 1 FROM customer_changes))
    ON CONFLICT (customer_id) DO UPDATE SET seq = excluded.seq;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER customer_changes_orders_ai AFTER INSERT ON orders BEGIN
    INSERT INTO customer_changes (customer_id, seq)
    VALUES (new.customer_id, (SELECT coalesce(max(seq), 0) + 1 FROM customer_changes))
    ON CONFLICT (customer_id) DO UPDATE SET seq = excluded.seq;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER customer_changes_orders_au AFTER UPDATE OF customer_id, created_at ON orders BEGIN
    INSERT INTO customer_changes (customer_id, seq)
    SELECT old.customer_id, (SELECT coalesce(max(seq), 0) + 1 FROM customer_changes) WHERE old.customer_id <> new.customer_id
    ON CONFLICT (customer_id) DO UPDATE SET seq = excluded.seq;
    INSERT INTO customer_changes (customer_id, seq)
    VALUES (new.customer_id, (SELECT coalesce(max(seq), 0) + 1 FROM customer_changes))
    ON CONFLICT (customer_id) DO UPDATE SET seq = excluded.seq;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER customer_changes_orders_ad AFTER DELETE ON orders BEGIN
    INSERT INTO customer_changes (customer_id, seq)
    VALUES (old.customer_id, (SELECT coalesce(max(seq), 0) + 1 FROM customer_changes))
    ON CONFLICT (customer_id) DO UPDATE SET seq = excluded.seq;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER customer_changes_orders_ad;
DROP TRIGGER customer_changes_orders_au;
DROP TRIGGER customer_changes_orders_ai;
DROP TRIGGER customer_changes_loyalty_ad;
DROP TRIGGER customer_changes_loyalty_au;
DROP TRIGGER customer_changes_loyalty_ai;
DROP TRIGGER customer_changes_au;
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
