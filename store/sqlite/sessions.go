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
)

// sessionCols reads a session with its customer's and agent's names
// (from sessionFrom). The customer is the store's own, when it has one:
// a session on a customer kept elsewhere has no name here.
const sessionCols = `s.id, s.customer_id, s.agent_id, s.key_id, s.reason, s.ticket,
	s.started_at, s.expires_at, s.max_expires_at, s.ended_at, coalesce(s.ended_by, ''),
	coalesce(c.first_name, ''), coalesce(c.last_name, ''), coalesce(a.name, '')`

const sessionFrom = ` FROM agent_sessions s LEFT JOIN customers c ON c.id = s.customer_id LEFT JOIN agents a ON a.id = s.agent_id `

func scanSession(sc scanner, extra ...any) (store.Session, error) {
	var (
		out                    store.Session
		cid                    string
		first, last            string
		started, expires, maxE string
		ended                  sql.NullString
	)
	dest := append([]any{&out.ID, &cid, &out.AgentID, &out.KeyID, &out.Reason, &out.Ticket,
		&started, &expires, &maxE, &ended, &out.EndedBy, &first, &last, &out.AgentName}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return out, err
	}
	out.CustomerID = api.ID(cid)
	out.CustomerName = api.Customer{FirstName: first, LastName: last}.Name()
	var e1, e2, e3, e4 error
	out.StartedAt, e1 = parseTime(started)
	out.ExpiresAt, e2 = parseTime(expires)
	out.MaxExpiresAt, e3 = parseTime(maxE)
	if ended.Valid {
		var at time.Time
		at, e4 = parseTime(ended.String)
		out.EndedAt = &at
	}
	return out, errors.Join(e1, e2, e3, e4)
}

// CreateSession stores a new session.
func (t *txn) CreateSession(ctx context.Context, s store.Session) error {
	if err := t.writable(); err != nil {
		return err
	}
	if _, err := t.q.ExecContext(ctx, `
		INSERT INTO agent_sessions (id, customer_id, agent_id, key_id, reason, ticket, started_at, expires_at, max_expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, string(s.CustomerID), s.AgentID, s.KeyID, s.Reason, s.Ticket,
		formatTime(s.StartedAt), formatTime(s.ExpiresAt), formatTime(s.MaxExpiresAt)); err != nil {
		return fmt.Errorf("save agent session: %w", err)
	}
	return nil
}

// Session loads a session.
func (t *txn) Session(ctx context.Context, id string) (store.Session, error) {
	out, err := scanSession(t.q.QueryRowContext(ctx, `SELECT `+sessionCols+sessionFrom+`WHERE s.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return out, store.ErrNotFound
	}
	if err != nil {
		return out, fmt.Errorf("load agent session %s: %w", id, err)
	}
	return out, nil
}

// SessionByToken finds the session of a token hash.
func (t *txn) SessionByToken(ctx context.Context, tokenHash string) (store.Session, time.Time, error) {
	var exp string
	out, err := scanSession(t.q.QueryRowContext(ctx, `SELECT `+sessionCols+`, t.expires_at`+sessionFrom+
		`JOIN agent_session_tokens t ON t.session_id = s.id WHERE t.token_hash = ?`, tokenHash), &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return out, time.Time{}, store.ErrNotFound
	}
	if err != nil {
		return out, time.Time{}, fmt.Errorf("look up customer token: %w", err)
	}
	at, err := parseTime(exp)
	return out, at, err
}

// IssueSessionToken stores a token hash for session id.
func (t *txn) IssueSessionToken(ctx context.Context, id, tokenHash string, issued, expires time.Time) error {
	if err := t.writable(); err != nil {
		return err
	}
	if _, err := t.q.ExecContext(ctx, `INSERT INTO agent_session_tokens (token_hash, session_id, issued_at, expires_at) VALUES (?, ?, ?, ?)`,
		tokenHash, id, formatTime(issued), formatTime(expires)); err != nil {
		return fmt.Errorf("save session token: %w", err)
	}
	return nil
}

// RetireSessionTokens cuts the expiry of the session's tokens.
func (t *txn) RetireSessionTokens(ctx context.Context, id string, notAfter time.Time) error {
	if err := t.writable(); err != nil {
		return err
	}
	if _, err := t.q.ExecContext(ctx, `UPDATE agent_session_tokens SET expires_at = min(expires_at, ?) WHERE session_id = ?`,
		formatTime(notAfter), id); err != nil {
		return fmt.Errorf("retire old session tokens: %w", err)
	}
	return nil
}

// ExtendSession moves the session's expiry.
func (t *txn) ExtendSession(ctx context.Context, id string, expires time.Time) error {
	if err := t.writable(); err != nil {
		return err
	}
	if _, err := t.q.ExecContext(ctx, `UPDATE agent_sessions SET expires_at = ? WHERE id = ?`, formatTime(expires), id); err != nil {
		return fmt.Errorf("extend agent session: %w", err)
	}
	return nil
}

// EndSession marks the session ended.
func (t *txn) EndSession(ctx context.Context, id string, at time.Time, by string) error {
	if err := t.writable(); err != nil {
		return err
	}
	if _, err := t.q.ExecContext(ctx, `UPDATE agent_sessions SET ended_at = ?, ended_by = ? WHERE id = ?`,
		formatTime(at), by, id); err != nil {
		return fmt.Errorf("end agent session: %w", err)
	}
	return nil
}

// LiveSessions lists live sessions, oldest first.
func (t *txn) LiveSessions(ctx context.Context, f store.SessionFilter) ([]store.Session, error) {
	where := []string{"s.ended_at IS NULL", "s.expires_at > ?"}
	args := []any{formatTime(f.Now)}
	if f.CustomerID != "" {
		where = append(where, "s.customer_id = ?")
		args = append(args, string(f.CustomerID))
	}
	if f.AgentID != "" {
		where = append(where, "s.agent_id = ?")
		args = append(args, f.AgentID)
	}
	rows, err := t.q.QueryContext(ctx, `SELECT `+sessionCols+sessionFrom+`WHERE `+strings.Join(where, " AND ")+
		` ORDER BY s.started_at, s.id LIMIT ?`, append(args, f.Limit)...)
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
