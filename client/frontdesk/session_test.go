package frontdesk_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/client/frontdesk"
	"frontdesk/sandbox/sandboxtest"
)

// newTestClock is the clock shared by the sandbox and the Session.
func newTestClock() *sandboxtest.Clock {
	return sandboxtest.NewClock(time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC))
}

// manualAfter is a SessionOptions.After the test fires by hand; each call
// is announced on asked with the duration it waits for.
type manualAfter struct {
	asked chan time.Duration
	fire  chan time.Time
}

func newManualAfter() *manualAfter {
	return &manualAfter{asked: make(chan time.Duration, 16), fire: make(chan time.Time)}
}

func (m *manualAfter) After(d time.Duration) <-chan time.Time {
	m.asked <- d
	return m.fire
}

func (m *manualAfter) waitAsked(t *testing.T) time.Duration {
	t.Helper()
	select {
	case d := <-m.asked:
		return d
	case <-time.After(10 * time.Second):
		t.Fatal("Keep never waited")
		return 0
	}
}

func TestSessionMethodsAgainstSandbox(t *testing.T) {
	clk := newTestClock()
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 20, Now: clk.Now})
	ctx := t.Context()
	agent := newClient(t, env, env.URL, "agent")
	sup := newClient(t, env, env.URL, "supervisor")
	id := activeCustomer(t, env, 0)
	other := activeCustomer(t, env, 1)

	s, err := agent.CreateSession(ctx, id, "customer on the phone, can't log in", "T-7")
	if err != nil {
		t.Fatal(err)
	}
	if s.CustomerID != id || !strings.HasPrefix(s.Token, "cst_") || s.Ticket != "T-7" || s.AgentID != env.Agents["agent"] {
		t.Fatalf("session = %+v", s)
	}
	live, err := sup.ListSessions(ctx, id)
	if err != nil || len(live) != 1 || live[0].ID != s.ID || live[0].Token != "" {
		t.Fatalf("live sessions = %+v, %v", live, err)
	}

	c, err := agent.GetCustomerAs(ctx, s.Token, id)
	if err != nil || c.ID != id || c.Version < 1 || c.StoreMetrics != nil || c.Notes != nil {
		t.Fatalf("as customer: %+v, %v", c, err)
	}
	phone := "+254711000222"
	patched, err := agent.PatchCustomerAs(ctx, s.Token, id, client.CustomerVersion(c), api.CustomerPatch{Phone: &phone})
	if err != nil || patched.Phone != phone {
		t.Fatalf("patch as customer: %+v, %v", patched, err)
	}
	status := api.StatusDisabled
	_, err = agent.PatchCustomerAs(ctx, s.Token, id, client.CustomerVersion(patched), api.CustomerPatch{Status: &status})
	var ae *client.APIError
	if !errors.As(err, &ae) || ae.Code != api.CodeValidation || ae.Fields["status"] == "" {
		t.Fatalf("status as customer: %v", err)
	}
	if _, err := agent.GetCustomerAs(ctx, s.Token, other); !client.IsCode(err, api.CodeTokenCustomerMismatch) {
		t.Fatalf("other customer: %v", err)
	}
	if strings.Contains(err.Error(), s.Token) {
		t.Fatalf("an error carries the token: %v", err)
	}
	coupons, err := agent.Coupons(ctx, s.Token, id)
	if err != nil || len(coupons) == 0 {
		t.Fatalf("coupons: %+v, %v", coupons, err)
	}
	pr, err := agent.SendPasswordReset(ctx, s.Token, id)
	if err != nil || pr.CustomerID != id || !strings.Contains(pr.SentTo, "•••@") {
		t.Fatalf("password reset: %+v, %v", pr, err)
	}
	if _, err := agent.Coupons(ctx, "", id); err == nil {
		t.Fatal("coupons without a token")
	}

	clk.Advance(5 * time.Minute)
	fresh, err := agent.RefreshSession(ctx, s.ID)
	if err != nil || fresh.Token == s.Token || !fresh.ExpiresAt.Equal(clk.Now().Add(api.SessionTTL)) {
		t.Fatalf("refresh: %+v, %v", fresh, err)
	}
	if err := sup.EndSession(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	if err := agent.EndSession(ctx, s.ID); err != nil {
		t.Fatalf("end again: %v", err)
	}
	if _, err := agent.GetCustomerAs(ctx, fresh.Token, id); !client.IsCode(err, api.CodeSessionRevoked) {
		t.Fatalf("after end: %v", err)
	}
	if _, err := agent.RefreshSession(ctx, s.ID); !client.IsCode(err, api.CodeSessionEnded) {
		t.Fatalf("refresh after end: %v", err)
	}

	// The audit trail shows the agent acting as the customer.
	page, err := agent.ListAudit(ctx, client.AuditParams{CustomerID: id, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range page.Items {
		if e.SessionID == s.ID.String() {
			actions = append(actions, e.Action)
		}
	}
	want := []string{api.ActionSessionEnd, api.ActionSessionRefresh, api.ActionPasswordReset, api.ActionCustomerUpdate, api.ActionSessionStart}
	if strings.Join(actions, ",") != strings.Join(want, ",") {
		t.Fatalf("audit actions through the session: %v, want %v", actions, want)
	}
	if _, err := agent.ListAudit(ctx, client.AuditParams{}); !client.IsPermission(err) {
		t.Fatalf("agent reading the whole trail: %v", err)
	}
	if p, err := sup.ListAudit(ctx, client.AuditParams{Action: api.ActionSessionStart, AgentID: env.Agents["agent"]}); err != nil || p.Total != 1 {
		t.Fatalf("supervisor filtered: %+v, %v", p, err)
	}
}

func TestSessionHandleRefreshesOnUse(t *testing.T) {
	clk := newTestClock()
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 20, Now: clk.Now})
	ctx := t.Context()
	agent := newClient(t, env, env.URL, "agent")
	id := activeCustomer(t, env, 0)

	s, err := client.StartSession(ctx, agent, id, "customer on the phone", "", client.SessionOptions{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	first := s.Token()
	if s.Remaining() != api.SessionTTL || s.Due() {
		t.Fatalf("fresh session: remaining %s, due %v", s.Remaining(), s.Due())
	}
	if strings.Contains(s.String(), first) || s.Info().Token != "" {
		t.Fatalf("String or Info shows the token")
	}

	// Not due: a call uses the token as it is.
	clk.Advance(12 * time.Minute)
	if _, err := s.Customer(ctx); err != nil || s.Token() != first {
		t.Fatalf("call before due: %v (token changed: %v)", err, s.Token() != first)
	}
	// Less than 2 minutes left: the next call refreshes first.
	clk.Advance(time.Minute + time.Second)
	if !s.Due() {
		t.Fatal("not due with 1m59s left")
	}
	c, err := s.Customer(ctx)
	if err != nil || c.ID != id {
		t.Fatal(err)
	}
	if s.Token() == first || s.Remaining() != api.SessionTTL {
		t.Fatalf("no refresh on use: remaining %s", s.Remaining())
	}
	// The handle's calls all go as the customer.
	name := "Wanjiru"
	if _, err := s.PatchCustomer(ctx, client.CustomerVersion(c), api.CustomerPatch{LastName: &name}); err != nil {
		t.Fatal(err)
	}
	if cs, err := s.Coupons(ctx); err != nil || len(cs) == 0 {
		t.Fatalf("coupons: %v", err)
	}
	if _, err := s.SendPasswordReset(ctx); err != nil {
		t.Fatal(err)
	}

	// Close revokes: the token dies at once, the handle refuses calls,
	// and closing again does nothing.
	tok := s.Token()
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := agent.GetCustomerAs(ctx, tok, id); !client.IsCode(err, api.CodeSessionRevoked) {
		t.Fatalf("token after Close: %v", err)
	}
	if _, err := s.Customer(ctx); !errors.Is(err, client.ErrSessionClosed) {
		t.Fatalf("call after Close: %v", err)
	}
	if err := s.Close(ctx); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	select {
	case err := <-s.Lost():
		t.Fatalf("Close reported a loss: %v", err)
	default:
	}
}

func TestSessionHandleKeepAndLost(t *testing.T) {
	clk := newTestClock()
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 20, Now: clk.Now, RateLimit: -1})
	ctx := t.Context()
	agent := newClient(t, env, env.URL, "agent")
	id := activeCustomer(t, env, 0)
	after := newManualAfter()
	s, err := client.StartSession(ctx, agent, id, "customer on the phone", "", client.SessionOptions{Now: clk.Now, After: after.After})
	if err != nil {
		t.Fatal(err)
	}
	kctx, cancel := context.WithCancel(ctx)
	defer cancel()
	kept := make(chan error, 1)
	go func() { kept <- s.Keep(kctx) }()

	// Keep sleeps until 2 minutes are left, then refreshes, again and
	// again; the refresh that reaches the 8-hour cap cannot be followed
	// by another, so Keep sleeps until that token runs out, the store
	// refuses, Lost says so and Keep stops.
	start := clk.Now()
	refreshes := 0
	d := after.waitAsked(t)
	if d != api.SessionTTL-client.DefaultRefreshBefore {
		t.Fatalf("Keep waits %s, want %s", d, api.SessionTTL-client.DefaultRefreshBefore)
	}
loop:
	for {
		before := s.Token()
		clk.Advance(d)
		after.fire <- clk.Now()
		select {
		case d = <-after.asked:
			if s.Token() == before {
				t.Fatal("Keep woke up and did not refresh")
			}
			if s.Info().ExpiresAt.After(s.Info().MaxExpiresAt) {
				t.Fatal("refreshed past the cap")
			}
			if refreshes++; refreshes > 40 {
				t.Fatal("never lost")
			}
		case err := <-kept:
			var lost error
			select {
			case lost = <-s.Lost():
			default:
				t.Fatalf("Keep stopped (%v) with nothing on Lost", err)
			}
			if !client.IsCode(lost, api.CodeSessionCapReached) || !client.IsCode(err, api.CodeSessionCapReached) || !client.IsCode(s.Err(), api.CodeSessionCapReached) {
				t.Fatalf("lost: %v; Keep: %v; Err: %v", lost, err, s.Err())
			}
			break loop
		case <-time.After(10 * time.Second):
			t.Fatal("Keep hangs")
		}
	}
	// 36 refreshes 13 minutes apart (the last, at 7 h 48 min, has its
	// expiry cut to the cap), then the refusal when that token runs out,
	// at exactly 8 hours.
	if refreshes != 36 || clk.Now().Sub(start) != api.SessionMaxAge {
		t.Fatalf("%d refreshes, lost after %s", refreshes, clk.Now().Sub(start))
	}
	if _, err := s.Customer(ctx); !client.IsCode(err, api.CodeSessionCapReached) {
		t.Fatalf("call on a lost session: %v", err)
	}
	if err := s.Close(ctx); err != nil {
		t.Fatalf("Close on a lost session: %v", err)
	}
}

