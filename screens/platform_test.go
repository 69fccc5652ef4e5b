package screens

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/client/fake"
	"frontdesk/tui"
)

// fakeStore is a platform that is not the frontdesk contract: 60
// customers, 70 orders on the first, cursors that are not page numbers,
// and no loyalty or notes.
func fakeStore() (*fake.Platform, []api.Customer) {
	return fakeStoreWith(client.All().
		Without("this store has no loyalty points", client.CapLoyalty).
		Without("this store keeps no notes", client.CapNotes))
}

// fakeStoreWith is fakeStore's data on a platform that can do caps.
func fakeStoreWith(caps client.Capabilities) (*fake.Platform, []api.Customer) {
	custs := make([]api.Customer, 60)
	for i := range custs {
		custs[i] = api.Customer{
			ID: api.ID(fmt.Sprintf("cstmr_%02d", i+1)), FirstName: "Customer", LastName: fmt.Sprintf("%02d", i+1),
			Email: fmt.Sprintf("c%02d@fake.test", i+1), Status: api.StatusActive, Currency: "KES",
			CreatedAt: testNow.Add(-time.Duration(i) * time.Hour),
		}
	}
	orders := make([]api.Order, 70)
	for i := range orders {
		orders[i] = api.Order{ID: api.ID(fmt.Sprintf("ord_%02d", i+1)), Number: fmt.Sprintf("F-%02d", i+1), CustomerID: custs[0].ID,
			Status: api.OrderDelivered, Currency: "KES", Total: 1000, ItemCount: 1, CreatedAt: testNow.Add(-time.Duration(i) * 24 * time.Hour)}
	}
	return fake.New(fake.Options{Caps: caps, Customers: custs, Orders: map[api.ID][]api.Order{custs[0].ID: orders}}), custs
}

// The console needs nothing of the frontdesk driver: on another platform
// it searches, pages by that platform's cursors, opens a profile and
// pages its orders, and the screens can ask what the platform lacks.
func TestConsoleOnAnotherPlatform(t *testing.T) {
	pf, custs := fakeStore()
	app := NewApp(pf, testConfig())
	c := testCommon(api.RoleAgent, 120, 40)

	caps := app.Capabilities()
	if caps.Has(client.CapLoyalty) || caps.Has(client.CapNotes) || !caps.Has(client.CapOrders) {
		t.Fatalf("capabilities: missing %v", caps.Missing())
	}
	if why := app.env.caps().Why(client.CapLoyalty); why != "this store has no loyalty points" {
		t.Fatalf("the screens' env says loyalty is missing because %q", why)
	}

	s, ok := app.Root(c).(*Search)
	if !ok {
		t.Fatal("the root is not the search")
	}
	s.SetSize(120, 40)
	settle(t, s, s.Init())
	if s.err != nil || len(s.list.Items) != searchPageSize || s.list.Items[0].ID != custs[0].ID {
		t.Fatalf("first page: %d rows, err %v", len(s.list.Items), s.err)
	}
	if v := s.View(); !strings.Contains(v, "page 1 of 2") || !strings.Contains(v, "Customer 01") {
		t.Fatalf("view:\n%s", v)
	}
	press(t, s, "tab", "pgdown")
	if s.shown.page != 2 || len(s.list.Items) != 10 || s.list.Items[0].ID != custs[50].ID {
		t.Fatalf("pgdown shows page %d with %d rows, want page 2 with 10 from %s", s.shown.page, len(s.list.Items), custs[50].ID)
	}
	if ts := toasts(press(t, s, "pgdown")); len(ts) != 1 || !strings.Contains(ts[0], "last page") {
		t.Fatalf("pgdown on the last page said %q", ts)
	}
	press(t, s, "pgup")
	if s.shown.page != 1 || s.list.Items[0].ID != custs[0].ID {
		t.Fatalf("pgup shows page %d from %s", s.shown.page, s.list.Items[0].ID)
	}

	p := app.Profile(c, custs[0].ID)
	p.SetSize(120, 40)
	settle(t, p, p.Init())
	if p.Title() != custs[0].Name() || p.custL.err != nil {
		t.Fatalf("profile title %q, err %v", p.Title(), p.custL.err)
	}
	press(t, p, "2")
	if ordersOf(p).l.err != nil || len(ordersOf(p).pg.page.Items) != ordersPageSize || ordersOf(p).pg.page.Items[0].Number != "F-01" {
		t.Fatalf("orders: %d, err %v", len(ordersOf(p).pg.page.Items), ordersOf(p).l.err)
	}
	press(t, p, "pgdown")
	if ordersOf(p).pg.n != 2 || len(ordersOf(p).pg.page.Items) != 20 || ordersOf(p).pg.page.Items[0].Number != "F-51" {
		t.Fatalf("orders page %d: %d rows from %v", ordersOf(p).pg.n, len(ordersOf(p).pg.page.Items), ordersOf(p).pg.page.Items)
	}
	if v := p.View(); !strings.Contains(v, "page 2 of 2") {
		t.Fatalf("orders view lacks page 2 of 2:\n%s", v)
	}
	press(t, p, "pgup")
	if ordersOf(p).pg.n != 1 || ordersOf(p).pg.page.Items[0].Number != "F-01" {
		t.Fatalf("back on orders page %d from %s", ordersOf(p).pg.n, ordersOf(p).pg.page.Items[0].Number)
	}
}

