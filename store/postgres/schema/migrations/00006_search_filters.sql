-- +goose Up
-- The search's field filters (status:, orders:, points:, last-order:,
-- store/searchq) test attributes the change feed now carries
-- (store/postgres/feed.go): the customer's status and order count, its
-- loyalty points balance (loyalty_accounts) and the time of its last
-- order (orders). So a change of any of them is a change of the
-- customer: the update trigger covers status and total_orders too, and
-- triggers on loyalty_accounts and orders record the customer they
-- belong to.
--
-- The numbers stay in commit order by migration 00005's argument: every
-- writer of orders and loyalty_accounts, like every writer of customers,
-- holds the engine's write lock (Store.Write, and CopySQLite inside one)
-- from before its first change until its commit, so no two transactions
-- draw numbers at the same time. Inserts and deletes are recorded once
-- per statement from the transition table (the bulk copy of the seed's
-- orders costs one set-based insert per COPY).

-- Writers wait until this migration commits (and see its triggers then).
LOCK TABLE customers, orders, loyalty_accounts IN SHARE ROW EXCLUSIVE MODE;

DROP TRIGGER customer_changes_upd ON customers;
CREATE TRIGGER customer_changes_upd AFTER UPDATE OF id, email, first_name, last_name, phone, created_at, total_spent,
    status, total_orders ON customers FOR EACH ROW EXECUTE FUNCTION customer_changes_row();

-- +goose StatementBegin
CREATE FUNCTION customer_changes_owner_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO customer_changes AS cc (customer_id, seq)
        SELECT customer_id, nextval('customer_changes_seq') FROM (SELECT DISTINCT customer_id FROM new_rows ORDER BY 1) r
        ON CONFLICT (customer_id) DO UPDATE SET seq = excluded.seq;
    ELSE
        INSERT INTO customer_changes AS cc (customer_id, seq)
        SELECT customer_id, nextval('customer_changes_seq') FROM (SELECT DISTINCT customer_id FROM old_rows ORDER BY 1) r
        ON CONFLICT (customer_id) DO UPDATE SET seq = excluded.seq;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION customer_changes_owner_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.customer_id <> NEW.customer_id THEN
        INSERT INTO customer_changes AS cc (customer_id, seq)
        VALUES (OLD.customer_id, nextval('customer_changes_seq'))
        ON CONFLICT (customer_id) DO UPDATE SET seq = excluded.seq;
    END IF;
    INSERT INTO customer_changes AS cc (customer_id, seq)
    VALUES (NEW.customer_id, nextval('customer_changes_seq'))
    ON CONFLICT (customer_id) DO UPDATE SET seq = excluded.seq;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER customer_changes_loyalty_ins AFTER INSERT ON loyalty_accounts
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION customer_changes_owner_rows();
CREATE TRIGGER customer_changes_loyalty_del AFTER DELETE ON loyalty_accounts
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION customer_changes_owner_rows();
CREATE TRIGGER customer_changes_loyalty_upd AFTER UPDATE OF customer_id, points_balance
    ON loyalty_accounts FOR EACH ROW EXECUTE FUNCTION customer_changes_owner_row();
CREATE TRIGGER customer_changes_orders_ins AFTER INSERT ON orders
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION customer_changes_owner_rows();
CREATE TRIGGER customer_changes_orders_del AFTER DELETE ON orders
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION customer_changes_owner_rows();
CREATE TRIGGER customer_changes_orders_upd AFTER UPDATE OF customer_id, created_at
    ON orders FOR EACH ROW EXECUTE FUNCTION customer_changes_owner_row();

-- +goose Down
DROP TRIGGER customer_changes_orders_upd ON orders;
DROP TRIGGER customer_changes_orders_del ON orders;
DROP TRIGGER customer_changes_orders_ins ON orders;
DROP TRIGGER customer_changes_loyalty_upd ON loyalty_accounts;
DROP TRIGGER customer_changes_loyalty_del ON loyalty_accounts;
DROP TRIGGER customer_changes_loyalty_ins ON loyalty_accounts;
DROP FUNCTION customer_changes_owner_row();
DROP FUNCTION customer_changes_owner_rows();
DROP TRIGGER customer_changes_upd ON customers;
CREATE TRIGGER customer_changes_upd AFTER UPDATE OF id, email, first_name, last_name, phone, created_at, total_spent
    ON customers FOR EACH ROW EXECUTE FUNCTION customer_changes_row();
