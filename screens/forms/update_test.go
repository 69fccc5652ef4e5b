package forms

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/tui"
)

func tabs(n int) []tea.Msg {
	out := make([]tea.Msg, n)
	for i := range out {
		out[i] = key("tab")
	}
	return out
}

func opened(t *testing.T, s tui.Screen) tui.Screen {
	t.Helper()
	s.SetSize(80, 30)
	run(s.Init())
	return s
}

func isPop(msgs []tea.Msg) bool {
	_, ok := find[tui.PopMsg](msgs)
	return ok
}

func TestAnswersForOthersAreIgnored(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "agent", tui.Profile{Name: "test"})
	cust := e.firstCustomer(t)
	s := opened(t, NewEditProfile(c, e.client(t, "agent"), cust))
	other := NewEditProfile(c, e.client(t, "agent"), cust)
	m := s.(*EditProfile)
	m.saving, m.seq = true, 3
	for _, a := range []answerMsg{
		{owner: other, seq: 3, val: patched(cust)},
		{owner: m, seq: 2, val: patched(cust)},
	} {
		if msgs := run(send(t, s, a)); len(msgs) != 0 || !m.saving {
			t.Fatalf("answer %+v was taken: %v", a, msgs)
		}
	}
	msgs := run(send(t, s, answerMsg{owner: m, seq: 3, val: patched(cust)}))
	if _, ok := find[CustomerSavedMsg](msgs); !ok || m.saving {
		t.Fatalf("the right answer was not taken: %v", msgs)
	}
}

func TestReadOnlyProfileRefuses(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "supervisor", tui.Profile{Name: "prod-ro", ReadOnly: true})
	cust := e.firstCustomer(t)
	cl := e.client(t, "supervisor")
	for _, s := range []tui.Screen{NewEditProfile(c, cl, cust), NewAdjustLoyalty(c, cl, cust, 10), NewNote(c, cl, cust), NewCustomer(c, cl)} {
		s = opened(t, s)
		if v := plain(s.View()); !strings.Contains(v, "read-only profile") {
			t.Errorf("%T does not say why it refuses:\n%s", s, v)
		}
		send(t, s, typeText("abc")...)
		if msgs := run(send(t, s, key("ctrl+s"))); len(msgs) != 0 {
			t.Errorf("%T saved on a read-only profile: %v", s, msgs)
		}
		if !isPop(run(send(t, s, key("esc")))) {
			t.Errorf("%T: esc does not leave", s)
		}
	}
}

func TestViewerRoleRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "viewer", tui.Profile{Name: "test"})
	s := opened(t, NewAdjustLoyalty(c, e.client(t, "viewer"), e.firstCustomer(t), 10))
	if v := plain(s.View()); !strings.Contains(v, "your role (viewer) cannot adjust loyalty points") {
		t.Fatalf("no reason shown:\n%s", v)
	}
	cs := opened(t, NewCustomer(e.common(t, "agent", tui.Profile{}), e.client(t, "agent")))
	if v := plain(cs.View()); !strings.Contains(v, "your role (agent) cannot create customers") {
		t.Fatalf("an agent may open the new-customer form:\n%s", v)
	}
}

func TestLoyaltyBalanceFollowsThePoints(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "supervisor", tui.Profile{Name: "test"})
	s := opened(t, NewAdjustLoyalty(c, e.client(t, "supervisor"), e.firstCustomer(t), 320))
	for _, tc := range []struct{ typed, want string }{
		{"50", "Balance 320 → 370 points"},
		{"+50", "Balance 320 → 370 points"},
		{"-50", "Balance 320 → 270 points"},
		{"1,000", "Balance 320 → 1,320 points"},
		{"-400", "Balance 320 → -80 points: not enough points"},
	} {
		send(t, s, clearField()...)
		send(t, s, typeText(tc.typed)...)
		if v := plain(s.View()); !strings.Contains(v, tc.want) {
			t.Errorf("typed %q: want %q in\n%s", tc.typed, tc.want, v)
		}
	}
	// -400 is refused before sending.
	send(t, s, tabs(2)...)
	send(t, s, typeText("customer asked")...)
	if msgs := run(send(t, s, key("ctrl+s"))); len(msgs) != 0 {
		if _, ok := find[answerMsg](msgs); ok {
			t.Fatal("an adjustment below zero was sent")
		}
	}
	if v := plain(s.View()); !strings.Contains(v, "not enough points: the balance is 320") {
		t.Fatalf("not explained:\n%s", v)
	}
}

