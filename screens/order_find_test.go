package screens

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/client/fake"
	"frontdesk/tui"
)

// seededOrder is an order of the seeded store and who placed it.
type seededOrder struct {
	id, customer api.ID
	number, name string
	seq          int64 // the number's digits (1584 of FD-00001584)
	page         int   // the customer's page of orders it is on (0: not known)
}

// oldestOrderOfBusiest is the oldest order of the customer with the most
// orders: the last row of their Orders tab, on its last page when they
// have more than a page.
func oldestOrderOfBusiest(t *testing.T, db *sql.DB) seededOrder {
	t.Helper()
	var o seededOrder
	var id, cid int64
	if err := db.QueryRow(`SELECT o.id, o.number, o.customer_id, c.first_name || ' ' || c.last_name FROM orders o JOIN customers c ON c.id = o.customer_id
		WHERE o.customer_id = (SELECT customer_id FROM orders o2 JOIN customers c2 ON c2.id = o2.customer_id
			WHERE c2.email NOT LIKE 'hostile-%' GROUP BY customer_id ORDER BY count(*) DESC, customer_id LIMIT 1)
		ORDER BY o.created_at, o.id LIMIT 1`).Scan(&id, &o.number, &cid, &o.name); err != nil {
		t.Fatal(err)
	}
	o.id, o.customer = api.IDFromInt(id), api.IDFromInt(cid)
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM orders WHERE customer_id = ?`, cid).Scan(&n); err != nil {
		t.Fatal(err)
	}
	o.page = (n + ordersPageSize - 1) / ordersPageSize // the oldest is on the last page
	t.Logf("order %s: the oldest of %s's %d orders, on page %d", o.number, o.name, n, o.page)
	o.seq, _ = strconv.ParseInt(strings.TrimLeft(strings.TrimPrefix(o.number, api.OrderNumberPrefix), "0"), 10, 64)
	return o
}

// landOnOrder settles the profile a search or :order pushed and checks it
// is o's customer on the Orders tab with o highlighted and marked.
func landOnOrder(t *testing.T, msgs []tea.Msg, o seededOrder) *Profile {
	t.Helper()
	push, ok := findMsg[tui.PushMsg](msgs)
	if !ok {
		t.Fatalf("nothing opened: %v", msgs)
	}
	p, ok := push.Screen.(*Profile)
	if !ok {
		t.Fatalf("opened %T, want the profile", push.Screen)
	}
	p.SetSize(140, 40)
	settle(t, p, p.Init())
	tab := ordersOf(p)
	if p.ID() != o.customer || p.Tab() != int(tabOrders) {
		t.Fatalf("opened customer %s on tab %d, want %s on Orders", p.ID(), p.Tab(), o.customer)
	}
	if id, ok := tab.selected(); !ok || id != o.id {
		t.Fatalf("orders tab highlights %q (page %d), want order %s", id, tab.pg.n, o.id)
	}
	if o.page > 0 && tab.pg.n != o.page {
		t.Fatalf("the orders tab shows page %d, want page %d where order %s is", tab.pg.n, o.page, o.number)
	}
	if v := p.View(); !strings.Contains(v, "▸#"+o.number) || !strings.Contains(v, o.name) {
		t.Fatalf("the profile does not mark %s of %s:\n%s", o.number, o.name, v)
	}
	return p
}

// A number pasted from a customer's message, with spaces around it, shows
// the order and its customer on top, and enter lands on the customer's
// Orders tab with the order highlighted and marked (turning to its page).
func TestSearchPastedOrderNumber(t *testing.T) {
	env := newSandbox(t, 30)
	o := oldestOrderOfBusiest(t, env.DB)
	for _, pasted := range []string{"  " + o.number + " ", "#" + strconv.FormatInt(o.seq, 10), strings.ToLower(o.number)} {
		t.Run(pasted, func(t *testing.T) {
			s := newSearch(testCommon(api.RoleAgent, 140, 40), testEnv(newClient(t, env, "agent", env.URL)), "")
			s.SetSize(140, 40)
			settle(t, s, s.Init())
			_, cmd := s.Update(tea.PasteMsg{Content: pasted})
			settle(t, s, cmd)
			if s.order == nil || s.order.Order.ID != o.id || s.order.Customer.ID != o.customer {
				t.Fatalf("pasting %q found %+v", pasted, s.order)
			}
			v := s.View()
			if !strings.Contains(v, "Order #"+o.number+" · "+o.name) || !strings.Contains(v, "order #"+o.number) {
				t.Fatalf("the order row is missing:\n%s", v)
			}
			landOnOrder(t, press(t, s, "enter"), o)
		})
	}
}

// Bare digits are an order number and a phone fragment at once: the order
// row comes on top of the customers they match, and the customers stay.
func TestSearchBareDigitsShowOrderAndCustomers(t *testing.T) {
	env := newSandbox(t, 30)
	o := oldestOrderOfBusiest(t, env.DB)
	digits := strconv.FormatInt(o.seq, 10)
	cl := newClient(t, env, "agent", env.URL)
	plain, err := cl.SearchCustomers(t.Context(), client.SearchParams{Query: digits, Limit: searchPageSize})
	if err != nil {
		t.Fatal(err)
	}
	phones := plain.Total
	s := newSearch(testCommon(api.RoleAgent, 140, 40), testEnv(cl), "")
	s.SetSize(140, 40)
	settle(t, s, s.Init())
	typeText(t, s, digits)
	if s.order == nil || s.order.Order.ID != o.id {
		t.Fatalf("%s: no order row: %+v", digits, s.order)
	}
	if s.list.Total != phones || s.rows() != len(plain.Items)+1 {
		t.Fatalf("%s: %d customers (%d rows), want the %d the search alone finds and the order", digits, s.list.Total, s.rows(), phones)
	}
	// Down from the order row reaches the customers; back up, enter opens
	// the order.
	press(t, s, "tab")
	if phones > 0 {
		press(t, s, "down")
		if c, ok := s.selected(); !ok || c.ID == o.customer && s.cur.pos == 0 {
			t.Fatalf("down from the order row: %+v %v", c, ok)
		}
		press(t, s, "up")
	}
	landOnOrder(t, press(t, s, "enter"), o)
}

// enter acts on what the screen shows: the answer for an older number is
// not opened once the text changed; enter waits for the new text's answer.
func TestSearchStaleOrderIsNotOpened(t *testing.T) {
	env := newSandbox(t, 30)
	o := oldestOrderOfBusiest(t, env.DB)
	var other seededOrder
	var id, cid int64
	if err := env.DB.QueryRow(`SELECT o.id, o.number, o.customer_id, c.first_name || ' ' || c.last_name FROM orders o JOIN customers c ON c.id = o.customer_id
		WHERE o.customer_id <> ? ORDER BY o.id LIMIT 1`, o.customer).Scan(&id, &other.number, &cid, &other.name); err != nil {
		t.Fatal(err)
	}
	other.id, other.customer = api.IDFromInt(id), api.IDFromInt(cid)
	s := newSearch(testCommon(api.RoleAgent, 140, 40), testEnv(newClient(t, env, "agent", env.URL)), "")
	s.SetSize(140, 40)
	settle(t, s, s.Init())
	_, cmd := s.Update(tea.PasteMsg{Content: o.number})
	settle(t, s, cmd)
	if s.order == nil || s.order.Order.ID != o.id {
		t.Fatalf("no order row for %s", o.number)
	}
	// Replace the text; its search is not answered yet when enter comes.
	s.input.SetValue("")
	_, pending := s.Update(tea.PasteMsg{Content: other.number})
	_, enter := s.Update(key("enter"))
	if _, opened := findMsg[tui.PushMsg](run(t, enter)); opened {
		t.Fatal("enter opened the order of the text before")
	}
	if !s.opening || !strings.Contains(s.View(), "opening when") {
		t.Fatalf("enter does not wait for %s:\n%s", other.number, s.View())
	}
	landOnOrder(t, settle(t, s, pending), other)
}

// An unknown number says so; on a platform without order lookup the
// number is searched as text and no order is asked for.
func TestSearchUnknownOrderAndNoLookup(t *testing.T) {
	env := newSandbox(t, 10)
	s := newSearch(testCommon(api.RoleAgent, 140, 40), testEnv(newClient(t, env, "agent", env.URL)), "")
	s.SetSize(140, 40)
	settle(t, s, s.Init())
	_, cmd := s.Update(tea.PasteMsg{Content: "FD-99999999"})
	settle(t, s, cmd)
	if s.order != nil || s.rows() != 0 || !strings.Contains(s.View(), "No order FD-99999999.") {
		t.Fatalf("unknown order: %+v\n%s", s.order, s.View())
	}
	if _, opened := findMsg[tui.PushMsg](press(t, s, "enter")); opened {
		t.Fatal("enter opened something for an unknown order")
	}

	pf, _ := fakeStoreWith(client.All().Without("this store cannot find orders by number", client.CapFindOrder))
	s = newSearch(testCommon(api.RoleAgent, 140, 40), testEnv(countFinds{Platform: pf, t: t}), "")
	s.SetSize(140, 40)
	settle(t, s, s.Init())
	typeText(t, s, "#12")
	if s.order != nil || !strings.Contains(s.View(), `No customers match "#12"`) {
		t.Fatalf("without order lookup:\n%s", s.View())
	}
}

// countFinds fails the test if FindOrder is called.
type countFinds struct {
	*fake.Platform
	t *testing.T
}

func (c countFinds) FindOrder(ctx context.Context, number string) (api.OrderMatch, error) {
	c.t.Errorf("FindOrder(%q) asked of a platform without it", number)
	return c.Platform.FindOrder(ctx, number)
}

// :order NUMBER opens the order's detail over its customer's profile on
// the Orders tab, the order marked; esc goes back to that profile.
func TestFlowOrderCommand(t *testing.T) {
	env := newSandbox(t, 30)
	o := oldestOrderOfBusiest(t, env.DB)
	tm, p := startConsoleAs(t, testConfig(), env, "agent", tui.Profile{Name: "test"})
	p.waitFor(t, "customers")
	tm.Send(key("esc"))
	tm.Type(":order #" + strconv.FormatInt(o.seq, 10))
	tm.Send(key("enter"))
	p.waitFor(t, "Order #"+o.number, "Items")
	tm.Send(key("esc"))
	p.waitFor(t, "▸#"+o.number, o.name)

	tm.Send(key(":"))
	tm.Type("order FD-99999999")
	tm.Send(key("enter"))
	p.waitFor(t, "no order FD-99999999")
}

// The marked order on a later page: the Orders tab turns to it (the fake
// store pages by cursors that are not page numbers).
func TestOrdersTabTurnsToTheMarkedOrder(t *testing.T) {
	pf, custs := fakeStore()
	page, err := pf.ListOrders(t.Context(), custs[0].ID, client.OrderParams{Cursor: "at:65", Limit: 1})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("the 66th order: %v", err)
	}
	want := page.Items[0]
	p := newOrderProfile(testCommon(api.RoleAgent, 140, 40), testEnv(pf), api.OrderMatch{Order: want, Customer: custs[0]})
	p.SetSize(140, 40)
	settle(t, p, p.Init())
	tab := ordersOf(p)
	if id, ok := tab.selected(); !ok || id != want.ID || tab.pg.n != 2 {
		t.Fatalf("the tab shows page %d highlighting %q, want page 2 on %s", tab.pg.n, id, want.ID)
	}
	if v := p.View(); !strings.Contains(v, "▸#"+want.Number) || !strings.Contains(v, "page 2 of 2") {
		t.Fatalf("the order is not marked on page 2:\n%s", v)
	}
	// From here the agent moves: turning back does not seek again.
	settle(t, p, tab.PageBy(-1))
	if tab.pg.n != 1 || tab.markTurns >= 0 {
		t.Fatalf("pgup left the tab on page %d", tab.pg.n)
	}
}
