package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/server"
	"frontdesk/store"
)

// lease asks for a gateway session place as key for agent role.
func lease(t *testing.T, env *sandboxtest.Env, key, role string) sandboxtest.Response {
	t.Helper()
	return env.Do(t, key, "POST", api.PathGatewaySessions, api.GatewaySessionCreate{Gateway: "gw-test"},
		api.HeaderAgent, env.Agents[role], api.HeaderVia, "ssh")
}

func leaseOK(t *testing.T, env *sandboxtest.Env, key, role string) api.GatewaySession {
	t.Helper()
	r := lease(t, env, key, role)
	wantStatus(t, r, 201)
	var l api.GatewaySession
	r.Data(t, &l)
	return l
}

// addGatewayKey mints a second gateway key, as env.Keys[name].
func addGatewayKey(t *testing.T, env *sandboxtest.Env, name string) {
	t.Helper()
	k, err := server.MintKey(context.Background(), env.Store, server.KeySpec{AgentID: "test-" + name, Name: "Second Gateway", Role: api.RoleViewer, Gateway: true})
	if err != nil {
		t.Fatal(err)
	}
	env.Keys[name] = k
}

func TestGatewaySessionsGatewayKeysOnly(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1})
	for _, role := range []string{"viewer", "agent", "supervisor", "admin"} {
		e := wantError(t, env.Do(t, role, "POST", api.PathGatewaySessions, api.GatewaySessionCreate{Gateway: "gw"}), 403, api.CodeForbidden)
		if !strings.Contains(e.Message, "gateway keys") {
			t.Errorf("%s: %q does not say gateway keys only", role, e.Message)
		}
		wantError(t, env.Do(t, role, "PUT", api.PathGatewaySessions+"/gwl_x", nil), 403, api.CodeForbidden)
		wantError(t, env.Do(t, role, "DELETE", api.PathGatewaySessions+"/gwl_x", nil), 403, api.CodeForbidden)
	}
	// A gateway key must say whose session it is.
	wantError(t, env.Do(t, "gateway", "POST", api.PathGatewaySessions, api.GatewaySessionCreate{Gateway: "gw"}), 400, api.CodeBadRequest)
	// And name the gateway.
	wantError(t, env.Do(t, "gateway", "POST", api.PathGatewaySessions, api.GatewaySessionCreate{},
		api.HeaderAgent, env.Agents["agent"]), 400, api.CodeValidation)
	l := leaseOK(t, env, "gateway", "agent")
	if !strings.HasPrefix(l.ID.String(), "gwl_") || l.AgentID != env.Agents["agent"] || l.Gateway != "gw-test" {
		t.Fatalf("lease %+v", l)
	}
}

func TestGatewaySessionCaps(t *testing.T) {
	clk := newClock()
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1, Now: clk.Now, RateLimit: -1,
		GatewaySessions: store.GatewayCaps{Total: 3, PerAgent: 2}})
	addGatewayKey(t, env, "gateway2")
	// Two gateways (two keys) share the caps.
	a1 := leaseOK(t, env, "gateway", "agent")
	leaseOK(t, env, "gateway2", "agent")
	e := wantError(t, lease(t, env, "gateway", "agent"), 409, api.CodeAgentSessionsFull)
	if !strings.Contains(e.Message, "limit of 2 SSH sessions") {
		t.Errorf("agent refusal %q does not give the cap", e.Message)
	}
	leaseOK(t, env, "gateway2", "viewer")
	e = wantError(t, lease(t, env, "gateway", "supervisor"), 409, api.CodeGatewaySessionsFull)
	if !strings.Contains(e.Message, "all 3 SSH sessions") {
		t.Errorf("desk refusal %q does not give the cap", e.Message)
	}
	// A release frees the place at once; a second release is a no-op.
	if r := env.Do(t, "gateway", "DELETE", api.PathGatewaySessions+"/"+a1.ID.String(), nil); r.Status != 204 {
		t.Fatalf("release: %d %s", r.Status, r.Body)
	}
	if r := env.Do(t, "gateway", "DELETE", api.PathGatewaySessions+"/"+a1.ID.String(), nil); r.Status != 204 {
		t.Fatalf("second release: %d %s", r.Status, r.Body)
	}
	leaseOK(t, env, "gateway", "supervisor")
	wantError(t, lease(t, env, "gateway", "admin"), 409, api.CodeGatewaySessionsFull)
}

func TestGatewaySessionHeartbeatAndExpiry(t *testing.T) {
	clk := newClock()
	const ttl = 90 * time.Second
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1, Now: clk.Now, RateLimit: -1,
		GatewaySessions: store.GatewayCaps{Total: 2}})
	addGatewayKey(t, env, "gateway2")
	kept := leaseOK(t, env, "gateway", "agent")
	dead := leaseOK(t, env, "gateway2", "viewer") // its gateway dies: no heartbeat
	if !kept.ExpiresAt.Equal(clk.Now().Add(ttl)) {
		t.Fatalf("expires_at %v, want now + %v", kept.ExpiresAt, ttl)
	}
	wantError(t, lease(t, env, "gateway", "supervisor"), 409, api.CodeGatewaySessionsFull)

	// Only the key that holds a lease renews it.
	wantError(t, env.Do(t, "gateway2", "PUT", api.PathGatewaySessions+"/"+kept.ID.String(), nil), 404, api.CodeNotFound)
	clk.Advance(60 * time.Second)
	r := env.Do(t, "gateway", "PUT", api.PathGatewaySessions+"/"+kept.ID.String(), nil)
	wantStatus(t, r, 200)
	var renewed api.GatewaySession
	r.Data(t, &renewed)
	if !renewed.ExpiresAt.Equal(clk.Now().Add(ttl)) || renewed.ID != kept.ID || !renewed.StartedAt.Equal(kept.StartedAt) {
		t.Fatalf("renewed %+v, want expiry now + %v", renewed, ttl)
	}
	// Still full just before the dead gateway's lease runs out...
	clk.Advance(29 * time.Second)
	wantError(t, lease(t, env, "gateway", "supervisor"), 409, api.CodeGatewaySessionsFull)
	// ...and its place is free once it has.
	clk.Advance(time.Second)
	leaseOK(t, env, "gateway", "supervisor")
	wantError(t, env.Do(t, "gateway2", "PUT", api.PathGatewaySessions+"/"+dead.ID.String(), nil), 404, api.CodeNotFound)
	// The renewed lease lives on.
	wantStatus(t, env.Do(t, "gateway", "PUT", api.PathGatewaySessions+"/"+kept.ID.String(), nil), 200)
}

func TestGatewaySessionsUncappedByDefault(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1, RateLimit: -1})
	for range 30 {
		leaseOK(t, env, "gateway", "agent")
	}
}
