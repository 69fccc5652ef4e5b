package e2e

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/server"
	"frontdesk/store"
	"frontdesk/store/postgres"
	"frontdesk/store/postgres/pgtest"
	"frontdesk/store/sqlite"
)

// presenceSeen is the bound: each console names the other within
// this long of both having the customer open.
const presenceSeen = 5 * time.Second

// Two agents open one customer in two consoles (two tmux servers, two API
// keys): each console's profile header names the other agent within 5
// seconds, on SQLite with one server and on PostgreSQL with the two
// consoles on two replicas; when one closes the profile, the other's
// notice goes.
func TestConsolesSeeEachOtherOnOneCustomer(t *testing.T) {
	consoleNeedTmux(t)
	bin := buildFrontdesk(t)

	t.Run("sqlite", func(t *testing.T) {
		dbPath := filepath.Join(t.TempDir(), "desk.db")
		srv := serve(t, bin, []string{"server", "--db", dbPath, "--addr", "127.0.0.1:" + freePort(t), "--rate-limit", "-1"}, "key", "secret")
		st, err := sqlite.Open(t.Context(), dbPath)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		twoConsoles(t, bin, st, srv, srv)
	})

	t.Run("postgres", func(t *testing.T) {
		dsn := pgtest.DSN(t)
		args := func() []string {
			return []string{"server", "--db", dsn, "--addr", "127.0.0.1:" + freePort(t), "--rate-limit", "-1"}
		}
		a := serve(t, bin, args(), "key", "secret")
		b := serve(t, bin, args())
		st, err := postgres.Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		twoConsoles(t, bin, st, a, b)
	})
}

// twoConsoles runs the check with Jane's console on a and Baraka's on b
// (a printed the bootstrap key; st is the desk's database).
func twoConsoles(t *testing.T, bin string, st store.Store, a, b *served) {
	t.Helper()
	boot := server.Key{KeyID: a.Lines["key"], Secret: a.Lines["secret"]}
	var out api.CustomerEnvelope
	if code := postJSON(t, a.URL(), boot, "/customers", api.CustomerCreate{
		Email: "presence-e2e@example.co.ke", FirstName: "Zawadi", LastName: "Kilonzo",
	}, nil, &out); code != http.StatusCreated {
		t.Fatalf("create the customer: %d", code)
	}
	id := string(out.Customer.ID)
	jane, err := server.MintKey(t.Context(), st, server.KeySpec{AgentID: "jane", Name: "Jane Wanjiru", Role: api.RoleAgent, LoyaltyLimit: 500})
	if err != nil {
		t.Fatal(err)
	}
	baraka, err := server.MintKey(t.Context(), st, server.KeySpec{AgentID: "baraka", Name: "Baraka Otieno", Role: api.RoleSupervisor})
	if err != nil {
		t.Fatal(err)
	}

	open := func(url string, k server.Key) *consoleTmux {
		x := newConsoleTmux(t, bin, 140, 40)
		x.run("FRONTDESK_API_URL=" + url + " FRONTDESK_API_KEY=" + k.KeyID + " FRONTDESK_API_SECRET=" + k.Secret + ` frontdesk; echo "EXIT:$?"`)
		x.waitFor(20*time.Second, "Zawadi Kilonzo")
		x.keys("Escape")
		// Out of the box (the sort key shows); waiting also keeps the next
		// key from arriving glued to the ESC, which reads as alt+key.
		x.waitFor(10*time.Second, "sort: newest (s)")
		x.typeText(":customer " + id)
		x.keys("Enter")
		x.waitFor(20*time.Second, "presence-e2e@example.co.ke", "id "+id+"\n")
		return x
	}
	xj := open(a.URL(), jane)
	xb := open(b.URL(), baraka)
	// Both have it open now: each names the other within the bound.
	both := time.Now()
	xb.waitFor(presenceSeen, "Also open: Jane Wanjiru (since ")
	xj.waitFor(presenceSeen-time.Since(both), "Also open: Baraka Otieno (since ")
	t.Logf("both consoles named the other %v after the second opened", time.Since(both).Round(time.Millisecond))

	// Baraka opens the edit form: Jane's header says he is editing.
	xb.keys("e")
	xb.waitFor(10*time.Second, "Edit profile")
	xj.waitFor(presenceSeen, "Baraka Otieno (since ", "editing)")

	// Baraka leaves the customer (esc the form, q the profile): Jane's
	// notice goes at her next heartbeat.
	xb.keys("Escape")
	xb.waitUntil(10*time.Second, "the form closed", func(s string) bool { return !strings.Contains(s, "Edit profile") })
	xb.keys("q")
	xb.waitUntil(10*time.Second, "back on search", func(s string) bool { return !strings.Contains(s, "id "+id+"\n") })
	xj.waitUntil(presenceSeen, "Baraka gone from Jane's header", func(s string) bool { return !strings.Contains(s, "Baraka Otieno") })

	for _, x := range []*consoleTmux{xj, xb} {
		x.keys("C-c")
		x.waitFor(10*time.Second, "EXIT:0")
	}
}

// One console on the API and one through the SSH gateway, on one
// customer: each names the other within 5 seconds, the gateway's agent
// marked as over SSH.
func TestConsoleAndGatewaySeeEachOther(t *testing.T) {
	gwNeed(t, "ssh", "ssh-keygen", "tmux")
	env := sandboxtest.New(t, sandboxtest.Options{RateLimit: -1})
	bin := buildFrontdesk(t)
	dir := t.TempDir()
	keys := map[string]string{"agent": gwKey(t, dir, "agent")}
	agents := filepath.Join(dir, "agents.toml")
	gwAgents(t, agents, env, keys, "agent")
	s := gwStart(t, bin, dir, agents, env)
	cust := gwPickCustomer(t, env)
	id := fmt.Sprint(cust.id)

	// The agent over SSH.
	g := gwOpenConsole(t, s, keys["agent"], 140, 40)
	g.waitFor("Amani Agent (agent)")
	g.tmux("send-keys", "-t", "gw", "Escape")
	g.waitFor("sort: newest (s)")
	g.tmux("send-keys", "-t", "gw", "-l", ":customer "+id)
	g.tmux("send-keys", "-t", "gw", "Enter")
	g.waitFor(cust.email, "id "+id+"\n")

	// The supervisor on the API.
	x := newConsoleTmux(t, bin, 140, 40)
	k := env.Keys["supervisor"]
	x.run("FRONTDESK_API_URL=" + env.URL + " FRONTDESK_API_KEY=" + k.KeyID + " FRONTDESK_API_SECRET=" + k.Secret + ` frontdesk; echo "EXIT:$?"`)
	x.waitFor(20*time.Second, "sort: newest")
	x.keys("Escape")
	x.waitFor(10*time.Second, "sort: newest (s)")
	x.typeText(":customer " + id)
	x.keys("Enter")
	x.waitFor(20*time.Second, cust.email, "id "+id+"\n")

	both := time.Now()
	x.waitFor(presenceSeen, "Also open: Amani Agent (since ", "over SSH)")
	gwPoll(t, presenceSeen-time.Since(both), func() bool { return strings.Contains(g.screen(), "Also open: Sifa Supervisor (since ") },
		func() string { return "the SSH console does not name the supervisor:\n" + g.screen() })
	t.Logf("both consoles named the other %v after the second opened", time.Since(both).Round(time.Millisecond))

	x.keys("C-c")
	x.waitFor(10*time.Second, "EXIT:0")
	g.tmux("send-keys", "-t", "gw", "C-c")
	if status := g.exitStatus(); status != "0" {
		t.Fatalf("ssh exited %s, want 0", status)
	}
}
