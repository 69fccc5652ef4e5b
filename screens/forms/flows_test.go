package forms

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/client/frontdesk"
	"frontdesk/money"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/tui"
)

// start runs screen s in a teatest program under a harness shell.
func start(t *testing.T, c *tui.Common, s tui.Screen) (*teatest.TestModel, *harness) {
	t.Helper()
	h := newHarness(c, s)
	tm := teatest.NewTestModel(t, h,
		teatest.WithInitialTermSize(c.Width, c.Height),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.TrueColor)))
	t.Cleanup(func() {
		tm.Quit()
		tm.WaitFinished(t, teatest.WithFinalTimeout(20*time.Second))
	})
	// The form is live once its first field has focus (the left bar).
	h.waitFor(t, "the form", func(s snapshot) bool { return strings.Contains(s.view, "│") || strings.Contains(s.view, "┃") })
	return tm, h
}

func press(tm *teatest.TestModel, names ...string) {
	for _, n := range names {
		tm.Send(key(n))
	}
}

func typeInto(tm *teatest.TestModel, s string) {
	for _, m := range typeText(s) {
		tm.Send(m)
	}
}

func clearInput(tm *teatest.TestModel) {
	for _, m := range clearField() {
		tm.Send(m)
	}
}

// sent is every change sent through p, as "METHOD path body".
func sent(p *sandboxtest.Proxy) []string {
	var out []string
	for _, c := range p.Changes() {
		out = append(out, c.String())
	}
	return out
}

func TestFlowAdjustLoyaltyAddsOneEntry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "agent", tui.Profile{Name: "test"})
	cust := e.firstCustomer(t)
	cl := e.client(t, "agent")
	loy, err := cl.GetLoyalty(context.Background(), cust.ID)
	if err != nil {
		t.Fatal(err)
	}
	before := ledgerCount(t, e, cust.ID)

	tm, h := start(t, c, NewAdjustLoyalty(c, cl, cust, loy.PointsBalance))
	typeInto(tm, "+50")
	press(tm, "tab", "down", "down", "down", "tab") // reason: order issue
	typeInto(tm, "late delivery")
	press(tm, "enter")
	s := h.waitFor(t, "the adjustment", func(s snapshot) bool { return len(s.got) > 0 && len(s.toasts) > 0 })
	res, ok := s.got[0].(LoyaltyAdjustedMsg)
	if !ok || res.CustomerID != cust.ID || res.Result.PointsBalance != loy.PointsBalance+50 || res.Result.Entry.Reason != api.ReasonOrderIssue {
		t.Fatalf("got %+v", s.got)
	}
	want := "the balance is now " + money.Int(loy.PointsBalance+50)
	if !strings.Contains(s.toast(tui.ToastSuccess), want) {
		t.Fatalf("toast %q lacks %q", s.toast(tui.ToastSuccess), want)
	}
	if after := ledgerCount(t, e, cust.ID); after != before+1 {
		t.Fatalf("ledger has %d entries, want %d", after, before+1)
	}
}

func TestFlowAdjustRetryAfterNetworkErrorReusesTheKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "supervisor", tui.Profile{Name: "test"})
	cust := e.firstCustomer(t)
	// The proxy cuts the connection instead of answering the first
	// loyalty adjustment, after the sandbox applied it.
	proxy := sandboxtest.NewProxy(t, e.URL)
	proxy.DropAnswer(func(method, path string, n int) bool {
		return method == "POST" && strings.HasSuffix(path, "/loyalty/adjustments") && n == 1
	})
	// No retries in the client: the agent's retry is the one under test.
	cl := e.client(t, "supervisor", func(cfg *frontdesk.Config) { cfg.BaseURL, cfg.MaxRetries = proxy.URL, -1 })
	before := ledgerCount(t, e, cust.ID)

	tm, h := start(t, c, NewAdjustLoyalty(c, cl, cust, 100))
	typeInto(tm, "25")
	press(tm, "tab", "tab")
	typeInto(tm, "goodwill for the wait")
	press(tm, "ctrl+s")
	s := h.waitFor(t, "the network error", func(s snapshot) bool { return strings.Contains(s.view, "Cannot reach the store") })
	if len(s.got) != 0 {
		t.Fatalf("reported success after a cut connection: %+v", s.got)
	}
	if n := ledgerCount(t, e, cust.ID); n != before+1 {
		t.Fatalf("the sandbox should have applied the first attempt: %d entries, want %d", n, before+1)
	}
	press(tm, "ctrl+s")
	s = h.waitFor(t, "the retried adjustment", func(s snapshot) bool { return len(s.got) > 0 && len(s.toasts) > 0 })
	if _, ok := s.got[0].(LoyaltyAdjustedMsg); !ok {
		t.Fatalf("got %+v", s.got)
	}
	if !strings.Contains(s.toast(tui.ToastSuccess), "nothing was added twice") {
		t.Fatalf("toast %q does not say it was a replay", s.toast(tui.ToastSuccess))
	}
	if n := ledgerCount(t, e, cust.ID); n != before+1 {
		t.Fatalf("ledger has %d entries after the retry, want exactly %d", n, before+1)
	}
	var keys []string
	for _, c := range proxy.Changes() {
		if c.Method == "POST" && strings.HasSuffix(c.Path, "/loyalty/adjustments") {
			keys = append(keys, c.IdempotencyKey)
		}
	}
	if len(keys) != 2 || keys[0] == "" || keys[0] != keys[1] {
		t.Fatalf("idempotency keys sent: %q", keys)
	}
}

