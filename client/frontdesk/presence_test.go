package frontdesk_test

import (
	"testing"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/sandbox/sandboxtest"
)

func TestPresenceAgainstSandbox(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 3})
	ctx := t.Context()
	sup := newClient(t, env, env.URL, "supervisor")
	agent := newClient(t, env, env.URL, "agent")
	if !agent.Capabilities().Has(client.CapPresence) {
		t.Fatal("the frontdesk driver lacks presence")
	}
	id := api.IDFromInt(1)
	if p, err := agent.Heartbeat(ctx, id, true); err != nil || len(p.Viewers) != 0 {
		t.Fatalf("agent's heartbeat: %+v, %v; want nobody else", p, err)
	}
	p, err := sup.Heartbeat(ctx, id, false)
	if err != nil || len(p.Viewers) != 1 || p.Viewers[0].Name != "Amani Agent" || !p.Viewers[0].Editing || p.Viewers[0].Since.IsZero() {
		t.Fatalf("supervisor's heartbeat: %+v, %v; want the agent, editing", p, err)
	}
	for range 2 {
		if err := agent.LeavePresence(ctx, id); err != nil {
			t.Fatalf("LeavePresence: %v", err)
		}
	}
	if p, err := sup.Heartbeat(ctx, id, false); err != nil || len(p.Viewers) != 0 {
		t.Fatalf("after the agent left: %+v, %v", p, err)
	}
	if _, err := agent.Heartbeat(ctx, "999999", false); !client.IsNotFound(err) {
		t.Fatalf("heartbeat on no customer: %v, want not found", err)
	}
}
