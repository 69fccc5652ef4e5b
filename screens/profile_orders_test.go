package screens

import (
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/money"
	"frontdesk/tui"
)

func TestProfileOrdersAndOrderDetail(t *testing.T) {
	env := newSandbox(t, 40)
	cust, _ := pickCustomer(t, env.DB)
	p := newTestProfile(t, env, api.RoleAgent, env.URL, cust.id, 120, 40)
	press(t, p, "2", "j")
	if ordersOf(p).cur.pos != 1 {
		t.Fatalf("j in orders: highlight on %d, want 1", ordersOf(p).cur.pos)
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
	want := apiData[api.OrderEnvelope](t, env, "/customers/"+string(cust.id)+"/orders/"+string(ordersOf(p).pg.page.Items[0].ID)).Order
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
	if got := statusFilters[ordersOf(p).filter]; got != api.OrderPending {
		t.Fatalf("f filtered by %q, want pending", got)
	}
	for _, o := range ordersOf(p).pg.page.Items {
		if o.Status != api.OrderPending {
			t.Fatalf("filter pending shows a %s order", o.Status)
		}
	}
	if v := p.View(); !strings.Contains(v, "status: pending (f)") {
		t.Fatalf("the filter is not shown:\n%s", v)
	}
}
