-- +goose Up
-- Which agents have which customer open (store.Presences): one row per
-- customer and agent, live until expires_at, kept alive by the console's
-- heartbeats; expired rows are ignored and purged by retention.
CREATE TABLE presence (
    customer_id TEXT NOT NULL,
    agent_id    TEXT NOT NULL,
    agent_name  TEXT NOT NULL,
    via         TEXT NOT NULL,
    editing     INTEGER NOT NULL DEFAULT 0,
    since       TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    PRIMARY KEY (customer_id, agent_id)
);
CREATE INDEX presence_expires ON presence (expires_at);

-- +goose Down
DROP TABLE presence;
