package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"frontdesk/api"
	"frontdesk/store"
)

var _ store.Merger = (*txn)(nil)

// mergeParty is what a merge reads of one customer before it.
type mergeParty struct {
	id                     int64
	status                 string
	mergedInto             *int64
	totalOrders            int
	totalSpent             int64
	balance, lifetimeEarnd int64
}

func (t *txn) mergeParty(ctx context.Context, id api.ID) (mergeParty, error) {
	var p mergeParty
	n, ok := rowID(id)
	if !ok {
		return p, store.ErrNotFound
	}
	err := t.tx.QueryRow(ctx, `
		SELECT c.id, c.status, c.merged_into, c.total_orders, c.total_spent,
		       COALESCE(a.points_balance, 0), COALESCE(a.lifetime_earned, 0)
		FROM customers c LEFT JOIN loyalty_accounts a ON a.customer_id = c.id
		WHERE c.id = $1 FOR UPDATE OF c`, n).
		Scan(&p.id, &p.status, &p.mergedInto, &p.totalOrders, &p.totalSpent, &p.balance, &p.lifetimeEarnd)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, store.ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("load customer %d for a merge: %w", n, err)
	}
	return p, nil
}

// MergeCustomers merges m.Drop into m.Keep (see store.Merger).
func (t *txn) MergeCustomers(ctx context.Context, m store.Merge) (api.MergeResult, error) {
	var res api.MergeResult
	if err := t.writable(); err != nil {
		return res, err
	}
	keep, err := t.mergeParty(ctx, m.Keep)
	if err != nil {
		return res, err
	}
	drop, err := t.mergeParty(ctx, m.Drop)
	if err != nil {
		return res, err
	}
	switch {
	case keep.id == drop.id:
		return res, &store.MergeError{Kind: store.MergeSame}
	case drop.mergedInto != nil:
		return res, &store.MergeError{Kind: store.MergeDropMerged, Into: api.IDFromInt(*drop.mergedInto)}
	case keep.mergedInto != nil:
		return res, &store.MergeError{Kind: store.MergeKeepMerged, Into: api.IDFromInt(*keep.mergedInto)}
	case drop.status == api.StatusDisabled:
		return res, &store.MergeError{Kind: store.MergeDropDisabled}
	case keep.status == api.StatusDisabled:
		return res, &store.MergeError{Kind: store.MergeKeepDisabled}
	}
	at := dbTime(m.At)
	res.KeepID, res.DropID = api.IDFromInt(keep.id), api.IDFromInt(drop.id)

	exec := func(what, q string, args ...any) (int, error) {
		r, err := t.tx.Exec(ctx, q, args...)
		if err != nil {
			return 0, fmt.Errorf("merge %d into %d: %s: %w", drop.id, keep.id, what, err)
		}
		return int(r.RowsAffected()), nil
	}
	if res.Moved.Orders, err = exec("move orders", `UPDATE orders SET customer_id = $1 WHERE customer_id = $2`, keep.id, drop.id); err != nil {
		return res, err
	}
	if res.Moved.Notes, err = exec("move notes", `UPDATE notes SET customer_id = $1 WHERE customer_id = $2`,
		res.KeepID.String(), res.DropID.String()); err != nil {
		return res, err
	}
	// One default address per type: keep's wins.
	if _, err = exec("clear clashing default addresses", `
		UPDATE addresses SET is_default = false
		WHERE customer_id = $1 AND is_default
		  AND type IN (SELECT type FROM addresses WHERE customer_id = $2 AND is_default)`, drop.id, keep.id); err != nil {
		return res, err
	}
	if res.Moved.Addresses, err = exec("move addresses", `UPDATE addresses SET customer_id = $1 WHERE customer_id = $2`, keep.id, drop.id); err != nil {
		return res, err
	}

	// Points: one entry out of drop's ledger, one into keep's, so each
	// ledger still sums to its balance.
	res.Moved.Points, res.Moved.LifetimeEarned = drop.balance, drop.lifetimeEarnd
	after := keep.balance + drop.balance
	if _, err = exec("open loyalty accounts", `INSERT INTO loyalty_accounts (customer_id) VALUES ($1), ($2) ON CONFLICT DO NOTHING`, keep.id, drop.id); err != nil {
		return res, err
	}
	if drop.balance != 0 {
		if _, err = exec("ledger out", `
			INSERT INTO loyalty_ledger (customer_id, type, points, balance_after, reason, note, agent_id, created_at)
			VALUES ($1, 'adjust', $2, 0, $3, $4, $5, $6)`,
			drop.id, -drop.balance, api.MergeReasonMerge, "merged into customer "+res.KeepID.String(), nullString(m.AgentID), at); err != nil {
			return res, err
		}
		if _, err = exec("ledger in", `
			INSERT INTO loyalty_ledger (customer_id, type, points, balance_after, reason, note, agent_id, created_at)
			VALUES ($1, 'adjust', $2, $3, $4, $5, $6, $7)`,
			keep.id, drop.balance, after, api.MergeReasonMerge, "merged from customer "+res.DropID.String(), nullString(m.AgentID), at); err != nil {
			return res, err
		}
	}
	if _, err = exec("move balance", `UPDATE loyalty_accounts SET points_balance = 0 WHERE customer_id = $1`, drop.id); err != nil {
		return res, err
	}
	if _, err = exec("move balance", `UPDATE loyalty_accounts SET points_balance = $1, lifetime_earned = lifetime_earned + $2 WHERE customer_id = $3`,
		after, drop.lifetimeEarnd, keep.id); err != nil {
		return res, err
	}

	res.PointsBalance = after
	res.TotalOrders = keep.totalOrders + drop.totalOrders
	res.TotalSpent = keep.totalSpent + drop.totalSpent
	if _, err = exec("update the kept customer", `
		UPDATE customers SET total_orders = $1, total_spent = $2, updated_at = $3, version = version + 1 WHERE id = $4`,
		res.TotalOrders, res.TotalSpent, at, keep.id); err != nil {
		return res, err
	}
	if _, err = exec("retire the dropped customer", `
		UPDATE customers SET total_orders = 0, total_spent = 0, status = $1, merged_into = $2, updated_at = $3, version = version + 1 WHERE id = $4`,
		api.StatusDisabled, keep.id, at, drop.id); err != nil {
		return res, err
	}
	return res, nil
}
