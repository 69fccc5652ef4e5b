package session_test

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/screens/session"
	"frontdesk/tui"
)

// TestFlowActOnBehalf is the flow: start a session, the banner
// shows and counts down (and refreshes), edit the phone as the customer,
// list coupons, send a password reset (after first declining: No is the
// default), end the session; the audit shows every step attributed to the
// agent acting as the customer.
func TestFlowActOnBehalf(t *testing.T) {
	clk := sandboxtest.NewClock(time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC))
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1, Now: clk.Now, RateLimit: -1})
	id := newJane(t, env)
	tm, rec, _ := console(t, env, clk, id)

	// o: the form; the reason is required.
	tm.Send(key("o"))
	waitFrame(t, rec, "the start form", contains("Act on behalf of Jane Wanjiru"))
	tm.Send(key("enter"))
	waitFrame(t, rec, "the reason's error", contains("reason must be 3 to 300 characters"))
	tm.Type("customer on the phone, can't log in")
	tm.Send(key("enter"))
	tm.Type("T-9")
	tm.Send(key("enter"))
	waitFrame(t, rec, "the banner", contains("Acting as Jane Wanjiru · 15:00 left"))
	waitFrame(t, rec, "the profile again", contains("host: started "+string(id)))

	// It counts down with the clock, every second.
	clk.Advance(28 * time.Second)
	waitFrame(t, rec, "14:32", contains("Acting as Jane Wanjiru · 14:32 left"))
	clk.Advance(time.Second)
	waitFrame(t, rec, "14:31", contains("Acting as Jane Wanjiru · 14:31 left"))

	// Edit the phone as the customer.
	tm.Send(key("p"))
	waitFrame(t, rec, "the saved phone", contains("host: phone saved +254711999888"))

	// Under 2 minutes left, the console refreshes the token by itself.
	clk.Advance(12*time.Minute + 32*time.Second)
	waitFrame(t, rec, "the refresh", contains("Acting as Jane Wanjiru · 15:00 left"))

	// Coupons, as the customer sees them.
	tm.Send(key("c"))
	waitFrame(t, rec, "the coupons", contains("WELCOME10"))
	tm.Send(key("esc"))
	waitFrame(t, rec, "back on the profile", contains("host: "))

	// Password reset: enter on the default answer (No) sends nothing.
	tm.Send(key("r"))
	waitFrame(t, rec, "the question", contains("password reset link?"))
	tm.Send(key("enter"))
	waitFrame(t, rec, "back on the profile", func(f string) bool { return !strings.Contains(f, "password reset link?") })
	var resets int
	env.DB.QueryRow(`SELECT count(*) FROM password_resets`).Scan(&resets)
	if resets != 0 {
		t.Fatalf("No sent a password reset")
	}
	tm.Send(key("r"))
	waitFrame(t, rec, "the question", contains("password reset link?"))
	tm.Send(key("left"))
	tm.Send(key("enter"))
	waitFrame(t, rec, "the toast", contains("password reset sent to j•••@example.co.ke"))

	// O: the banner goes, the token is revoked.
	tm.Send(key("O"))
	waitFrame(t, rec, "the end", contains("host: ended "+string(id)))
	if f := rec.frame(); strings.Contains(f, "Acting as") {
		t.Fatalf("the banner is still there:\n%s", f)
	}
	tm.Send(key("ctrl+c"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(30*time.Second))

	// The audit: the agent, acting as the customer, through the session.
	var sid string
	var ended *string
	if err := env.DB.QueryRow(`SELECT id, ended_at FROM agent_sessions`).Scan(&sid, &ended); err != nil || ended == nil {
		t.Fatalf("session %s not ended (%v)", sid, err)
	}
	page, err := newAPIClient(t, env, "agent").ListAudit(t.Context(), client.AuditParams{CustomerID: id, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for i := len(page.Items) - 1; i >= 0; i-- {
		e := page.Items[i]
		if e.Action == api.ActionCustomerCreate {
			continue
		}
		if e.SessionID != sid || e.AgentID != env.Agents["agent"] || e.CustomerID != id {
			t.Errorf("row %d not the agent acting as the customer: %+v", e.Seq, e)
		}
		steps = append(steps, e.Action)
		if e.Action == api.ActionCustomerUpdate {
			if ch := e.Changes(); len(ch) != 1 || ch[0].Field != "phone" || ch[0].After != `"+254711999888"` {
				t.Errorf("update changes: %+v", ch)
			}
		}
	}
	want := []string{api.ActionSessionStart, api.ActionCustomerUpdate, api.ActionSessionRefresh, api.ActionPasswordReset, api.ActionSessionEnd}
	if strings.Join(steps, ",") != strings.Join(want, ",") {
		t.Fatalf("audit steps %v, want %v", steps, want)
	}
}

// TestFlowQuitRevokes: quitting with a session live leaves nothing
// behind once the console calls Close.
func TestFlowQuitRevokes(t *testing.T) {
	clk := sandboxtest.NewClock(time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC))
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1, Now: clk.Now})
	id := newJane(t, env)
	tm, rec, acting := console(t, env, clk, id)
	tm.Send(key("o"))
	waitFrame(t, rec, "the start form", contains("Act on behalf of"))
	tm.Type("customer on the phone")
	tm.Send(key("enter"))
	tm.Send(key("enter"))
	waitFrame(t, rec, "the banner", contains("Acting as Jane Wanjiru"))
	tm.Send(key("ctrl+c"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(30*time.Second))
	if err := (*acting).Close(); err != nil {
		t.Fatal(err)
	}
	var ended *string
	if err := env.DB.QueryRow(`SELECT ended_at FROM agent_sessions`).Scan(&ended); err != nil || ended == nil {
		t.Fatalf("the session outlived the console (%v)", err)
	}
	if err := (*acting).Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// TestFlowLostSession: a supervisor ends the session elsewhere; at the
// next refresh the console learns, drops the banner and says why.
func TestFlowLostSession(t *testing.T) {
	clk := sandboxtest.NewClock(time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC))
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1, Now: clk.Now})
	id := newJane(t, env)
	tm, rec, _ := console(t, env, clk, id)
	tm.Send(key("o"))
	waitFrame(t, rec, "the start form", contains("Act on behalf of"))
	tm.Type("customer on the phone")
	tm.Send(key("enter"))
	tm.Send(key("enter"))
	waitFrame(t, rec, "the banner", contains("Acting as Jane Wanjiru"))

	var sid string
	env.DB.QueryRow(`SELECT id FROM agent_sessions`).Scan(&sid)
	if err := newAPIClient(t, env, "supervisor").EndSession(t.Context(), api.ID(sid)); err != nil {
		t.Fatal(err)
	}
	clk.Advance(14 * time.Minute)
	f := waitFrame(t, rec, "the loss", contains("host: ended "+string(id)))
	if strings.Contains(f, "Acting as") || !strings.Contains(f, "session_ended") && !strings.Contains(f, "was ended") {
		t.Fatalf("after the loss:\n%s", f)
	}
	tm.Send(key("ctrl+c"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(30*time.Second))
}

