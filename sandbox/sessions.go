package sandbox

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"frontdesk/api"
	"frontdesk/policy"
)

// On-behalf sessions (seed 003's agent on-behalf token) and the customer
// scope they open (seed 000's customer-token rules).
//
// A session belongs to the agent who started it. Its token is 32 random
// bytes shown once; only its SHA-256 is stored. With the token in
// X-Customer-Token, the routes registered with tokenAccepted or
// tokenRequired run as the session's customer:
//
//   - the token must be live: 401 session_invalid (unknown, or another
//     agent's), session_revoked, session_expired;
//   - the path's customer must be the token's, whatever the key's role and
//     whether or not the path's customer exists: 403
//     token_customer_mismatch, so a token cannot be used to probe ids;
//   - the key's agent must still be agent or stronger (403 forbidden).
//
// Every other route refuses the header (400 bad_request), so nobody
// believes they acted as the customer when they did not.

// tokenScope says what a route does with X-Customer-Token.
type tokenScope int

const (
	// tokenRefused: the route never acts as a customer.
	tokenRefused tokenScope = iota
	// tokenAccepted: with a token the route runs as its customer; without
	// one, as the agent.
	tokenAccepted
	// tokenRequired: customer-scope only.
	tokenRequired
)

// onBehalf is the live session a request acts through.
type onBehalf struct {
	ID         string
	CustomerID int64
}

// tokenPrefix marks session tokens, so a leaked one is recognisable (and
// redactable) in logs.
const tokenPrefix = "cst_"

// newSessionToken returns a fresh token: the prefix and 32 random bytes.
func newSessionToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // see randomHex
	}
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
}

func newSessionID() string { return "ses_" + randomHex(12) }

// authorize runs the customer-token check of scope and the role check
// for one request; on success c.Session is set when the request acts as
// a customer.
func (s *Server) authorize(r *http.Request, c *caller, action policy.Action, scope tokenScope) error {
	token, sent := headerValue(r, api.HeaderCustomerToken)
	if sent && token == "" {
		return emptyHeader(api.HeaderCustomerToken)
	}
	if token == "" {
		if scope == tokenRequired {
			return errf(http.StatusUnauthorized, api.CodeSessionRequired,
				"this call runs as the customer: start an on-behalf session (POST /customers/{id}/agent-sessions) and send its token in %s", api.HeaderCustomerToken)
		}
		return permit(c, action)
	}
	if scope == tokenRefused {
		return errf(http.StatusBadRequest, api.CodeBadRequest,
			"%s is accepted only by GET and PATCH /customers/{id}, GET /customers/{id}/coupons and POST /customers/{id}/password-reset; drop it here",
			api.HeaderCustomerToken)
	}
	sess, err := s.resolveToken(r.Context(), token, c)
	if err != nil {
		return err
	}
	if id, err := strconv.ParseInt(r.PathValue("id"), 10, 64); err != nil || id != sess.CustomerID {
		return errf(http.StatusForbidden, api.CodeTokenCustomerMismatch,
			"the customer token is for another customer than the one in the path; a session only opens its own customer")
	}
	// A session is an agent's tool: an agent demoted since it started
	// cannot go on using it.
	if err := permit(c, policy.ActOnBehalf); err != nil {
		return err
	}
	c.Session = sess
	return nil
}

// permit asks the policy whether c may do action; a refusal is a 403
// saying the policy's sentence.
func permit(c *caller, action policy.Action) error {
	return refusal(policy.Check(c.actor(), action))
}

// refusal turns a policy refusal into the API's answer (403 with the
// refusal's code and sentence); nil stays nil.
func refusal(err error) error {
	var r *policy.Refusal
	if errors.As(err, &r) {
		return errf(http.StatusForbidden, r.Code(), "%s", r.Error())
	}
	return err
}

