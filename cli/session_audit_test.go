package cli_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
)

// activeID is a seeded active customer that is not a hostile record.
func activeID(t *testing.T, env *sandboxtest.Env) string {
	t.Helper()
	var id string
	if err := env.DB.QueryRow(`SELECT id FROM customers WHERE status = 'active' AND email NOT LIKE 'hostile-%' ORDER BY id LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestSessionCommands(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 20})
	agent := apiEnv(t, env, "agent")
	id := activeID(t, env)
	reason := "customer on the phone, can't log in"

	runCLI(t, agent, "session", "start", id).want(t, 2)
	runCLI(t, agent, "session", "start", id, "--reason", "x").want(t, 2)
	runCLI(t, apiEnv(t, env, "viewer"), "session", "start", id, "--reason", reason).want(t, 4)
	runCLI(t, agent, "session", "start", "999999", "--reason", reason).want(t, 3)

	// Human output: who, which session, never the token.
	r := runCLI(t, agent, "session", "start", id, "--reason", reason, "--ticket", "T-1042")
	r.want(t, 0)
	var sid string
	if err := env.DB.QueryRow(`SELECT id FROM agent_sessions ORDER BY started_at DESC, rowid DESC LIMIT 1`).Scan(&sid); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.stdout, "Acting as") || !strings.Contains(r.stdout, sid) || !strings.Contains(r.stdout, "T-1042") ||
		strings.Contains(r.stdout+r.stderr, "cst_") || !strings.Contains(r.stdout, "--print-token") {
		t.Fatalf("start output:\n%s\n%s", r.stdout, r.stderr)
	}

	// --json leaves the token out unless asked.
	r = runCLI(t, agent, "session", "start", id, "--reason", reason, "--json")
	r.want(t, 0)
	var s api.AgentSession
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil || s.Token != "" || s.CustomerID.String() != id || strings.Contains(r.stdout, `"token"`) {
		t.Fatalf("--json: %v\n%s", err, r.stdout)
	}
	r = runCLI(t, agent, "session", "start", id, "--reason", reason, "--json", "--print-token")
	r.want(t, 0)
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil || !strings.HasPrefix(s.Token, "cst_") {
		t.Fatalf("--json --print-token: %v\n%s", err, r.stdout)
	}

	// --print-token: the token alone on stdout, the rest on stderr.
	r = runCLI(t, agent, "session", "start", id, "--reason", reason, "--print-token")
	r.want(t, 0)
	token := strings.TrimSpace(r.stdout)
	if !strings.HasPrefix(token, "cst_") || strings.Contains(token, "\n") || !strings.Contains(r.stderr, "Acting as") {
		t.Fatalf("--print-token:\nstdout %q\nstderr %q", r.stdout, r.stderr)
	}
	if got := env.Do(t, "agent", "GET", "/customers/"+id, nil, api.HeaderCustomerToken, token); got.Status != 200 {
		t.Fatalf("the printed token does not work: %d %s", got.Status, got.Body)
	}
	r = runCLI(t, agent, "session", "list", "--customer", id, "--json")
	r.want(t, 0)
	var list api.AgentSessionList
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || len(list.Sessions) != 4 || strings.Contains(r.stdout, "cst_") {
		t.Fatalf("session list: %v\n%s", err, r.stdout)
	}
	// The live session is the one --print-token started: the newest row.
	// (The list is ordered by start time, and four starts can share a
	// millisecond, so its last entry need not be that one.)
	var liveID string
	if err := env.DB.QueryRow(`SELECT id FROM agent_sessions ORDER BY rowid DESC LIMIT 1`).Scan(&liveID); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(list.Sessions, func(s api.AgentSession) bool { return s.ID.String() == liveID })
	if i < 0 {
		t.Fatalf("session list lacks the live session %s:\n%s", liveID, r.stdout)
	}
	live := list.Sessions[i]
	r = runCLI(t, agent, "session", "list")
	r.want(t, 0)
	if !strings.Contains(r.stdout, live.ID.String()) || !strings.Contains(r.stdout, "ACTING AS") {
		t.Fatalf("session list:\n%s", r.stdout)
	}

	// End: the token dies; again is fine; unknown is not found.
	runCLI(t, agent, "session", "end", live.ID.String()).want(t, 0)
	runCLI(t, agent, "session", "end", live.ID.String()).want(t, 0)
	if got := env.Do(t, "agent", "GET", "/customers/"+id, nil, api.HeaderCustomerToken, token); got.Code() != api.CodeSessionRevoked {
		t.Fatalf("token after end: %d %s", got.Status, got.Body)
	}
	runCLI(t, agent, "session", "end", "ses_nope").want(t, 3)
}

func TestAuditCommands(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 20})
	agent := apiEnv(t, env, "agent")
	sup := apiEnv(t, env, "supervisor")
	id := activeID(t, env)
	r := runCLI(t, agent, "session", "start", id, "--reason", "customer on the phone", "--print-token")
	r.want(t, 0)
	token := strings.TrimSpace(r.stdout)
	got := env.Do(t, "agent", "GET", "/customers/"+id, nil, api.HeaderCustomerToken, token)
	env.Do(t, "agent", "PATCH", "/customers/"+id, map[string]string{"phone": "0733 000 444"},
		api.HeaderCustomerToken, token, "If-Match", got.Header.Get("ETag"))
	for i := range 3 {
		runCLI(t, agent, "loyalty", "adjust", id, "--points", fmt.Sprint(10+i), "--reason", "goodwill", "--note", "late delivery").want(t, 0)
	}

	r = runCLI(t, agent, "audit", "list", "--customer", id)
	r.want(t, 0)
	for _, want := range []string{"session.start", "customer.update", "loyalty.adjust", "phone: ", " → \"+254733000444\"", "customer (ses_", "Amani Agent"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("audit list lacks %q:\n%s", want, r.stdout)
		}
	}
	r = runCLI(t, agent, "audit", "list", "--customer", id, "--action", "customer.update", "--json")
	r.want(t, 0)
	var page api.AuditPage
	if err := json.Unmarshal([]byte(r.stdout), &page); err != nil || page.Total != 1 || !page.Entries[0].OnBehalf() {
		t.Fatalf("audit list --json: %v\n%s", err, r.stdout)
	}
	runCLI(t, agent, "audit", "list").want(t, 4)
	runCLI(t, agent, "audit", "list", "--action", "nope", "--customer", id).want(t, 2)
	r = runCLI(t, sup, "audit", "list", "--limit", "2")
	r.want(t, 0)
	if !strings.Contains(r.stdout, "page 1 of 3 · 5 rows") {
		t.Fatalf("supervisor list:\n%s", r.stdout)
	}

	// verify: intact, then tampered (one row's after), then a row removed.
	none := map[string]string{}
	r = runCLI(t, none, "audit", "verify", "--db", env.DBPath)
	r.want(t, 0)
	if !strings.Contains(r.stdout, "audit chain intact: 5 rows") {
		t.Fatalf("verify:\n%s", r.stdout)
	}
	runCLI(t, none, "audit", "verify").want(t, 2)
	runCLI(t, none, "audit", "verify", "--db", env.DBPath+".missing").want(t, 3)
	for _, q := range []string{`DROP TRIGGER audit_log_erase_only`, `DROP TRIGGER audit_log_no_delete`,
		`UPDATE audit_log SET after = replace(after, '+254733000444', '+254700000000') WHERE seq = 2`} {
		if _, err := env.DB.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	r = runCLI(t, none, "audit", "verify", "--db", env.DBPath)
	r.want(t, 1)
	if !strings.Contains(r.stderr, "row 2: payload mismatch") {
		t.Fatalf("verify after tampering:\n%s", r.stderr)
	}
	if _, err := env.DB.Exec(`UPDATE audit_log SET after = replace(after, '+254700000000', '+254733000444') WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	runCLI(t, none, "audit", "verify", "--db", env.DBPath).want(t, 0)
	if _, err := env.DB.Exec(`DELETE FROM audit_log WHERE seq = 4`); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, none, "audit", "verify", "--db", env.DBPath)
	r.want(t, 1)
	if !strings.Contains(r.stderr, "row 4: missing") {
		t.Fatalf("verify after a deletion:\n%s", r.stderr)
	}
}
