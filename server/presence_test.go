package server_test

import (
	"fmt"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
)

// heartbeat sends PUT /customers/{id}/presence as role and returns the
// other agents present.
func heartbeat(t *testing.T, env *sandboxtest.Env, role string, id api.ID, editing bool, headers ...string) api.Presence {
	t.Helper()
	r := env.Do(t, role, "PUT", "/customers/"+id.String()+"/presence", api.PresenceUpdate{Editing: editing}, headers...)
	wantStatus(t, r, 200)
	var p api.Presence
	r.Data(t, &p)
	return p
}

func viewers(p api.Presence) string {
	var out []string
	for _, v := range p.Viewers {
		out = append(out, fmt.Sprintf("%s/%s/%s/editing=%v/%s", v.AgentID, v.Name, v.Since.Format("15:04:05"), v.Editing, v.Via))
	}
	return fmt.Sprint(out)
}

func TestPresenceTwoAgents(t *testing.T) {
	clock := newClock()
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 3, Now: clock.Now})
	id := api.IDFromInt(1)

	if p := heartbeat(t, env, "agent", id, false); len(p.Viewers) != 0 || p.TTLSeconds != int(api.PresenceTTL/time.Second) || p.CustomerID != id {
		t.Fatalf("first heartbeat: %+v, want nobody else and the TTL", p)
	}
	clock.Advance(2 * time.Second)
	// The supervisor sees the agent, with since at its first heartbeat;
	// the agent then sees the supervisor, editing.
	if got, want := viewers(heartbeat(t, env, "supervisor", id, true)), "[test-agent/Amani Agent/09:30:00/editing=false/api]"; got != want {
		t.Fatalf("supervisor sees %s, want %s", got, want)
	}
	clock.Advance(3 * time.Second)
	if got, want := viewers(heartbeat(t, env, "agent", id, false)), "[test-supervisor/Sifa Supervisor/09:30:02/editing=true/api]"; got != want {
		t.Fatalf("agent sees %s, want %s", got, want)
	}
	// GET answers the same without being present, and any role may ask.
	r := env.Do(t, "viewer", "GET", "/customers/"+id.String()+"/presence", nil)
	wantStatus(t, r, 200)
	var p api.Presence
	r.Data(t, &p)
	if got, want := viewers(p), "[test-agent/Amani Agent/09:30:00/editing=false/api test-supervisor/Sifa Supervisor/09:30:02/editing=true/api]"; got != want {
		t.Fatalf("viewer sees %s, want %s", got, want)
	}
	// Another customer has nobody.
	if p := heartbeat(t, env, "viewer", api.IDFromInt(2), false); len(p.Viewers) != 0 {
		t.Fatalf("customer 2: %s, want nobody", viewers(p))
	}

	// The supervisor's heartbeats stop: after the TTL the agent no longer
	// sees them (the agent's own heartbeat at +5s keeps it present).
	clock.Advance(api.PresenceTTL - 3*time.Second) // supervisor's last heartbeat + TTL
	if got := viewers(heartbeat(t, env, "agent", id, false)); got != "[]" {
		t.Fatalf("after the supervisor's TTL the agent sees %s, want nobody", got)
	}
	// The supervisor comes back: a new visit, a new since.
	now := clock.Now().Format("15:04:05")
	if got, want := viewers(heartbeat(t, env, "supervisor", id, false)), "[test-agent/Amani Agent/09:30:00/editing=false/api]"; got != want {
		t.Fatalf("supervisor back sees %s, want %s", got, want)
	}
	if got, want := viewers(heartbeat(t, env, "agent", id, false)), "[test-supervisor/Sifa Supervisor/"+now+"/editing=false/api]"; got != want {
		t.Fatalf("agent sees %s, want %s", got, want)
	}

	// Closing is at once, and idempotent.
	for range 2 {
		r := env.Do(t, "supervisor", "DELETE", "/customers/"+id.String()+"/presence", nil)
		if r.Status != 204 {
			t.Fatalf("DELETE: %d %s", r.Status, r.Body)
		}
	}
	if got := viewers(heartbeat(t, env, "agent", id, false)); got != "[]" {
		t.Fatalf("after the supervisor closed, the agent sees %s", got)
	}

	// Retention purges the expired rows.
	clock.Advance(api.PresenceTTL)
	if _, _, err := env.Server.Purge(t.Context()); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := env.DB.QueryRow(`SELECT count(*) FROM presence`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("presence rows after purge: %d, %v; want 0", n, err)
	}
}

func TestPresenceThroughGatewayAndReplica(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 2})
	replica := env.Replica(t)
	id := api.IDFromInt(2)
	// An agent on an SSH gateway (the gateway key acting for it) on one
	// replica, a supervisor on the API of the other.
	heartbeat(t, env, "gateway", id, false, api.HeaderAgent, env.Agents["agent"], api.HeaderVia, "ssh")
	p := heartbeat(t, replica, "supervisor", id, false)
	if len(p.Viewers) != 1 || p.Viewers[0].AgentID != "test-agent" || p.Viewers[0].Via != "ssh" || p.Viewers[0].Name != "Amani Agent" {
		t.Fatalf("supervisor on the replica sees %s, want the agent via ssh", viewers(p))
	}
	p = heartbeat(t, env, "gateway", id, false, api.HeaderAgent, env.Agents["agent"], api.HeaderVia, "ssh")
	if got, want := len(p.Viewers), 1; got != want || p.Viewers[0].AgentID != "test-supervisor" {
		t.Fatalf("agent through the gateway sees %s, want the supervisor", viewers(p))
	}
}

func TestPresenceBadInput(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 1})
	// No such customer: 404 on the first heartbeat, and nothing stored.
	wantError(t, env.Do(t, "agent", "PUT", "/customers/999999/presence", api.PresenceUpdate{}), 404, api.CodeNotFound)
	var n int
	if err := env.DB.QueryRow(`SELECT count(*) FROM presence`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("presence rows after a 404: %d, %v", n, err)
	}
	wantError(t, env.Do(t, "agent", "PUT", "/customers/1/presence", nil), 415, api.CodeUnsupportedMediaType)
	wantError(t, env.Do(t, "agent", "PUT", "/customers/1/presence", `{"editing":"yes"}`), 400, api.CodeBadRequest)
	wantError(t, env.Do(t, "", "PUT", "/customers/1/presence", api.PresenceUpdate{}), 401, api.CodeUnauthorized)
}