// resolveToken finds the live session of a customer token.
func (s *Server) resolveToken(ctx context.Context, token string, c *caller) (*onBehalf, error) {
	invalid := errf(http.StatusUnauthorized, api.CodeSessionInvalid,
		"the customer token is not one this store issued; start a new on-behalf session")
	if !strings.HasPrefix(token, tokenPrefix) || len(token) > 200 {
		return nil, invalid
	}
	var (
		sess                 onBehalf
		agentID              string
		tokenExp, sessionExp string
		endedAt              sql.NullString
	)
	err := s.db.QueryRowContext(ctx, `
		SELECT s.id, s.customer_id, s.agent_id, t.expires_at, s.expires_at, s.ended_at
		FROM agent_session_tokens t JOIN agent_sessions s ON s.id = t.session_id
		WHERE t.token_hash = ?`, hashSecret(token)).
		Scan(&sess.ID, &sess.CustomerID, &agentID, &tokenExp, &sessionExp, &endedAt)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, invalid
	case err != nil:
		return nil, fmt.Errorf("look up customer token: %w", err)
	}
	// A token is its agent's alone: another agent holding it means it
	// leaked, and it opens nothing for them.
	if agentID != c.AgentID {
		return nil, errf(http.StatusUnauthorized, api.CodeSessionInvalid,
			"this customer token belongs to another agent's session; start your own")
	}
	if endedAt.Valid {
		return nil, errf(http.StatusUnauthorized, api.CodeSessionRevoked,
			"on-behalf session %s was ended; start a new one to act as the customer again", sess.ID)
	}
	exp, err := parseTime(tokenExp)
	if err != nil {
		return nil, err
	}
	if !s.now().Before(exp) {
		if tokenExp < sessionExp {
			return nil, errf(http.StatusUnauthorized, api.CodeSessionExpired,
				"this customer token was replaced by a refresh of session %s; use the new token", sess.ID)
		}
		return nil, errf(http.StatusUnauthorized, api.CodeSessionExpired,
			"on-behalf session %s expired at %s; start a new one", sess.ID, exp.Format(time.RFC3339))
	}
	return &sess, nil
}

// sessionCols reads an agent session with its customer's and agent's
// names; from: agent_sessions s JOIN customers c JOIN agents a.
const sessionCols = `s.id, s.customer_id, c.first_name, c.last_name, s.agent_id, a.name, s.reason, s.ticket,
	s.started_at, s.expires_at, s.max_expires_at`

const sessionFrom = ` FROM agent_sessions s JOIN customers c ON c.id = s.customer_id JOIN agents a ON a.id = s.agent_id `

func scanSession(sc scanner) (api.AgentSession, error) {
	var (
		out                    api.AgentSession
		id                     string
		cid                    int64
		first, last            string
		started, expires, maxE string
	)
	if err := sc.Scan(&id, &cid, &first, &last, &out.AgentID, &out.AgentName, &out.Reason, &out.Ticket,
		&started, &expires, &maxE); err != nil {
		return out, err
	}
	out.ID = api.ID(id)
	out.CustomerID = api.IDFromInt(cid)
	out.CustomerName = api.Customer{FirstName: first, LastName: last}.Name()
	var e1, e2, e3 error
	out.StartedAt, e1 = parseTime(started)
	out.ExpiresAt, e2 = parseTime(expires)
	out.MaxExpiresAt, e3 = parseTime(maxE)
	return out, errors.Join(e1, e2, e3)
}

