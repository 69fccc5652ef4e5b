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

var _ store.Eraser = (*txn)(nil)

// EraseCustomer replaces the customer's personal data with a tombstone
// (store.Eraser). The connection's secure_delete (schema.DSN) zeroes the
// replaced bytes in the database pages; ScrubErased then moves them out
// of the WAL.
func (t *txn) EraseCustomer(ctx context.Context, id api.ID, at time.Time) (store.EraseResult, error) {
	var res store.EraseResult
	if err := t.writable(); err != nil {
		return res, err
	}
	n, ok := rowID(id)
	if !ok {
		return res, store.ErrNotFound
	}
	var email string
	err := t.q.QueryRowContext(ctx, `SELECT email FROM customers WHERE id = ?`, n).Scan(&email)
	if errors.Is(err, sql.ErrNoRows) {
		return res, store.ErrNotFound
	}
	if err != nil {
		return res, fmt.Errorf("erase customer %d: %w", n, err)
	}
	if email == store.ErasedEmail(id) {
		res.Already = true
		return res, nil
	}
	cid := string(id)
	steps := []struct {
		count *int
		what  string
		query string
		args  []any
	}{
		{nil, "profile", `UPDATE customers SET email = ?, email_confirmed = 0, first_name = ?, last_name = '', phone = '',
			status = 'disabled', updated_at = ?, version = version + 1 WHERE id = ?`,
			[]any{store.ErasedEmail(id), store.ErasedName, formatTime(at), n}},
		{&res.Addresses, "addresses", `DELETE FROM addresses WHERE customer_id = ?`, []any{n}},
		{&res.Orders, "order addresses", `UPDATE orders SET shipping_address = NULL, billing_address = NULL
			WHERE customer_id = ? AND (shipping_address IS NOT NULL OR billing_address IS NOT NULL)`, []any{n}},
		{&res.Notes, "notes", `UPDATE notes SET body = ? WHERE customer_id = ?`, []any{store.ErasedText, cid}},
		{&res.Ledger, "ledger notes", `UPDATE loyalty_ledger SET note = '' WHERE customer_id = ? AND note <> ''`, []any{n}},
		{&res.Sessions, "on-behalf sessions", `UPDATE agent_sessions SET reason = ?, ticket = '' WHERE customer_id = ?`,
			[]any{store.ErasedText, cid}},
		{&res.Resets, "password resets", `UPDATE password_resets SET sent_to = '' WHERE customer_id = ?`, []any{cid}},
		{&res.Keys, "idempotent responses", `UPDATE idempotency_keys SET response = NULL WHERE customer_id = ? AND response IS NOT NULL`,
			[]any{cid}},
		{&res.AuditRows, "audit payloads", `UPDATE audit_log SET before = 'null', after = 'null', salt = ''
			WHERE customer_id = ? AND digest <> '' AND salt <> ''`, []any{cid}},
	}
	for _, s := range steps {
		r, err := t.q.ExecContext(ctx, s.query, s.args...)
		if err != nil {
			return res, fmt.Errorf("erase customer %d: %s: %w", n, s.what, err)
		}
		if s.count != nil {
			k, _ := r.RowsAffected()
			*s.count = int(k)
		}
	}
	if err := t.q.QueryRowContext(ctx, `SELECT count(*) FROM audit_log WHERE customer_id = ? AND digest = ''`, cid).
		Scan(&res.LegacyAuditRows); err != nil {
		return res, fmt.Errorf("erase customer %d: count older audit rows: %w", n, err)
	}
	return res, nil
}

// SessionsOf lists every on-behalf session on the customer, newest first.
func (t *txn) SessionsOf(ctx context.Context, customerID api.ID) ([]store.Session, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT `+sessionCols+sessionFrom+`WHERE s.customer_id = ? ORDER BY s.started_at DESC, s.id DESC`,
		string(customerID))
	if err != nil {
		return nil, fmt.Errorf("list the customer's sessions: %w", err)
	}
	defer rows.Close()
	out := []store.Session{}
	for rows.Next() {
		s, err := scanSession(rows)
		if err != nil {
			return nil, fmt.Errorf("list the customer's sessions: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ScrubErased checkpoints the WAL into the database file and truncates
// it (store.Scrubber): an erased customer's old values live on in WAL
// frames until then. A reader holding an old snapshot keeps the WAL from
// being truncated; the error says so and a later erase (or the next
// checkpoint) finishes the job.
func (s *Store) ScrubErased(ctx context.Context) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var busy, logFrames, done int
	if err := s.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &done); err != nil {
		return fmt.Errorf("checkpoint the WAL: %w", err)
	}
	if busy != 0 {
		return errors.New("checkpoint the WAL: a reader kept it from being truncated; erased values may remain in the WAL until the next checkpoint")
	}
	return nil
}
