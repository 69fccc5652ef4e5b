package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"frontdesk/api"
	"frontdesk/policy"
	"frontdesk/store"
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
	CustomerID api.ID
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
	if api.ID(r.PathValue("id")) != sess.CustomerID {
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
		sess     store.Session
		tokenExp time.Time
	)
	err := s.read(ctx, func(tx store.Tx) error {
		var err error
		sess, tokenExp, err = tx.SessionByToken(ctx, hashSecret(token))
		return err
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, invalid
	case err != nil:
		return nil, fmt.Errorf("look up customer token: %w", err)
	}
	// A token is its agent's alone: another agent holding it means it
	// leaked, and it opens nothing for them.
	if sess.AgentID != c.AgentID {
		return nil, errf(http.StatusUnauthorized, api.CodeSessionInvalid,
			"this customer token belongs to another agent's session; start your own")
	}
	if sess.EndedAt != nil {
		return nil, errf(http.StatusUnauthorized, api.CodeSessionRevoked,
			"on-behalf session %s was ended; start a new one to act as the customer again", sess.ID)
	}
	exp := tokenExp
	if !s.now().Before(exp) {
		if tokenExp.Before(sess.ExpiresAt) {
			return nil, errf(http.StatusUnauthorized, api.CodeSessionExpired,
				"this customer token was replaced by a refresh of session %s; use the new token", sess.ID)
		}
		return nil, errf(http.StatusUnauthorized, api.CodeSessionExpired,
			"on-behalf session %s expired at %s; start a new one", sess.ID, exp.Format(time.RFC3339))
	}
	return &onBehalf{ID: sess.ID, CustomerID: sess.CustomerID}, nil
}

// apiSession is a stored session as the API shows it (without a token).
func apiSession(s store.Session) api.AgentSession {
	return api.AgentSession{
		ID: api.ID(s.ID), CustomerID: s.CustomerID, CustomerName: s.CustomerName,
		AgentID: s.AgentID, AgentName: s.AgentName, Reason: s.Reason, Ticket: s.Ticket,
		StartedAt: s.StartedAt, ExpiresAt: s.ExpiresAt, MaxExpiresAt: s.MaxExpiresAt,
	}
}

