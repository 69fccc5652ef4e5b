package sshd_test

import (
	"testing"
	"time"
)

// TestDroppedConsoleRevokesOnBehalfSession: an agent starts acting for a
// customer in the SSH console and the connection drops (no quit): the
// gateway revokes the session once the program stops, so the store lists
// no live session; the session was recorded as made through ssh.
func TestDroppedConsoleRevokesOnBehalfSession(t *testing.T) {
	g := startGateway(t, gatewayOptions{})
	c := pickCustomer(t, g.env)
	con := g.openConsole(g.keys["agent"], 140, 30)
	con.waitFor(wait, "Amani Agent (agent)")
	con.send(c.email)
	con.waitFor(wait, "1 customer matching")
	con.send("\r")
	con.waitFor(wait, "1 Overview", "Customer since")
	con.send("o")
	con.waitFor(wait, "Act on behalf of")
	con.send("customer on the phone, can't log in\r")
	con.send("\r")
	con.waitFor(wait, "Acting as ")

	live := func() int {
		var n int
		if err := g.env.DB.QueryRow(`SELECT count(*) FROM agent_sessions WHERE ended_at IS NULL`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := live(); n != 1 {
		t.Fatalf("%d live sessions while acting, want 1", n)
	}
	// Drop the connection: no q, no ctrl+c.
	con.client.Close()
	deadline := time.Now().Add(wait)
	for live() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the on-behalf session outlived the dropped connection by %s", wait)
		}
		time.Sleep(10 * time.Millisecond) // polling interval, not synchronisation
	}
	var via, endVia string
	if err := g.env.DB.QueryRow(`SELECT via FROM audit_log WHERE action = 'session.start'`).Scan(&via); err != nil {
		t.Fatal(err)
	}
	if err := g.env.DB.QueryRow(`SELECT via FROM audit_log WHERE action = 'session.end'`).Scan(&endVia); err != nil {
		t.Fatal(err)
	}
	if via != "ssh" || endVia != "ssh" {
		t.Errorf("session start via %q and end via %q, want ssh", via, endVia)
	}
}
