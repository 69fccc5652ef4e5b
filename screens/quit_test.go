package screens

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"frontdesk/api"
)

// finishDiscarding quits a console that holds a draft: ctrl+c asks, the
// second ctrl+c quits.
func finishDiscarding(t *testing.T, tm *teatest.TestModel, p *probe) *Console {
	t.Helper()
	tm.Send(key("ctrl+c"))
	p.waitFor(t, "press ctrl+c again")
	tm.Send(key("ctrl+c"))
	return tm.FinalModel(t, teatest.WithFinalTimeout(30*time.Second)).(*probe).shell
}

// ctrl+c in a form with a draft asks first (esc already did); the second
// ctrl+c quits. Before, the first one quit and the draft was lost.
func TestFlowCtrlCAsksBeforeDiscardingADraft(t *testing.T) {
	env := newSandbox(t, 20)
	cust, _ := pickCustomer(t, env.DB)
	for _, size := range [][2]int{{80, 24}, {160, 45}} {
		tm, p := startConsole(t, env, api.RoleAgent, env.URL, size[0], size[1])
		p.waitFor(t, "Amani Agent (agent)")
		openCustomer(t, tm, p, cust.id)
		tm.Send(key("N"))
		p.waitFor(t, "Add a note")
		tm.Type("called back about the refund")
		tm.Send(key("ctrl+c"))
		f := p.waitFor(t, "press ctrl+c again to quit and discard it")
		if !strings.Contains(f, "called back about the refund") {
			t.Fatalf("the draft left the screen at %dx%d:\n%s", size[0], size[1], f)
		}
		tm.Send(key("!"))
		p.waitFrame(t, "the draft again", func(f string) bool {
			return !strings.Contains(f, "ctrl+c again") && strings.Contains(f, "called back about the refund!")
		})
		finishDiscarding(t, tm, p)
	}
}

// The first-run screen's draft (a pasted secret) is kept the same way.
func TestOnboardingCtrlCAsksOnceTyped(t *testing.T) {
	tm, p := startOnboardingAt(t, testConfig(), Onboarding{}, 80, 24)
	p.waitFor(t, "Connect frontdesk to your store")
	tm.Type("https://shop.example")
	finishDiscarding(t, tm, p)

	// Nothing typed: nothing to lose, ctrl+c quits at once.
	tm, p = startOnboardingAt(t, testConfig(), Onboarding{Prefill: Login{URL: "https://shop.example", KeyID: "ck_1"}}, 80, 24)
	p.waitFor(t, "Connect frontdesk to your store")
	finish(t, tm)
}