func loadSession(ctx context.Context, q querier, id string) (api.AgentSession, error) {
	out, err := scanSession(q.QueryRowContext(ctx, `SELECT `+sessionCols+sessionFrom+`WHERE s.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return out, notFound("agent session", strconv.Quote(truncate(id, 40)))
	}
	if err != nil {
		return out, fmt.Errorf("load agent session %s: %w", id, err)
	}
	return out, nil
}

// startSession answers POST /customers/{id}/agent-sessions.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	var in api.AgentSessionCreate
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	if f := api.ValidateSessionCreate(in); len(f) > 0 {
		return validationErr(f)
	}
	ctx := r.Context()
	token := newSessionToken()
	sid := newSessionID()
	return s.writeSession(ctx, w, http.StatusCreated, sid, token, func(tx *sql.Tx) error {
		var status string
		err := tx.QueryRowContext(ctx, `SELECT status FROM customers WHERE id = ?`, id).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("customer", id)
		}
		if err != nil {
			return fmt.Errorf("load customer %d: %w", id, err)
		}
		if status == api.StatusDisabled {
			return errf(http.StatusUnprocessableEntity, api.CodeCustomerDisabled,
				"customer %d is disabled: nobody can act as them; enable the account first", id)
		}
		now := s.now()
		maxExp := now.Add(api.SessionMaxAge)
		exp := minTime(now.Add(api.SessionTTL), maxExp)
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO agent_sessions (id, customer_id, agent_id, key_id, reason, ticket, started_at, expires_at, max_expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			sid, id, c.AgentID, c.KeyID, in.Reason, in.Ticket, formatTime(now), formatTime(exp), formatTime(maxExp)); err != nil {
			return fmt.Errorf("save agent session: %w", err)
		}
		if err := issueToken(ctx, tx, sid, token, now, exp); err != nil {
			return err
		}
		after := map[string]any{"session_id": sid, "reason": in.Reason, "expires_at": formatTime(exp)}
		if in.Ticket != "" {
			after["ticket"] = in.Ticket
		}
		return s.audit(ctx, tx, r, c, api.ActionSessionStart, id, sid, nil, after)
	})
}

// refreshSession answers POST /agent-sessions/{sid}/refresh: a new token
// with a new expiry, never past the session's cap. The old tokens keep
// working for api.SessionTokenGrace, for requests already on their way.
func (s *Server) refreshSession(w http.ResponseWriter, r *http.Request, c *caller) error {
	sid := r.PathValue("sid")
	ctx := r.Context()
	token := newSessionToken()
	return s.writeSession(ctx, w, http.StatusOK, sid, token, func(tx *sql.Tx) error {
		st, err := loadSessionState(ctx, tx, sid)
		if err != nil {
			return err
		}
		if st.agentID != c.AgentID {
			return errf(http.StatusForbidden, api.CodeForbidden,
				"session %s belongs to another agent; only the agent who started it can refresh it", sid)
		}
		if st.endedAt.Valid {
			return errf(http.StatusUnprocessableEntity, api.CodeSessionEnded,
				"session %s was ended and cannot be refreshed; start a new one", sid)
		}
		now := s.now()
		capAt, err := parseTime(st.maxExpires)
		if err != nil {
			return err
		}
		if !now.Before(capAt) {
			return errf(http.StatusUnprocessableEntity, api.CodeSessionCapReached,
				"session %s has reached its %s limit (it started at %s); start a new one with a fresh reason",
				sid, api.SessionMaxAge, capAt.Add(-api.SessionMaxAge).Format(time.RFC3339))
		}
		exp, err := parseTime(st.expires)
		if err != nil {
			return err
		}
		if !now.Before(exp) {
			return errf(http.StatusUnprocessableEntity, api.CodeSessionEnded,
				"session %s expired at %s and cannot be refreshed; start a new one", sid, exp.Format(time.RFC3339))
		}
		newExp := minTime(now.Add(api.SessionTTL), capAt)
		grace := formatTime(minTime(now.Add(api.SessionTokenGrace), newExp))
		if _, err := tx.ExecContext(ctx, `UPDATE agent_session_tokens SET expires_at = min(expires_at, ?) WHERE session_id = ?`, grace, sid); err != nil {
			return fmt.Errorf("retire old session tokens: %w", err)
		}
		if err := issueToken(ctx, tx, sid, token, now, newExp); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE agent_sessions SET expires_at = ? WHERE id = ?`, formatTime(newExp), sid); err != nil {
			return fmt.Errorf("extend agent session: %w", err)
		}
		return s.audit(ctx, tx, r, c, api.ActionSessionRefresh, st.customerID, sid,
			map[string]any{"expires_at": st.expires}, map[string]any{"expires_at": formatTime(newExp)})
	})
}

