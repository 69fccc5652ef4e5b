package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/store/audit"
)

// auditRows reads the whole trail through the API as the supervisor,
// oldest first.
func auditRows(t *testing.T, env *sandboxtest.Env, query string) []api.AuditEntry {
	t.Helper()
	var all []api.AuditEntry
	for page := 1; ; page++ {
		sep := "?"
		if query != "" {
			sep = "&"
		}
		r := env.Do(t, "supervisor", "GET", "/audit"+query+sep+fmt.Sprintf("limit=100&page=%d", page), nil)
		wantStatus(t, r, 200)
		var p api.AuditPage
		r.Data(t, &p)
		all = append(all, p.Entries...)
		if len(all) >= p.Total || len(p.Entries) == 0 {
			break
		}
	}
	for i, j := 0, len(all)-1; i < j; i, j = i+1, j-1 {
		all[i], all[j] = all[j], all[i]
	}
	return all
}

// mutation runs do and checks that it appended exactly one audit row,
// which it returns.
func mutation(t *testing.T, env *sandboxtest.Env, do func()) api.AuditEntry {
	t.Helper()
	before := auditRows(t, env, "")
	do()
	after := auditRows(t, env, "")
	if len(after) != len(before)+1 {
		t.Fatalf("the mutation appended %d audit rows, want 1", len(after)-len(before))
	}
	return after[len(after)-1]
}

// noMutation runs do and checks that the trail did not grow.
func noMutation(t *testing.T, env *sandboxtest.Env, do func()) {
	t.Helper()
	before := len(auditRows(t, env, ""))
	do()
	if n := len(auditRows(t, env, "")); n != before {
		t.Fatalf("%d audit rows appended by something that changed nothing", n-before)
	}
}

func jsonEq(t *testing.T, what string, got json.RawMessage, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: %v: %s", what, err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: bad want: %v", what, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("%s = %s\nwant %s", what, got, want)
	}
}

