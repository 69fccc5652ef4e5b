package sshd_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/cli"
	"frontdesk/client"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/sshd"
	"frontdesk/store"
)

// liveLeases counts the desk's live gateway leases, of agent when not "".
func liveLeases(t *testing.T, env *sandboxtest.Env, agent string) int {
	t.Helper()
	var n int
	ctx := t.Context()
	if err := env.Store.Read(ctx, func(tx store.Tx) error {
		var err error
		n, err = tx.CountGatewayLeases(ctx, time.Now(), agent)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// waitLeases polls until the desk holds n live leases (of agent).
func waitLeases(t *testing.T, env *sandboxtest.Env, agent string, n int) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		got := liveLeases(t, env, agent)
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the desk holds %d live leases of %q after %s, want %d", got, agent, wait, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestDeskCapsHoldAcrossGateways: two gateways in front of one desk
// whose caps are 2 sessions in all and 1 per agent. Each gateway alone
// would let every one of these sessions in (MaxSessions 200).
func TestDeskCapsHoldAcrossGateways(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1, RateLimit: -1,
		GatewaySessions: store.GatewayCaps{Total: 2, PerAgent: 1}})
	g1 := startGateway(t, gatewayOptions{env: env})
	g2 := startGateway(t, gatewayOptions{env: env})

	// The agent's console on gateway 1 holds the agent's one place...
	con := g1.openConsole(g1.keys["agent"], 100, 30)
	con.waitFor(wait, "frontdesk")
	waitLeases(t, env, env.Agents["agent"], 1)
	// ...so a command of the agent's on gateway 2 is refused with the
	// desk's sentence, and does not stay registered.
	r := g2.run(g2.keys["agent"], "whoami")
	if r.exit != 1 || !strings.Contains(r.stderr, "limit of 1 SSH sessions open at once per agent") {
		t.Fatalf("the agent's second session: exit %d, stderr %q", r.exit, r.stderr)
	}
	g2.waitSessions(wait, 0)

	// The viewer takes the desk's second place on gateway 2; then the
	// desk is full for the supervisor on either gateway.
	view := g2.openConsole(g2.keys["viewer"], 100, 30)
	view.waitFor(wait, "frontdesk")
	for _, g := range []*gateway{g1, g2} {
		r := g.run(g.keys["supervisor"], "whoami")
		if r.exit != 1 || !strings.Contains(r.stderr, "all 2 SSH sessions of this desk are in use") {
			t.Fatalf("the supervisor on a full desk: exit %d, stderr %q", r.exit, r.stderr)
		}
	}

	// The agent's console ends: its place is given back, and the agent
	// gets in on gateway 2.
	con.client.Close() // the agent closes the terminal
	g1.waitSessions(wait, 0)
	waitLeases(t, env, env.Agents["agent"], 0)
	if r := g2.run(g2.keys["agent"], "whoami"); r.exit != 0 {
		t.Fatalf("the agent after their console ended: exit %d, stderr %q", r.exit, r.stderr)
	}
	// A finished command gives its place back too.
	waitLeases(t, env, "", 1)
}

// TestNoLeaseNoSession: a desk that cannot be asked means no session.
func TestNoLeaseNoSession(t *testing.T) {
	g := startGateway(t, gatewayOptions{mutate: func(c *sshd.Config) {
		c.API.Leases = cli.GatewayAPI("http://127.0.0.1:1", "ck_x", "cs_x", 2*time.Second).Leases
	}})
	r := g.run(g.keys["agent"], "whoami")
	if r.exit != 1 || !strings.Contains(r.stderr, "could not be reached to reserve a place for this session") {
		t.Fatalf("exit %d, stderr %q", r.exit, r.stderr)
	}
	g.waitSessions(wait, 0)
}

// TestLeaseHeartbeat: a session's lease is renewed while it lives, and a
// session whose lease the desk no longer holds ends.
func TestLeaseHeartbeat(t *testing.T) {
	g := startGateway(t, gatewayOptions{mutate: func(c *sshd.Config) { c.LeaseHeartbeat = 50 * time.Millisecond }})
	env := g.env
	con := g.openConsole(g.keys["agent"], 100, 30)
	con.waitFor(wait, "frontdesk")
	waitLeases(t, env, env.Agents["agent"], 1)
	expiry := func() string {
		var e string
		if err := env.DB.QueryRow(`SELECT expires_at FROM gateway_leases`).Scan(&e); err != nil {
			t.Fatal(err)
		}
		return e
	}
	first := expiry()
	deadline := time.Now().Add(wait)
	for expiry() == first {
		if time.Now().After(deadline) {
			t.Fatalf("the lease's expiry stayed at %s for %s: no heartbeat", first, wait)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The desk loses the lease (an operator, or a gateway silent past
	// its expiry): the next heartbeat ends the session.
	if _, err := env.DB.Exec(`DELETE FROM gateway_leases`); err != nil {
		t.Fatal(err)
	}
	code, err := con.wait(wait)
	if err != nil {
		t.Fatal(err)
	}
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	con.waitFor(wait, "no longer holds a place")
	g.waitSessions(wait, 0)
}

// downDesk grants leases of a short lifetime and then cannot be reached.
type downDesk struct {
	ttl      time.Duration
	mu       sync.Mutex
	renewals int
	released []api.ID
}

func (d *downDesk) AcquireGatewaySession(_ context.Context, gateway string) (api.GatewaySession, error) {
	now := time.Now()
	return api.GatewaySession{ID: "gwl_down", Gateway: gateway, StartedAt: now, ExpiresAt: now.Add(d.ttl)}, nil
}

func (d *downDesk) RenewGatewaySession(context.Context, api.ID) (api.GatewaySession, error) {
	d.mu.Lock()
	d.renewals++
	d.mu.Unlock()
	return api.GatewaySession{}, &client.TransportError{BaseURL: "http://desk.invalid", Err: errors.New("connection refused")}
}

func (d *downDesk) ReleaseGatewaySession(_ context.Context, id api.ID) error {
	d.mu.Lock()
	d.released = append(d.released, id)
	d.mu.Unlock()
	return nil
}

// TestLeaseRunsOutWhileDeskIsDown: heartbeats that fail until the lease
// would have run out end the session (the desk may have given its place
// away), and the gateway still tries to release it.
func TestLeaseRunsOutWhileDeskIsDown(t *testing.T) {
	desk := &downDesk{ttl: 600 * time.Millisecond}
	g := startGateway(t, gatewayOptions{mutate: func(c *sshd.Config) {
		c.LeaseHeartbeat = 100 * time.Millisecond
		c.API.Leases = func(string, http.RoundTripper) (sshd.Leases, error) { return desk, nil }
	}})
	start := time.Now()
	con := g.openConsole(g.keys["agent"], 100, 30)
	code, err := con.wait(wait)
	if err != nil {
		t.Fatal(err)
	}
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if d := time.Since(start); d < desk.ttl {
		t.Fatalf("the session ended after %s, before its lease (%s) could have run out", d, desk.ttl)
	}
	con.waitFor(wait, "no longer holds a place")
	g.waitSessions(wait, 0)
	desk.mu.Lock()
	defer desk.mu.Unlock()
	if desk.renewals < 2 || len(desk.released) != 1 || desk.released[0] != "gwl_down" {
		t.Fatalf("%d renewals, released %v; want several renewals and one release of gwl_down", desk.renewals, desk.released)
	}
}
