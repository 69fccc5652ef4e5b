package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"frontdesk/api"
	"frontdesk/store"
)

// LoyaltyAccount is the customer's balance and lifetime earned points.
func (t *txn) LoyaltyAccount(ctx context.Context, id api.ID) (balance, lifetimeEarned int64, err error) {
	n, ok := rowID(id)
	if !ok {
		return 0, 0, nil
	}
	err = t.tx.QueryRow(ctx, `SELECT points_balance, lifetime_earned FROM loyalty_accounts WHERE customer_id = $1`, n).
		Scan(&balance, &lifetimeEarned)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return 0, 0, fmt.Errorf("load loyalty account %d: %w", n, err)
	}
	return balance, lifetimeEarned, nil
}

const ledgerSelect = `
	SELECT l.id, l.type, l.points, l.balance_after, l.order_id, l.reason, l.note,
	       COALESCE(l.agent_id, ''), COALESCE(a.name, ''), l.created_at
	FROM loyalty_ledger l LEFT JOIN agents a ON a.id = l.agent_id `

func scanLedger(sc pgx.Row) (api.LedgerEntry, error) {
	var (
		e       api.LedgerEntry
		id      int64
		orderID *int64
	)
	if err := sc.Scan(&id, &e.Type, &e.Points, &e.BalanceAfter, &orderID, &e.Reason, &e.Note, &e.AgentID, &e.AgentName, &e.CreatedAt); err != nil {
		return e, err
	}
	e.ID = api.IDFromInt(id)
	if orderID != nil {
		oid := api.IDFromInt(*orderID)
		e.OrderID = &oid
	}
	e.CreatedAt = e.CreatedAt.UTC()
	return e, nil
}

// LedgerOf lists one page of the customer's ledger, newest first.
func (t *txn) LedgerOf(ctx context.Context, id api.ID, limit, offset int) ([]api.LedgerEntry, error) {
	out := []api.LedgerEntry{}
	n, ok := rowID(id)
	if !ok {
		return out, nil
	}
	rows, err := t.tx.Query(ctx, ledgerSelect+`WHERE l.customer_id = $1 ORDER BY l.id DESC LIMIT $2 OFFSET $3`, n, limit, offset)
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
	if err := t.tx.QueryRow(ctx, `SELECT count(*) FROM loyalty_ledger WHERE customer_id = $1`, n).Scan(&c); err != nil {
		return 0, fmt.Errorf("count ledger: %w", err)
	}
	return c, nil
}

// AppendAdjustment appends an adjustment and moves the balance. The
// account row is locked (FOR UPDATE) as well as the write lock held, so
// the balance read is the one the ledger row follows.
func (t *txn) AppendAdjustment(ctx context.Context, a store.Adjustment) (api.LedgerEntry, error) {
	if err := t.writable(); err != nil {
		return api.LedgerEntry{}, err
	}
	n, ok := rowID(a.CustomerID)
	if !ok {
		return api.LedgerEntry{}, store.ErrNotFound
	}
	// Only a customer of this store has an account; no statement here may
	// fail on a missing one (a failed statement would abort the
	// transaction on PostgreSQL).
	if _, err := t.tx.Exec(ctx, `INSERT INTO loyalty_accounts (customer_id)
		SELECT id FROM customers WHERE id = $1 ON CONFLICT DO NOTHING`, n); err != nil {
		return api.LedgerEntry{}, fmt.Errorf("open loyalty account %d: %w", n, err)
	}
	var balance int64
	err := t.tx.QueryRow(ctx, `SELECT points_balance FROM loyalty_accounts WHERE customer_id = $1 FOR UPDATE`, n).Scan(&balance)
	if errors.Is(err, pgx.ErrNoRows) {
		return api.LedgerEntry{}, store.ErrNotFound
	}
	if err != nil {
		return api.LedgerEntry{}, fmt.Errorf("load loyalty account %d: %w", n, err)
	}
	after := balance + a.Points
	if after < 0 {
		return api.LedgerEntry{}, &store.InsufficientPointsError{Balance: balance}
	}
	var entryID int64
	if err := t.tx.QueryRow(ctx, `
		INSERT INTO loyalty_ledger (customer_id, type, points, balance_after, reason, note, agent_id, created_at)
		VALUES ($1, 'adjust', $2, $3, $4, $5, $6, $7) RETURNING id`,
		n, a.Points, after, a.Reason, a.Note, nullString(a.AgentID), dbTime(a.At)).Scan(&entryID); err != nil {
		return api.LedgerEntry{}, fmt.Errorf("append ledger: %w", err)
	}
	// Positive adjustments count as earned: lifetime_earned is every
	// point ever credited.
	if _, err := t.tx.Exec(ctx, `
		UPDATE loyalty_accounts SET points_balance = $1, lifetime_earned = lifetime_earned + greatest($2::bigint, 0)
		WHERE customer_id = $3`, after, a.Points, n); err != nil {
		return api.LedgerEntry{}, fmt.Errorf("update balance: %w", err)
	}
	e, err := scanLedger(t.tx.QueryRow(ctx, ledgerSelect+`WHERE l.id = $1`, entryID))
	if err != nil {
		return e, fmt.Errorf("read back ledger entry: %w", err)
	}
	return e, nil
}

