package forms

import (
	"strings"
	"testing"

	"frontdesk/tui"
)

// The erase form refuses an email that is not the customer's before
// sending, asks once more, then erases and hands the profile the
// tombstone.
func TestFlowEraseConfirmsByEmail(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "supervisor", tui.Profile{Name: "test"})
	cust := e.firstCustomer(t)
	cl := e.client(t, "supervisor")
	tm, h := start(t, c, NewErase(c, cl, cust))
	typeInto(tm, "erasure request T-77")
	press(tm, "tab")
	typeInto(tm, "someone@else.example")
	press(tm, "enter")
	h.waitFor(t, "the mismatch", func(s snapshot) bool { return strings.Contains(s.view, "not the customer's email") })
	if got := e.customer(t, cust.ID); got.Email != cust.Email {
		t.Fatalf("erased on a mismatch: %+v", got)
	}
	press(tm, "ctrl+u")
	typeInto(tm, strings.ToUpper(cust.Email))
	press(tm, "enter")
	h.waitFor(t, "the confirmation", func(s snapshot) bool { return strings.Contains(s.view, "This cannot be") })
	press(tm, "y")
	s := h.waitFor(t, "the tombstone", func(s snapshot) bool { return len(s.got) > 0 })
	saved, ok := s.got[0].(CustomerSavedMsg)
	if !ok || saved.Customer.Email != "erased-"+cust.ID.String()+"@erased.invalid" || saved.Customer.FirstName != "Erased" {
		t.Fatalf("got %+v", s.got)
	}
}

// An agent may not erase: the form says so and sends nothing.
func TestEraseRefusedForAgents(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "agent", tui.Profile{Name: "test"})
	cust := e.firstCustomer(t)
	s := NewErase(c, e.client(t, "agent"), cust)
	s.SetSize(80, 24)
	if v := plain(s.View()); !strings.Contains(v, "cannot erase customers") {
		t.Fatalf("agent's erase form:\n%s", v)
	}
}