func TestAuditEachMutation(t *testing.T) {
	clk := newClock()
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1, Now: clk.Now})
	var c api.Customer

	e := mutation(t, env, func() { c = newCustomer(t, env, "jane@example.co.ke") })
	cid := c.ID.String()
	if e.Action != api.ActionCustomerCreate || e.AgentID != "test-supervisor" || e.AgentName != "Sifa Supervisor" ||
		e.KeyID != env.Keys["supervisor"].KeyID || e.Via != "api" || e.SessionID != "" || e.CustomerID != c.ID ||
		!e.At.Equal(clk.Now()) || !strings.HasPrefix(e.RequestID, "req_") || e.Seq != 1 || e.PrevHash != audit.Genesis {
		t.Fatalf("create row: %+v", e)
	}
	jsonEq(t, "create before", e.Before, `null`)
	jsonEq(t, "create after", e.After, `{"email":"jane@example.co.ke","email_confirmed":false,"first_name":"Zawadi","last_name":"Kilonzo",
		"phone":"+254712345678","status":"active","addresses":[{"type":"shipping","address1":"Moi Avenue 12","city":"Mombasa","country":"Kenya"}]}`)

	clk.Advance(time.Minute)
	e = mutation(t, env, func() {
		wantStatus(t, env.Do(t, "agent", "PATCH", "/customers/"+cid, map[string]string{"first_name": "Jane", "phone": "+254712345678"},
			"If-Match", `"1"`, api.HeaderRequestID, "req-edit-1"), 200)
	})
	if e.Action != api.ActionCustomerUpdate || e.AgentID != "test-agent" || e.RequestID != "req-edit-1" || e.Seq != 2 {
		t.Fatalf("update row: %+v", e)
	}
	// Changed fields only: the phone was sent but did not change.
	jsonEq(t, "update before", e.Before, `{"first_name":"Zawadi"}`)
	jsonEq(t, "update after", e.After, `{"first_name":"Jane"}`)
	if ch := e.Changes(); len(ch) != 1 || ch[0] != (api.FieldChange{Field: "first_name", Before: `"Zawadi"`, After: `"Jane"`}) {
		t.Fatalf("changes: %+v", ch)
	}
	noMutation(t, env, func() {
		wantError(t, env.Do(t, "agent", "PATCH", "/customers/"+cid, map[string]string{"first_name": "X"}, "If-Match", `"1"`), 412, api.CodeVersionMismatch)
		wantError(t, env.Do(t, "agent", "PATCH", "/customers/"+cid, map[string]string{"email": "bad"}, "If-Match", `"2"`), 400, api.CodeValidation)
	})

	e = mutation(t, env, func() { wantStatus(t, adjust(t, env, "agent", c.ID, "k1", 50), 201) })
	if e.Action != api.ActionLoyaltyAdjust {
		t.Fatalf("adjust row: %+v", e)
	}
	var entryID int64
	env.DB.QueryRow(`SELECT max(id) FROM loyalty_ledger`).Scan(&entryID)
	jsonEq(t, "adjust before", e.Before, `{"points_balance":0}`)
	jsonEq(t, "adjust after", e.After, fmt.Sprintf(`{"points_balance":50,"points":50,"reason":"goodwill","note":"late delivery","ledger_entry_id":%d}`, entryID))
	noMutation(t, env, func() {
		// A replay applies nothing; a refusal applies nothing.
		wantStatus(t, adjust(t, env, "agent", c.ID, "k1", 50), 201)
		wantError(t, adjust(t, env, "agent", c.ID, "k2", -51), 422, api.CodeInsufficientPoints)
	})

	e = mutation(t, env, func() {
		wantStatus(t, env.Do(t, "agent", "POST", "/customers/"+cid+"/notes", api.NoteCreate{Body: "Called about a late delivery."}), 201)
	})
	if e.Action != api.ActionNoteCreate || e.Before != nil && string(e.Before) != "null" {
		t.Fatalf("note row: %+v", e)
	}
	var noteID int64
	env.DB.QueryRow(`SELECT max(id) FROM notes`).Scan(&noteID)
	jsonEq(t, "note after", e.After, fmt.Sprintf(`{"note_id":%d,"body":"Called about a late delivery."}`, noteID))

	// Through the SSH gateway: the agent it names, the gateway's key, ssh.
	e = mutation(t, env, func() {
		wantStatus(t, env.Do(t, "gateway", "POST", "/customers/"+cid+"/notes", api.NoteCreate{Body: "From the gateway."},
			api.HeaderAgent, "test-agent", api.HeaderVia, "ssh"), 201)
	})
	if e.AgentID != "test-agent" || e.KeyID != env.Keys["gateway"].KeyID || e.Via != "ssh" {
		t.Fatalf("gateway row: %+v", e)
	}

	var s api.AgentSession
	e = mutation(t, env, func() { s = startSession(t, env, "agent", c.ID) })
	sid := s.ID.String()
	if e.Action != api.ActionSessionStart || e.SessionID != sid || e.AgentID != "test-agent" {
		t.Fatalf("session start row: %+v", e)
	}
	jsonEq(t, "start after", e.After, fmt.Sprintf(`{"session_id":%q,"reason":"customer on the phone, can't log in","ticket":"T-1042","expires_at":%q}`,
		sid, clk.Now().Add(15*time.Minute).Format("2006-01-02T15:04:05.000Z")))
	if strings.Contains(string(e.After), s.Token) {
		t.Fatal("the token is in the audit trail")
	}

	// As the customer: the row names the session.
	e = mutation(t, env, func() {
		wantStatus(t, asCustomer(t, env, "agent", "PATCH", "/customers/"+cid, s.Token, map[string]string{"phone": "0722 000 111"}, "If-Match", `"2"`), 200)
	})
	if e.Action != api.ActionCustomerUpdate || e.SessionID != sid || !e.OnBehalf() {
		t.Fatalf("on-behalf update row: %+v", e)
	}
	jsonEq(t, "on-behalf before", e.Before, `{"phone":"+254712345678"}`)
	jsonEq(t, "on-behalf after", e.After, `{"phone":"+254722000111"}`)

	e = mutation(t, env, func() {
		wantStatus(t, asCustomer(t, env, "agent", "POST", "/customers/"+cid+"/password-reset", s.Token, nil), 202)
	})
	if e.Action != api.ActionPasswordReset || e.SessionID != sid {
		t.Fatalf("password reset row: %+v", e)
	}
	jsonEq(t, "reset after", e.After, `{"password_reset_id":1,"sent_to":"j•••@example.co.ke"}`)
	noMutation(t, env, func() {
		wantStatus(t, asCustomer(t, env, "agent", "GET", "/customers/"+cid+"/coupons", s.Token, nil), 200)
	})

	clk.Advance(10 * time.Minute)
	oldExp := s.ExpiresAt.Format("2006-01-02T15:04:05.000Z")
	e = mutation(t, env, func() { wantStatus(t, env.Do(t, "agent", "POST", "/agent-sessions/"+sid+"/refresh", nil), 200) })
	if e.Action != api.ActionSessionRefresh || e.SessionID != sid {
		t.Fatalf("refresh row: %+v", e)
	}
	jsonEq(t, "refresh before", e.Before, fmt.Sprintf(`{"expires_at":%q}`, oldExp))
	jsonEq(t, "refresh after", e.After, fmt.Sprintf(`{"expires_at":%q}`, clk.Now().Add(15*time.Minute).Format("2006-01-02T15:04:05.000Z")))

	e = mutation(t, env, func() {
		if r := env.Do(t, "agent", "DELETE", "/agent-sessions/"+sid, nil); r.Status != 204 {
			t.Fatalf("end: %d", r.Status)
		}
	})
	if e.Action != api.ActionSessionEnd || e.SessionID != sid {
		t.Fatalf("end row: %+v", e)
	}
	jsonEq(t, "end after", e.After, fmt.Sprintf(`{"ended_at":%q,"ended_by":"test-agent"}`, clk.Now().Format("2006-01-02T15:04:05.000Z")))
	noMutation(t, env, func() { env.Do(t, "agent", "DELETE", "/agent-sessions/"+sid, nil) })

	// Every row is chained to the one before, and the chain verifies.
	rows := auditRows(t, env, "")
	prev := audit.Genesis
	for i, r := range rows {
		if r.Seq != int64(i+1) || r.PrevHash != prev || len(r.Hash) != 64 {
			t.Fatalf("row %d: seq %d prev %s (want %s)", i+1, r.Seq, r.PrevHash, prev)
		}
		prev = r.Hash
	}
	res, err := audit.Verify(context.Background(), env.DB)
	if err != nil || res.Rows != int64(len(rows)) || res.Head != prev {
		t.Fatalf("verify: %+v, %v (want %d rows, head %s)", res, err, len(rows), prev)
	}
}

