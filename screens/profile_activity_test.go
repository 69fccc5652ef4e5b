package screens

import (
	"strings"
	"testing"

	"frontdesk/tui"
)

// On a store without loyalty and notes the timeline merges what there is
// (orders and the audit trail), says so, and enter opens an order.
func TestProfileActivityOnlyWhatThePlatformKeeps(t *testing.T) {
	pf, custs := fakeStore()
	p := fakeProfile(t, pf, custs[0].ID, 120, 40)
	press(t, p, "3")
	a := activityOf(p)
	if p.Tab() != int(tabActivity) || a.l.err != nil || len(a.items) != activityPerKind {
		t.Fatalf("3: tab %d with %d events (err %v), want the activity with %d orders", p.Tab(), len(a.items), a.l.err, activityPerKind)
	}
	for _, it := range a.items {
		if it.kind != kindOrder {
			t.Fatalf("a store without loyalty or notes has a %s in its timeline", it.kind)
		}
	}
	v := p.View()
	checkView(t, v, 120, 40)
	if !strings.Contains(v, "50 events: the newest orders and audit trail") {
		t.Fatalf("the timeline's status line:\n%s", v)
	}
	push, ok := findMsg[tui.PushMsg](press(t, p, "j", "enter"))
	if o, isOrder := push.Screen.(*OrderDetail); !ok || !isOrder || o.orderID != "ord_02" {
		t.Fatalf("enter on the second event pushed %#v", push.Screen)
	}
}
