package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/server"
	"frontdesk/store"
	"frontdesk/store/postgres"
	"frontdesk/store/postgres/pgtest"
	"frontdesk/store/sqlite"
)

// TestGatewayCapsHoldAcrossGateways: one desk server (`frontdesk server`
// on SQLite, and on PostgreSQL where FRONTDESK_TEST_POSTGRES is set) with caps of 2 SSH sessions in all and 1 per agent, two
// gateways in front of it, the real OpenSSH client. Each gateway alone
// would let every session in (--max-sessions 200); the desk's caps hold
// across both, a session's end frees its place, and so does a gateway
// killed with SIGKILL, once its leases run out (--gateway-lease-ttl).
func TestGatewayCapsHoldAcrossGateways(t *testing.T) {
	gwNeed(t, "ssh", "ssh-keygen", "tmux")
	bin := buildFrontdesk(t)
	t.Run("sqlite", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "desk.db")
		gatewayCaps(t, bin, db, func() (store.Store, error) { return sqlite.Open(t.Context(), db) })
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := pgtest.DSN(t)
		gatewayCaps(t, bin, dsn, func() (store.Store, error) { return postgres.Open(t.Context(), dsn) })
	})
}

func gatewayCaps(t *testing.T, bin, db string, open func() (store.Store, error)) {
	dir := t.TempDir()
	desk := serve(t, bin, []string{"server", "--db", db, "--addr", "127.0.0.1:0", "--rate-limit", "-1",
		"--max-gateway-sessions", "2", "--max-sessions-per-agent", "1", "--gateway-lease-ttl", "3s"}, "key", "secret")

	// Agents and a gateway key, minted straight into the database.
	st, err := open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	names := []string{"amani", "baraka", "chebet"}
	keys := map[string]string{}
	var agents strings.Builder
	for _, n := range names {
		if _, err := server.MintKey(t.Context(), st, server.KeySpec{AgentID: "caps-" + n, Name: strings.ToUpper(n[:1]) + n[1:], Role: api.RoleAgent, LoyaltyLimit: 100}); err != nil {
			t.Fatal(err)
		}
		keys[n] = gwKey(t, dir, n)
		fmt.Fprintf(&agents, "[[agent]]\nid = %q\nname = %q\nrole = %q\nkeys = [%q]\n\n", "caps-"+n, n, api.RoleAgent, gwPub(t, keys[n]))
	}
	gatewayKey, err := server.MintKey(t.Context(), st, server.KeySpec{AgentID: "caps-gateway", Name: "Gateway", Role: api.RoleViewer, Gateway: true})
	if err != nil {
		t.Fatal(err)
	}
	agentsFile := filepath.Join(dir, "agents.toml")
	if err := os.WriteFile(agentsFile, []byte(agents.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	var gw [2]*gwServer
	for i := range gw {
		gdir := filepath.Join(dir, fmt.Sprintf("gw%d", i))
		if err := os.MkdirAll(filepath.Join(gdir, "state"), 0o700); err != nil {
			t.Fatal(err)
		}
		gw[i] = gwStartOn(t, bin, gdir, agentsFile, desk.URL(), gatewayKey)
	}
	refused := func(r gwResult, want string) {
		t.Helper()
		if r.exit != 1 || !strings.Contains(r.stderr, want) {
			t.Fatalf("exit %d, stderr %q; want 1 and %q", r.exit, r.stderr, want)
		}
	}
	const agentFull = "limit of 1 SSH sessions open at once per agent"
	const deskFull = "all 2 SSH sessions of this desk are in use"

	// Amani's console on gateway 0 holds Amani's one place: Amani is
	// refused on gateway 1.
	amani := gwOpenConsole(t, gw[0], keys["amani"], 120, 30)
	amani.waitFor("frontdesk", "(agent)")
	refused(gw[1].ssh(t, "whoami", keys["amani"]), agentFull)

	// Baraka's console on gateway 1 takes the desk's second place: the
	// desk is full for Chebet through either gateway.
	baraka := gwOpenConsole(t, gw[1], keys["baraka"], 120, 30)
	baraka.waitFor("frontdesk", "(agent)")
	for i := range gw {
		refused(gw[i].ssh(t, "whoami", keys["chebet"]), deskFull)
	}

	// Amani quits: the place is free at once for Chebet on gateway 1.
	amani.tmux("send-keys", "-t", "gw", "Escape")
	amani.waitGone("esc leave the box")
	amani.tmux("send-keys", "-t", "gw", "q")
	if s := amani.exitStatus(); s != "0" {
		t.Fatalf("Amani's ssh exited %s, want 0", s)
	}
	last := gwRetry(t, gw[1], "whoami", keys["chebet"], "Chebet after Amani quit")
	if !strings.Contains(last.stdout, "caps-chebet") {
		t.Fatalf("whoami as Chebet: %q", last.stdout)
	}

	// Amani takes the place back on gateway 0; the desk is full again.
	amani = gwOpenConsole(t, gw[0], keys["amani"], 120, 30)
	amani.waitFor("frontdesk", "(agent)")
	refused(gw[0].ssh(t, "whoami", keys["chebet"]), deskFull)

	// Gateway 1 is killed with Baraka's console open: it releases
	// nothing, and Baraka's place frees itself when the lease runs out
	// (3 s here) — for Chebet on gateway 0.
	if err := gw[1].cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	<-gw[1].exited
	baraka.exitStatus()
	// Right after the kill the dead gateway's lease still holds the place
	// (it was renewed within the last second)...
	refused(gw[0].ssh(t, "whoami", keys["chebet"]), deskFull)
	// ...until it runs out.
	gwRetry(t, gw[0], "whoami", keys["chebet"], "Chebet after the gateway holding Baraka's place died")
	t.Logf("the killed gateway's place was free again %s after the kill (lease time 3s)", time.Since(killed).Round(100*time.Millisecond))
	// Amani's console is still open, on the surviving gateway.
	refused(gw[0].ssh(t, "whoami", keys["amani"]), agentFull)
}

// gwRetry runs remote through gw every 300 ms (the gateway's per-IP
// connection burst is 30) until it exits 0 or gwWait passes.
func gwRetry(t *testing.T, gw *gwServer, remote, identity, what string) gwResult {
	t.Helper()
	deadline := time.Now().Add(gwWait)
	tick := time.NewTicker(300 * time.Millisecond)
	defer tick.Stop()
	for {
		r := gw.ssh(t, remote, identity)
		if r.exit == 0 {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still refused after %s: exit %d, %q", what, gwWait, r.exit, r.stderr)
		}
		<-tick.C
	}
}