func TestAuditConcurrentChain(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1, RateLimit: -1})
	var custs []api.Customer
	for i := range 4 {
		custs = append(custs, newCustomer(t, env, fmt.Sprintf("c%d@example.co.ke", i)))
	}
	const workers, each = 6, 12
	var (
		wg sync.WaitGroup
		mu sync.Mutex
		ok int
	)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				c := custs[(w+i)%len(custs)]
				var status int
				switch i % 3 {
				case 0:
					status = env.Do(t, "agent", "POST", "/customers/"+c.ID.String()+"/notes", api.NoteCreate{Body: fmt.Sprintf("note %d/%d", w, i)}).Status
				case 1:
					status = adjust(t, env, "agent", c.ID, fmt.Sprintf("w%d-%d", w, i), 5).Status
				case 2:
					status = env.Do(t, "agent", "POST", "/customers/"+c.ID.String()+"/agent-sessions", api.AgentSessionCreate{Reason: "concurrency"}).Status
				}
				if status/100 != 2 {
					t.Errorf("worker %d op %d: status %d", w, i, status)
					continue
				}
				mu.Lock()
				ok++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	res, err := audit.Verify(context.Background(), env.DB)
	if err != nil {
		t.Fatalf("verify after concurrent writes: %v", err)
	}
	if want := int64(ok + len(custs)); res.Rows != want {
		t.Fatalf("%d audit rows, want %d (one per mutation)", res.Rows, want)
	}
}

