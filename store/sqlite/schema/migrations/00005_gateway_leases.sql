-- +goose Up
-- One row per open SSH session of any gateway on the desk, live until
-- expires_at (store.GatewayLeases): the desk-wide and per-agent session
-- caps count these rows.
CREATE TABLE gateway_leases (
    id          TEXT PRIMARY KEY,  -- gwl_...
    agent_id    TEXT NOT NULL,
    key_id      TEXT NOT NULL,     -- the gateway key holding it
    gateway     TEXT NOT NULL,
    acquired_at TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX gateway_leases_expires ON gateway_leases (expires_at);
CREATE INDEX gateway_leases_agent ON gateway_leases (agent_id, expires_at);

-- +goose Down
DROP TABLE gateway_leases;
