package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"frontdesk/api"
	"frontdesk/store"
	"frontdesk/store/audit"
)

// APIKey loads a key with its agent.
func (t *txn) APIKey(ctx context.Context, keyID string) (store.APIKey, error) {
	k := store.APIKey{KeyID: keyID}
	var (
		revoked sql.NullString
		gateway int
	)
	err := t.q.QueryRowContext(ctx, `
		SELECT k.secret_hash, k.revoked_at, k.gateway, a.id, a.name, a.role, a.loyalty_limit
		FROM api_keys k JOIN agents a ON a.id = k.agent_id
		WHERE k.key_id = ?`, keyID).Scan(&k.SecretHash, &revoked, &gateway, &k.Agent.ID, &k.Agent.Name, &k.Agent.Role, &k.Agent.LoyaltyLimit)
	if errors.Is(err, sql.ErrNoRows) {
		return k, store.ErrNotFound
	}
	if err != nil {
		return k, fmt.Errorf("look up key: %w", err)
	}
	k.Revoked = revoked.Valid
	k.Gateway = gateway != 0
	return k, nil
}

// Agent loads an agent.
func (t *txn) Agent(ctx context.Context, id string) (store.Agent, error) {
	var a store.Agent
	err := t.q.QueryRowContext(ctx, `SELECT id, name, role, loyalty_limit FROM agents WHERE id = ?`, id).
		Scan(&a.ID, &a.Name, &a.Role, &a.LoyaltyLimit)
	if errors.Is(err, sql.ErrNoRows) {
		return a, store.ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("look up agent: %w", err)
	}
	return a, nil
}

// PutAgent creates or updates an agent.
func (t *txn) PutAgent(ctx context.Context, a store.Agent, at time.Time) error {
	if err := t.writable(); err != nil {
		return err
	}
	if _, err := t.q.ExecContext(ctx, `
		INSERT INTO agents (id, name, role, loyalty_limit, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, loyalty_limit = excluded.loyalty_limit`,
		a.ID, a.Name, a.Role, a.LoyaltyLimit, formatTime(at)); err != nil {
		return fmt.Errorf("save agent %s: %w", a.ID, err)
	}
	return nil
}

// CreateAPIKey stores a key.
func (t *txn) CreateAPIKey(ctx context.Context, k store.APIKey, at time.Time) error {
	if err := t.writable(); err != nil {
		return err
	}
	if _, err := t.q.ExecContext(ctx, `
		INSERT INTO api_keys (key_id, secret_hash, agent_id, gateway, created_at) VALUES (?, ?, ?, ?, ?)`,
		k.KeyID, k.SecretHash, k.Agent.ID, boolInt(k.Gateway), formatTime(at)); err != nil {
		return fmt.Errorf("save key: %w", err)
	}
	return nil
}

// CountAPIKeys counts every key.
func (t *txn) CountAPIKeys(ctx context.Context) (int, error) {
	var n int
	if err := t.q.QueryRowContext(ctx, `SELECT count(*) FROM api_keys`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count keys: %w", err)
	}
	return n, nil
}

// EligibleCoupons lists the coupons c may use at now: its order count and
// spend fall in the coupon's bounds, its id matches the coupon's
// targeting (id % customer_mod = customer_rem; an id that is not a
// number matches only untargeted coupons) and the coupon is running.
func (t *txn) EligibleCoupons(ctx context.Context, c api.Customer, now time.Time) ([]api.Coupon, error) {
	n, ok := rowID(c.ID)
	target := "?3 % customer_mod = customer_rem"
	if !ok {
		target = "customer_mod = 1"
	}
	rows, err := t.q.QueryContext(ctx, `
		SELECT code, description, kind, value, currency, min_order_total, ends_at FROM coupons
		WHERE min_orders <= ?1 AND (max_orders IS NULL OR ?1 <= max_orders)
		  AND min_spent <= ?2 AND `+target+`
		  AND (starts_at IS NULL OR starts_at <= ?4) AND (ends_at IS NULL OR ends_at > ?4)
		ORDER BY sort, code`, c.TotalOrders, c.TotalSpent, n, formatTime(now))
	if err != nil {
		return nil, fmt.Errorf("list coupons: %w", err)
	}
	defer rows.Close()
	out := []api.Coupon{}
	for rows.Next() {
		var (
			cp   api.Coupon
			ends sql.NullString
		)
		if err := rows.Scan(&cp.Code, &cp.Description, &cp.Kind, &cp.Value, &cp.Currency, &cp.MinOrderTotal, &ends); err != nil {
			return nil, fmt.Errorf("list coupons: %w", err)
		}
		if ends.Valid {
			at, err := parseTime(ends.String)
			if err != nil {
				return nil, err
			}
			cp.ExpiresAt = &at
		}
		out = append(out, cp)
	}
	return out, rows.Err()
}

// RecordPasswordReset stores a reset request.
func (t *txn) RecordPasswordReset(ctx context.Context, r store.PasswordReset) (api.ID, error) {
	if err := t.writable(); err != nil {
		return "", err
	}
	res, err := t.q.ExecContext(ctx, `
		INSERT INTO password_resets (customer_id, session_id, agent_id, token_hash, sent_to, requested_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		string(r.CustomerID), r.SessionID, r.AgentID, r.TokenHash, r.SentTo, formatTime(r.RequestedAt), formatTime(r.ExpiresAt))
	if err != nil {
		return "", fmt.Errorf("record password reset: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return "", fmt.Errorf("record password reset: %w", err)
	}
	return api.IDFromInt(id), nil
}

// AppendAudit adds rec to the hash chain.
func (t *txn) AppendAudit(ctx context.Context, rec audit.Record) (audit.Row, error) {
	if err := t.writable(); err != nil {
		return audit.Row{}, err
	}
	return audit.Append(ctx, t.q, rec)
}

func auditWhere(f store.AuditFilter) (string, []any) {
	var where []string
	var args []any
	for _, c := range []struct{ col, v string }{
		{"customer_id", string(f.CustomerID)}, {"agent_id", f.AgentID}, {"action", f.Action}, {"session_id", f.SessionID},
	} {
		if c.v != "" {
			where = append(where, c.col+" = ?")
			args = append(args, c.v)
		}
	}
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// AuditRows lists one page of rows matching f, newest first.
func (t *txn) AuditRows(ctx context.Context, f store.AuditFilter, limit, offset int) ([]audit.Row, error) {
	cond, args := auditWhere(f)
	rows, err := t.q.QueryContext(ctx, `SELECT `+audit.Columns+` FROM audit_log`+cond+` ORDER BY seq DESC LIMIT ? OFFSET ?`,
		append(args, limit, offset)...)
	if err != nil {
		return nil, fmt.Errorf("list audit rows: %w", err)
	}
	defer rows.Close()
	out := []audit.Row{}
	for rows.Next() {
		r, err := audit.Scan(rows)
		if err != nil {
			return nil, fmt.Errorf("list audit rows: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CountAudit counts the rows matching f.
func (t *txn) CountAudit(ctx context.Context, f store.AuditFilter) (int, error) {
	cond, args := auditWhere(f)
	var n int
	if err := t.q.QueryRowContext(ctx, `SELECT count(*) FROM audit_log`+cond, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count audit rows: %w", err)
	}
	return n, nil
}
