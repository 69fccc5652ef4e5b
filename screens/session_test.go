package screens

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"frontdesk/api"
	"frontdesk/client/fake"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/screens/session"
	"frontdesk/store/audit"
	"frontdesk/tui"
)

// onBehalfSandbox is an empty sandbox on clk with one customer, Jane
// Wanjiru, whose id it returns.
func onBehalfSandbox(t *testing.T, clk *sandboxtest.Clock) (*sandboxtest.Env, api.ID) {
	t.Helper()
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1, Now: clk.Now, RateLimit: -1})
	r := env.Do(t, "supervisor", "POST", "/customers", api.CustomerCreate{
		Email: "jane.wanjiru@example.co.ke", FirstName: "Jane", LastName: "Wanjiru", Phone: "0712 345 678",
	})
	var out api.CustomerEnvelope
	r.Data(t, &out)
	return env, out.Customer.ID
}

// onBehalfConsole runs the whole console as the agent on clk, with the
// banner ticking every 10 ms of real time, and opens Jane's profile by
// searching for her.
func onBehalfConsole(t *testing.T, env *sandboxtest.Env, clk *sandboxtest.Clock) (*teatest.TestModel, *probe) {
	t.Helper()
	cfg := Config{Now: clk.Now, Location: time.UTC, SessionTick: 10 * time.Millisecond}
	tm, p := startConsoleWith(t, cfg, env, api.RoleAgent, env.URL, 140, 36)
	p.waitFor(t, "Amani Agent (agent)")
	tm.Type("wanjiru")
	p.waitFor(t, `1 customer matching "wanjiru"`)
	tm.Send(key("enter"))
	p.waitFor(t, "Jane Wanjiru", "1 Overview", "Customer since")
	return tm, p
}

// startActing presses o on the profile and starts a session with reason.
func startActing(t *testing.T, tm *teatest.TestModel, p *probe, reason string) {
	t.Helper()
	tm.Send(key("o"))
	p.waitFor(t, "Act on behalf of Jane Wanjiru")
	tm.Type(reason)
	tm.Send(key("enter")) // to the ticket
	tm.Send(key("enter")) // no ticket: start
	p.waitFor(t, "Acting as Jane Wanjiru · 15:00 left")
}

