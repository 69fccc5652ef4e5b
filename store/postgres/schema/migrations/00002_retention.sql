-- +goose Up
-- Retention deletes Idempotency-Key claims by age (store.Retention), as
-- the SQLite engine's 00004_retention does.
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- +goose Down
DROP INDEX idempotency_keys_created;