func TestLoyaltyNotAPointsNumber(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "supervisor", tui.Profile{Name: "test"})
	s := opened(t, NewAdjustLoyalty(c, e.client(t, "supervisor"), e.firstCustomer(t), 0))
	send(t, s, typeText("5O")...)
	if v := plain(s.View()); !strings.Contains(v, `"5O" is not a whole number of points`) {
		t.Fatalf("no error for a non-number:\n%s", v)
	}
}

func TestLoyaltyAgentLimitExplainedBeforeSending(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "agent", tui.Profile{Name: "test"})
	s := opened(t, NewAdjustLoyalty(c, e.client(t, "agent"), e.firstCustomer(t), 0))
	send(t, s, typeText("600")...)
	if v := plain(s.View()); !strings.Contains(v, "600 points is over your limit of 500; ask a supervisor") {
		t.Fatalf("limit not explained:\n%s", v)
	}
}

func ledgerCount(t *testing.T, e *env, id api.ID) int {
	t.Helper()
	var n int
	if err := e.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM loyalty_ledger WHERE customer_id = ?`, string(id)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestLoyaltyNegativeAsksWithNoAsDefault(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "supervisor", tui.Profile{Name: "test"})
	cust := e.firstCustomer(t)
	before := ledgerCount(t, e, cust.ID)
	s := opened(t, NewAdjustLoyalty(c, e.client(t, "supervisor"), cust, 320))
	send(t, s, typeText("-50")...)
	send(t, s, tabs(2)...)
	send(t, s, typeText("duplicate credit")...)
	if msgs := run(send(t, s, key("enter"))); len(msgs) != 0 {
		if _, ok := find[answerMsg](msgs); ok {
			t.Fatal("sent without asking")
		}
	}
	if v := plain(s.View()); !strings.Contains(v, "Remove 50 points from") || !strings.Contains(v, "removes points") {
		t.Fatalf("no confirmation:\n%s", v)
	}
	// enter without moving: No.
	if msgs := run(send(t, s, key("enter"))); len(msgs) != 0 {
		t.Fatalf("No sent something: %v", msgs)
	}
	if after := ledgerCount(t, e, cust.ID); after != before {
		t.Fatalf("ledger grew from %d to %d after No", before, after)
	}
	if v := plain(s.View()); !strings.Contains(v, "Balance 320 → 270") {
		t.Fatalf("the form did not come back with the draft:\n%s", v)
	}
	// Big positive amounts ask too.
	send(t, s, tabs(0)...)
	m := s.(*AdjustLoyalty)
	m.points = "1000"
	send(t, s, key("ctrl+s"))
	if v := plain(s.View()); !strings.Contains(v, "Add 1,000 points to") || !strings.Contains(v, "is large") {
		t.Fatalf("no confirmation for 1,000:\n%s", v)
	}
}

func TestProductionAsksBeforeEverySave(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "supervisor", tui.Profile{Name: "prod", Production: true})
	cust := e.firstCustomer(t)
	cl := e.client(t, "supervisor")

	s := opened(t, NewNote(c, cl, cust))
	send(t, s, typeText("called back")...)
	if msgs := run(send(t, s, key("ctrl+s"))); len(msgs) != 0 {
		if _, ok := find[answerMsg](msgs); ok {
			t.Fatal("saved to production without asking")
		}
	}
	if v := plain(s.View()); !strings.Contains(v, "prod (PRODUCTION)") {
		t.Fatalf("no production confirmation:\n%s", v)
	}
	run(send(t, s, key("n")))
	if s.(*Note).ask != nil || s.(*Note).body != "called back" {
		t.Fatal("No did not return to the draft")
	}
	send(t, s, key("ctrl+s"))
	msgs := run(send(t, s, key("y")))
	a, ok := find[answerMsg](msgs)
	if !ok || a.err != nil {
		t.Fatalf("Yes did not save: %+v", msgs)
	}
}

func TestNoteEnterIsANewLine(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "agent", tui.Profile{Name: "test"})
	s := opened(t, NewNote(c, e.client(t, "agent"), e.firstCustomer(t)))
	send(t, s, typeText("line one")...)
	if msgs := run(send(t, s, key("enter"))); len(msgs) != 0 {
		if _, ok := find[answerMsg](msgs); ok {
			t.Fatal("enter saved the note")
		}
	}
	send(t, s, typeText("line two")...)
	if got := s.(*Note).body; got != "line one\nline two" {
		t.Fatalf("body = %q", got)
	}
}
