package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"frontdesk/api"
	"frontdesk/store"
)

// LoyaltyAccount is the customer's balance and lifetime earned points.
func (t *txn) LoyaltyAccount(ctx context.Context, id api.ID) (balance, lifetimeEarned int64, err error) {
	n, ok := rowID(id)
	if !ok {
		return 0, 0, nil
	}
	err = t.q.QueryRowContext(ctx, `SELECT points_balance, lifetime_earned FROM loyalty_accounts WHERE customer_id = ?`, n).
		Scan(&balance, &lifetimeEarned)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, 0, fmt.Errorf("load loyalty account %d: %w", n, err)
	}
	return balance, lifetimeEarned, nil
}

const ledgerSelect = `
	SELECT l.id, l.type, l.points, l.balance_after, l.order_id, l.reason, l.note,
	       COALESCE(l.agent_id, ''), COALESCE(a.name, ''), l.created_at
	FROM loyalty_ledger l LEFT JOIN agents a ON a.id = l.agent_id `

func scanLedger(sc scanner) (api.LedgerEntry, error) {
	var (
		e       api.LedgerEntry
		id      int64
		orderID sql.NullInt64
		created string
	)
	if err := sc.Scan(&id, &e.Type, &e.Points, &e.BalanceAfter, &orderID, &e.Reason, &e.Note, &e.AgentID, &e.AgentName, &created); err != nil {
		return e, err
	}
	e.ID = api.IDFromInt(id)
	if orderID.Valid {
		oid := api.IDFromInt(orderID.Int64)
		e.OrderID = &oid
	}
	var err error
	e.CreatedAt, err = parseTime(created)
	return e, err
}

