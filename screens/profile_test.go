package screens

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/sandbox/seed"
	"frontdesk/tui"
)

func newTestProfile(t *testing.T, env *sandboxtest.Env, role, baseURL string, id api.ID, w, h int) *Profile {
	t.Helper()
	c := testCommon(role, w, h)
	p := newProfile(c, testEnv(newClient(t, env, role, baseURL)), id)
	p.SetSize(w, h)
	settle(t, p, p.Init())
	return p
}

// apiData fetches path as the supervisor and decodes its data.
func apiData[T any](t *testing.T, env *sandboxtest.Env, path string) T {
	t.Helper()
	var v T
	env.Do(t, "supervisor", "GET", path, nil).Data(t, &v)
	return v
}

func TestProfileTabs(t *testing.T) {
	env := newSandbox(t, 40)
	cust, _ := pickCustomer(t, env.DB)
	p := newTestProfile(t, env, api.RoleAgent, env.URL, cust.id, 140, 40)
	orders := apiData[api.OrderList](t, env, "/customers/"+string(cust.id)+"/orders?limit=50")
	ledger := apiData[api.LedgerPage](t, env, "/customers/"+string(cust.id)+"/loyalty/ledger?limit=50")
	notes := apiData[api.NoteList](t, env, "/customers/"+string(cust.id)+"/notes?limit=50")

	press(t, p, "2")
	if p.Tab() != int(tabOrders) || ordersOf(p).pg.page.Total != orders.Total {
		t.Fatalf("2: tab %d with %d orders, want orders with %d", p.Tab(), ordersOf(p).pg.page.Total, orders.Total)
	}
	v := p.View()
	checkView(t, v, 140, 40)
	if !strings.Contains(v, "#"+orders.Orders[0].Number) || !strings.Contains(v, orders.Orders[0].Status) {
		t.Fatalf("orders tab lacks the newest order %s:\n%s", orders.Orders[0].Number, v)
	}

	press(t, p, "tab")
	if p.Tab() != int(tabLoyalty) || len(loyaltyOf(p).pg.page.Items) != len(ledger.Ledger) {
		t.Fatalf("tab: tab %d with %d ledger entries, want loyalty with %d", p.Tab(), len(loyaltyOf(p).pg.page.Items), len(ledger.Ledger))
	}
	if v := p.View(); !strings.Contains(v, "balance ") || !strings.Contains(v, "Balance") {
		t.Fatalf("loyalty tab lacks the balance or the ledger:\n%s", v)
	}
	press(t, p, "shift+tab")
	if p.Tab() != int(tabOrders) {
		t.Fatalf("shift+tab went to tab %d, want orders", p.Tab())
	}
	press(t, p, "4")
	if p.Tab() != int(tabNotes) || notesOf(p).pg.page.Total != notes.Total {
		t.Fatalf("4: tab %d with %d notes, want notes with %d", p.Tab(), notesOf(p).pg.page.Total, notes.Total)
	}
	for i := 1; i < len(notesOf(p).pg.page.Items); i++ {
		if notesOf(p).pg.page.Items[i].CreatedAt.After(notesOf(p).pg.page.Items[i-1].CreatedAt) {
			t.Fatal("notes are not newest first")
		}
	}
	press(t, p, "5")
	if want := len(orders.Orders) + len(ledger.Ledger) + len(notes.Notes); len(activityOf(p).items) != want {
		t.Fatalf("activity has %d events, want %d", len(activityOf(p).items), want)
	}
	for i := 1; i < len(activityOf(p).items); i++ {
		if activityOf(p).items[i].at.After(activityOf(p).items[i-1].at) {
			t.Fatal("activity is not newest first")
		}
	}
	checkView(t, p.View(), 140, 40)
	press(t, p, "tab")
	if p.Tab() != int(tabOverview) {
		t.Fatalf("tab from the last tab went to %d, want overview", p.Tab())
	}
	press(t, p, "5")
	// Enter on an order in the timeline opens it.
	for i, a := range activityOf(p).items {
		if a.kind == kindOrder {
			activityOf(p).cur.to(i, len(activityOf(p).items), activityOf(p).tableRows())
			break
		}
	}
	if push, ok := findMsg[tui.PushMsg](press(t, p, "enter")); !ok {
		t.Fatal("enter on an order in the activity opened nothing")
	} else if _, ok := push.Screen.(*OrderDetail); !ok {
		t.Fatalf("enter pushed %T, want *OrderDetail", push.Screen)
	}
}