func TestAuditTamperDetected(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1})
	c := newCustomer(t, env, "jane@example.co.ke")
	for i := range 4 {
		env.Do(t, "agent", "POST", "/customers/"+c.ID.String()+"/notes", api.NoteCreate{Body: fmt.Sprintf("note number %d", i)})
	}
	ctx := context.Background()
	if res, err := audit.Verify(ctx, env.DB); err != nil || res.Rows != 5 {
		t.Fatalf("verify before tampering: %+v %v", res, err)
	}
	// The trail refuses edits; someone with the file drops the guard.
	if _, err := env.DB.Exec(`UPDATE audit_log SET after = '{}' WHERE seq = 3`); err == nil {
		t.Fatal("audit_log accepted an UPDATE")
	}
	if _, err := env.DB.Exec(`DELETE FROM audit_log WHERE seq = 3`); err == nil {
		t.Fatal("audit_log accepted a DELETE")
	}
	mustExec := func(q string, args ...any) {
		t.Helper()
		if _, err := env.DB.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	mustExec(`DROP TRIGGER audit_log_erase_only`)
	mustExec(`DROP TRIGGER audit_log_no_delete`)
	wantBroken := func(seq int64, problem string) {
		t.Helper()
		_, err := audit.Verify(ctx, env.DB)
		var ce *audit.ChainError
		if !errors.As(err, &ce) || ce.Seq != seq || ce.Problem != problem {
			t.Fatalf("verify: %v, want row %d: %s", err, seq, problem)
		}
		if !strings.HasPrefix(err.Error(), fmt.Sprintf("row %d: %s", seq, problem)) {
			t.Fatalf("message %q", err)
		}
	}

	var after string
	env.DB.QueryRow(`SELECT after FROM audit_log WHERE seq = 3`).Scan(&after)
	// The hash covers the payload's salted digest; the payload is
	// checked against it.
	mustExec(`UPDATE audit_log SET after = ? WHERE seq = 3`, strings.Replace(after, "note number 1", "note number 9", 1))
	wantBroken(3, "payload mismatch")
	mustExec(`UPDATE audit_log SET after = ? WHERE seq = 3`, after)
	if _, err := audit.Verify(ctx, env.DB); err != nil {
		t.Fatalf("restored row: %v", err)
	}
	// Changing the digest too (to fit the changed payload) breaks the hash.
	var salt, digest string
	env.DB.QueryRow(`SELECT salt, digest FROM audit_log WHERE seq = 3`).Scan(&salt, &digest)
	changed := strings.Replace(after, "note number 1", "note number 9", 1)
	mustExec(`UPDATE audit_log SET after = ?, digest = ? WHERE seq = 3`, changed, audit.PayloadDigest(salt, "null", changed))
	wantBroken(3, "hash mismatch")
	mustExec(`UPDATE audit_log SET after = ?, digest = ? WHERE seq = 3`, after, digest)
	// Destroying a payload outside an erasure (no erase row for the
	// customer follows) is caught.
	mustExec(`UPDATE audit_log SET after = 'null', salt = '' WHERE seq = 3`)
	wantBroken(3, "payload erased")
	mustExec(`UPDATE audit_log SET after = ?, salt = ? WHERE seq = 3`, after, salt)
	if _, err := audit.Verify(ctx, env.DB); err != nil {
		t.Fatalf("restored row: %v", err)
	}

	// Recomputing the changed row's hash moves the break to the next row.
	var agent, hash string
	env.DB.QueryRow(`SELECT agent_name, hash FROM audit_log WHERE seq = 2`).Scan(&agent, &hash)
	row, err := audit.Scan(env.DB.QueryRow(`SELECT ` + audit.Columns + ` FROM audit_log WHERE seq = 2`))
	if err != nil {
		t.Fatal(err)
	}
	row.AgentName = "Someone Else"
	mustExec(`UPDATE audit_log SET agent_name = ?, hash = ? WHERE seq = 2`, row.AgentName, row.ComputeHash())
	wantBroken(3, "previous-hash mismatch")
	mustExec(`UPDATE audit_log SET agent_name = ?, hash = ? WHERE seq = 2`, agent, hash)

	mustExec(`DELETE FROM audit_log WHERE seq = 5`)
	wantBroken(5, "missing")
	mustExec(`DELETE FROM audit_log WHERE seq = 2`)
	wantBroken(2, "missing")
}

