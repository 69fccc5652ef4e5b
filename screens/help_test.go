package screens

import (
	"strings"
	"testing"

	"frontdesk/api"
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
