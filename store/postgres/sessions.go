package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"frontdesk/api"
	"frontdesk/store"
)

// sessionCols reads a session with its customer's and agent's names
// (from sessionFrom). The customer is the store's own when its id is
// digits: a session on a customer kept elsewhere has no name here.
const sessionCols = `s.id, s.customer_id, s.agent_id, s.key_id, s.reason, s.ticket,
	s.started_at, s.expires_at, s.max_expires_at, s.ended_at, coalesce(s.ended_by, ''),
	coalesce(c.first_name, ''), coalesce(c.last_name, ''), coalesce(a.name, '')`

const sessionFrom = ` FROM agent_sessions s
	LEFT JOIN customers c ON c.id = (CASE WHEN s.customer_id ~ '^[1-9][0-9]{0,17}$' THEN s.customer_id::bigint END)
	LEFT JOIN agents a ON a.id = s.agent_id `

func scanSession(sc pgx.Row, extra ...any) (store.Session, error) {
	var (
		out         store.Session
		cid         string
		first, last string
	)
	dest := append([]any{&out.ID, &cid, &out.AgentID, &out.KeyID, &out.Reason, &out.Ticket,
		&out.StartedAt, &out.ExpiresAt, &out.MaxExpiresAt, &out.EndedAt, &out.EndedBy, &first, &last, &out.AgentName}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return out, err
	}
	out.CustomerID = api.ID(cid)
	out.CustomerName = api.Customer{FirstName: first, LastName: last}.Name()
	out.StartedAt, out.ExpiresAt, out.MaxExpiresAt = out.StartedAt.UTC(), out.ExpiresAt.UTC(), out.MaxExpiresAt.UTC()
	if out.EndedAt != nil {
		at := out.EndedAt.UTC()
		out.EndedAt = &at
	}
	return out, nil
}

// CreateSession stores a new session.
func (t *txn) CreateSession(ctx context.Context, s store.Session) error {
	if err := t.writable(); err != nil {
		return err
	}
	if _, err := t.tx.Exec(ctx, `
		INSERT INTO agent_sessions (id, customer_id, agent_id, key_id, reason, ticket, started_at, expires_at, max_expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		s.ID, string(s.CustomerID), s.AgentID, s.KeyID, s.Reason, s.Ticket,
		dbTime(s.StartedAt), dbTime(s.ExpiresAt), dbTime(s.MaxExpiresAt)); err != nil {
		return fmt.Errorf("save agent session: %w", err)
	}
	return nil
}

// Session loads a session.
func (t *txn) Session(ctx context.Context, id string) (store.Session, error) {
	out, err := scanSession(t.tx.QueryRow(ctx, `SELECT `+sessionCols+sessionFrom+`WHERE s.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return out, store.ErrNotFound
	}
	if err != nil {
		return out, fmt.Errorf("load agent session %s: %w", id, err)
	}
	return out, nil
}

// SessionByToken finds the session of a token hash.
func (t *txn) SessionByToken(ctx context.Context, tokenHash string) (store.Session, time.Time, error) {
	var exp time.Time
	out, err := scanSession(t.tx.QueryRow(ctx, `SELECT `+sessionCols+`, t.expires_at`+sessionFrom+
		`JOIN agent_session_tokens t ON t.session_id = s.id WHERE t.token_hash = $1`, tokenHash), &exp)
	if errors.Is(err, pgx.ErrNoRows) {
		return out, time.Time{}, store.ErrNotFound
	}
	if err != nil {
		return out, time.Time{}, fmt.Errorf("look up customer token: %w", err)
	}
	return out, exp.UTC(), nil
}

// IssueSessionToken stores a token hash for session id.
func (t *txn) IssueSessionToken(ctx context.Context, id, tokenHash string, issued, expires time.Time) error {
	if err := t.writable(); err != nil {
		return err
	}
	if _, err := t.tx.Exec(ctx, `INSERT INTO agent_session_tokens (token_hash, session_id, issued_at, expires_at) VALUES ($1, $2, $3, $4)`,
		tokenHash, id, dbTime(issued), dbTime(expires)); err != nil {
		return fmt.Errorf("save session token: %w", err)
	}
	return nil
}

// RetireSessionTokens cuts the expiry of the session's tokens.
func (t *txn) RetireSessionTokens(ctx context.Context, id string, notAfter time.Time) error {
	if err := t.writable(); err != nil {
		return err
	}
	if _, err := t.tx.Exec(ctx, `UPDATE agent_session_tokens SET expires_at = least(expires_at, $1) WHERE session_id = $2`,
		dbTime(notAfter), id); err != nil {
		return fmt.Errorf("retire old session tokens: %w", err)
	}
	return nil
}

// ExtendSession moves the session's expiry.
func (t *txn) ExtendSession(ctx context.Context, id string, expires time.Time) error {
	if err := t.writable(); err != nil {
		return err
	}
	if _, err := t.tx.Exec(ctx, `UPDATE agent_sessions SET expires_at = $1 WHERE id = $2`, dbTime(expires), id); err != nil {
		return fmt.Errorf("extend agent session: %w", err)
	}
	return nil
}

// EndSession marks the session ended.
func (t *txn) EndSession(ctx context.Context, id string, at time.Time, by string) error {
	if err := t.writable(); err != nil {
		return err
	}
	if _, err := t.tx.Exec(ctx, `UPDATE agent_sessions SET ended_at = $1, ended_by = $2 WHERE id = $3`,
		dbTime(at), by, id); err != nil {
		return fmt.Errorf("end agent session: %w", err)
	}
	return nil
}

// LiveSessions lists live sessions, oldest first.
func (t *txn) LiveSessions(ctx context.Context, f store.SessionFilter) ([]store.Session, error) {
	where := []string{"s.ended_at IS NULL", "s.expires_at > $1"}
	args := []any{dbTime(f.Now)}
	if f.CustomerID != "" {
		args = append(args, string(f.CustomerID))
		where = append(where, "s.customer_id = $"+strconv.Itoa(len(args)))
	}
	if f.AgentID != "" {
		args = append(args, f.AgentID)
		where = append(where, "s.agent_id = $"+strconv.Itoa(len(args)))
	}
	args = append(args, f.Limit)
	rows, err := t.tx.Query(ctx, `SELECT `+sessionCols+sessionFrom+`WHERE `+strings.Join(where, " AND ")+
		` ORDER BY s.started_at, s.id COLLATE "C" LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("list agent sessions: %w", err)
	}
	defer rows.Close()
	out := []store.Session{}
	for rows.Next() {
		s, err := scanSession(rows)
		if err != nil {
			return nil, fmt.Errorf("list agent sessions: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
