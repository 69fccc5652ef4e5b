package client

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"frontdesk/api"
)

// DefaultRefreshBefore is when a Session refreshes its token: once less
// than this is left of it.
const DefaultRefreshBefore = 2 * time.Minute

// ErrSessionClosed is returned by a Session's calls after Close.
var ErrSessionClosed = errors.New("the on-behalf session was ended")

// SessionOptions tune a Session. The zero value is right outside tests.
type SessionOptions struct {
	// RefreshBefore: refresh once less than this is left of the token
	// (default DefaultRefreshBefore).
	RefreshBefore time.Duration
	// Now is the clock the remaining time is judged by (default
	// time.Now); tests pass the sandbox's clock.
	Now func() time.Time
	// After waits for a duration, for Keep (default time.After); tests
	// pass one they fire themselves.
	After func(d time.Duration) <-chan time.Time
}

// Session is a live on-behalf session: it holds the token, refreshes it
// when less than RefreshBefore is left (on use, or in the background with
// Keep), reports on Lost when it can no longer be refreshed (the 8-hour
// cap, ended by someone else, expired while the store was unreachable),
// and revokes it on Close. Its methods are safe for concurrent use.
//
// The token is secret: String and Info leave it out, so a Session can be
// logged.
type Session struct {
	c             OnBehalf
	now           func() time.Time
	after         func(time.Duration) <-chan time.Time
	refreshBefore time.Duration

	// refreshMu makes concurrent refreshes one: the second finds the
	// token fresh and does nothing.
	refreshMu sync.Mutex

	mu      sync.Mutex
	cur     api.AgentSession
	lostErr error
	closed  bool

	lost      chan error
	stop      chan struct{}
	closeOnce sync.Once
}

// StartSession starts acting on behalf of customerID on p (its
// CreateSession) and returns the live session. reason (3–300 characters)
// and ticket are recorded in the audit trail.
func StartSession(ctx context.Context, p OnBehalf, customerID api.ID, reason, ticket string, o SessionOptions) (*Session, error) {
	grant, err := p.CreateSession(ctx, customerID, reason, ticket)
	if err != nil {
		return nil, err
	}
	return ResumeSession(p, grant, o)
}

// ResumeSession wraps a grant (the answer to p's CreateSession or
// RefreshSession, with its token) in a Session whose calls go to p.
func ResumeSession(p OnBehalf, grant api.AgentSession, o SessionOptions) (*Session, error) {
	if grant.ID == "" || grant.Token == "" {
		return nil, errors.New("resume session: need the session's id and token")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.After == nil {
		o.After = time.After
	}
	if o.RefreshBefore <= 0 {
		o.RefreshBefore = DefaultRefreshBefore
	}
	return &Session{
		c: p, now: o.Now, after: o.After, refreshBefore: o.RefreshBefore,
		cur: grant, lost: make(chan error, 1), stop: make(chan struct{}),
	}, nil
}

// ID is the session's id.
func (s *Session) ID() api.ID {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur.ID
}

// Info is the session as the store last described it, without its token.
func (s *Session) Info() api.AgentSession {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.cur
	out.Token = ""
	return out
}

// Token is the current token, for a call of the client's *As methods.
// Prefer the Session's own methods, which refresh first when it is due.
func (s *Session) Token() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur.Token
}

// Remaining is how long the current token has left (0 once expired).
func (s *Session) Remaining() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur.Remaining(s.now())
}

// Due reports whether the token should be refreshed now: less than
// RefreshBefore is left, and the session is neither closed nor lost.
// Once a refresh has reached the 8-hour cap another one cannot extend
// it, so it is due only when the token has run out (and the store's
// answer then ends the session).
func (s *Session) Due() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lostErr == nil && !s.closed && s.waitLocked() <= 0
}

// waitLocked is how long until the token is due for a refresh.
func (s *Session) waitLocked() time.Duration {
	left := s.cur.Remaining(s.now())
	if !s.cur.MaxExpiresAt.IsZero() && !s.cur.ExpiresAt.Before(s.cur.MaxExpiresAt) {
		return left
	}
	return left - s.refreshBefore
}

// Err is why the session can no longer be used: ErrSessionClosed after
// Close, the lost error once it could not be refreshed; nil while live.
func (s *Session) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrSessionClosed
	}
	return s.lostErr
}

// Lost receives one error when the session can no longer be refreshed
// (and so will end). It receives nothing when Close ends the session.
func (s *Session) Lost() <-chan error { return s.lost }

// String describes the session without its token.
func (s *Session) String() string {
	i := s.Info()
	return fmt.Sprintf("on-behalf session %s on customer %s (expires %s)", i.ID, i.CustomerID, i.ExpiresAt.Format(time.RFC3339))
}

// permanent reports whether a refresh failure will not get better by
// trying again: the store refused (ended, cap reached, not ours, gone,
// our key revoked).
func permanent(err error) bool {
	switch KindOf(err) {
	case KindUnauthenticated, KindForbidden, KindNotFound, KindConflict:
		return true
	}
	return false
}

func (s *Session) markLost(err error) {
	s.mu.Lock()
	if s.lostErr != nil || s.closed {
		s.mu.Unlock()
		return
	}
	s.lostErr = err
	s.mu.Unlock()
	s.lost <- err // buffered, sent once
}

// Refresh gets a new token now. A refusal that will not change (the
// cap, an ended session) marks the session lost and is reported on Lost;
// a failure to reach the store is returned and the session stays usable
// while its token lasts, unless it has already run out.
func (s *Session) Refresh(ctx context.Context) error {
	s.refreshMu.Lock()
	defer s.refreshMu.Unlock()
	return s.refreshLocked(ctx)
}

