package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/server"
)

// startSession starts an on-behalf session as role on customer id.
func startSession(t *testing.T, env *sandboxtest.Env, role string, id api.ID) api.AgentSession {
	t.Helper()
	r := env.Do(t, role, "POST", "/customers/"+id.String()+"/agent-sessions",
		api.AgentSessionCreate{Reason: "customer on the phone, can't log in", Ticket: "T-1042"})
	wantStatus(t, r, 201)
	var s api.AgentSession
	r.Data(t, &s)
	return s
}

// asCustomer sends a request with the session token.
func asCustomer(t *testing.T, env *sandboxtest.Env, role, method, path, token string, body any, headers ...string) sandboxtest.Response {
	t.Helper()
	return env.Do(t, role, method, path, body, append([]string{api.HeaderCustomerToken, token}, headers...)...)
}

// addAgent mints a key for a second agent of role agent, as env.Keys[name].
func addAgent(t *testing.T, env *sandboxtest.Env, name string) {
	t.Helper()
	k, err := server.MintKey(context.Background(), env.Store, server.KeySpec{AgentID: "test-" + name, Name: "Baraka Second", Role: api.RoleAgent, LoyaltyLimit: 100})
	if err != nil {
		t.Fatal(err)
	}
	env.Keys[name] = k
	env.Agents[name] = "test-" + name
}

func TestSessionStart(t *testing.T) {
	clk := newClock()
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1, Now: clk.Now})
	c := newCustomer(t, env, "jane@example.co.ke")
	path := "/customers/" + c.ID.String() + "/agent-sessions"

	s := startSession(t, env, "agent", c.ID)
	if !strings.HasPrefix(s.Token, "cst_") || len(s.Token) < 40 || !strings.HasPrefix(s.ID.String(), "ses_") ||
		s.CustomerID != c.ID || s.CustomerName != "Zawadi Kilonzo" || s.AgentID != "test-agent" || s.AgentName != "Amani Agent" ||
		s.Reason != "customer on the phone, can't log in" || s.Ticket != "T-1042" ||
		!s.StartedAt.Equal(clk.Now()) || !s.ExpiresAt.Equal(clk.Now().Add(15*time.Minute)) || !s.MaxExpiresAt.Equal(clk.Now().Add(8*time.Hour)) {
		t.Fatalf("session: %+v", s)
	}
	// Stored hashed: the token itself is nowhere in the database.
	var n int
	env.DB.QueryRow(`SELECT count(*) FROM agent_session_tokens WHERE token_hash = ?`, s.Token).Scan(&n)
	if n != 0 {
		t.Fatalf("the token is stored in clear")
	}
	if s2 := startSession(t, env, "agent", c.ID); s2.Token == s.Token || s2.ID == s.ID {
		t.Fatalf("two sessions share a token or id")
	}

	wantError(t, env.Do(t, "viewer", "POST", path, api.AgentSessionCreate{Reason: "looking around"}), 403, api.CodeForbidden)
	e := wantError(t, env.Do(t, "agent", "POST", path, api.AgentSessionCreate{Reason: "  x ", Ticket: strings.Repeat("t", 101)}), 400, api.CodeValidation)
	if e.Fields["reason"] == "" || e.Fields["ticket"] == "" {
		t.Fatalf("fields %v", e.Fields)
	}
	wantError(t, env.Do(t, "agent", "POST", path, api.AgentSessionCreate{Reason: strings.Repeat("r", 301)}), 400, api.CodeValidation)
	wantStatus(t, env.Do(t, "agent", "POST", path, api.AgentSessionCreate{Reason: strings.Repeat("r", 300)}), 201)
	wantError(t, env.Do(t, "agent", "POST", "/customers/999999/agent-sessions", api.AgentSessionCreate{Reason: "who is this"}), 404, api.CodeNotFound)

	r := env.Do(t, "supervisor", "PATCH", "/customers/"+c.ID.String(), map[string]string{"status": "disabled"}, "If-Match", `"1"`)
	wantStatus(t, r, 200)
	wantError(t, env.Do(t, "agent", "POST", path, api.AgentSessionCreate{Reason: "can't log in"}), 422, api.CodeCustomerDisabled)
}

