package screens

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/sandbox/sandboxtest"
)

// Whatever order the answers come back in, enter and clicks on the search
// never open a customer that the text in the box does not find: the
// store delays every answer by 0–2 s at random, the agent types and acts
// at random moments, and each seed is one ordering. A text that finds one
// customer always ends on that customer; a text that finds several ends
// on its first row or on the list, never on another customer.
func TestFlowEveryKeyActsOnTheTextInTheBox(t *testing.T) {
	const orderings = 12
	for seed := range orderings {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			t.Parallel()
			actOnTheTextInTheBox(t, uint64(seed))
		})
	}
}

func actOnTheTextInTheBox(t *testing.T, seed uint64) {
	env := newSandbox(t, 40)
	sw := sandboxtest.NewProxy(t, env.URL)
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(seed, 42))
	randN := func(n time.Duration) time.Duration {
		mu.Lock()
		defer mu.Unlock()
		return time.Duration(rng.Int64N(int64(n)))
	}
	_, frag := pickCustomer(t, env.DB)
	// The text: a fragment that finds one customer, or one that finds
	// many (the hostile records), typed after a word that finds others.
	texts := []string{frag, "hostile-"}
	text := texts[seed%2]
	sizes := [][2]int{{80, 24}, {160, 45}}
	size := sizes[(seed/2)%2]
	action := []string{"enter", "tab enter", "click"}[(seed/4)%3]

	// What the text finds, asked directly.
	cl := newClient(t, env, api.RoleAgent, env.URL)
	found, err := cl.SearchCustomers(t.Context(), client.SearchParams{Query: text, Sort: api.SortNewest, Limit: searchPageSize})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]api.ID, len(found.Items))
	for i, c := range found.Items {
		ids[i] = c.ID
	}

	tm, p := startConsoleWith(t, testConfig(), env, api.RoleAgent, sw.URL, size[0], size[1])
	p.waitFor(t, "customers")
	sw.SetDelay(func() time.Duration { return randN(2 * time.Second) })

	// Type a misleading word, then erase it and type the text, at random
	// moments; act a random moment after the last key.
	for _, r := range "wanj" {
		tm.Send(key(string(r)))
		time.Sleep(randN(150 * time.Millisecond)) // the typist's pace, not synchronisation
	}
	for range 4 {
		tm.Send(key("backspace"))
	}
	for _, r := range text {
		tm.Send(key(string(r)))
		time.Sleep(randN(60 * time.Millisecond)) // the typist's pace
	}
	time.Sleep(randN(time.Second)) // the agent's reaction, at a random moment
	switch action {
	case "enter":
		tm.Send(key("enter"))
	case "tab enter":
		tm.Send(key("tab"))
		tm.Send(key("enter"))
	case "click":
		// The first row of the table: header, box, status, column titles.
		click := tea.MouseClickMsg{X: 10, Y: 2 + searchHeadLines, Button: tea.MouseLeft}
		tm.Send(click)
		tm.Send(click)
	}

	opened := func(f string) bool { return strings.Contains(f, "Search › ") }
	settled := func(f string) bool {
		return strings.Contains(f, `matching "`+text+`"`) && !strings.Contains(f, "searching") &&
			!strings.Contains(f, "opening when") && sw.InFlight() == 0
	}
	switch {
	case action != "click" && len(ids) == 1:
		// Enter on a text that finds one customer opens them, now or
		// when the answer comes.
		p.waitFrame(t, "the customer's profile", opened)
	case action != "click":
		// Enter on a broad text opens its first row (the list was
		// fresh) or says to pick one (it was not).
		p.waitFrame(t, "a profile or the list asking to pick", func(f string) bool {
			return opened(f) || (settled(f) && strings.Contains(f, "highlight one"))
		})
	default:
		p.waitFrame(t, "a profile or the final list", func(f string) bool { return opened(f) || settled(f) })
	}
	frame := p.Frame()
	shell := finish(t, tm)
	prof, isProfile := shell.Top().(*Profile)
	if !isProfile {
		if action != "click" && len(ids) == 1 {
			t.Fatalf("enter on %q (one customer) opened nothing; last frame:\n%s", text, frame)
		}
		return
	}
	if !slices.Contains(ids, prof.id) {
		t.Fatalf("%s on %q opened customer %s, which the text does not find (it finds %v); last frame:\n%s", action, text, prof.id, ids, frame)
	}
	if len(ids) > 1 && prof.id != ids[0] {
		t.Fatalf("%s on %q opened %s, not the highlighted first row %s", action, text, prof.id, ids[0])
	}
}
