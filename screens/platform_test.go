package screens

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/client/fake"
)

// fakeStore is a platform that is not the frontdesk contract: 60
// customers, 70 orders on the first, cursors that are not page numbers,
// and no loyalty or notes.
func fakeStore() (*fake.Platform, []api.Customer) {
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
	caps := client.All().
		Without("this store has no loyalty points", client.CapLoyalty).
		Without("this store keeps no notes", client.CapNotes)
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