func TestSessionTokenScope(t *testing.T) {
	clk := newClock()
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1, Now: clk.Now})
	jane := newCustomer(t, env, "jane@example.co.ke")
	other := newCustomer(t, env, "other@example.co.ke")
	env.Do(t, "agent", "POST", "/customers/"+jane.ID.String()+"/notes", api.NoteCreate{Body: "internal: VIP, be nice"})
	janePath := "/customers/" + jane.ID.String()

	agentS := startSession(t, env, "agent", jane.ID)
	supS := startSession(t, env, "supervisor", jane.ID)

	// The customer's own view: no internal notes, no store analytics.
	r := asCustomer(t, env, "agent", "GET", janePath, agentS.Token, nil)
	wantStatus(t, r, 200)
	var got api.CustomerEnvelope
	r.Data(t, &got)
	if got.Customer.ID != jane.ID || got.Customer.Notes != nil || got.Customer.StoreMetrics != nil || r.Header.Get("ETag") != `"1"` {
		t.Fatalf("customer view: %+v", got.Customer)
	}
	r = env.Do(t, "agent", "GET", janePath, nil)
	r.Data(t, &got)
	if len(got.Customer.Notes) != 1 || got.Customer.StoreMetrics == nil {
		t.Fatalf("agent view lost notes or metrics: %+v", got.Customer)
	}

	// Another customer's id: 403, for agent and supervisor keys alike, for
	// reads and writes, and also when the path's customer does not exist
	// (no enumeration).
	for _, c := range []struct {
		role, token string
	}{{"agent", agentS.Token}, {"supervisor", supS.Token}} {
		for _, p := range []string{"/customers/" + other.ID.String(), "/customers/999999", "/customers/abc"} {
			wantError(t, asCustomer(t, env, c.role, "GET", p, c.token, nil), 403, api.CodeTokenCustomerMismatch)
			wantError(t, asCustomer(t, env, c.role, "PATCH", p, c.token, map[string]string{"phone": "0711000000"}, "If-Match", `"1"`), 403, api.CodeTokenCustomerMismatch)
			wantError(t, asCustomer(t, env, c.role, "GET", p+"/coupons", c.token, nil), 403, api.CodeTokenCustomerMismatch)
			wantError(t, asCustomer(t, env, c.role, "POST", p+"/password-reset", c.token, nil), 403, api.CodeTokenCustomerMismatch)
		}
	}
	// A token is its agent's: the supervisor cannot use the agent's.
	wantError(t, asCustomer(t, env, "supervisor", "GET", janePath, agentS.Token, nil), 401, api.CodeSessionInvalid)
	wantError(t, asCustomer(t, env, "agent", "GET", janePath, "cst_forged", nil), 401, api.CodeSessionInvalid)
	wantError(t, asCustomer(t, env, "agent", "GET", janePath, "not-a-token", nil), 401, api.CodeSessionInvalid)
	// The API key still comes first.
	wantError(t, asCustomer(t, env, "", "GET", janePath, agentS.Token, nil), 401, api.CodeUnauthorized)
	// Routes that do not act as the customer refuse the header.
	wantError(t, asCustomer(t, env, "agent", "GET", janePath+"/orders", agentS.Token, nil), 400, api.CodeBadRequest)
	wantError(t, asCustomer(t, env, "agent", "POST", janePath+"/notes", agentS.Token, api.NoteCreate{Body: "as whom?"}), 400, api.CodeBadRequest)
	// Customer-scope-only calls need a token.
	wantError(t, env.Do(t, "agent", "GET", janePath+"/coupons", nil), 401, api.CodeSessionRequired)
	wantError(t, env.Do(t, "supervisor", "POST", janePath+"/password-reset", nil), 401, api.CodeSessionRequired)
}