// nullString is s, or NULL for "".
func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// IdempotencyKey loads a claim.
func (t *txn) IdempotencyKey(ctx context.Context, agentID, key string) (store.IdempotencyKey, error) {
	k := store.IdempotencyKey{AgentID: agentID, Key: key}
	var (
		status *int32
		cid    string
	)
	err := t.tx.QueryRow(ctx, `
		SELECT customer_id, request_hash, state, status, response, created_at FROM idempotency_keys
		WHERE agent_id = $1 AND key = $2`, agentID, key).Scan(&cid, &k.RequestHash, &k.State, &status, &k.Response, &k.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return k, store.ErrNotFound
	}
	if err != nil {
		return k, fmt.Errorf("look up idempotency key: %w", err)
	}
	k.CustomerID = api.ID(cid)
	if status != nil {
		k.Status = int(*status)
	}
	k.CreatedAt = k.CreatedAt.UTC()
	return k, nil
}

// ClaimIdempotencyKey stores k in flight.
func (t *txn) ClaimIdempotencyKey(ctx context.Context, k store.IdempotencyKey) error {
	if err := t.writable(); err != nil {
		return err
	}
	tag, err := t.tx.Exec(ctx, `
		INSERT INTO idempotency_keys (agent_id, key, customer_id, request_hash, state, created_at)
		VALUES ($1, $2, $3, $4, 'in_flight', $5) ON CONFLICT (agent_id, key) DO NOTHING`,
		k.AgentID, k.Key, string(k.CustomerID), k.RequestHash, dbTime(k.CreatedAt))
	if err != nil {
		return fmt.Errorf("claim idempotency key: %w", err)
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("claim idempotency key: %w", store.ErrDuplicate)
	}
	return nil
}

// RenewIdempotencyKey moves an in-flight claim's time to at.
func (t *txn) RenewIdempotencyKey(ctx context.Context, agentID, key string, at time.Time) error {
	if err := t.writable(); err != nil {
		return err
	}
	if _, err := t.tx.Exec(ctx, `UPDATE idempotency_keys SET created_at = $1 WHERE agent_id = $2 AND key = $3 AND state = 'in_flight'`,
		dbTime(at), agentID, key); err != nil {
		return fmt.Errorf("renew idempotency key: %w", err)
	}
	return nil
}

// FinishIdempotencyKey stores the answer of an in-flight claim.
func (t *txn) FinishIdempotencyKey(ctx context.Context, agentID, key string, status int, response []byte) error {
	if err := t.writable(); err != nil {
		return err
	}
	if response == nil {
		response = []byte{}
	}
	tag, err := t.tx.Exec(ctx, `
		UPDATE idempotency_keys SET state = 'done', status = $1, response = $2
		WHERE agent_id = $3 AND key = $4 AND state = 'in_flight'`, status, response, agentID, key)
	if err != nil {
		return fmt.Errorf("store idempotent answer: %w", err)
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("store idempotent answer: the key's claim is gone: %w", store.ErrNotFound)
	}
	return nil
}

// ReleaseIdempotencyKey drops an in-flight claim.
func (t *txn) ReleaseIdempotencyKey(ctx context.Context, agentID, key string) error {
	if err := t.writable(); err != nil {
		return err
	}
	if _, err := t.tx.Exec(ctx, `DELETE FROM idempotency_keys WHERE agent_id = $1 AND key = $2 AND state = 'in_flight'`, agentID, key); err != nil {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}

func scanNote(sc pgx.Row) (api.Note, error) {
	var (
		n   api.Note
		id  int64
		cid string
	)
	if err := sc.Scan(&id, &cid, &n.Body, &n.AgentID, &n.AgentName, &n.CreatedAt); err != nil {
		return n, err
	}
	n.ID = api.IDFromInt(id)
	n.CustomerID = api.ID(cid)
	n.CreatedAt = n.CreatedAt.UTC()
	return n, nil
}

const noteCols = `id, customer_id, body, agent_id, agent_name, created_at`

// AddNote stores a note.
func (t *txn) AddNote(ctx context.Context, in store.NewNote) (api.Note, error) {
	if err := t.writable(); err != nil {
		return api.Note{}, err
	}
	n, err := scanNote(t.tx.QueryRow(ctx, `INSERT INTO notes (customer_id, body, agent_id, agent_name, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING `+noteCols,
		string(in.CustomerID), in.Body, in.AgentID, in.AgentName, dbTime(in.At)))
	if err != nil {
		return n, fmt.Errorf("save note: %w", err)
	}
	return n, nil
}

// NotesOf lists one page of the customer's notes, newest first.
func (t *txn) NotesOf(ctx context.Context, customerID api.ID, limit, offset int) ([]api.Note, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+noteCols+` FROM notes
		WHERE customer_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`, string(customerID), limit, offset)
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
	if err := t.tx.QueryRow(ctx, `SELECT count(*) FROM notes WHERE customer_id = $1`, string(customerID)).Scan(&n); err != nil {
		return 0, fmt.Errorf("count notes: %w", err)
	}
	return n, nil
}
