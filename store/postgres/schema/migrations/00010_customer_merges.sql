-- +goose Up
-- A merged (duplicate) customer names the customer it was merged into
-- (store.Merger); NULL for every other customer. Set once, never cleared.
ALTER TABLE customers ADD COLUMN merged_into bigint REFERENCES customers (id);

-- +goose Down
ALTER TABLE customers DROP COLUMN merged_into;
