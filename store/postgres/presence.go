package postgres

import (
	"context"
	"fmt"
	"time"

	"frontdesk/api"
	"frontdesk/store"
)

// TouchPresence upserts the agent's row on the customer: a live row keeps
// its since, an expired one starts again.
func (t *txn) TouchPresence(ctx context.Context, p store.Presence, now time.Time) (time.Time, bool, error) {
	if err := t.writable(); err != nil {
		return time.Time{}, false, err
	}
	n := dbTime(now)
	var since time.Time
	err := t.tx.QueryRow(ctx, `
		INSERT INTO presence (customer_id, agent_id, agent_name, via, editing, since, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (customer_id, agent_id) DO UPDATE SET
			since = CASE WHEN presence.expires_at > excluded.since THEN presence.since ELSE excluded.since END,
			agent_name = excluded.agent_name, via = excluded.via, editing = excluded.editing,
			expires_at = excluded.expires_at
		RETURNING since`,
		string(p.CustomerID), p.AgentID, p.AgentName, p.Via, p.Editing, n, dbTime(p.ExpiresAt)).Scan(&since)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("touch presence: %w", err)
	}
	since = since.UTC()
	return since, since.Equal(n), nil
}

// LeavePresence deletes the agent's row on the customer.
func (t *txn) LeavePresence(ctx context.Context, customerID api.ID, agentID string) error {
	if err := t.writable(); err != nil {
		return err
	}
	if _, err := t.tx.Exec(ctx, `DELETE FROM presence WHERE customer_id = $1 AND agent_id = $2`, string(customerID), agentID); err != nil {
		return fmt.Errorf("leave presence: %w", err)
	}
	return nil
}

// PresenceOf lists the live rows on the customer.
func (t *txn) PresenceOf(ctx context.Context, customerID api.ID, now time.Time) ([]store.Presence, error) {
	rows, err := t.tx.Query(ctx, `
		SELECT agent_id, agent_name, via, editing, since, expires_at FROM presence
		WHERE customer_id = $1 AND expires_at > $2 ORDER BY since, agent_id`, string(customerID), dbTime(now))
	if err != nil {
		return nil, fmt.Errorf("list presence: %w", err)
	}
	defer rows.Close()
	var out []store.Presence
	for rows.Next() {
		p := store.Presence{CustomerID: customerID}
		if err := rows.Scan(&p.AgentID, &p.AgentName, &p.Via, &p.Editing, &p.Since, &p.ExpiresAt); err != nil {
			return nil, fmt.Errorf("list presence: %w", err)
		}
		p.Since, p.ExpiresAt = p.Since.UTC(), p.ExpiresAt.UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

// PurgePresence deletes the expired rows.
func (t *txn) PurgePresence(ctx context.Context, before time.Time) (int, error) {
	if err := t.writable(); err != nil {
		return 0, err
	}
	tag, err := t.tx.Exec(ctx, `DELETE FROM presence WHERE expires_at <= $1`, dbTime(before))
	if err != nil {
		return 0, fmt.Errorf("purge presence: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
