package screens

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/client/fake"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/screens/forms"
	"frontdesk/tui"
)

// openWithPresence opens customer id as role on env and feeds the
// profile its first heartbeat's answer, as the shell would.
func openWithPresence(t *testing.T, env *sandboxtest.Env, role string, id api.ID) *Profile {
	t.Helper()
	c := testCommon(role, 120, 30)
	p := newProfile(c, testEnv(newClient(t, env, role, env.URL)), id)
	p.SetSize(120, 30)
	feedPresence(t, p, settle(t, p, p.Init()))
	return p
}

// feedPresence hands p the presence answers among msgs and returns
// whether there was one; the ticks they schedule are not run.
func feedPresence(t *testing.T, p *Profile, msgs []tea.Msg) bool {
	t.Helper()
	found := false
	for _, m := range msgs {
		if pm, ok := m.(presenceMsg); ok {
			found = true
			if pm.err != nil {
				t.Fatalf("heartbeat: %v", pm.err)
			}
			_, cmd := p.Update(pm)
			if cmd == nil {
				t.Fatal("a heartbeat's answer scheduled no next heartbeat")
			}
		}
	}
	return found
}

// tick is the profile's next heartbeat: the tick it scheduled, delivered.
func tick(t *testing.T, p *Profile) {
	t.Helper()
	_, cmd := p.Update(presenceTickMsg{p: p, gen: p.pres.gen})
	if !feedPresence(t, p, run(t, cmd)) {
		t.Fatal("the tick sent no heartbeat")
	}
}

func TestProfilePresenceTwoAgents(t *testing.T) {
	env := newSandbox(t, 40)
	cust, _ := pickCustomer(t, env.DB)
	a := openWithPresence(t, env, api.RoleAgent, cust.id)
	if v := a.View(); strings.Contains(v, "Also open") {
		t.Fatalf("alone, the agent's profile says:\n%s", v)
	}
	s := openWithPresence(t, env, api.RoleSupervisor, cust.id)
	// The supervisor opened second: its first heartbeat names the agent,
	// since the agent's first one (the sandbox's clock stands still).
	want := "Also open: Amani Agent (since " + testNow.Format("15:04") + ")"
	if v := s.View(); !strings.Contains(v, want) {
		t.Fatalf("the supervisor's header lacks %q:\n%s", want, v)
	}
	checkView(t, s.View(), 120, 30)
	// The agent hears of the supervisor at its next heartbeat.
	tick(t, a)
	if v := a.View(); !strings.Contains(v, "Also open: Sifa Supervisor (since ") {
		t.Fatalf("the agent's header lacks the supervisor:\n%s", v)
	}

	// The supervisor opens the edit form: the profile beats at once with
	// editing, and the agent sees it at its next heartbeat.
	_, cmd := s.Update(key("e"))
	push, ok := findMsg[tui.PushMsg](run(t, cmd))
	if !ok {
		t.Fatal("e opened no form")
	}
	form := push.Screen
	var editing forms.EditingMsg
	for _, m := range run(t, form.Init()) {
		if em, ok := m.(forms.EditingMsg); ok {
			editing = em
		}
	}
	if editing.CustomerID != cust.id {
		t.Fatal("the edit form did not say it is open")
	}
	_, cmd = s.Update(editing)
	if !feedPresence(t, s, run(t, cmd)) {
		t.Fatal("opening the form sent no heartbeat")
	}
	tick(t, a)
	if v := a.View(); !strings.Contains(v, "Sifa Supervisor (since "+testNow.Format("15:04")+", editing)") {
		t.Fatalf("the agent's header does not say the supervisor is editing:\n%s", v)
	}
	// The form closes: the next heartbeat says so.
	form.(tui.Closer).Close()
	tick(t, s)
	tick(t, a)
	if v := a.View(); strings.Contains(v, "editing") {
		t.Fatalf("the supervisor closed the form but the agent still reads:\n%s", v)
	}

	// The supervisor closes the profile: gone from the agent's header at
	// the agent's next heartbeat (the DELETE runs in the background: poll
	// the table with a deadline).
	s.Close()
	waitFor(t, "the supervisor's presence deleted", func() bool {
		var n int
		return env.DB.QueryRow(`SELECT count(*) FROM presence WHERE agent_id = 'test-supervisor'`).Scan(&n) == nil && n == 0
	})
	tick(t, a)
	if v := a.View(); strings.Contains(v, "Also open") {
		t.Fatalf("after the supervisor closed the profile the agent reads:\n%s", v)
	}
	// A closed profile sends nothing more, whatever tick is still due.
	_, cmd = s.Update(presenceTickMsg{p: s, gen: s.pres.gen})
	if cmd != nil {
		t.Fatal("a closed profile still beats")
	}
}

// Names come from the desk: they are sanitized before they reach the
// terminal.
func TestProfilePresenceSanitizesNames(t *testing.T) {
	env := newSandbox(t, 40)
	cust, _ := pickCustomer(t, env.DB)
	if _, err := env.DB.Exec(`UPDATE agents SET name = ? WHERE id = 'test-supervisor'`, "Evil\x1b]52;c;aGk=\x07\x1b[2J Name"); err != nil {
		t.Fatal(err)
	}
	openWithPresence(t, env, api.RoleSupervisor, cust.id)
	a := openWithPresence(t, env, api.RoleAgent, cust.id)
	v := a.View()
	if !strings.Contains(v, "Also open: Evil") || strings.ContainsAny(v, "\x1b\x07") {
		t.Fatalf("header with a hostile name: %q", v)
	}
	checkView(t, v, 120, 30)
}

// countingPlatform counts presence calls.
type countingPlatform struct {
	client.Platform
	beats atomic.Int32
}

func (c *countingPlatform) Heartbeat(ctx context.Context, id api.ID, editing bool) (api.Presence, error) {
	c.beats.Add(1)
	return c.Platform.Heartbeat(ctx, id, editing)
}

// A platform without presence gets no presence traffic, and the profile
// shows nothing about it.
func TestProfilePresenceAbsentWithoutCapability(t *testing.T) {
	cust := api.Customer{ID: "cstmr_1", FirstName: "Wanjiru", LastName: "Kamau", Email: "w@example.co.ke", Status: api.StatusActive}
	for _, caps := range []client.Capabilities{client.All().Without(client.ReasonNoPresence, client.CapPresence), client.All()} {
		pf := &countingPlatform{Platform: fake.New(fake.Options{Caps: caps, Customers: []api.Customer{cust}})}
		p := newProfile(testCommon(api.RoleAgent, 100, 30), testEnv(pf), cust.ID)
		p.SetSize(100, 30)
		msgs := settle(t, p, p.Init())
		has := caps.Has(client.CapPresence)
		if got := feedPresence(t, p, msgs); got != has || (pf.beats.Load() > 0) != has {
			t.Fatalf("capability %v: heartbeat answered %v, %d calls", has, got, pf.beats.Load())
		}
		if v := p.View(); strings.Contains(v, "Also open") || strings.Contains(v, "presence") {
			t.Fatalf("capability %v: the header says:\n%s", has, v)
		}
		p.Close()
	}
}

// waitFor polls cond every few milliseconds until it holds, failing t
// after a deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tk := time.NewTicker(5 * time.Millisecond)
	defer tk.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tk.C
	}
}