func TestSessionCustomerEdits(t *testing.T) {
	clk := newClock()
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1, Now: clk.Now})
	jane := newCustomer(t, env, "jane@example.co.ke")
	s := startSession(t, env, "agent", jane.ID)
	path := "/customers/" + jane.ID.String()

	// Field limits: status is the store's, not the customer's.
	e := wantError(t, asCustomer(t, env, "agent", "PATCH", path, s.Token, map[string]string{"status": "disabled", "first_name": "Jane"}, "If-Match", `"1"`), 400, api.CodeValidation)
	if e.Fields["status"] == "" || len(e.Fields) != 1 {
		t.Fatalf("fields %v", e.Fields)
	}
	wantError(t, asCustomer(t, env, "agent", "PATCH", path, s.Token, map[string]any{"loyalty_points": 5}, "If-Match", `"1"`), 400, api.CodeBadRequest)
	wantError(t, asCustomer(t, env, "agent", "PATCH", path, s.Token, map[string]string{"phone": "0711000000"}), 428, api.CodeIfMatchRequired)

	// Names, phone, addresses and email may change; the new email is
	// unconfirmed.
	var before int
	env.DB.QueryRow(`SELECT email_confirmed FROM customers WHERE id = ?`, jane.ID.String()).Scan(&before)
	env.DB.Exec(`UPDATE customers SET email_confirmed = 1 WHERE id = ?`, jane.ID.String())
	r := asCustomer(t, env, "agent", "PATCH", path, s.Token, map[string]any{
		"first_name": "Jane", "last_name": "Wanjiru", "phone": "0722 000 111", "email": "jane.w@example.co.ke",
		"addresses": []api.Address{{Type: "billing", Address1: "Ngong Road 5", City: "Nairobi", Country: "Kenya"}},
	}, "If-Match", `"1"`)
	wantStatus(t, r, 200)
	var got api.CustomerEnvelope
	r.Data(t, &got)
	cu := got.Customer
	if cu.Name() != "Jane Wanjiru" || cu.Phone != "+254722000111" || cu.Email != "jane.w@example.co.ke" || cu.EmailConfirmed ||
		len(cu.Addresses) != 1 || cu.Addresses[0].City != "Nairobi" || cu.Version != 2 || cu.Notes != nil || cu.StoreMetrics != nil {
		t.Fatalf("after the customer's edit: %+v", cu)
	}
	// The same email in another case is not a new email.
	env.DB.Exec(`UPDATE customers SET email_confirmed = 1 WHERE id = ?`, jane.ID.String())
	r = asCustomer(t, env, "agent", "PATCH", path, s.Token, map[string]string{"email": "JANE.W@example.co.ke"}, "If-Match", `"2"`)
	r.Data(t, &got)
	if !got.Customer.EmailConfirmed {
		t.Fatalf("a change of case unconfirmed the email")
	}
}

func TestSessionExpiryRevokeRefresh(t *testing.T) {
	clk := newClock()
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1, Now: clk.Now})
	addAgent(t, env, "agent2")
	jane := newCustomer(t, env, "jane@example.co.ke")
	path := "/customers/" + jane.ID.String()
	ok := func(token string) {
		t.Helper()
		wantStatus(t, asCustomer(t, env, "agent", "GET", path, token, nil), 200)
	}

	// Expiry, on the injected clock.
	s := startSession(t, env, "agent", jane.ID)
	clk.Advance(15*time.Minute - time.Millisecond)
	ok(s.Token)
	clk.Advance(time.Millisecond)
	wantError(t, asCustomer(t, env, "agent", "GET", path, s.Token, nil), 401, api.CodeSessionExpired)
	wantError(t, env.Do(t, "agent", "POST", "/agent-sessions/"+s.ID.String()+"/refresh", nil), 422, api.CodeSessionEnded)
	// Ending an expired session changes nothing, and says so with 204.
	if r := env.Do(t, "agent", "DELETE", "/agent-sessions/"+s.ID.String(), nil); r.Status != 204 {
		t.Fatalf("end expired: %d %s", r.Status, r.Body)
	}

	// Refresh: a new token; the old one keeps a 30 s grace, then dies.
	s = startSession(t, env, "agent", jane.ID)
	clk.Advance(14 * time.Minute)
	wantError(t, env.Do(t, "agent2", "POST", "/agent-sessions/"+s.ID.String()+"/refresh", nil), 403, api.CodeForbidden)
	wantError(t, env.Do(t, "supervisor", "POST", "/agent-sessions/"+s.ID.String()+"/refresh", nil), 403, api.CodeForbidden)
	wantError(t, env.Do(t, "agent", "POST", "/agent-sessions/ses_nope/refresh", nil), 404, api.CodeNotFound)
	r := env.Do(t, "agent", "POST", "/agent-sessions/"+s.ID.String()+"/refresh", nil)
	wantStatus(t, r, 200)
	var fresh api.AgentSession
	r.Data(t, &fresh)
	if fresh.ID != s.ID || fresh.Token == s.Token || !strings.HasPrefix(fresh.Token, "cst_") ||
		!fresh.ExpiresAt.Equal(clk.Now().Add(15*time.Minute)) || !fresh.StartedAt.Equal(s.StartedAt) {
		t.Fatalf("refreshed: %+v", fresh)
	}
	ok(fresh.Token)
	clk.Advance(api.SessionTokenGrace - time.Millisecond)
	ok(s.Token)
	clk.Advance(time.Millisecond)
	wantError(t, asCustomer(t, env, "agent", "GET", path, s.Token, nil), 401, api.CodeSessionExpired)
	ok(fresh.Token)

	// Revoke: only the owner or a supervisor; idempotent; every token dies.
	if r := env.Do(t, "agent2", "DELETE", "/agent-sessions/"+s.ID.String(), nil); r.Status != 403 || r.Code() != api.CodeForbidden {
		t.Fatalf("another agent ended the session: %d %s", r.Status, r.Body)
	}
	for range 2 {
		if r := env.Do(t, "agent", "DELETE", "/agent-sessions/"+s.ID.String(), nil); r.Status != 204 || len(r.Body) != 0 {
			t.Fatalf("end: %d %s", r.Status, r.Body)
		}
	}
	wantError(t, asCustomer(t, env, "agent", "GET", path, fresh.Token, nil), 401, api.CodeSessionRevoked)
	wantError(t, env.Do(t, "agent", "POST", "/agent-sessions/"+s.ID.String()+"/refresh", nil), 422, api.CodeSessionEnded)
	wantError(t, env.Do(t, "agent", "DELETE", "/agent-sessions/ses_nope", nil), 404, api.CodeNotFound)
	wantError(t, env.Do(t, "viewer", "DELETE", "/agent-sessions/"+s.ID.String(), nil), 403, api.CodeForbidden)

	// A supervisor may end another agent's session.
	s = startSession(t, env, "agent", jane.ID)
	if r := env.Do(t, "supervisor", "DELETE", "/agent-sessions/"+s.ID.String(), nil); r.Status != 204 {
		t.Fatalf("supervisor end: %d %s", r.Status, r.Body)
	}
	wantError(t, asCustomer(t, env, "agent", "GET", path, s.Token, nil), 401, api.CodeSessionRevoked)
}

