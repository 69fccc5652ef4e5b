package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"frontdesk/api"
	"frontdesk/store"
	"frontdesk/store/audit"
)

// APIKey loads a key with its agent.
func (t *txn) APIKey(ctx context.Context, keyID string) (store.APIKey, error) {
	k := store.APIKey{KeyID: keyID}
	var revoked *time.Time
	err := t.tx.QueryRow(ctx, `
		SELECT k.secret_hash, k.revoked_at, k.gateway, a.id, a.name, a.role, a.loyalty_limit
		FROM api_keys k JOIN agents a ON a.id = k.agent_id
		WHERE k.key_id = $1`, keyID).Scan(&k.SecretHash, &revoked, &k.Gateway, &k.Agent.ID, &k.Agent.Name, &k.Agent.Role, &k.Agent.LoyaltyLimit)
	if errors.Is(err, pgx.ErrNoRows) {
		return k, store.ErrNotFound
	}
	if err != nil {
		return k, fmt.Errorf("look up key: %w", err)
	}
	k.Revoked = revoked != nil
	return k, nil
}

// Agent loads an agent.
func (t *txn) Agent(ctx context.Context, id string) (store.Agent, error) {
	var a store.Agent
	err := t.tx.QueryRow(ctx, `SELECT id, name, role, loyalty_limit FROM agents WHERE id = $1`, id).
		Scan(&a.ID, &a.Name, &a.Role, &a.LoyaltyLimit)
	if errors.Is(err, pgx.ErrNoRows) {
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
	if _, err := t.tx.Exec(ctx, `
		INSERT INTO agents (id, name, role, loyalty_limit, created_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, loyalty_limit = excluded.loyalty_limit`,
		a.ID, a.Name, a.Role, a.LoyaltyLimit, dbTime(at)); err != nil {
		return fmt.Errorf("save agent %s: %w", a.ID, err)
	}
	return nil
}

// CreateAPIKey stores a key.
func (t *txn) CreateAPIKey(ctx context.Context, k store.APIKey, at time.Time) error {
	if err := t.writable(); err != nil {
		return err
	}
	if _, err := t.tx.Exec(ctx, `
		INSERT INTO api_keys (key_id, secret_hash, agent_id, gateway, created_at) VALUES ($1, $2, $3, $4, $5)`,
		k.KeyID, k.SecretHash, k.Agent.ID, k.Gateway, dbTime(at)); err != nil {
		return fmt.Errorf("save key: %w", err)
	}
	return nil
}

// CountAPIKeys counts every key.
func (t *txn) CountAPIKeys(ctx context.Context) (int, error) {
	var n int
	if err := t.tx.QueryRow(ctx, `SELECT count(*) FROM api_keys`).Scan(&n); err != nil {
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
	target := "$3::bigint % customer_mod = customer_rem"
	if !ok {
		target = "customer_mod = 1 AND $3::bigint = 0"
	}
	rows, err := t.tx.Query(ctx, `
		SELECT code, description, kind, value, currency, min_order_total, ends_at FROM coupons
		WHERE min_orders <= $1 AND (max_orders IS NULL OR $1 <= max_orders)
		  AND min_spent <= $2 AND `+target+`
		  AND (starts_at IS NULL OR starts_at <= $4) AND (ends_at IS NULL OR ends_at > $4)
		ORDER BY sort, code COLLATE "C"`, int64(c.TotalOrders), c.TotalSpent, n, dbTime(now))
	if err != nil {
		return nil, fmt.Errorf("list coupons: %w", err)
	}
	defer rows.Close()
	out := []api.Coupon{}
	for rows.Next() {
		var (
			cp   api.Coupon
			ends *time.Time
		)
		if err := rows.Scan(&cp.Code, &cp.Description, &cp.Kind, &cp.Value, &cp.Currency, &cp.MinOrderTotal, &ends); err != nil {
			return nil, fmt.Errorf("list coupons: %w", err)
		}
		if ends != nil {
			at := ends.UTC()
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
	var id int64
	if err := t.tx.QueryRow(ctx, `
		INSERT INTO password_resets (customer_id, session_id, agent_id, token_hash, sent_to, requested_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		string(r.CustomerID), r.SessionID, r.AgentID, r.TokenHash, r.SentTo, dbTime(r.RequestedAt), dbTime(r.ExpiresAt)).Scan(&id); err != nil {
		return "", fmt.Errorf("record password reset: %w", err)
	}
	return api.IDFromInt(id), nil
}

// auditTimeLayout is how audit rows store times (store/audit's layout).
const auditTimeLayout = "2006-01-02T15:04:05.000Z"

// jsonText turns a changed-fields value into the stored text: compact
// JSON with sorted keys, "null" for none (as store/audit does for SQLite).
func jsonText(raw json.RawMessage) (string, error) {
	if len(raw) == 0 {
		return "null", nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", fmt.Errorf("audit: before/after is not JSON: %w", err)
	}
	switch v.(type) {
	case nil, map[string]any:
	default:
		return "", errors.New("audit: before/after must be a JSON object or null")
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// AppendAudit adds rec to the hash chain. Appends are serialised by the
// write lock every Write holds; the head row is also locked (FOR UPDATE)
// and moved only from the seq it was read at, so even a writer that
// bypassed the lock could not fork the chain.
func (t *txn) AppendAudit(ctx context.Context, rec audit.Record) (audit.Row, error) {
	if err := t.writable(); err != nil {
		return audit.Row{}, err
	}
	before, err := jsonText(rec.Before)
	if err != nil {
		return audit.Row{}, err
	}
	after, err := jsonText(rec.After)
	if err != nil {
		return audit.Row{}, err
	}
	var seq int64
	prev := audit.Genesis
	err = t.tx.QueryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE`).Scan(&seq, &prev)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return audit.Row{}, fmt.Errorf("audit: read the chain head: %w", err)
	}
	r := audit.Row{
		Seq: seq + 1, At: rec.At.UTC().Format(auditTimeLayout),
		AgentID: rec.AgentID, AgentName: rec.AgentName, KeyID: rec.KeyID, Via: rec.Via,
		SessionID: rec.SessionID, Action: rec.Action, CustomerID: rec.CustomerID,
		Before: before, After: after, RequestID: rec.RequestID, PrevHash: prev,
	}
	r.Seal()
	if _, err := t.tx.Exec(ctx, `INSERT INTO audit_log (`+audit.Columns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		r.Seq, r.At, r.AgentID, r.AgentName, r.KeyID, r.Via, r.SessionID, r.Action, r.CustomerID,
		r.Before, r.After, r.RequestID, r.PrevHash, r.Hash, r.Digest, r.Salt); err != nil {
		return audit.Row{}, fmt.Errorf("audit: append row %d: %w", r.Seq, err)
	}
	tag, err := t.tx.Exec(ctx, `
		INSERT INTO audit_head (id, seq, hash) VALUES (1, $1, $2)
		ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash WHERE audit_head.seq = $3`,
		r.Seq, r.Hash, seq)
	if err != nil {
		return audit.Row{}, fmt.Errorf("audit: move the chain head to row %d: %w", r.Seq, err)
	}
	if tag.RowsAffected() != 1 {
		return audit.Row{}, fmt.Errorf("audit: the chain head moved under row %d: appends are not serialised", r.Seq)
	}
	return r, nil
}

func auditWhere(f store.AuditFilter) (string, []any) {
	var where []string
	var args []any
	for _, c := range []struct{ col, v string }{
		{"customer_id", string(f.CustomerID)}, {"agent_id", f.AgentID}, {"action", f.Action}, {"session_id", f.SessionID},
	} {
		if c.v != "" {
			args = append(args, c.v)
			where = append(where, c.col+" = $"+strconv.Itoa(len(args)))
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
	n := len(args)
	rows, err := t.tx.Query(ctx, `SELECT `+audit.Columns+` FROM audit_log`+cond+
		` ORDER BY seq DESC LIMIT $`+strconv.Itoa(n+1)+` OFFSET $`+strconv.Itoa(n+2), append(args, limit, offset)...)
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
	if err := t.tx.QueryRow(ctx, `SELECT count(*) FROM audit_log`+cond, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count audit rows: %w", err)
	}
	return n, nil
}