// endSession answers DELETE /agent-sessions/{sid}: revoke, idempotently.
// The owning agent or a supervisor may end a session; ending one that
// has already ended or expired changes nothing and writes no audit row.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request, c *caller) error {
	sid := r.PathValue("sid")
	ctx := r.Context()
	err := s.write(ctx, func(tx *sql.Tx) error {
		st, err := loadSessionState(ctx, tx, sid)
		if err != nil {
			return err
		}
		if st.agentID != c.AgentID {
			if err := permit(c, policy.EndAnySession); err != nil {
				return err
			}
		}
		now := s.now()
		exp, err := parseTime(st.expires)
		if err != nil {
			return err
		}
		if st.endedAt.Valid || !now.Before(exp) {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE agent_sessions SET ended_at = ?, ended_by = ? WHERE id = ?`,
			formatTime(now), c.AgentID, sid); err != nil {
			return fmt.Errorf("end agent session: %w", err)
		}
		return s.audit(ctx, tx, r, c, api.ActionSessionEnd, st.customerID, sid,
			map[string]any{"expires_at": st.expires},
			map[string]any{"ended_at": formatTime(now), "ended_by": c.AgentID})
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// writeSession runs fn, which issues token for session sid, in a write
// transaction that then loads the session as stored, and answers with
// it and the token: the only answer that ever carries a token.
func (s *Server) writeSession(ctx context.Context, w http.ResponseWriter, status int, sid, token string, fn func(tx *sql.Tx) error) error {
	var out api.AgentSession
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		var err error
		out, err = loadSession(ctx, tx, sid)
		return err
	})
	if err != nil {
		return err
	}
	out.Token = token
	return writeData(w, status, out)
}

// sessionState is what refreshing or ending a session decides on.
type sessionState struct {
	agentID, expires, maxExpires string
	customerID                   int64
	endedAt                      sql.NullString
}

// loadSessionState reads session sid for a refresh or an end: a 404
// names the session when there is none.
func loadSessionState(ctx context.Context, q querier, sid string) (sessionState, error) {
	var st sessionState
	err := q.QueryRowContext(ctx, `SELECT agent_id, customer_id, expires_at, max_expires_at, ended_at FROM agent_sessions WHERE id = ?`, sid).
		Scan(&st.agentID, &st.customerID, &st.expires, &st.maxExpires, &st.endedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return st, notFound("agent session", strconv.Quote(truncate(sid, 40)))
	}
	if err != nil {
		return st, fmt.Errorf("load agent session: %w", err)
	}
	return st, nil
}

// issueToken stores token (hashed) for session sid, issued now and
// valid until exp.
func issueToken(ctx context.Context, q querier, sid, token string, now, exp time.Time) error {
	if _, err := q.ExecContext(ctx, `INSERT INTO agent_session_tokens (token_hash, session_id, issued_at, expires_at) VALUES (?, ?, ?, ?)`,
		hashSecret(token), sid, formatTime(now), formatTime(exp)); err != nil {
		return fmt.Errorf("save session token: %w", err)
	}
	return nil
}

// maxLiveSessions bounds GET /agent-sessions; live sessions are few.
const maxLiveSessions = 200

// listSessions answers GET /agent-sessions?customer_id=: the live
// sessions (not ended, not expired), oldest first, without tokens, so an
// agent opening a customer sees who is already acting for them.
func (s *Server) listSessions(w http.ResponseWriter, r *http.Request, _ *caller) error {
	q := r.URL.Query()
	where := []string{"s.ended_at IS NULL", "s.expires_at > ?"}
	args := []any{formatTime(s.now())}
	f := api.FieldErrors{}
	if raw := filterParam(q, "customer_id", f); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			f["customer_id"] = "customer_id must be a customer's id (a positive whole number)"
		}
		where = append(where, "s.customer_id = ?")
		args = append(args, id)
	}
	if agent := filterParam(q, "agent_id", f); agent != "" {
		where = append(where, "s.agent_id = ?")
		args = append(args, agent)
	}
	if len(f) > 0 {
		return validationErr(f)
	}
	ctx := r.Context()
	rows, err := s.db.QueryContext(ctx, `SELECT `+sessionCols+sessionFrom+`WHERE `+strings.Join(where, " AND ")+
		` ORDER BY s.started_at, s.id LIMIT ?`, append(args, maxLiveSessions)...)
	if err != nil {
		return fmt.Errorf("list agent sessions: %w", err)
	}
	defer rows.Close()
	out := api.AgentSessionList{Sessions: []api.AgentSession{}}
	for rows.Next() {
		sess, err := scanSession(rows)
		if err != nil {
			return fmt.Errorf("list agent sessions: %w", err)
		}
		out.Sessions = append(out.Sessions, sess)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list agent sessions: %w", err)
	}
	return writeData(w, http.StatusOK, out)
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