func TestSessionHandleLostWhenEndedElsewhere(t *testing.T) {
	clk := newTestClock()
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 20, Now: clk.Now})
	ctx := t.Context()
	agent := newClient(t, env, env.URL, "agent")
	sup := newClient(t, env, env.URL, "supervisor")
	id := activeCustomer(t, env, 0)
	s, err := client.StartSession(ctx, agent, id, "customer on the phone", "", client.SessionOptions{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	// A supervisor ends it; the handle learns at its next refresh.
	if err := sup.EndSession(ctx, s.ID()); err != nil {
		t.Fatal(err)
	}
	clk.Advance(14 * time.Minute)
	if _, err := s.Customer(ctx); !client.IsCode(err, api.CodeSessionEnded) {
		t.Fatalf("call: %v", err)
	}
	select {
	case err := <-s.Lost():
		if !client.IsCode(err, api.CodeSessionEnded) {
			t.Fatalf("lost: %v", err)
		}
	default:
		t.Fatal("nothing on Lost")
	}
	// Keep returns at once on a lost session.
	if err := s.Keep(ctx); !client.IsCode(err, api.CodeSessionEnded) {
		t.Fatalf("Keep: %v", err)
	}
}

func TestSessionHandleSurvivesUnreachableStore(t *testing.T) {
	clk := newTestClock()
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 20, Now: clk.Now})
	ctx := t.Context()
	id := activeCustomer(t, env, 0)
	var down sync.Mutex
	failing := false
	p := newFaultProxy(t, env.URL, func(r *http.Request, n int) fault {
		down.Lock()
		defer down.Unlock()
		if failing && strings.HasSuffix(r.URL.Path, "/refresh") {
			return fail503
		}
		return pass
	})
	agent := newClient(t, env, p.URL, "agent", func(c *frontdesk.Config) { c.MaxRetries = -1 })
	s, err := client.StartSession(ctx, agent, id, "customer on the phone", "", client.SessionOptions{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	down.Lock()
	failing = true
	down.Unlock()
	// Due, the refresh fails, the token still works: the call goes on.
	clk.Advance(14 * time.Minute)
	if _, err := s.Customer(ctx); err != nil {
		t.Fatalf("call while refresh fails: %v", err)
	}
	if s.Err() != nil {
		t.Fatalf("lost on a passing outage: %v", s.Err())
	}
	// Still failing when the token runs out: now it is lost.
	clk.Advance(time.Minute)
	if _, err := s.Customer(ctx); err == nil {
		t.Fatal("call succeeded after the token ran out")
	}
	select {
	case err := <-s.Lost():
		if !strings.Contains(err.Error(), "expired while it could not be refreshed") {
			t.Fatalf("lost: %v", err)
		}
	default:
		t.Fatal("nothing on Lost")
	}
}

func TestSessionTokenRedactedInLog(t *testing.T) {
	clk := newTestClock()
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 20, Now: clk.Now})
	var buf bytes.Buffer
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(&lockedWriter{w: &buf, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	agent := newClient(t, env, env.URL, "agent", func(c *frontdesk.Config) { c.Logger = log })
	ctx := t.Context()
	s, err := client.StartSession(ctx, agent, activeCustomer(t, env, 0), "customer on the phone", "", client.SessionOptions{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	tok := s.Token()
	s.Customer(ctx)
	s.Coupons(ctx)
	s.Close(ctx)
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	if strings.Contains(out, strings.TrimPrefix(tok, "cst_")) {
		t.Fatalf("the log carries the token:\n%s", out)
	}
	if !strings.Contains(out, "X-Customer-Token="+frontdesk.Redacted) {
		t.Fatalf("the log does not show the header redacted:\n%s", out)
	}
	if got := frontdesk.Redact("token " + tok + " leaked"); got != "token cst_"+frontdesk.Redacted+" leaked" {
		t.Fatalf("Redact: %q", got)
	}
}