func TestProfileActionsAndGating(t *testing.T) {
	env := newSandbox(t, 20)
	cust, _ := pickCustomer(t, env.DB)

	agent := newTestProfile(t, env, api.RoleAgent, env.URL, cust.id, 100, 30)
	for _, k := range []string{"e", "a", "N"} {
		push, ok := findMsg[tui.PushMsg](press(t, agent, k))
		if !ok || push.Screen == nil {
			t.Errorf("%s for an agent pushed nothing", k)
		}
	}
	if ts := toasts(press(t, agent, "y")); len(ts) != 1 || !strings.Contains(ts[0], "copied email: "+cust.email) {
		t.Errorf("y said %q", ts)
	}
	if ts := toasts(press(t, agent, "Y")); len(ts) != 1 || !strings.Contains(ts[0], "copied customer id: "+string(cust.id)) {
		t.Errorf("Y said %q", ts)
	}

	viewer := newTestProfile(t, env, api.RoleViewer, env.URL, cust.id, 100, 30)
	k := viewer.c.Keys
	for _, tc := range []struct {
		key    string
		b      tui.Binding
		reason string
	}{
		{"e", k.Edit, "your role (viewer) cannot edit customers"},
		{"a", k.Adjust, "your role (viewer) cannot adjust loyalty points"},
		{"N", k.Note, "your role (viewer) cannot add notes"},
		{"n", k.New, "your role (viewer) cannot create customers"},
	} {
		if got := helpReason(viewer, tc.key); got != tc.reason {
			t.Errorf("%s for a viewer: reason %q, want %q", tc.key, got, tc.reason)
		}
		if msgs := press(t, viewer, tc.key); len(msgs) != 0 {
			t.Errorf("%s for a viewer did %v", tc.key, msgs)
		}
	}

	ro := newTestProfile(t, env, api.RoleSupervisor, env.URL, cust.id, 100, 30)
	ro.c.Profile.ReadOnly = true
	if got := helpReason(ro, "e"); got != "read-only profile" {
		t.Errorf("e on a read-only profile: reason %q", got)
	}
	if msgs := press(t, ro, "e"); len(msgs) != 0 {
		t.Errorf("e on a read-only profile did %v", msgs)
	}
	if got := helpReason(ro, "f"); got != "only on the Orders tab" {
		t.Errorf("f on the overview: reason %q", got)
	}
	if got := helpReason(ro, "enter"); got != "only on the Orders and Activity tabs" {
		t.Errorf("enter on the overview: reason %q", got)
	}
	press(t, ro, "5")
	if got := helpReason(ro, "f"); got != "only on the Orders tab" {
		t.Errorf("f on the activity: reason %q", got)
	}
}

// helpReason is the reason the shell would give for refusing key on s.
func helpReason(s tui.Screen, k string) string {
	c := s.(*Profile).c
	for _, g := range s.FullHelp() {
		for _, b := range g {
			if b.Matches(key(k)) {
				return c.Reason(b)
			}
		}
	}
	return "no binding"
}

func TestProfileIgnoresStaleAnswers(t *testing.T) {
	env := newSandbox(t, 20)
	cust, _ := pickCustomer(t, env.DB)
	p := newTestProfile(t, env, api.RoleAgent, env.URL, cust.id, 100, 30)
	name := p.cust.Name()
	p.fetchCustomer()
	old := p.custL.seq
	p.fetchCustomer()
	p.Update(customerLoadedMsg{p: p, seq: old, cust: api.Customer{ID: cust.id, FirstName: "Stale"}})
	if p.cust.Name() != name {
		t.Fatalf("a superseded answer was taken: %q", p.cust.Name())
	}
	p.Update(customerLoadedMsg{p: newProfile(p.c, p.env, cust.id), seq: p.custL.seq, cust: api.Customer{FirstName: "Other"}})
	if p.cust.Name() != name {
		t.Fatal("an answer for another profile screen was taken")
	}
	p.Update(customerLoadedMsg{p: p, seq: p.custL.seq, cust: api.Customer{ID: cust.id, FirstName: "Fresh"}})
	if p.cust.Name() != "Fresh" {
		t.Fatalf("the latest answer was not taken: %q", p.cust.Name())
	}
}