// TestFlowOnBehalfDoneWhen is the "done when" on the whole
// console: open a customer, o with the reason, the banner counts down,
// send a password reset (confirmed), O — and the Activity tab shows each
// step as the agent acting as the customer, and the audit chain is
// intact.
func TestFlowOnBehalfDoneWhen(t *testing.T) {
	clk := sandboxtest.NewClock(testNow)
	env, id := onBehalfSandbox(t, clk)
	tm, p := onBehalfConsole(t, env, clk)

	startActing(t, tm, p, "customer on the phone, can't log in")
	p.waitFor(t, "You see what the customer sees")

	// The banner counts down with the clock.
	clk.Advance(28 * time.Second)
	p.waitFor(t, "Acting as Jane Wanjiru · 14:32 left")
	clk.Advance(time.Second)
	p.waitFor(t, "Acting as Jane Wanjiru · 14:31 left")
	// Under 2 minutes left, the next tick refreshes the token: only if
	// the console feeds Acting its ticks.
	clk.Advance(12*time.Minute + 32*time.Second)
	p.waitFor(t, "Acting as Jane Wanjiru · 15:00 left")

	// c: the coupons, as the customer sees them.
	tm.Send(key("c"))
	p.waitFor(t, "WELCOME10")
	tm.Send(key("esc"))
	p.waitFor(t, "You see what the customer sees")

	// e: the phone, edited as the customer (the customer scope).
	tm.Send(key("e"))
	p.waitFor(t, "Edit profile")
	for _, k := range []string{"tab", "tab", "tab", "ctrl+u"} {
		tm.Send(key(k))
	}
	tm.Type("0711 999 888")
	p.waitFor(t, "+254711999888")
	tm.Send(key("ctrl+s"))
	p.waitFrame(t, "the profile with the new phone", func(f string) bool {
		return strings.Contains(f, "+254711999888") && !strings.Contains(f, "Edit profile") && strings.Contains(f, "You see what the customer sees")
	})

	// R: the question defaults to No; ← Send, enter.
	tm.Send(key("R"))
	p.waitFor(t, "password reset link?")
	tm.Send(key("left"))
	tm.Send(key("enter"))
	p.waitFor(t, "password reset sent to")

	// O: the banner goes.
	tm.Send(key("O"))
	p.waitFrame(t, "the banner to go", func(f string) bool {
		return !strings.Contains(f, "Acting as") && strings.Contains(f, "o act on behalf")
	})

	// The Activity tab: every step, by the agent as the customer.
	tm.Send(key("5"))
	labels := []string{"started acting on behalf", "on-behalf session refreshed", `phone "+254712345678" → "+254711999888"`, "password reset sent", "stopped acting on behalf"}
	f := p.waitFor(t, append([]string{"[5 Activity]"}, labels...)...)
	steps := 0
	for _, line := range strings.Split(f, "\n") {
		for _, label := range labels {
			if !strings.Contains(line, label) {
				continue
			}
			steps++
			if !strings.Contains(line, "Amani Agent as Jane Wanjiru") || !strings.Contains(line, "audit") {
				t.Errorf("%q is not attributed to the agent acting as the customer:\n%s", label, line)
			}
		}
	}
	if steps != len(labels) {
		t.Errorf("%d on-behalf steps in the timeline, want %d:\n%s", steps, len(labels), f)
	}
	finish(t, tm).Close()
	if live, err := newClient(t, env, api.RoleSupervisor, env.URL).ListSessions(t.Context(), id); err != nil || len(live) != 0 {
		t.Errorf("after O: %d live sessions (%v), want none", len(live), err)
	}

	res, err := audit.Verify(t.Context(), env.DB)
	if err != nil {
		t.Fatalf("audit verify: %v", err)
	}
	// customer.create, session.start, .refresh, customer.update,
	// password_reset.request, session.end
	if res.Rows != 6 {
		t.Errorf("the chain has %d rows, want 6", res.Rows)
	}
}

// TestFlowQuitRevokesSession: quitting the console (ctrl+c) with a
// session live, then Close as the CLI and the gateway do, leaves no live
// session in the store.
func TestFlowQuitRevokesSession(t *testing.T) {
	clk := sandboxtest.NewClock(testNow)
	env, id := onBehalfSandbox(t, clk)
	tm, p := onBehalfConsole(t, env, clk)
	startActing(t, tm, p, "checking the delivery address")

	sup := newClient(t, env, api.RoleSupervisor, env.URL)
	if live, err := sup.ListSessions(t.Context(), id); err != nil || len(live) != 1 {
		t.Fatalf("before quitting: %d live sessions (%v), want 1", len(live), err)
	}
	console := finish(t, tm)
	if err := console.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if live, err := sup.ListSessions(t.Context(), id); err != nil || len(live) != 0 {
		t.Fatalf("after quitting: %d live sessions (%v), want none", len(live), err)
	}
	if err := console.Close(); err != nil {
		t.Fatalf("a second Close: %v", err)
	}
}

// TestFlowOtherAgentActing: a live session of another agent on the
// customer is shown on the profile.
func TestFlowOtherAgentActing(t *testing.T) {
	clk := sandboxtest.NewClock(testNow)
	env, id := onBehalfSandbox(t, clk)
	if _, err := newClient(t, env, api.RoleSupervisor, env.URL).CreateSession(t.Context(), id, "looking into a fraud flag", ""); err != nil {
		t.Fatal(err)
	}
	tm, p := onBehalfConsole(t, env, clk)
	p.waitFor(t, "Sifa Supervisor (agent "+env.Agents["supervisor"]+") is already acting for this customer")
	finish(t, tm).Close()
}