// Tabs are built from the platform's capabilities: on a store without
// loyalty and notes the real console (shell and screens, its frame as
// drawn) shows no Loyalty or Notes tab, offers no a or N, says why when
// they are pressed and in ?, and 1-3 reach the tabs there are.
func TestConsoleWithoutLoyaltyAndNotes(t *testing.T) {
	pf, custs := fakeStore()
	me := api.Me{AgentID: "a-1", Name: "Amani Agent", Role: api.RoleAgent}
	shell, err := NewShell(context.Background(), pf, testConfig(), tui.Options{Profile: tui.Profile{Name: "fake"}, NoColor: true, Agent: &me})
	if err != nil {
		t.Fatal(err)
	}
	pr := &probe{shell: shell}
	tm := teatest.NewTestModel(t, pr, teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	t.Cleanup(func() { tm.Quit() })
	pr.waitFor(t, "Customer 01")

	tm.Send(tui.OpenCustomerMsg{ID: custs[0].ID})
	f := pr.waitFor(t, custs[0].Email, "Customer since", "2 Orders")
	if tabs := lineWith(f, "1 Overview"); tabs != "[1 Overview] 2 Orders  3 Activity" {
		t.Errorf("the tabs read %q, want Overview, Orders and Activity only:\n%s", tabs, f)
	}
	for _, gone := range []string{"Loyalty", "Notes", "Points", "adjust points", "add note"} {
		if strings.Contains(f, gone) {
			t.Errorf("the profile on a store without loyalty and notes shows %q:\n%s", gone, f)
		}
	}
	if !strings.Contains(f, "1-3 go to tab") {
		t.Errorf("the footer does not say 1-3 reach the tabs:\n%s", f)
	}

	// a and N do nothing but say why; 3 is the Activity tab, 4 and 5 are
	// nothing.
	tm.Send(key("a"))
	pr.waitFor(t, "adjust points: this store has no loyalty points")
	tm.Send(key("N"))
	pr.waitFor(t, "add note: this store keeps no notes")
	tm.Send(key("3"))
	f = pr.waitFor(t, "enter opens an order", "#F-01")
	if !strings.Contains(f, "orders (audit trail unavailable") && !strings.Contains(f, "the newest orders and audit trail") {
		t.Errorf("the timeline claims history the store does not keep:\n%s", f)
	}
	tm.Send(key("4"))
	tm.Send(key("5"))

	// ? greys a and N with the platform's reason.
	tm.Send(key("?"))
	f = pr.waitFor(t, "Keys — Customer 01")
	for _, want := range []string{"adjust points — this store has no loyalty points", "add note — this store keeps no notes"} {
		if !strings.Contains(strings.Join(strings.Fields(f), " "), want) {
			t.Errorf("? does not say %q:\n%s", want, f)
		}
	}
	tm.Send(key("esc"))
	pr.waitFrame(t, "the overlay to close", func(f string) bool { return !strings.Contains(f, "Keys — ") })

	console := finish(t, tm)
	p, ok := console.Top().(*Profile)
	if !ok || console.Depth() != 2 {
		t.Fatalf("a or N opened something: depth %d, top %T", console.Depth(), console.Top())
	}
	if p.Tab() != int(tabActivity) {
		t.Errorf("4 and 5 moved from the Activity tab to %d", p.Tab())
	}
	if loyaltyOf(p) != nil || notesOf(p) != nil {
		t.Error("the tabs the platform lacks were built")
	}
}

// lineWith is the first line of frame f holding s, its spaces trimmed.
func lineWith(f, s string) string {
	for _, l := range strings.Split(f, "\n") {
		if strings.Contains(l, s) {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

func TestPageTrail(t *testing.T) {
	tr := newPageTrail()
	if ok, waiting := tr.turn(-1); ok || waiting {
		t.Fatal("turned back from the first page")
	}
	if ok, waiting := tr.turn(1); ok || !waiting {
		t.Fatalf("before any answer: ok %v waiting %v, want to wait", ok, waiting)
	}
	tr.learn(1, "c2", "")
	if ok, _ := tr.turn(1); !ok || tr.n != 2 || tr.cursor() != "c2" {
		t.Fatalf("to page 2: page %d cursor %q", tr.n, tr.cursor())
	}
	// Page 2 has not answered yet: page 3 is not known, and that is not
	// the end of the list.
	if ok, waiting := tr.turn(1); ok || !waiting {
		t.Fatalf("page 3 before page 2 answered: ok %v waiting %v", ok, waiting)
	}
	tr.learn(2, "", "c1")
	if ok, waiting := tr.turn(1); ok || waiting {
		t.Fatalf("past the last page: ok %v waiting %v", ok, waiting)
	}
	if ok, _ := tr.turn(-1); !ok || tr.n != 1 || tr.cursor() != "" {
		t.Fatalf("back to page 1: page %d cursor %q", tr.n, tr.cursor())
	}
	tr.reset()
	if tr.n != 1 || tr.cursor() != "" || len(tr.cursors) != 0 {
		t.Fatalf("reset: %+v", tr)
	}
}

// The pager turns only to pages whose cursor it has learnt, and says why
// not otherwise; its status counts pages of its size.
func TestPager(t *testing.T) {
	pg := newPager[int](2)
	refusal := func(d int) string {
		t.Helper()
		turned := false
		cmd := pg.turnThen(d, func() tea.Cmd { turned = true; return nil })
		if turned {
			return "turned"
		}
		return strings.Join(toasts(run(t, cmd)), "")
	}
	if got := refusal(1); got != "wait for this page before turning it" {
		t.Fatalf("pgdn before the first answer: %q", got)
	}
	pg.take(1, client.Page[int]{Items: []int{1, 2}, Total: 3, Next: "c2"})
	if got := pg.status("thing", "things"); got != "page 1 of 2 · 3 things" {
		t.Fatalf("status %q", got)
	}
	if got := refusal(1); got != "turned" || pg.params().Cursor != "c2" || pg.params().Limit != 2 {
		t.Fatalf("pgdn after the answer: %q, params %+v", got, pg.params())
	}
	if got := refusal(1); got != "wait for this page before turning it" {
		t.Fatalf("pgdn before page 2 answered: %q", got)
	}
	pg.take(2, client.Page[int]{Items: []int{3}, Total: 3})
	if got := refusal(1); got != "this is the last page" {
		t.Fatalf("pgdn on the last page: %q", got)
	}
	if got := refusal(-1); got != "turned" || pg.params().Cursor != "" {
		t.Fatalf("pgup to the first page: %q, cursor %q", got, pg.params().Cursor)
	}
	if got := refusal(-1); got != "this is the first page" {
		t.Fatalf("pgup on the first page: %q", got)
	}
}

// A store that shows points but cannot change them (seed 004's read-only
// API) keeps the Loyalty tab, and a says why it does nothing.
func TestConsoleOnAReadOnlyLoyaltyStore(t *testing.T) {
	pf, custs := fakeStoreWith(client.All().Without("this store's API is read-only", client.CapLoyaltyAdjust))
	me := api.Me{AgentID: "a-1", Name: "Amani Agent", Role: api.RoleAgent}
	shell, err := NewShell(context.Background(), pf, testConfig(), tui.Options{Profile: tui.Profile{Name: "fake"}, NoColor: true, Agent: &me})
	if err != nil {
		t.Fatal(err)
	}
	pr := &probe{shell: shell}
	tm := teatest.NewTestModel(t, pr, teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	t.Cleanup(func() { tm.Quit() })
	pr.waitFor(t, "Customer 01")
	tm.Send(tui.OpenCustomerMsg{ID: custs[0].ID})
	pr.waitFor(t, custs[0].Email, "3 Loyalty")
	tm.Send(key("3"))
	pr.waitFor(t, "[3 Loyalty]", "balance")
	tm.Send(key("a"))
	pr.waitFor(t, "adjust points: this store's API is read-only")
	console := finish(t, tm)
	if _, ok := console.Top().(*Profile); !ok || console.Depth() != 2 {
		t.Fatalf("a opened something on a read-only store: depth %d, top %T", console.Depth(), console.Top())
	}
}
