-- +goose Up
-- Which agents have which customer open (store.Presences), as the SQLite
-- engine's 00008_presence: one row per customer and agent, live until
-- expires_at, kept alive by the console's heartbeats; expired rows are
-- ignored and purged by retention.
CREATE TABLE presence (
    customer_id text NOT NULL,
    agent_id    text NOT NULL,
    agent_name  text NOT NULL,
    via         text NOT NULL,
    editing     boolean NOT NULL DEFAULT false,
    since       timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (customer_id, agent_id)
);
CREATE INDEX presence_expires ON presence (expires_at);

-- +goose Down
DROP TABLE presence;