// TestOthersAreShown: the start form says who else is acting.
func TestOthersAreShown(t *testing.T) {
	clk := sandboxtest.NewClock(time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC))
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1, Now: clk.Now})
	id := newJane(t, env)
	if _, err := newAPIClient(t, env, "supervisor").CreateSession(t.Context(), id, "looking into a fraud flag", ""); err != nil {
		t.Fatal(err)
	}
	tm, rec, _ := console(t, env, clk, id)
	tm.Send(key("o"))
	waitFrame(t, rec, "the warning", contains("Sifa Supervisor is already acting for this customer"))
	tm.Send(key("esc"))
	waitFrame(t, rec, "the profile", contains("host: "))
	tm.Send(key("ctrl+c"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(30*time.Second))
}

func TestCountdown(t *testing.T) {
	for d, want := range map[time.Duration]string{
		15 * time.Minute: "15:00", 14*time.Minute + 32*time.Second + 999*time.Millisecond: "14:32",
		59 * time.Second: "0:59", 0: "0:00", -time.Second: "0:00",
	} {
		if got := session.Countdown(d); got != want {
			t.Errorf("Countdown(%s) = %q, want %q", d, got, want)
		}
	}
}

// On a production profile, o asks before the session starts, like every
// other change there, with No as the default: No (enter) goes back to the
// draft and starts nothing; y starts the session.
func TestProductionAsksBeforeActing(t *testing.T) {
	clk := sandboxtest.NewClock(time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC))
	env := sandboxtest.New(t, sandboxtest.Options{Customers: -1, Now: clk.Now, RateLimit: -1})
	id := newJane(t, env)
	tm, rec, _ := consoleOn(t, env, clk, id, tui.Profile{Name: "prod", Production: true})
	sessions := func() int {
		var n int
		if err := env.DB.QueryRow(`SELECT count(*) FROM agent_sessions`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	const question = "Act as Jane Wanjiru on prod (PRODUCTION)?"

	tm.Send(key("o"))
	waitFrame(t, rec, "the start form", contains("Act on behalf of Jane Wanjiru"))
	tm.Type("customer on the phone")
	tm.Send(key("enter"))
	tm.Send(key("enter"))
	waitFrame(t, rec, "the production question", contains(question))
	if n := sessions(); n != 0 {
		t.Fatalf("%d sessions started before the agent answered", n)
	}
	tm.Send(key("enter"))
	waitFrame(t, rec, "the draft again", func(f string) bool {
		return !strings.Contains(f, question) && strings.Contains(f, "customer on the phone")
	})
	if n := sessions(); n != 0 {
		t.Fatalf("the default answer started %d sessions", n)
	}

	tm.Send(key("enter"))
	tm.Send(key("enter"))
	waitFrame(t, rec, "the production question again", contains(question))
	tm.Send(key("y"))
	// The banner, and the form gone (the host screen back on top), before
	// O: on a loaded machine the banner can be drawn a frame before the
	// form pops, and O then reaches the form.
	waitFrame(t, rec, "the banner over the host", func(f string) bool {
		return strings.Contains(f, "Acting as Jane Wanjiru") && strings.Contains(f, "host: started "+string(id))
	})
	if n := sessions(); n != 1 {
		t.Fatalf("yes started %d sessions, want 1", n)
	}
	tm.Send(key("O"))
	waitFrame(t, rec, "the end", contains("host: ended"))
}
