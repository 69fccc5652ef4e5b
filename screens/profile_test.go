package screens

import (
	"net/http"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/money"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/sandbox/seed"
	"frontdesk/screens/forms"
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
	env.Do(t, "supervisor", http.MethodGet, path, nil).Data(t, &v)
	return v
}

func TestProfileOverview(t *testing.T) {
	env := newSandbox(t, 40)
	cust, _ := pickCustomer(t, env.DB)
	p := newTestProfile(t, env, api.RoleAgent, env.URL, cust.id, 120, 40)
	want := apiData[api.CustomerEnvelope](t, env, "/customers/"+string(cust.id)).Customer
	loyalty := apiData[api.Loyalty](t, env, "/customers/"+string(cust.id)+"/loyalty")

	if p.Title() != want.Name() {
		t.Errorf("title %q, want %q", p.Title(), want.Name())
	}
	v := p.View()
	checkView(t, v, 120, 40)
	for _, s := range []string{
		want.Email, want.Phone, "Customer since", "Store metrics", "Spend, last 12 months",
		money.Int(loyalty.PointsBalance) + " points", money.Format(want.StoreMetrics.TotalSpent, want.Currency),
		"1 Overview", "5 Activity",
	} {
		if !strings.Contains(v, s) {
			t.Errorf("overview lacks %q:\n%s", s, v)
		}
	}
	if !strings.Contains(v, "✓ confirmed") && !strings.Contains(v, "not confirmed") {
		t.Errorf("overview does not say whether the email is confirmed:\n%s", v)
	}
}

