package screens

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"frontdesk/api"
	"frontdesk/client/frontdesk"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/tui"
)

// startConsoleAs runs the console on env as role with profile and cfg.
func startConsoleAs(t *testing.T, cfg Config, env *sandboxtest.Env, role string, profile tui.Profile) (*teatest.TestModel, *probe) {
	t.Helper()
	console, err := NewShell(context.Background(), newClient(t, env, role, env.URL), cfg, tui.Options{Profile: profile, NoColor: true})
	if err != nil {
		t.Fatal(err)
	}
	p := &probe{shell: console}
	tm := teatest.NewTestModel(t, p, teatest.WithInitialTermSize(120, 34),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	t.Cleanup(func() { tm.Quit() })
	return tm, p
}

// openCustomer opens customer id from the palette.
func openCustomer(t *testing.T, tm *teatest.TestModel, p *probe, id api.ID) {
	t.Helper()
	tm.Send(key("esc")) // out of the search box, so : opens the palette
	tm.Type(":customer " + string(id))
	tm.Send(key("enter"))
	p.waitFor(t, "Store metrics")
}

// :profile NAME resolves the profile through Config.SwitchProfile and
// continues on it: fresh search, new header, new agent; an unknown or
// refused profile leaves the session as it was with the reason.
func TestFlowSwitchProfile(t *testing.T) {
	env := newSandbox(t, 30)
	cust, _ := pickCustomer(t, env.DB)
	profiles := map[string]tui.Profile{
		"other":  {Name: "other", Production: true},
		"broken": {Name: "broken"},
	}
	cfg := testConfig()
	cfg.SwitchProfile = func(ctx context.Context, name string) (Connection, error) {
		p, ok := profiles[name]
		if !ok {
			return Connection{}, errors.New("there is no such profile; profiles: broken, other, test")
		}
		role := api.RoleSupervisor
		cl := newClient(t, env, role, env.URL)
		if name == "broken" {
			k := env.Keys[role]
			cl = newClientKey(t, env.URL, k.KeyID, "cs_not-the-secret")
		}
		me, err := cl.Me(ctx)
		if err != nil {
			return Connection{}, fmt.Errorf("the store did not accept the key: %w", err)
		}
		return Connection{Client: cl, Profile: p, Agent: me}, nil
	}
	tm, p := startConsoleAs(t, cfg, env, api.RoleAgent, tui.Profile{Name: "test"})
	p.waitFor(t, "frontdesk · test", "Amani Agent (agent)")
	openCustomer(t, tm, p, cust.id)

	tm.Type(":profile nope")
	tm.Send(key("enter"))
	p.waitFor(t, `could not switch to profile "nope": there is no such profile; profiles: broken, other, test`)
	tm.Type(":profile broken")
	tm.Send(key("enter"))
	p.waitFor(t, `could not switch to profile "broken": the store did not accept the key`)
	if f := p.waitFor(t, "Amani Agent (agent)", "Store metrics"); strings.Contains(f, "PRODUCTION") {
		t.Fatalf("a failed switch changed the header:\n%s", f)
	}

	tm.Type(":profile other")
	tm.Send(key("enter"))
	f := p.waitFor(t, "frontdesk · other", "▲ PRODUCTION", "Sifa Supervisor (supervisor)", "30 customers")
	if strings.Contains(f, "Amani Agent") {
		t.Fatalf("the old agent is still shown:\n%s", f)
	}
	shell := finish(t, tm)
	if shell.Depth() != 1 || shell.Common().Profile.Name != "other" || shell.Common().Agent.AgentID != "test-supervisor" {
		t.Fatalf("after the switch: depth %d, profile %+v, agent %+v", shell.Depth(), shell.Common().Profile, shell.Common().Agent)
	}
}

// Without Config.SwitchProfile (the SSH gateway) :profile is refused.
func TestSwitchProfileRefusedOverSSH(t *testing.T) {
	app := NewApp(nil, Config{})
	cmd, ok := app.Route(testCommon(api.RoleAgent, 80, 20), tui.SwitchProfileMsg{Name: "prod"})
	if got := strings.Join(toasts(run(t, cmd)), " "); !ok || !strings.Contains(got, "not available over ssh") {
		t.Fatalf("switch without SwitchProfile: %q", got)
	}
}

// A read-only profile: the header says so and every change is refused
// with the reason, on the real console.
func TestFlowReadOnlyProfile(t *testing.T) {
	env := newSandbox(t, 30)
	cust, _ := pickCustomer(t, env.DB)
	tm, p := startConsoleAs(t, testConfig(), env, api.RoleSupervisor, tui.Profile{Name: "audit", ReadOnly: true})
	p.waitFor(t, "frontdesk · audit", "READ-ONLY", "Sifa Supervisor (supervisor)", "30 customers")
	tm.Send(key("esc"))
	tm.Send(key("n"))
	p.waitFor(t, "new customer: read-only profile")
	openCustomer(t, tm, p, cust.id)
	for _, k := range []struct{ key, want string }{
		{"e", "edit profile: read-only profile"},
		{"a", "adjust points: read-only profile"},
		{"N", "add note: read-only profile"},
	} {
		tm.Send(key(k.key))
		p.waitFor(t, k.want)
	}
	shell := finish(t, tm)
	if shell.Depth() != 2 {
		t.Fatalf("a refused action opened something: depth %d", shell.Depth())
	}
}

// A production profile: the header says PRODUCTION, and a change asks
// first with No as the default: enter on the question saves nothing.
func TestFlowProductionProfileAsksFirst(t *testing.T) {
	env := newSandbox(t, 30)
	cust, _ := pickCustomer(t, env.DB)
	notes := func() int {
		var n int
		if err := env.DB.QueryRow(`SELECT COUNT(*) FROM notes WHERE customer_id = ?`, cust.id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := notes()
	tm, p := startConsoleAs(t, testConfig(), env, api.RoleAgent, tui.Profile{Name: "live", Production: true})
	p.waitFor(t, "frontdesk · live", "▲ PRODUCTION", "Amani Agent (agent)")
	openCustomer(t, tm, p, cust.id)
	tm.Send(key("N"))
	p.waitFor(t, "Add a note")
	tm.Type("called back about the refund")
	tm.Send(key("ctrl+s"))
	p.waitFor(t, "Add this note to", "PRODUCTION", "Yes", "No")
	tm.Send(key("enter")) // the default answer
	p.waitFrame(t, "the draft again", func(f string) bool { return !strings.Contains(f, "Add this note to") })
	if n := notes(); n != before {
		t.Fatalf("enter on the production question saved: %d notes, had %d", n, before)
	}
	tm.Send(key("ctrl+s"))
	p.waitFor(t, "Add this note to")
	tm.Send(key("y"))
	p.waitFor(t, "Note added")
	finish(t, tm)
	if n := notes(); n != before+1 {
		t.Fatalf("yes saved %d notes", n-before)
	}
}

// newClientKey is a client with a given key and secret that does not
// retry.
func newClientKey(t *testing.T, baseURL, keyID, secret string) *frontdesk.Client {
	t.Helper()
	cl, err := frontdesk.New(frontdesk.Config{BaseURL: baseURL, KeyID: keyID, Secret: secret, MaxRetries: -1, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return cl
}