func TestAuditList(t *testing.T) {
	clk := newClock()
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1, Now: clk.Now})
	jane := newCustomer(t, env, "jane@example.co.ke")
	other := newCustomer(t, env, "other@example.co.ke")
	env.Do(t, "agent", "POST", "/customers/"+jane.ID.String()+"/notes", api.NoteCreate{Body: "by the agent"})
	env.Do(t, "supervisor", "POST", "/customers/"+other.ID.String()+"/notes", api.NoteCreate{Body: "by the supervisor"})
	s := startSession(t, env, "agent", jane.ID)

	get := func(role, query string) (int, api.AuditPage) {
		t.Helper()
		r := env.Do(t, role, "GET", "/audit"+query, nil)
		var p api.AuditPage
		if r.Status == 200 {
			r.Data(t, &p)
		}
		return r.Status, p
	}
	// Supervisors see everything, newest first.
	if st, p := get("supervisor", ""); st != 200 || p.Total != 5 || p.Entries[0].Action != api.ActionSessionStart || p.Entries[4].Action != api.ActionCustomerCreate {
		t.Fatalf("supervisor: %d %+v", st, p)
	}
	// Everyone sees every row on a customer they name, whoever made it.
	for _, role := range []string{"viewer", "agent"} {
		st, p := get(role, "?customer_id="+other.ID.String())
		if st != 200 || p.Total != 2 || p.Entries[0].AgentID != "test-supervisor" {
			t.Fatalf("%s on other: %d %+v", role, st, p)
		}
	}
	// Their own rows across customers, but not someone else's or the store's.
	if st, p := get("agent", "?agent_id=test-agent"); st != 200 || p.Total != 2 {
		t.Fatalf("agent's own: %d %+v", st, p)
	}
	for _, q := range []string{"", "?agent_id=test-supervisor", "?action=note.create"} {
		r := env.Do(t, "agent", "GET", "/audit"+q, nil)
		wantError(t, r, 403, api.CodeForbidden)
	}
	if st, p := get("agent", "?customer_id="+jane.ID.String()+"&action=session.start"); st != 200 || p.Total != 1 || p.Entries[0].SessionID != s.ID.String() {
		t.Fatalf("filtered by action: %d %+v", st, p)
	}
	if st, p := get("supervisor", "?session_id="+s.ID.String()); st != 200 || p.Total != 1 {
		t.Fatalf("filtered by session: %d %+v", st, p)
	}
	if st, p := get("supervisor", "?limit=2&page=3"); st != 200 || len(p.Entries) != 1 || p.Entries[0].Seq != 1 || p.Page != 3 || p.Limit != 2 {
		t.Fatalf("paging: %d %+v", st, p)
	}
	wantError(t, env.Do(t, "supervisor", "GET", "/audit?action=delete.everything", nil), 400, api.CodeValidation)
	wantError(t, env.Do(t, "supervisor", "GET", "/audit?customer_id=-1", nil), 400, api.CodeValidation)
	if r := env.Do(t, "", "GET", "/audit", nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("no key: %d", r.Status)
	}
}