// loadSession reads session sid: a 404 names the session when there is
// none.
func loadSession(ctx context.Context, tx store.Tx, sid string) (store.Session, error) {
	out, err := tx.Session(ctx, sid)
	if errors.Is(err, store.ErrNotFound) {
		return out, notFound("agent session", strconv.Quote(truncate(sid, 40)))
	}
	if err != nil {
		return out, fmt.Errorf("load agent session: %w", err)
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
	return s.counted("started", s.writeSession(ctx, w, http.StatusCreated, sid, token, func(tx store.Tx) error {
		cust, err := loadCustomer(ctx, tx, id)
		if err != nil {
			return err
		}
		if cust.Status == api.StatusDisabled {
			return errf(http.StatusUnprocessableEntity, api.CodeCustomerDisabled,
				"customer %s is disabled: nobody can act as them; enable the account first", id)
		}
		now := s.now()
		maxExp := now.Add(api.SessionMaxAge)
		exp := minTime(now.Add(api.SessionTTL), maxExp)
		if err := tx.CreateSession(ctx, store.Session{
			ID: sid, CustomerID: id, AgentID: c.AgentID, KeyID: c.KeyID, Reason: in.Reason, Ticket: in.Ticket,
			StartedAt: now, ExpiresAt: exp, MaxExpiresAt: maxExp,
		}); err != nil {
			return err
		}
		if err := tx.IssueSessionToken(ctx, sid, hashSecret(token), now, exp); err != nil {
			return err
		}
		after := map[string]any{"session_id": sid, "reason": in.Reason, "expires_at": formatTime(exp)}
		if in.Ticket != "" {
			after["ticket"] = in.Ticket
		}
		return s.audit(ctx, tx, r, c, api.ActionSessionStart, id, sid, nil, after)
	}))
}

// refreshSession answers POST /agent-sessions/{sid}/refresh: a new token
// with a new expiry, never past the session's cap. The old tokens keep
// working for api.SessionTokenGrace, for requests already on their way.
func (s *Server) refreshSession(w http.ResponseWriter, r *http.Request, c *caller) error {
	sid := r.PathValue("sid")
	ctx := r.Context()
	token := newSessionToken()
	return s.counted("refreshed", s.writeSession(ctx, w, http.StatusOK, sid, token, func(tx store.Tx) error {
		st, err := loadSession(ctx, tx, sid)
		if err != nil {
			return err
		}
		if st.AgentID != c.AgentID {
			return errf(http.StatusForbidden, api.CodeForbidden,
				"session %s belongs to another agent; only the agent who started it can refresh it", sid)
		}
		if st.EndedAt != nil {
			return errf(http.StatusUnprocessableEntity, api.CodeSessionEnded,
				"session %s was ended and cannot be refreshed; start a new one", sid)
		}
		now := s.now()
		capAt := st.MaxExpiresAt
		if !now.Before(capAt) {
			return errf(http.StatusUnprocessableEntity, api.CodeSessionCapReached,
				"session %s has reached its %s limit (it started at %s); start a new one with a fresh reason",
				sid, api.SessionMaxAge, capAt.Add(-api.SessionMaxAge).Format(time.RFC3339))
		}
		exp := st.ExpiresAt
		if !now.Before(exp) {
			return errf(http.StatusUnprocessableEntity, api.CodeSessionEnded,
				"session %s expired at %s and cannot be refreshed; start a new one", sid, exp.Format(time.RFC3339))
		}
		newExp := minTime(now.Add(api.SessionTTL), capAt)
		if err := tx.RetireSessionTokens(ctx, sid, minTime(now.Add(api.SessionTokenGrace), newExp)); err != nil {
			return err
		}
		if err := tx.IssueSessionToken(ctx, sid, hashSecret(token), now, newExp); err != nil {
			return err
		}
		if err := tx.ExtendSession(ctx, sid, newExp); err != nil {
			return err
		}
		return s.audit(ctx, tx, r, c, api.ActionSessionRefresh, st.CustomerID, sid,
			map[string]any{"expires_at": formatTime(st.ExpiresAt)}, map[string]any{"expires_at": formatTime(newExp)})
	}))
}

// counted counts a session event when err is nil, and returns err.
func (s *Server) counted(event string, err error) error {
	if err == nil {
		s.ops.sessions.WithLabelValues(event).Inc()
	}
	return err
}

// endSession answers DELETE /agent-sessions/{sid}: revoke, idempotently.
// The owning agent or a supervisor may end a session; ending one that
// has already ended or expired changes nothing and writes no audit row.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request, c *caller) error {
	sid := r.PathValue("sid")
	ctx := r.Context()
	ended := false
	err := s.write(ctx, func(tx store.Tx) error {
		ended = false
		st, err := loadSession(ctx, tx, sid)
		if err != nil {
			return err
		}
		if st.AgentID != c.AgentID {
			if err := permit(c, policy.EndAnySession); err != nil {
				return err
			}
		}
		now := s.now()
		if st.EndedAt != nil || !now.Before(st.ExpiresAt) {
			return nil
		}
		if err := tx.EndSession(ctx, sid, now, c.AgentID); err != nil {
			return err
		}
		ended = true
		return s.audit(ctx, tx, r, c, api.ActionSessionEnd, st.CustomerID, sid,
			map[string]any{"expires_at": formatTime(st.ExpiresAt)},
			map[string]any{"ended_at": formatTime(now), "ended_by": c.AgentID})
	})
	if err != nil {
		return err
	}
	if ended {
		s.ops.sessions.WithLabelValues("ended").Inc()
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// writeSession runs fn, which issues token for session sid, in a write
// transaction that then loads the session as stored, and answers with
// it and the token: the only answer that ever carries a token.
func (s *Server) writeSession(ctx context.Context, w http.ResponseWriter, status int, sid, token string, fn func(tx store.Tx) error) error {
	var out store.Session
	err := s.write(ctx, func(tx store.Tx) error {
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
	sess := apiSession(out)
	sess.Token = token
	return writeData(w, status, sess)
}

// maxLiveSessions bounds GET /agent-sessions; live sessions are few.
const maxLiveSessions = 200

// listSessions answers GET /agent-sessions?customer_id=: the live
// sessions (not ended, not expired), oldest first, without tokens, so an
// agent opening a customer sees who is already acting for them.
func (s *Server) listSessions(w http.ResponseWriter, r *http.Request, _ *caller) error {
	q := r.URL.Query()
	f := api.FieldErrors{}
	filter := store.SessionFilter{Now: s.now(), Limit: maxLiveSessions}
	filter.CustomerID = customerIDParam(q, f)
	filter.AgentID = filterParam(q, "agent_id", f)
	if len(f) > 0 {
		return validationErr(f)
	}
	ctx := r.Context()
	var live []store.Session
	err := s.read(ctx, func(tx store.Tx) error {
		var err error
		live, err = tx.LiveSessions(ctx, filter)
		return err
	})
	if err != nil {
		return fmt.Errorf("list agent sessions: %w", err)
	}
	out := api.AgentSessionList{Sessions: make([]api.AgentSession, 0, len(live))}
	for _, sess := range live {
		out.Sessions = append(out.Sessions, apiSession(sess))
	}
	return writeData(w, http.StatusOK, out)
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
