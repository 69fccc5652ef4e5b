-- +goose Up
-- One row per open SSH session of any gateway on the desk, live until
-- expires_at (store.GatewayLeases), as the SQLite engine's
-- 00005_gateway_leases: the desk-wide and per-agent session caps count
-- these rows.
CREATE TABLE gateway_leases (
    id          text PRIMARY KEY,  -- gwl_...
    agent_id    text NOT NULL,
    key_id      text NOT NULL,     -- the gateway key holding it
    gateway     text NOT NULL,
    acquired_at timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX gateway_leases_expires ON gateway_leases (expires_at);
CREATE INDEX gateway_leases_agent ON gateway_leases (agent_id, expires_at);

-- +goose Down
DROP TABLE gateway_leases;