func TestProfileTabs(t *testing.T) {
	env := newSandbox(t, 40)
	cust, _ := pickCustomer(t, env.DB)
	p := newTestProfile(t, env, api.RoleAgent, env.URL, cust.id, 140, 40)
	orders := apiData[api.OrderList](t, env, "/customers/"+string(cust.id)+"/orders?limit=50")
	ledger := apiData[api.LedgerPage](t, env, "/customers/"+string(cust.id)+"/loyalty/ledger?limit=50")
	notes := apiData[api.NoteList](t, env, "/customers/"+string(cust.id)+"/notes?limit=50")

	press(t, p, "2")
	if p.Tab() != int(tabOrders) || p.orders.Total != orders.Total {
		t.Fatalf("2: tab %d with %d orders, want orders with %d", p.Tab(), p.orders.Total, orders.Total)
	}
	v := p.View()
	checkView(t, v, 140, 40)
	if !strings.Contains(v, "#"+orders.Orders[0].Number) || !strings.Contains(v, orders.Orders[0].Status) {
		t.Fatalf("orders tab lacks the newest order %s:\n%s", orders.Orders[0].Number, v)
	}

	press(t, p, "tab")
	if p.Tab() != int(tabLoyalty) || len(p.ledger.Items) != len(ledger.Ledger) {
		t.Fatalf("tab: tab %d with %d ledger entries, want loyalty with %d", p.Tab(), len(p.ledger.Items), len(ledger.Ledger))
	}
	if v := p.View(); !strings.Contains(v, "balance ") || !strings.Contains(v, "Balance") {
		t.Fatalf("loyalty tab lacks the balance or the ledger:\n%s", v)
	}
	press(t, p, "shift+tab")
	if p.Tab() != int(tabOrders) {
		t.Fatalf("shift+tab went to tab %d, want orders", p.Tab())
	}
	press(t, p, "4")
	if p.Tab() != int(tabNotes) || p.notes.Total != notes.Total {
		t.Fatalf("4: tab %d with %d notes, want notes with %d", p.Tab(), p.notes.Total, notes.Total)
	}
	for i := 1; i < len(p.notes.Items); i++ {
		if p.notes.Items[i].CreatedAt.After(p.notes.Items[i-1].CreatedAt) {
			t.Fatal("notes are not newest first")
		}
	}
	press(t, p, "5")
	if want := len(orders.Orders) + len(ledger.Ledger) + len(notes.Notes); len(p.activity) != want {
		t.Fatalf("activity has %d events, want %d", len(p.activity), want)
	}
	for i := 1; i < len(p.activity); i++ {
		if p.activity[i].at.After(p.activity[i-1].at) {
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
	for i, a := range p.activity {
		if a.kind == kindOrder {
			p.activityCur.to(i, len(p.activity), p.tableRows())
			break
		}
	}
	if push, ok := findMsg[tui.PushMsg](press(t, p, "enter")); !ok {
		t.Fatal("enter on an order in the activity opened nothing")
	} else if _, ok := push.Screen.(*OrderDetail); !ok {
		t.Fatalf("enter pushed %T, want *OrderDetail", push.Screen)
	}
}

func TestProfileOrdersAndOrderDetail(t *testing.T) {
	env := newSandbox(t, 40)
	cust, _ := pickCustomer(t, env.DB)
	p := newTestProfile(t, env, api.RoleAgent, env.URL, cust.id, 120, 40)
	press(t, p, "2", "j")
	if p.ordersCur.pos != 1 {
		t.Fatalf("j in orders: highlight on %d, want 1", p.ordersCur.pos)
	}
	press(t, p, "k")
	msgs := press(t, p, "enter")
	push, ok := findMsg[tui.PushMsg](msgs)
	if !ok {
		t.Fatalf("enter opened nothing: %v", msgs)
	}
	o := push.Screen.(*OrderDetail)
	o.SetSize(120, 40)
	settle(t, o, o.Init())
	want := apiData[api.OrderEnvelope](t, env, "/customers/"+string(cust.id)+"/orders/"+string(p.orders.Items[0].ID)).Order
	v := o.View()
	checkView(t, v, 120, 40)
	for _, s := range []string{
		"Order #" + want.Number, want.Items[0].Name, "Subtotal", "Total", money.Format(want.Total, want.Currency),
		"payment " + want.PaymentStatus, "fulfilment " + want.FulfillmentStatus, "Shipping",
	} {
		if !strings.Contains(v, s) {
			t.Errorf("order detail lacks %q:\n%s", s, v)
		}
	}
	if o.Title() != "Order #"+want.Number {
		t.Errorf("title %q", o.Title())
	}
	if ts := toasts(press(t, o, "y")); len(ts) != 1 || !strings.Contains(ts[0], want.Number) {
		t.Errorf("y in the order said %q", ts)
	}
	press(t, o, "j", "G", "g", "ctrl+r")
	if o.l.err != nil || !o.l.loaded {
		t.Fatalf("refresh failed: %v", o.l.err)
	}

	// f filters by status, one status after the other.
	press(t, p, "f")
	if got := statusFilters[p.filter]; got != api.OrderPending {
		t.Fatalf("f filtered by %q, want pending", got)
	}
	for _, o := range p.orders.Items {
		if o.Status != api.OrderPending {
			t.Fatalf("filter pending shows a %s order", o.Status)
		}
	}
	if v := p.View(); !strings.Contains(v, "status: pending (f)") {
		t.Fatalf("the filter is not shown:\n%s", v)
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

func TestProfileRefreshesWhatFormsSaved(t *testing.T) {
	env := newSandbox(t, 20)
	cust, _ := pickCustomer(t, env.DB)
	p := newTestProfile(t, env, api.RoleAgent, env.URL, cust.id, 120, 40)
	press(t, p, "3")
	entries := len(p.ledger.Items)

	// The adjustment happens on the server, then the form says so.
	var res api.AdjustmentResult
	env.Do(t, "supervisor", http.MethodPost, "/customers/"+string(cust.id)+"/loyalty/adjustments",
		api.AdjustmentRequest{Points: 50, Reason: api.ReasonGoodwill, Note: "late delivery"},
		api.HeaderIdempotencyKey, "test-key-1").Data(t, &res)
	_, cmd := p.Update(forms.LoyaltyAdjustedMsg{CustomerID: cust.id, Result: res})
	if p.loyalty.PointsBalance != res.PointsBalance {
		t.Fatalf("balance %d right after the adjustment, want %d", p.loyalty.PointsBalance, res.PointsBalance)
	}
	settle(t, p, cmd)
	if len(p.ledger.Items) != entries+1 || p.ledger.Items[0].Note != "late delivery" {
		t.Fatalf("ledger has %d entries (newest %+v), want %d with the adjustment", len(p.ledger.Items), p.ledger.Items[0], entries+1)
	}
	if v := p.View(); !strings.Contains(v, "late delivery") || !strings.Contains(v, "+50") {
		t.Fatalf("the loyalty tab does not show the adjustment:\n%s", v)
	}

	// An adjustment of another customer changes nothing here.
	before := p.loyL.seq
	p.Update(forms.LoyaltyAdjustedMsg{CustomerID: "999999", Result: api.AdjustmentResult{PointsBalance: 1}})
	if p.loyL.seq != before || p.loyalty.PointsBalance == 1 {
		t.Fatal("another customer's adjustment touched this profile")
	}

	press(t, p, "4")
	var note api.NoteEnvelope
	env.Do(t, "agent", http.MethodPost, "/customers/"+string(cust.id)+"/notes", api.NoteCreate{Body: "Called about the parcel"}).Data(t, &note)
	_, cmd = p.Update(forms.NoteAddedMsg{Note: note.Note})
	settle(t, p, cmd)
	if v := p.View(); !strings.Contains(v, "Called about the parcel") {
		t.Fatalf("the notes tab does not show the new note:\n%s", v)
	}

	press(t, p, "1")
	var saved api.CustomerEnvelope
	first := "Renamed"
	env.Do(t, "supervisor", http.MethodPatch, "/customers/"+string(cust.id), api.CustomerPatch{FirstName: &first},
		api.HeaderIfMatch, `"`+itoa(int(p.cust.Version))+`"`).Data(t, &saved)
	_, cmd = p.Update(forms.CustomerSavedMsg{Customer: saved.Customer})
	if !strings.HasPrefix(p.Title(), "Renamed ") {
		t.Fatalf("title %q after the save", p.Title())
	}
	settle(t, p, cmd)
	if v := p.View(); !strings.Contains(v, "Renamed") || !strings.Contains(v, "Store metrics") {
		t.Fatalf("the overview does not show the saved customer:\n%s", v)
	}
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
	sw := newSwitchable(t, env.URL)
	cust, _ := pickCustomer(t, env.DB)
	p := newTestProfile(t, env, api.RoleAgent, sw.URL, cust.id, 100, 30)
	sw.down.Store(true)
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
	sw.down.Store(false)
	press(t, p, "ctrl+r")
	if p.ordersL.err != nil || len(p.orders.Items) == 0 {
		t.Fatalf("ctrl+r did not recover the orders: %v", p.ordersL.err)
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
	if p.ordersCur.pos != 1 {
		t.Fatalf("a click on the second order highlighted %d", p.ordersCur.pos)
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
			if len(p.orders.Items) == 0 {
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