func TestSessionCap(t *testing.T) {
	clk := newClock()
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1, Now: clk.Now, RateLimit: -1})
	jane := newCustomer(t, env, "jane@example.co.ke")
	s := startSession(t, env, "agent", jane.ID)
	refresh := func() sandboxtest.Response {
		return env.Do(t, "agent", "POST", "/agent-sessions/"+s.ID.String()+"/refresh", nil)
	}
	var last api.AgentSession
	refreshes := 0
	for {
		clk.Advance(14 * time.Minute)
		r := refresh()
		if r.Status != 200 {
			wantError(t, r, 422, api.CodeSessionCapReached)
			break
		}
		r.Data(t, &last)
		refreshes++
		if last.ExpiresAt.After(s.MaxExpiresAt) {
			t.Fatalf("refresh %d reaches past the cap: %s > %s", refreshes, last.ExpiresAt, s.MaxExpiresAt)
		}
		if refreshes > 40 {
			t.Fatal("refreshes never stop")
		}
	}
	// 8 h in 14-minute steps: the 34th refresh (7 h 56 min) still works,
	// its expiry cut to the cap; the 35th (8 h 10 min) is refused.
	if refreshes != 34 || !last.ExpiresAt.Equal(s.MaxExpiresAt) {
		t.Fatalf("%d refreshes, last expiry %s, cap %s", refreshes, last.ExpiresAt, s.MaxExpiresAt)
	}
	wantError(t, asCustomer(t, env, "agent", "GET", "/customers/"+jane.ID.String(), last.Token, nil), 401, api.CodeSessionExpired)
}

func TestSessionList(t *testing.T) {
	clk := newClock()
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1, Now: clk.Now})
	jane := newCustomer(t, env, "jane@example.co.ke")
	other := newCustomer(t, env, "other@example.co.ke")
	a := startSession(t, env, "agent", jane.ID)
	clk.Advance(time.Minute)
	b := startSession(t, env, "supervisor", jane.ID)
	startSession(t, env, "agent", other.ID)
	ended := startSession(t, env, "agent", jane.ID)
	env.Do(t, "agent", "DELETE", "/agent-sessions/"+ended.ID.String(), nil)

	list := func(query string) []api.AgentSession {
		t.Helper()
		r := env.Do(t, "viewer", "GET", "/agent-sessions"+query, nil)
		wantStatus(t, r, 200)
		if strings.Contains(string(r.Body), "cst_") || strings.Contains(string(r.Body), `"token"`) {
			t.Fatalf("a list shows tokens: %s", r.Body)
		}
		var l api.AgentSessionList
		r.Data(t, &l)
		return l.Sessions
	}
	got := list("?customer_id=" + jane.ID.String())
	if len(got) != 2 || got[0].ID != a.ID || got[1].ID != b.ID || got[1].AgentName != "Sifa Supervisor" || got[0].CustomerName != "Zawadi Kilonzo" {
		t.Fatalf("live sessions on jane: %+v", got)
	}
	if got := list(""); len(got) != 3 {
		t.Fatalf("all live sessions: %d", len(got))
	}
	if got := list("?agent_id=test-supervisor"); len(got) != 1 || got[0].ID != b.ID {
		t.Fatalf("the supervisor's: %+v", got)
	}
	clk.Advance(15 * time.Minute)
	if got := list("?customer_id=" + jane.ID.String()); len(got) != 0 {
		t.Fatalf("expired sessions listed: %+v", got)
	}
	wantError(t, env.Do(t, "viewer", "GET", "/agent-sessions?customer_id=-5", nil), 400, api.CodeValidation)
	wantError(t, env.Do(t, "viewer", "GET", "/agent-sessions?customer_id=%21x", nil), 400, api.CodeValidation)
	// A platform's opaque id is an id (a desk in front of Commerce.js).
	if got := list("?customer_id=cstmr_K1YDR2qy29Qem6"); len(got) != 0 {
		t.Fatalf("sessions of an unknown platform customer: %+v", got)
	}
}

