package postgres

import (
	"context"
	"fmt"
	"time"
)

// PurgeIdempotencyKeys deletes the claims created before before.
func (t *txn) PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int, error) {
	if err := t.writable(); err != nil {
		return 0, err
	}
	tag, err := t.tx.Exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, dbTime(before))
	if err != nil {
		return 0, fmt.Errorf("purge idempotency keys: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// PurgeSessions deletes the sessions over before, their tokens and their
// password-reset records (which reference them) first.
func (t *txn) PurgeSessions(ctx context.Context, before time.Time) (int, error) {
	if err := t.writable(); err != nil {
		return 0, err
	}
	const over = `SELECT id FROM agent_sessions WHERE coalesce(ended_at, expires_at) < $1`
	at := dbTime(before)
	for _, q := range []string{
		`DELETE FROM agent_session_tokens WHERE session_id IN (` + over + `)`,
		`DELETE FROM password_resets WHERE session_id IN (` + over + `)`,
	} {
		if _, err := t.tx.Exec(ctx, q, at); err != nil {
			return 0, fmt.Errorf("purge agent sessions: %w", err)
		}
	}
	tag, err := t.tx.Exec(ctx, `DELETE FROM agent_sessions WHERE coalesce(ended_at, expires_at) < $1`, at)
	if err != nil {
		return 0, fmt.Errorf("purge agent sessions: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