func (s *Session) refreshLocked(ctx context.Context) error {
	if err := s.Err(); err != nil {
		return err
	}
	grant, err := s.c.RefreshSession(ctx, s.ID())
	if err != nil {
		switch {
		case permanent(err):
			s.markLost(fmt.Errorf("acting as the customer ended: %w", err))
		case s.Remaining() == 0 && ctx.Err() == nil:
			s.markLost(fmt.Errorf("acting as the customer ended: the session expired while it could not be refreshed: %w", err))
		}
		return err
	}
	s.mu.Lock()
	s.cur = grant
	s.mu.Unlock()
	return nil
}

// RefreshIfDue refreshes when Due; refreshed says whether it did.
func (s *Session) RefreshIfDue(ctx context.Context) (refreshed bool, err error) {
	s.refreshMu.Lock()
	defer s.refreshMu.Unlock()
	if !s.Due() {
		return false, s.Err()
	}
	if err := s.refreshLocked(ctx); err != nil {
		return false, err
	}
	return true, nil
}

// Keep refreshes the session in the background of the caller (run it in
// a goroutine) until ctx ends, Close is called, or the session is lost.
// It returns the reason it stopped (nil after Close).
func (s *Session) Keep(ctx context.Context) error {
	const minRetry, maxRetry = time.Second, 10 * time.Second
	for {
		if err := s.Err(); err != nil {
			if errors.Is(err, ErrSessionClosed) {
				return nil
			}
			return err
		}
		s.mu.Lock()
		wait := s.waitLocked()
		s.mu.Unlock()
		if wait > 0 {
			if stopped, err := s.sleep(ctx, wait); stopped {
				return err
			}
			continue
		}
		if _, err := s.RefreshIfDue(ctx); err != nil && s.Err() == nil && ctx.Err() == nil {
			// The store could not be reached: try again soon, well before
			// the token runs out.
			retry := min(maxRetry, max(minRetry, s.Remaining()/4))
			if stopped, err := s.sleep(ctx, retry); stopped {
				return err
			}
		}
	}
}

// sleep waits d; stopped is true when ctx ended or Close was called.
func (s *Session) sleep(ctx context.Context, d time.Duration) (stopped bool, err error) {
	select {
	case <-ctx.Done():
		return true, ctx.Err()
	case <-s.stop:
		return true, nil
	case <-s.after(d):
		return false, nil
	}
}

// Close ends the session: it is revoked on the store (every token dies at
// once) and Keep stops. Calls after the first do nothing. The revocation
// is best effort within ctx: if it fails, the token still expires on its
// own within 15 minutes, and the error says so.
func (s *Session) Close(ctx context.Context) error {
	first := false
	s.closeOnce.Do(func() {
		first = true
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		close(s.stop)
	})
	if !first {
		return nil
	}
	if err := s.c.EndSession(ctx, s.ID()); err != nil {
		return fmt.Errorf("%w (its token expires on its own by %s)", err, s.Info().ExpiresAt.Format(time.RFC3339))
	}
	return nil
}

// token is the token to use for one call: refreshed first when due. A
// refresh that fails for a while is not the call's problem as long as the
// token still works.
func (s *Session) token(ctx context.Context) (string, error) {
	if err := s.Err(); err != nil {
		return "", err
	}
	if _, err := s.RefreshIfDue(ctx); err != nil {
		if lost := s.Err(); lost != nil {
			return "", lost
		}
		if s.Remaining() == 0 {
			return "", err
		}
	}
	return s.Token(), nil
}

// call runs one customer-scope call with the token; if the store says the
// token just expired (a refresh raced it), it refreshes and tries once
// more. The store checks the token before it changes anything, so a
// second try never applies a change twice.
func call[T any](ctx context.Context, s *Session, f func(token string) (T, error)) (T, error) {
	var zero T
	tok, err := s.token(ctx)
	if err != nil {
		return zero, err
	}
	out, err := f(tok)
	if err == nil || !IsCode(err, api.CodeSessionExpired) {
		return out, err
	}
	if rerr := s.Refresh(ctx); rerr != nil {
		return zero, err
	}
	return f(s.Token())
}

// Customer reads the session's customer as the customer.
func (s *Session) Customer(ctx context.Context) (api.Customer, error) {
	id := s.Info().CustomerID
	return call(ctx, s, func(tok string) (api.Customer, error) { return s.c.GetCustomerAs(ctx, tok, id) })
}

// PatchCustomer edits the session's customer as the customer (names,
// phone, email, addresses), based on version.
func (s *Session) PatchCustomer(ctx context.Context, version string, p api.CustomerPatch) (api.Customer, error) {
	id := s.Info().CustomerID
	return call(ctx, s, func(tok string) (api.Customer, error) { return s.c.PatchCustomerAs(ctx, tok, id, version, p) })
}

// Coupons lists the coupons the session's customer may use now.
func (s *Session) Coupons(ctx context.Context) ([]api.Coupon, error) {
	id := s.Info().CustomerID
	return call(ctx, s, func(tok string) ([]api.Coupon, error) { return s.c.Coupons(ctx, tok, id) })
}

// SendPasswordReset sends the session's customer a password reset link.
func (s *Session) SendPasswordReset(ctx context.Context) (api.PasswordReset, error) {
	id := s.Info().CustomerID
	return call(ctx, s, func(tok string) (api.PasswordReset, error) { return s.c.SendPasswordReset(ctx, tok, id) })
}