// LedgerOf lists one page of the customer's ledger, newest first.
func (t *txn) LedgerOf(ctx context.Context, id api.ID, limit, offset int) ([]api.LedgerEntry, error) {
	out := []api.LedgerEntry{}
	n, ok := rowID(id)
	if !ok {
		return out, nil
	}
	rows, err := t.q.QueryContext(ctx, ledgerSelect+`WHERE l.customer_id = ? ORDER BY l.id DESC LIMIT ? OFFSET ?`, n, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("list ledger: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanLedger(rows)
		if err != nil {
			return nil, fmt.Errorf("list ledger: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// CountLedger counts the customer's ledger entries.
func (t *txn) CountLedger(ctx context.Context, id api.ID) (int, error) {
	n, ok := rowID(id)
	if !ok {
		return 0, nil
	}
	var c int
	if err := t.q.QueryRowContext(ctx, `SELECT count(*) FROM loyalty_ledger WHERE customer_id = ?`, n).Scan(&c); err != nil {
		return 0, fmt.Errorf("count ledger: %w", err)
	}
	return c, nil
}

// AppendAdjustment appends an adjustment and moves the balance.
func (t *txn) AppendAdjustment(ctx context.Context, a store.Adjustment) (api.LedgerEntry, error) {
	if err := t.writable(); err != nil {
		return api.LedgerEntry{}, err
	}
	n, ok := rowID(a.CustomerID)
	if !ok {
		return api.LedgerEntry{}, store.ErrNotFound
	}
	if _, err := t.q.ExecContext(ctx, `INSERT OR IGNORE INTO loyalty_accounts (customer_id) VALUES (?)`, n); err != nil {
		return api.LedgerEntry{}, fmt.Errorf("open loyalty account %d: %w", n, err)
	}
	var balance int64
	if err := t.q.QueryRowContext(ctx, `SELECT points_balance FROM loyalty_accounts WHERE customer_id = ?`, n).Scan(&balance); err != nil {
		return api.LedgerEntry{}, fmt.Errorf("load loyalty account %d: %w", n, err)
	}
	after := balance + a.Points
	if after < 0 {
		return api.LedgerEntry{}, &store.InsufficientPointsError{Balance: balance}
	}
	res, err := t.q.ExecContext(ctx, `
		INSERT INTO loyalty_ledger (customer_id, type, points, balance_after, reason, note, agent_id, created_at)
		VALUES (?, 'adjust', ?, ?, ?, ?, ?, ?)`,
		n, a.Points, after, a.Reason, a.Note, nullString(a.AgentID), formatTime(a.At))
	if err != nil {
		return api.LedgerEntry{}, fmt.Errorf("append ledger: %w", err)
	}
	entryID, err := res.LastInsertId()
	if err != nil {
		return api.LedgerEntry{}, fmt.Errorf("append ledger: %w", err)
	}
	// Positive adjustments count as earned: lifetime_earned is every
	// point ever credited.
	if _, err := t.q.ExecContext(ctx, `
		UPDATE loyalty_accounts SET points_balance = ?, lifetime_earned = lifetime_earned + max(?, 0)
		WHERE customer_id = ?`, after, a.Points, n); err != nil {
		return api.LedgerEntry{}, fmt.Errorf("update balance: %w", err)
	}
	e, err := scanLedger(t.q.QueryRowContext(ctx, ledgerSelect+`WHERE l.id = ?`, entryID))
	if err != nil {
		return e, fmt.Errorf("read back ledger entry: %w", err)
	}
	return e, nil
}

// nullString is s, or NULL for "".
func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// IdempotencyKey loads a claim.
func (t *txn) IdempotencyKey(ctx context.Context, agentID, key string) (store.IdempotencyKey, error) {
	k := store.IdempotencyKey{AgentID: agentID, Key: key}
	var (
		status  sql.NullInt64
		created string
	)
	err := t.q.QueryRowContext(ctx, `
		SELECT customer_id, request_hash, state, status, response, created_at FROM idempotency_keys
		WHERE agent_id = ? AND key = ?`, agentID, key).Scan(&k.CustomerID, &k.RequestHash, &k.State, &status, &k.Response, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return k, store.ErrNotFound
	}
	if err != nil {
		return k, fmt.Errorf("look up idempotency key: %w", err)
	}
	k.Status = int(status.Int64)
	k.CreatedAt, err = parseTime(created)
	return k, err
}

// ClaimIdempotencyKey stores k in flight.
func (t *txn) ClaimIdempotencyKey(ctx context.Context, k store.IdempotencyKey) error {
	if err := t.writable(); err != nil {
		return err
	}
	res, err := t.q.ExecContext(ctx, `
		INSERT INTO idempotency_keys (agent_id, key, customer_id, request_hash, state, created_at)
		VALUES (?, ?, ?, ?, 'in_flight', ?) ON CONFLICT (agent_id, key) DO NOTHING`,
		k.AgentID, k.Key, string(k.CustomerID), k.RequestHash, formatTime(k.CreatedAt))
	if err != nil {
		return fmt.Errorf("claim idempotency key: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("claim idempotency key: %w", store.ErrDuplicate)
	}
	return nil
}

// RenewIdempotencyKey moves an in-flight claim's time to at.
func (t *txn) RenewIdempotencyKey(ctx context.Context, agentID, key string, at time.Time) error {
	if err := t.writable(); err != nil {
		return err
	}
	if _, err := t.q.ExecContext(ctx, `UPDATE idempotency_keys SET created_at = ? WHERE agent_id = ? AND key = ? AND state = 'in_flight'`,
		formatTime(at), agentID, key); err != nil {
		return fmt.Errorf("renew idempotency key: %w", err)
	}
	return nil
}

// FinishIdempotencyKey stores the answer of an in-flight claim.
func (t *txn) FinishIdempotencyKey(ctx context.Context, agentID, key string, status int, response []byte) error {
	if err := t.writable(); err != nil {
		return err
	}
	res, err := t.q.ExecContext(ctx, `
		UPDATE idempotency_keys SET state = 'done', status = ?, response = ?
		WHERE agent_id = ? AND key = ? AND state = 'in_flight'`, status, response, agentID, key)
	if err != nil {
		return fmt.Errorf("store idempotent answer: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("store idempotent answer: the key's claim is gone: %w", store.ErrNotFound)
	}
	return nil
}

// ReleaseIdempotencyKey drops an in-flight claim.
func (t *txn) ReleaseIdempotencyKey(ctx context.Context, agentID, key string) error {
	if err := t.writable(); err != nil {
		return err
	}
	if _, err := t.q.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE agent_id = ? AND key = ? AND state = 'in_flight'`, agentID, key); err != nil {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}

func scanNote(sc scanner) (api.Note, error) {
	var (
		n       api.Note
		id      int64
		cid     string
		created string
	)
	if err := sc.Scan(&id, &cid, &n.Body, &n.AgentID, &n.AgentName, &created); err != nil {
		return n, err
	}
	n.ID = api.IDFromInt(id)
	n.CustomerID = api.ID(cid)
	var err error
	n.CreatedAt, err = parseTime(created)
	return n, err
}

const noteCols = `id, customer_id, body, agent_id, agent_name, created_at`

// AddNote stores a note.
func (t *txn) AddNote(ctx context.Context, in store.NewNote) (api.Note, error) {
	if err := t.writable(); err != nil {
		return api.Note{}, err
	}
	res, err := t.q.ExecContext(ctx, `INSERT INTO notes (customer_id, body, agent_id, agent_name, created_at) VALUES (?, ?, ?, ?, ?)`,
		string(in.CustomerID), in.Body, in.AgentID, in.AgentName, formatTime(in.At))
	if err != nil {
		return api.Note{}, fmt.Errorf("save note: %w", err)
	}
	nid, err := res.LastInsertId()
	if err != nil {
		return api.Note{}, fmt.Errorf("save note: %w", err)
	}
	n, err := scanNote(t.q.QueryRowContext(ctx, `SELECT `+noteCols+` FROM notes WHERE id = ?`, nid))
	if err != nil {
		return n, fmt.Errorf("read back note %d: %w", nid, err)
	}
	return n, nil
}

// NotesOf lists one page of the customer's notes, newest first.
func (t *txn) NotesOf(ctx context.Context, customerID api.ID, limit, offset int) ([]api.Note, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT `+noteCols+` FROM notes
		WHERE customer_id = ? ORDER BY id DESC LIMIT ? OFFSET ?`, string(customerID), limit, offset)
	if err != nil {
		return nil, fmt.Errorf("list notes: %w", err)
	}
	defer rows.Close()
	out := []api.Note{}
	for rows.Next() {
		n, err := scanNote(rows)
		if err != nil {
			return nil, fmt.Errorf("list notes: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// CountNotes counts the customer's notes.
func (t *txn) CountNotes(ctx context.Context, customerID api.ID) (int, error) {
	var n int
	if err := t.q.QueryRowContext(ctx, `SELECT count(*) FROM notes WHERE customer_id = ?`, string(customerID)).Scan(&n); err != nil {
		return 0, fmt.Errorf("count notes: %w", err)
	}
	return n, nil
}
