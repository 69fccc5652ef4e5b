package screens

import (
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
)

// At 80x24 the profile's help overlay scrolls, and j reaches every
// binding the profile has: before, half of them were cut off.
func TestFlowProfileHelpReachesEveryBindingAt80x24(t *testing.T) {
	env := newSandbox(t, 20)
	cust, _ := pickCustomer(t, env.DB)
	tm, p := startConsole(t, env, api.RoleAgent, env.URL, 80, 24)
	p.waitFor(t, "Amani Agent (agent)")
	openCustomer(t, tm, p, cust.id)
	tm.Send(key("?"))
	f := p.waitFor(t, "Keys — ", "more below")
	seen := f
	for range 60 {
		if !strings.Contains(f, "more below") {
			break
		}
		before := f
		tm.Send(key("j"))
		f = p.waitFrame(t, "the list to scroll", func(s string) bool { return s != before })
		seen += "\n" + f
	}
	if strings.Contains(f, "more below") {
		t.Fatalf("j never reached the end:\n%s", f)
	}
	shell := finish(t, tm)
	for _, group := range shell.Top().FullHelp() {
		for _, b := range group {
			if b.Hidden || len(b.Keys) == 0 {
				continue
			}
			if !strings.Contains(seen, b.Help) {
				t.Errorf("%q (%s) never came into view", b.Help, b.KeyLabel())
			}
		}
	}
}

// The search's error pane wraps the whole error to the width: at 80
// columns it used to stop at "cannot reach the store at http://…/".
func TestSearchErrorPaneKeepsCauseAndAdvice(t *testing.T) {
	env := newSandbox(t, 5)
	sw := sandboxtest.NewProxy(t, env.URL)
	c := testCommon(api.RoleAgent, 80, 20)
	s := newSearch(c, testEnv(newClient(t, env, api.RoleAgent, sw.URL)), "")
	s.SetSize(80, 20)
	settle(t, s, s.Init())
	sw.Down(true)
	typeText(t, s, "zz")
	v := s.View()
	flat := strings.Join(strings.Fields(v), " ")
	for _, want := range []string{"Could not load customers.", "cannot reach the store at " + sw.URL, "connection closed before an answer", "try again (a proxy or the API may be restarting)", "ctrl+r retries now."} {
		if !strings.Contains(flat, want) {
			t.Errorf("the pane lacks %q:\n%s", want, v)
		}
	}
	checkView(t, v, 80, 20)
}