func TestCouponsAndPasswordReset(t *testing.T) {
	clk := newClock()
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 30, Now: clk.Now})
	codes := func(id int64) []string {
		t.Helper()
		s := startSession(t, env, "agent", api.IDFromInt(id))
		r := asCustomer(t, env, "agent", "GET", fmt.Sprintf("/customers/%d/coupons", id), s.Token, nil)
		wantStatus(t, r, 200)
		var l api.CouponList
		r.Data(t, &l)
		var out []string
		for _, c := range l.Coupons {
			out = append(out, c.Code)
		}
		return out
	}
	// The rules, applied to real customers: compute what each seeded
	// active customer should get and compare.
	rows, err := env.DB.Query(`SELECT id, total_orders, total_spent FROM customers WHERE status = 'active' ORDER BY id LIMIT 12`)
	if err != nil {
		t.Fatal(err)
	}
	type cust struct{ id, orders, spent int64 }
	var custs []cust
	for rows.Next() {
		var c cust
		rows.Scan(&c.id, &c.orders, &c.spent)
		custs = append(custs, c)
	}
	rows.Close()
	seen := map[string]bool{}
	for _, c := range custs {
		var want []string
		if c.orders == 0 {
			want = append(want, "WELCOME10")
		}
		want = append(want, "KARIBU500")
		if c.orders >= 1 {
			want = append(want, "FREESHIP")
		}
		if c.orders >= 5 {
			want = append(want, "LOYAL15")
		}
		if c.spent >= 10_000_000 {
			want = append(want, "VIP2000")
		}
		if c.id%4 == 1 {
			want = append(want, "BIRTHDAY20")
		}
		if c.orders >= 1 && c.id%3 == 0 {
			want = append(want, "MIDYEAR12")
		}
		got := codes(c.id)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("customer %d (%d orders, %d spent): coupons %v, want %v", c.id, c.orders, c.spent, got, want)
		}
		for _, g := range got {
			seen[g] = true
		}
	}
	if seen["JAMHURI25"] || len(seen) < 4 {
		t.Errorf("coupons seen: %v", seen)
	}

	// Password reset: recorded, masked, 202.
	jane := newCustomer(t, env, "jane@example.co.ke")
	s := startSession(t, env, "agent", jane.ID)
	r := asCustomer(t, env, "agent", "POST", "/customers/"+jane.ID.String()+"/password-reset", s.Token, nil)
	if r.Status != 202 {
		t.Fatalf("password reset: %d %s", r.Status, r.Body)
	}
	var pr api.PasswordReset
	r.Data(t, &pr)
	if pr.CustomerID != jane.ID || pr.SentTo != "j•••@example.co.ke" || !pr.RequestedAt.Equal(clk.Now()) || !pr.ExpiresAt.Equal(clk.Now().Add(time.Hour)) {
		t.Fatalf("password reset: %+v", pr)
	}
	var n int
	var sid, agent string
	env.DB.QueryRow(`SELECT count(*), max(session_id), max(agent_id) FROM password_resets WHERE customer_id = ?`, jane.ID.String()).Scan(&n, &sid, &agent)
	if n != 1 || sid != s.ID.String() || agent != "test-agent" {
		t.Fatalf("recorded %d resets (session %s, agent %s)", n, sid, agent)
	}
	wantStatus(t, asCustomer(t, env, "agent", "POST", "/customers/"+jane.ID.String()+"/password-reset", s.Token, "{}"), 202)
	wantError(t, asCustomer(t, env, "agent", "POST", "/customers/"+jane.ID.String()+"/password-reset", s.Token, `{"email":"x@y.z"}`), 400, api.CodeBadRequest)
}