// TestProfileSessionKeys: o, O, c and R at the Update level — o opens the
// start form for an agent; O, c and R say why not while not acting; a
// viewer and a read-only profile are refused with their reasons. (What
// they do while acting is in TestFlowOnBehalfDoneWhen.)
func TestProfileSessionKeys(t *testing.T) {
	clk := sandboxtest.NewClock(testNow)
	env, id := onBehalfSandbox(t, clk)

	agent := newTestProfile(t, env, api.RoleAgent, env.URL, id, 120, 30)
	push, ok := findMsg[tui.PushMsg](press(t, agent, "o"))
	if _, isForm := push.Screen.(*session.StartForm); !ok || !isForm {
		t.Fatalf("o pushed %T, want the start form", push.Screen)
	}
	for _, k := range []string{"O", "c", "R"} {
		if got := helpReason(agent, k); got != "only while acting for this customer (o starts it)" {
			t.Errorf("%s while not acting: reason %q", k, got)
		}
		if msgs := press(t, agent, k); len(msgs) != 0 {
			t.Errorf("%s while not acting did %v", k, msgs)
		}
	}

	viewer := newTestProfile(t, env, api.RoleViewer, env.URL, id, 120, 30)
	for k, want := range map[string]string{
		"o": "your role (viewer) cannot act on behalf of customers",
		"R": "your role (viewer) cannot act on behalf of customers",
		"c": "your role (viewer) cannot act on behalf of customers",
	} {
		if got := helpReason(viewer, k); got != want {
			t.Errorf("%s for a viewer: reason %q, want %q", k, got, want)
		}
		if msgs := press(t, viewer, k); len(msgs) != 0 {
			t.Errorf("%s for a viewer did %v", k, msgs)
		}
	}
	ro := newTestProfile(t, env, api.RoleSupervisor, env.URL, id, 120, 30)
	ro.c.Profile.ReadOnly = true
	if got := helpReason(ro, "o"); got != "read-only profile" {
		t.Errorf("o on a read-only profile: reason %q", got)
	}

}

// TestActivityMergesAudit: audit rows join the timeline newest first with
// who, as whom, via and before → after; adjustments and notes are not
// shown twice; hostile text is drawn inert.
func TestActivityMergesAudit(t *testing.T) {
	at := testNow.Add(-time.Hour)
	entries := []api.AuditEntry{
		{At: at, AgentID: "a-17", AgentName: "Jane\x1b[31m Evil\x1b]52;c;aGk=\a", Via: "ssh", SessionID: "ses_1",
			Action: api.ActionCustomerUpdate, Before: []byte(`{"phone":"0712 345 678"}`), After: []byte(`{"phone":"+254711999888"}`)},
		{At: at.Add(time.Minute), AgentID: "a-2", AgentName: "Amani Agent", Via: "api", Action: api.ActionLoyaltyAdjust,
			Before: []byte(`{"points_balance":10}`), After: []byte(`{"points_balance":60}`)},
		{At: at.Add(-time.Minute), AgentID: "a-2", Via: "api", Action: api.ActionSessionStart, SessionID: "ses_1",
			After: []byte(`{"reason":"customer on the phone"}`)},
	}
	items := withAudit(nil, entries, "Jane Wanjiru")
	if len(items) != 2 {
		t.Fatalf("%d audit items, want 2 (the adjustment is the ledger's): %+v", len(items), items)
	}
	if items[0].kind != kindAudit || !strings.Contains(items[0].what, `phone "0712 345 678" → "+254711999888"`) ||
		!strings.Contains(items[0].what, "via ssh") || !strings.HasSuffix(items[0].by, " as Jane Wanjiru") {
		t.Errorf("the update reads %+v", items[0])
	}
	if items[1].by != "a-2 as Jane Wanjiru" || !strings.HasPrefix(items[1].what, "started acting on behalf") {
		t.Errorf("the start reads %+v", items[1])
	}

	c := testCommon(api.RoleAgent, 160, 20)
	p := newProfile(c, testEnv(fake.New(fake.Options{})), "42")
	p.SetSize(160, 20)
	p.focus(tabActivity)
	activityOf(p).items, activityOf(p).l.loaded = items, true
	v := p.View()
	checkView(t, v, 160, 20)
	if strings.ContainsAny(v, "\x1b\a") {
		t.Errorf("the timeline draws control characters:\n%q", v)
	}
	if !strings.Contains(v, "profile changed") || !strings.Contains(v, "as Jane Wanjiru") {
		t.Errorf("the timeline lacks the audit rows:\n%s", v)
	}
}