func TestFlowNegativeAdjustmentNoByDefault(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "supervisor", tui.Profile{Name: "test"})
	cust := e.firstCustomer(t)
	rec := sandboxtest.NewProxy(t, e.URL)
	cl := e.client(t, "supervisor", func(cfg *frontdesk.Config) { cfg.BaseURL = rec.URL })
	tm, h := start(t, c, NewAdjustLoyalty(c, cl, cust, 500))
	typeInto(tm, "-50")
	press(tm, "tab", "tab")
	typeInto(tm, "points given twice")
	press(tm, "enter")
	h.waitFor(t, "the confirmation", func(s snapshot) bool { return strings.Contains(s.view, "Remove 50 points") })
	press(tm, "enter")
	h.waitFor(t, "the form again", func(s snapshot) bool { return strings.Contains(s.view, "Balance 500 → 450") })
	if reqs := sent(rec); len(reqs) != 0 {
		t.Fatalf("sent after No: %q", reqs)
	}
}

func TestFlowNoteSaved(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "agent", tui.Profile{Name: "test"})
	cust := e.firstCustomer(t)
	cl := e.client(t, "agent")
	tm, h := start(t, c, NewNote(c, cl, cust))
	typeInto(tm, "Called about order 1042.")
	press(tm, "enter")
	typeInto(tm, "Refund promised.")
	press(tm, "ctrl+s")
	s := h.waitFor(t, "the note", func(s snapshot) bool { return len(s.got) > 0 })
	n, ok := s.got[0].(NoteAddedMsg)
	if !ok || n.Note.Body != "Called about order 1042.\nRefund promised." || n.Note.AgentName != c.Agent.Name {
		t.Fatalf("got %+v", s.got)
	}
	notes, err := cl.ListNotes(context.Background(), cust.ID, client.PageParams{Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(notes.Items) == 0 || notes.Items[0].Body != n.Note.Body || notes.Items[0].AgentName != "Amani Agent" {
		t.Fatalf("notes: %+v", notes.Items)
	}
}

func TestFlowNewCustomerCreated(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "supervisor", tui.Profile{Name: "test"})
	cl := e.client(t, "supervisor")
	tm, h := start(t, c, NewCustomer(c, cl))
	typeInto(tm, "achieng.otieno@example.co.ke")
	press(tm, "tab")
	typeInto(tm, "Achieng")
	press(tm, "tab")
	typeInto(tm, "Otieno")
	press(tm, "tab")
	typeInto(tm, "0722 100 200")
	press(tm, "tab")
	typeInto(tm, "Kenyatta Avenue 5")
	press(tm, "tab", "tab")
	typeInto(tm, "Nairobi")
	press(tm, "tab")
	typeInto(tm, "Nairobi County")
	press(tm, "tab", "tab")
	typeInto(tm, "KE")
	press(tm, "enter")
	s := h.waitFor(t, "the new customer", func(s snapshot) bool { return len(s.got) > 0 })
	cr, ok := s.got[0].(CustomerCreatedMsg)
	if !ok || cr.Customer.Email != "achieng.otieno@example.co.ke" || cr.Customer.Phone != "+254722100200" {
		t.Fatalf("got %+v", s.got)
	}
	if s.popped != 1 {
		t.Fatalf("popped %d times", s.popped)
	}
	got := e.customer(t, cr.Customer.ID)
	if got.Name() != "Achieng Otieno" || len(got.Addresses) != 1 || got.Addresses[0].City != "Nairobi" ||
		got.Addresses[0].State != "Nairobi County" || !got.Addresses[0].Default {
		t.Fatalf("stored: %+v", got)
	}

	// The same email again lands on the email field.
	tm2, h2 := start(t, c, NewCustomer(c, cl))
	typeInto(tm2, "achieng.otieno@example.co.ke")
	press(tm2, "tab")
	typeInto(tm2, "Other")
	press(tm2, "tab")
	typeInto(tm2, "Person")
	press(tm2, "ctrl+s")
	s = h2.waitFor(t, "the duplicate", func(s snapshot) bool { return strings.Contains(s.view, "another customer already has this email") })
	if len(s.got) != 0 {
		t.Fatalf("created twice: %+v", s.got)
	}
}
