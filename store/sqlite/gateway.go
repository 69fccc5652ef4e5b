package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"frontdesk/store"
)

// AcquireGatewayLease deletes the expired leases, counts the live ones
// and stores l if no cap is reached. The Write's lock makes the count and
// the insert one step for every Store on the file.
func (t *txn) AcquireGatewayLease(ctx context.Context, l store.GatewayLease, caps store.GatewayCaps) error {
	if err := t.writable(); err != nil {
		return err
	}
	now := formatTime(l.AcquiredAt)
	if _, err := t.q.ExecContext(ctx, `DELETE FROM gateway_leases WHERE expires_at <= ?`, now); err != nil {
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
	if _, err := t.q.ExecContext(ctx, `
		INSERT INTO gateway_leases (id, agent_id, key_id, gateway, acquired_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`,
		l.ID, l.AgentID, l.KeyID, l.Gateway, now, formatTime(l.ExpiresAt)); err != nil {
		return fmt.Errorf("save gateway lease: %w", err)
	}
	return nil
}

// RenewGatewayLease moves a live lease's expiry.
func (t *txn) RenewGatewayLease(ctx context.Context, id, keyID string, now, expires time.Time) (store.GatewayLease, error) {
	if err := t.writable(); err != nil {
		return store.GatewayLease{}, err
	}
	res, err := t.q.ExecContext(ctx, `UPDATE gateway_leases SET expires_at = ? WHERE id = ? AND key_id = ? AND expires_at > ?`,
		formatTime(expires), id, keyID, formatTime(now))
	if err != nil {
		return store.GatewayLease{}, fmt.Errorf("renew gateway lease: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return store.GatewayLease{}, err
	} else if n == 0 {
		return store.GatewayLease{}, store.ErrNotFound
	}
	var (
		out      store.GatewayLease
		acq, exp string
	)
	err = t.q.QueryRowContext(ctx, `SELECT id, agent_id, key_id, gateway, acquired_at, expires_at FROM gateway_leases WHERE id = ?`, id).
		Scan(&out.ID, &out.AgentID, &out.KeyID, &out.Gateway, &acq, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return out, store.ErrNotFound
	}
	if err != nil {
		return out, fmt.Errorf("load gateway lease: %w", err)
	}
	var e1, e2 error
	out.AcquiredAt, e1 = parseTime(acq)
	out.ExpiresAt, e2 = parseTime(exp)
	return out, errors.Join(e1, e2)
}

// ReleaseGatewayLease deletes a lease of the key.
func (t *txn) ReleaseGatewayLease(ctx context.Context, id, keyID string) error {
	if err := t.writable(); err != nil {
		return err
	}
	res, err := t.q.ExecContext(ctx, `DELETE FROM gateway_leases WHERE id = ? AND key_id = ?`, id, keyID)
	if err != nil {
		return fmt.Errorf("release gateway lease: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// CountGatewayLeases counts the live leases.
func (t *txn) CountGatewayLeases(ctx context.Context, now time.Time, agentID string) (int, error) {
	q, args := `SELECT count(*) FROM gateway_leases WHERE expires_at > ?`, []any{formatTime(now)}
	if agentID != "" {
		q, args = q+` AND agent_id = ?`, append(args, agentID)
	}
	var n int
	if err := t.q.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count gateway leases: %w", err)
	}
	return n, nil
}