func TestProfileSurvivesADeadAPI(t *testing.T) {
	env := newSandbox(t, 20)
	sw := sandboxtest.NewProxy(t, env.URL)
	cust, _ := pickCustomer(t, env.DB)
	p := newTestProfile(t, env, api.RoleAgent, sw.URL, cust.id, 100, 30)
	sw.Down(true)
	ts := toasts(press(t, p, "ctrl+r"))
	if len(ts) == 0 || !strings.Contains(ts[0], "cannot reach the store") {
		t.Fatalf("ctrl+r on a dead API said %q", ts)
	}
	v := p.View()
	if !strings.Contains(v, cust.email) || !strings.Contains(v, "press ctrl+r to retry") {
		t.Fatalf("the overview should keep the customer and say how to retry:\n%s", v)
	}
	press(t, p, "2")
	if p.Tab() != int(tabOrders) {
		t.Fatal("keys stopped working with the API down")
	}
	if v := p.View(); !strings.Contains(v, "Could not load orders") {
		t.Fatalf("orders tab with the API down:\n%s", v)
	}
	sw.Down(false)
	press(t, p, "ctrl+r")
	if ordersOf(p).l.err != nil || len(ordersOf(p).pg.page.Items) == 0 {
		t.Fatalf("ctrl+r did not recover the orders: %v", ordersOf(p).l.err)
	}
	press(t, p, "1")
	if v := p.View(); strings.Contains(v, "retry") {
		t.Fatalf("the overview still shows the error after recovering:\n%s", v)
	}
}

func TestProfileMouse(t *testing.T) {
	env := newSandbox(t, 20)
	cust, _ := pickCustomer(t, env.DB)
	p := newTestProfile(t, env, api.RoleAgent, env.URL, cust.id, 100, 30)
	r := p.tabRanges()
	_, cmd := p.Update(tea.MouseClickMsg{X: r[tabLoyalty][0] + 1, Y: 1, Button: tea.MouseLeft})
	settle(t, p, cmd)
	if p.Tab() != int(tabLoyalty) {
		t.Fatalf("a click on the Loyalty label went to tab %d", p.Tab())
	}
	_, cmd = p.Update(tea.MouseClickMsg{X: r[tabOrders][0], Y: 1, Button: tea.MouseLeft})
	settle(t, p, cmd)
	if p.Tab() != int(tabOrders) {
		t.Fatalf("a click on the Orders label went to tab %d", p.Tab())
	}
	p.Update(tea.MouseClickMsg{X: 5, Y: profileHeadLines + tableHeadLines + 1, Button: tea.MouseLeft})
	if ordersOf(p).cur.pos != 1 {
		t.Fatalf("a click on the second order highlighted %d", ordersOf(p).cur.pos)
	}
	_, cmd = p.Update(tea.MouseClickMsg{X: 5, Y: profileHeadLines + tableHeadLines + 1, Button: tea.MouseLeft})
	if push, ok := findMsg[tui.PushMsg](run(t, cmd)); !ok {
		t.Fatal("a click on the highlighted order did not open it")
	} else if _, ok := push.Screen.(*OrderDetail); !ok {
		t.Fatalf("pushed %T", push.Screen)
	}
}

// Every hostile record, on every tab and in its newest order, at three
// sizes: nothing escapes the sanitizer or the screen's bounds.
func TestProfileHostileRecords(t *testing.T) {
	env := newSandbox(t, 20)
	for _, kind := range seed.HostileKinds() {
		var id int64
		if err := env.DB.QueryRow(`SELECT id FROM customers WHERE email = ?`, seed.HostileEmail(kind)).Scan(&id); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		t.Run(kind, func(t *testing.T) {
			p := newTestProfile(t, env, api.RoleAgent, env.URL, api.IDFromInt(id), 80, 24)
			for _, size := range [][2]int{{60, 14}, {80, 24}, {200, 60}} {
				p.SetSize(size[0], size[1])
				for _, k := range []string{"1", "2", "3", "4", "5"} {
					press(t, p, k)
					checkView(t, p.View(), size[0], size[1])
					press(t, p, "G")
					checkView(t, p.View(), size[0], size[1])
				}
			}
			press(t, p, "2", "g")
			if len(ordersOf(p).pg.page.Items) == 0 {
				return
			}
			push, _ := findMsg[tui.PushMsg](press(t, p, "enter"))
			o := push.Screen.(*OrderDetail)
			o.SetSize(80, 24)
			settle(t, o, o.Init())
			for _, size := range [][2]int{{60, 14}, {80, 24}, {200, 60}} {
				o.SetSize(size[0], size[1])
				checkView(t, o.View(), size[0], size[1])
				press(t, o, "G")
				checkView(t, o.View(), size[0], size[1])
				press(t, o, "g")
			}
		})
	}
}
