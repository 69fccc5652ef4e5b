package forms

import (
	"context"
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/tui"
)

// The reveal form refuses to send without a reason; with one it sends a
// single reveal and hands the profile the real value.
func TestFlowReveal(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "viewer", tui.Profile{Name: "test"})
	real := e.firstCustomer(t)
	cl := e.client(t, "viewer")
	masked, err := cl.GetCustomer(context.Background(), real.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !api.IsMasked(masked.Phone) {
		t.Fatalf("the viewer's customer is not masked: %q", masked.Phone)
	}
	reveals := func() int {
		p, err := e.client(t, "supervisor").ListAudit(context.Background(), client.AuditParams{CustomerID: real.ID, Action: api.ActionCustomerReveal})
		if err != nil {
			t.Fatal(err)
		}
		return len(p.Items)
	}
	tm, h := start(t, c, NewReveal(c, cl, masked, []string{api.RevealPhone, api.RevealEmail}))
	press(tm, "tab", "ctrl+s")
	h.waitFor(t, "the reason asked for", func(s snapshot) bool {
		return strings.Contains(s.view, "Say why you need to see it first")
	})
	if n := reveals(); n != 0 {
		t.Fatalf("a reveal without a reason was sent (%d rows)", n)
	}
	typeInto(tm, "caller verification")
	press(tm, "ctrl+s")
	s := h.waitFor(t, "the revealed phone", func(s snapshot) bool { return len(s.got) > 0 })
	got, ok := s.got[0].(RevealedMsg)
	if !ok || got.Result.Value != real.Phone || got.Result.Field != api.RevealPhone {
		t.Fatalf("got %+v, want the phone %q", s.got, real.Phone)
	}
	if n := reveals(); n != 1 {
		t.Fatalf("%d reveal rows, want 1", n)
	}
}
