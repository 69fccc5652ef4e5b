package screens

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/tui"
)

// On a platform that cannot search (Tybrite has no customer list) the
// real console starts on the id box: it says why there is no search,
// opens the customer whose id is typed, says so when there is no such
// customer, and greys n with the platform's reason when it cannot create
// customers either.
func TestConsoleWithoutSearch(t *testing.T) {
	const noSearch = "this store's API has no customer list or search"
	pf, custs := fakeStoreWith(client.All().
		Without(noSearch, client.CapSearch).
		Without("this store's API cannot create customers", client.CapCreateCustomer))
	me := api.Me{AgentID: "a-1", Name: "Amani Agent", Role: api.RoleAgent}
	shell, err := NewShell(context.Background(), pf, testConfig(), tui.Options{Profile: tui.Profile{Name: "fake"}, NoColor: true, Agent: &me})
	if err != nil {
		t.Fatal(err)
	}
	pr := &probe{shell: shell}
	tm := teatest.NewTestModel(t, pr, teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	t.Cleanup(func() { tm.Quit() })
	f := pr.waitFor(t, "Customer id:", "No customer search: "+noSearch)
	if strings.Contains(f, "Customer 01") {
		t.Fatalf("the start screen lists customers on a platform without search:\n%s", f)
	}
	if footer := lineWith(f, "enter open the customer"); strings.Count(footer, "? help") != 1 {
		t.Fatalf("the footer says ? help %d times: %q", strings.Count(footer, "? help"), footer)
	}

	// An id that is not there: the profile says so; esc comes back.
	tm.Type("cstmr_99")
	tm.Send(key("enter"))
	pr.waitFor(t, "No customer cstmr_99.", "type it again with / (this store has no search)")
	tm.Send(key("esc"))
	pr.waitFor(t, "Customer id:")

	// esc leaves the box; n is greyed with the reason; / types again.
	tm.Send(key("esc"))
	tm.Send(key("n"))
	pr.waitFor(t, "new customer: this store's API cannot create customers")
	tm.Send(key("/"))
	for range len("cstmr_99") {
		tm.Send(key("backspace"))
	}
	tm.Type(string(custs[2].ID))
	tm.Send(key("enter"))
	pr.waitFor(t, custs[2].Email, "Customer since")
	tm.Send(key("esc"))
	pr.waitFor(t, "Customer id:")

	console := finish(t, tm)
	if _, ok := console.Top().(*Lookup); !ok || console.Depth() != 1 {
		t.Fatalf("top %T at depth %d, want the id box alone", console.Top(), console.Depth())
	}
}

// On a platform where only the customer reads their profile (Tybrite),
// the profile opened by id says so instead of offering a retry, and its
// orders still come.
func TestProfileThePlatformCannotRead(t *testing.T) {
	const why = "this store shows a profile only to the customer"
	pf, custs := fakeStoreWith(client.All().Without(why, client.CapReadProfile, client.CapEditCustomer))
	p := fakeProfile(t, pf, custs[0].ID, 100, 30)
	v := p.View()
	if !strings.Contains(v, why) || strings.Contains(v, "ctrl+r to retry") || strings.Contains(v, "could not be loaded") {
		t.Fatalf("the profile the platform cannot read:\n%s", v)
	}
	press(t, p, "2")
	if v := p.View(); !strings.Contains(v, "F-01") {
		t.Fatalf("the orders of a customer whose profile is the customer's:\n%s", v)
	}
}
