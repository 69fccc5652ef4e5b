package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"frontdesk/store"
)

// AcquireGatewayLease deletes the expired leases, counts the live ones
// and stores l if no cap is reached. The Write's advisory lock makes the
// count and the insert one step for every Store on the database (READ
// COMMITTED: the count sees every lease committed before the lock).
func (t *txn) AcquireGatewayLease(ctx context.Context, l store.GatewayLease, caps store.GatewayCaps) error {
	if err := t.writable(); err != nil {
		return err
	}
	now := dbTime(l.AcquiredAt)
	if _, err := t.tx.Exec(ctx, `DELETE FROM gateway_leases WHERE expires_at <= $1`, now); err != nil {
		return fmt.Errorf("drop expired gateway leases: %w", err)
	}
	if caps.Total > 0 {
		n, err := t.CountGatewayLeases(ctx, l.AcquiredAt, "")
		if err != nil {
			return err
		}
		if n >= caps.Total {
			return &store.GatewayCapError{Scope: store.CapDesk, Cap: caps.Total}
		}
	}
	if caps.PerAgent > 0 {
		n, err := t.CountGatewayLeases(ctx, l.AcquiredAt, l.AgentID)
		if err != nil {
			return err
		}
		if n >= caps.PerAgent {
			return &store.GatewayCapError{Scope: store.CapAgent, Cap: caps.PerAgent}
		}
	}
	if _, err := t.tx.Exec(ctx, `
		INSERT INTO gateway_leases (id, agent_id, key_id, gateway, acquired_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		l.ID, l.AgentID, l.KeyID, l.Gateway, now, dbTime(l.ExpiresAt)); err != nil {
		return fmt.Errorf("save gateway lease: %w", err)
	}
	return nil
}

// RenewGatewayLease moves a live lease's expiry.
func (t *txn) RenewGatewayLease(ctx context.Context, id, keyID string, now, expires time.Time) (store.GatewayLease, error) {
	var out store.GatewayLease
	if err := t.writable(); err != nil {
		return out, err
	}
	err := t.tx.QueryRow(ctx, `
		UPDATE gateway_leases SET expires_at = $1 WHERE id = $2 AND key_id = $3 AND expires_at > $4
		RETURNING id, agent_id, key_id, gateway, acquired_at, expires_at`,
		dbTime(expires), id, keyID, dbTime(now)).
		Scan(&out.ID, &out.AgentID, &out.KeyID, &out.Gateway, &out.AcquiredAt, &out.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return out, store.ErrNotFound
	}
	if err != nil {
		return out, fmt.Errorf("renew gateway lease: %w", err)
	}
	out.AcquiredAt, out.ExpiresAt = out.AcquiredAt.UTC(), out.ExpiresAt.UTC()
	return out, nil
}

// ReleaseGatewayLease deletes a lease of the key.
func (t *txn) ReleaseGatewayLease(ctx context.Context, id, keyID string) error {
	if err := t.writable(); err != nil {
		return err
	}
	tag, err := t.tx.Exec(ctx, `DELETE FROM gateway_leases WHERE id = $1 AND key_id = $2`, id, keyID)
	if err != nil {
		return fmt.Errorf("release gateway lease: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return store.ErrNotFound
	}
	return nil
}

// CountGatewayLeases counts the live leases.
func (t *txn) CountGatewayLeases(ctx context.Context, now time.Time, agentID string) (int, error) {
	var n int
	err := t.tx.QueryRow(ctx, `SELECT count(*) FROM gateway_leases WHERE expires_at > $1 AND ($2 = '' OR agent_id = $2)`,
		dbTime(now), agentID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count gateway leases: %w", err)
	}
	return n, nil
}
