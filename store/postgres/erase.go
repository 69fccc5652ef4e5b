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

var _ store.Eraser = (*txn)(nil)

// erasedTables are the tables an erasure rewrites, which ScrubErased
// vacuums.
var erasedTables = []string{"customers", "addresses", "orders", "notes", "loyalty_ledger",
	"agent_sessions", "password_resets", "idempotency_keys", "audit_log"}

// EraseCustomer replaces the customer's personal data with a tombstone
// (store.Eraser). PostgreSQL keeps the old row versions in the tables'
// files until they are vacuumed: ScrubErased does that after the commit.
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
	err := t.tx.QueryRow(ctx, `SELECT email FROM customers WHERE id = $1 FOR UPDATE`, n).Scan(&email)
	if errors.Is(err, pgx.ErrNoRows) {
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
		{nil, "profile", `UPDATE customers SET email = $1, email_confirmed = false, first_name = $2, last_name = '', phone = '',
			status = 'disabled', updated_at = $3, version = version + 1 WHERE id = $4`,
			[]any{store.ErasedEmail(id), store.ErasedName, dbTime(at), n}},
		{&res.Addresses, "addresses", `DELETE FROM addresses WHERE customer_id = $1`, []any{n}},
		{&res.Orders, "order addresses", `UPDATE orders SET shipping_address = NULL, billing_address = NULL
			WHERE customer_id = $1 AND (shipping_address IS NOT NULL OR billing_address IS NOT NULL)`, []any{n}},
		{&res.Notes, "notes", `UPDATE notes SET body = $1 WHERE customer_id = $2`, []any{store.ErasedText, cid}},
		{&res.Ledger, "ledger notes", `UPDATE loyalty_ledger SET note = '' WHERE customer_id = $1 AND note <> ''`, []any{n}},
		{&res.Sessions, "on-behalf sessions", `UPDATE agent_sessions SET reason = $1, ticket = '' WHERE customer_id = $2`,
			[]any{store.ErasedText, cid}},
		{&res.Resets, "password resets", `UPDATE password_resets SET sent_to = '' WHERE customer_id = $1`, []any{cid}},
		{&res.Keys, "idempotent responses", `UPDATE idempotency_keys SET response = NULL WHERE customer_id = $1 AND response IS NOT NULL`,
			[]any{cid}},
		{&res.AuditRows, "audit payloads", `UPDATE audit_log SET before = 'null', after = 'null', salt = ''
			WHERE customer_id = $1 AND digest <> '' AND salt <> ''`, []any{cid}},
	}
	for _, s := range steps {
		tag, err := t.tx.Exec(ctx, s.query, s.args...)
		if err != nil {
			return res, fmt.Errorf("erase customer %d: %s: %w", n, s.what, err)
		}
		if s.count != nil {
			*s.count = int(tag.RowsAffected())
		}
	}
	if err := t.tx.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE customer_id = $1 AND digest = ''`, cid).
		Scan(&res.LegacyAuditRows); err != nil {
		return res, fmt.Errorf("erase customer %d: count older audit rows: %w", n, err)
	}
	return res, nil
}

// SessionsOf lists every on-behalf session on the customer, newest first.
func (t *txn) SessionsOf(ctx context.Context, customerID api.ID) ([]store.Session, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+sessionCols+sessionFrom+`WHERE s.customer_id = $1 ORDER BY s.started_at DESC, s.id DESC`,
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

// ScrubErased rewrites the tables an erasure touched (store.Scrubber)
// with VACUUM FULL: a plain VACUUM marks the old row versions' space
// free but leaves their bytes in the files until something overwrites
// them. VACUUM FULL writes each table and its indexes anew and removes
// the old files; it locks each table while it does (seconds at a million
// customers), which an erasure, a rare act, can afford. PostgreSQL's own
// WAL and any backups still hold the old values until they are recycled
// (docs/audit.md).
func (s *Store) ScrubErased(ctx context.Context) error {
	for _, t := range erasedTables {
		if _, err := s.pool.Exec(ctx, `VACUUM (FULL) `+pgx.Identifier{t}.Sanitize()); err != nil {
			return fmt.Errorf("vacuum %s: %w", t, err)
		}
	}
	return nil
}
