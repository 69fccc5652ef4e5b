package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/store"
)

// touch records agent's presence on customer at now for ttl and returns
// what TouchPresence answered.
func touch(t *testing.T, st store.Store, customer api.ID, agent, name string, editing bool, now time.Time, ttl time.Duration) (time.Time, bool) {
	t.Helper()
	var (
		since time.Time
		fresh bool
	)
	write(t, st, func(ctx context.Context, tx store.Tx) error {
		var err error
		since, fresh, err = tx.TouchPresence(ctx, store.Presence{CustomerID: customer, AgentID: agent, AgentName: name,
			Via: "api", Editing: editing, ExpiresAt: now.Add(ttl)}, now)
		return err
	})
	return since, fresh
}

func presenceOf(t *testing.T, st store.Store, customer api.ID, now time.Time) []store.Presence {
	t.Helper()
	var out []store.Presence
	read(t, st, func(ctx context.Context, tx store.Tx) error {
		var err error
		out, err = tx.PresenceOf(ctx, customer, now)
		return err
	})
	return out
}

// who lists the agents of ps as "agent:since-offset:editing", for
// comparing.
func who(ps []store.Presence) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = fmt.Sprintf("%s/%s:%s:%v", p.AgentID, p.AgentName, p.Since.Sub(t0), p.Editing)
	}
	return out
}

func testPresence(t *testing.T, st store.Store) {
	const ttl = 20 * time.Second
	c1, c2 := api.ID("42"), api.ID("cstmr_7")
	ctx := t.Context()

	since, fresh := touch(t, st, c1, "ag_a", "Amina", false, t0, ttl)
	if !fresh || !since.Equal(t0) {
		t.Fatalf("first touch: since %v fresh %v, want %v and fresh", since, fresh, t0)
	}
	// A heartbeat inside the TTL keeps since and takes the new state.
	since, fresh = touch(t, st, c1, "ag_a", "Amina W.", true, t0.Add(5*time.Second), ttl)
	if fresh || !since.Equal(t0) {
		t.Fatalf("heartbeat: since %v fresh %v, want %v and not fresh", since, fresh, t0)
	}
	touch(t, st, c1, "ag_b", "Baraka", false, t0.Add(7*time.Second), ttl)
	touch(t, st, c2, "ag_c", "Chebet", false, t0.Add(7*time.Second), ttl)

	got := fmt.Sprint(who(presenceOf(t, st, c1, t0.Add(8*time.Second))))
	if want := "[ag_a/Amina W.:0s:true ag_b/Baraka:7s:false]"; got != want {
		t.Fatalf("PresenceOf(c1) = %s, want %s", got, want)
	}
	if ps := presenceOf(t, st, c1, t0.Add(8*time.Second)); !ps[0].ExpiresAt.Equal(t0.Add(25*time.Second)) || ps[0].Via != "api" {
		t.Fatalf("row = %+v, want expiry %v via api", ps[0], t0.Add(25*time.Second))
	}
	// ag_a's row expires at t0+25s; ag_b's at t0+27s.
	got = fmt.Sprint(who(presenceOf(t, st, c1, t0.Add(25*time.Second))))
	if want := "[ag_b/Baraka:7s:false]"; got != want {
		t.Fatalf("PresenceOf(c1) after ag_a's expiry = %s, want %s", got, want)
	}
	// A heartbeat after the expiry starts again: a new since.
	since, fresh = touch(t, st, c1, "ag_a", "Amina", false, t0.Add(30*time.Second), ttl)
	if !fresh || !since.Equal(t0.Add(30*time.Second)) {
		t.Fatalf("touch after expiry: since %v fresh %v, want %v and fresh", since, fresh, t0.Add(30*time.Second))
	}

	// Leaving removes only the agent's row on that customer; leaving twice
	// is fine.
	for range 2 {
		write(t, st, func(ctx context.Context, tx store.Tx) error { return tx.LeavePresence(ctx, c1, "ag_b") })
	}
	got = fmt.Sprint(who(presenceOf(t, st, c1, t0.Add(26*time.Second))))
	if want := "[ag_a/Amina:30s:false]"; got != want {
		t.Fatalf("PresenceOf(c1) after ag_b left = %s, want %s", got, want)
	}
	if got := who(presenceOf(t, st, c2, t0.Add(26*time.Second))); len(got) != 1 {
		t.Fatalf("PresenceOf(c2) = %v, want Chebet still there", got)
	}

	// Purge deletes what expired by then: c2's row (t0+27s), not ag_a's
	// (t0+50s).
	var n int
	write(t, st, func(ctx context.Context, tx store.Tx) error {
		var err error
		n, err = tx.PurgePresence(ctx, t0.Add(27*time.Second))
		return err
	})
	if n != 1 {
		t.Fatalf("PurgePresence = %d, want 1", n)
	}
	if got := presenceOf(t, st, c2, t0); len(got) != 0 {
		t.Fatalf("PresenceOf(c2) after purge = %v, want none", who(got))
	}
	if got := presenceOf(t, st, c1, t0.Add(31*time.Second)); len(got) != 1 {
		t.Fatalf("PresenceOf(c1) after purge = %v, want ag_a", who(got))
	}

	err := st.Read(ctx, func(tx store.Tx) error {
		_, _, err := tx.TouchPresence(ctx, store.Presence{CustomerID: c1, AgentID: "ag_z", ExpiresAt: t0.Add(ttl)}, t0)
		return err
	})
	if err == nil {
		t.Fatal("TouchPresence in a Read transaction succeeded")
	}
}
