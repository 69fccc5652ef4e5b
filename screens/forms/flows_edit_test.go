package forms

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/client/frontdesk"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/tui"
)

func TestFlowEditPhoneSendsOnlyThePhone(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "agent", tui.Profile{Name: "test"})
	before := e.firstCustomer(t)
	rec := sandboxtest.NewProxy(t, e.URL)
	cl := e.client(t, "agent", func(cfg *frontdesk.Config) { cfg.BaseURL = rec.URL })

	tm, h := start(t, c, NewEditProfile(c, cl, before))
	press(tm, "tab", "tab", "tab")
	clearInput(tm)
	typeInto(tm, "0711 222 333")
	h.waitFor(t, "the normalised phone", func(s snapshot) bool { return strings.Contains(s.view, "saved as +254711222333") })
	press(tm, "ctrl+s")
	s := h.waitFor(t, "the save", func(s snapshot) bool { return len(s.got) > 0 && len(s.toasts) > 0 })

	saved, ok := s.got[0].(CustomerSavedMsg)
	if !ok || saved.Customer.Phone != "+254711222333" {
		t.Fatalf("got %+v", s.got)
	}
	if s.popped != 1 || !strings.Contains(s.toast(tui.ToastSuccess), "Saved") {
		t.Fatalf("popped %d times, toasts %+v", s.popped, s.toasts)
	}
	after := e.customer(t, before.ID)
	if after.Phone != "+254711222333" || after.Version != before.Version+1 {
		t.Fatalf("after: phone %q version %d (before %d)", after.Phone, after.Version, before.Version)
	}
	// Everything else is untouched.
	a, b := after, before
	a.Phone, a.Version, a.UpdatedAt, a.StoreMetrics = "", 0, time.Time{}, nil
	b.Phone, b.Version, b.UpdatedAt, b.StoreMetrics = "", 0, time.Time{}, nil
	aj, _ := json.Marshal(a)
	bj, _ := json.Marshal(b)
	if !bytes.Equal(aj, bj) {
		t.Fatalf("other fields changed:\nbefore %s\nafter  %s", bj, aj)
	}
	// Only the phone went over the wire.
	reqs := sent(rec)
	if len(reqs) != 1 || !strings.HasPrefix(reqs[0], "PATCH ") || !strings.HasSuffix(reqs[0], ` {"phone":"+254711222333"}`) {
		t.Fatalf("requests: %q", reqs)
	}
}

func TestFlowConcurrentChangeShowsTheDiffAndReapplies(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "agent", tui.Profile{Name: "test"})
	before := e.firstCustomer(t)
	cl := e.client(t, "agent")

	tm, h := start(t, c, NewEditProfile(c, cl, before))
	press(tm, "tab", "tab", "tab")
	clearInput(tm)
	typeInto(tm, "+254733444555")
	h.waitFor(t, "the typed phone", func(s snapshot) bool { return strings.Contains(s.view, "+254733444555") })

	// Someone else saves the customer meanwhile.
	other := "Mwangi-Concurrent"
	if _, err := e.client(t, "supervisor").PatchCustomer(context.Background(), before.ID, client.CustomerVersion(before), api.CustomerPatch{LastName: &other}); err != nil {
		t.Fatal(err)
	}
	press(tm, "ctrl+s")
	s := h.waitFor(t, "the conflict", func(s snapshot) bool { return strings.Contains(s.view, "Re-apply my changes") })
	for _, want := range []string{"Last name", other, "(you did not change it)", "Phone", "+254733444555", "Re-apply my changes"} {
		if !strings.Contains(s.view, want) {
			t.Errorf("the diff lacks %q:\n%s", want, s.view)
		}
	}
	if strings.Contains(s.view, "Email  ") {
		t.Errorf("the diff shows a field that does not differ:\n%s", s.view)
	}
	press(tm, "enter") // re-apply (the highlighted choice)
	s = h.waitFor(t, "the re-applied save", func(s snapshot) bool { return len(s.got) > 0 })
	if _, ok := s.got[0].(CustomerSavedMsg); !ok {
		t.Fatalf("got %+v", s.got)
	}
	after := e.customer(t, before.ID)
	if after.LastName != other || after.Phone != "+254733444555" || after.Version != before.Version+2 {
		t.Fatalf("the API shows last name %q, phone %q, version %d (was %d)", after.LastName, after.Phone, after.Version, before.Version)
	}
}

func TestFlowDuplicateEmailLandsOnTheField(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "agent", tui.Profile{Name: "test"})
	cust := e.firstCustomer(t)
	list, err := e.client(t, "agent").SearchCustomers(context.Background(), client.SearchParams{Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	taken := ""
	for _, o := range list.Items {
		if o.ID != cust.ID {
			taken = o.Email
			break
		}
	}
	tm, h := start(t, c, NewEditProfile(c, e.client(t, "agent"), cust))
	press(tm, "tab")
	clearInput(tm)
	typeInto(tm, "Kamau-Draft")
	press(tm, "tab")
	clearInput(tm)
	typeInto(tm, taken)
	press(tm, "ctrl+s")
	s := h.waitFor(t, "the duplicate email error", func(s snapshot) bool {
		return strings.Contains(s.view, "another customer already has this email")
	})
	if len(s.got) != 0 || s.popped != 0 {
		t.Fatalf("the form closed: %+v", s.got)
	}
	// The error is on the email field's own title line.
	for _, l := range strings.Split(s.view, "\n") {
		if strings.Contains(l, "another customer already has this email") && !strings.Contains(l, "Email") {
			t.Errorf("the error is not on the email field: %q", l)
		}
	}
	if !strings.Contains(s.view, "Kamau-Draft") || !strings.Contains(s.view, taken) {
		t.Fatalf("the draft was lost:\n%s", s.view)
	}
	if got := e.customer(t, cust.ID); got.Version != cust.Version {
		t.Fatalf("the customer changed: version %d", got.Version)
	}
	// Changing the email clears the error.
	typeInto(tm, "x")
	h.waitFor(t, "the error to clear", func(s snapshot) bool {
		return !strings.Contains(s.view, "another customer already has this email")
	})
}

func TestFlowServerDownKeepsTheDraft(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "agent", tui.Profile{Name: "test"})
	cust := e.firstCustomer(t)
	cl := e.client(t, "agent", func(cfg *frontdesk.Config) { cfg.BaseURL = deadURL(t) })

	tm, h := start(t, c, NewEditProfile(c, cl, cust))
	press(tm, "tab", "tab", "tab")
	clearInput(tm)
	typeInto(tm, "0799 888 777")
	press(tm, "ctrl+s")
	s := h.waitFor(t, "the network error", func(s snapshot) bool { return strings.Contains(s.view, "Your changes are kept") })
	if !strings.Contains(s.view, "Cannot reach the store") || !strings.Contains(s.view, "0799 888 777") {
		t.Fatalf("error or draft missing:\n%s", s.view)
	}
	if len(s.got) != 0 || s.popped != 0 {
		t.Fatalf("the form closed: %+v", s.got)
	}
	// Keys still work: esc asks before discarding the draft.
	press(tm, "esc")
	h.waitFor(t, "the discard question", func(s snapshot) bool { return strings.Contains(s.view, "Discard your changes?") })
}

func TestEditFormGolden(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.commonColor(t, "agent", tui.Profile{Name: "test"}, false)
	c.Width, c.Height = 80, 24
	cust, err := e.client(t, "supervisor").CreateCustomer(context.Background(), api.CustomerCreate{
		Email: "amina.wanjiru@example.co.ke", FirstName: "Amina", LastName: "Wanjiru", Phone: "+254711000222",
		Addresses: []api.Address{{Type: "shipping", Address1: "12 Moi Avenue", City: "Nairobi", Zip: "00100", Country: "KE", Default: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	tm, h := start(t, c, NewEditProfile(c, e.client(t, "agent"), cust))
	press(tm, "tab", "tab")
	clearInput(tm)
	typeInto(tm, "amina@")
	press(tm, "tab")
	clearInput(tm)
	typeInto(tm, "0722 333 444")
	press(tm, "tab") // to the status: no blinking cursor in the picture
	h.waitFor(t, "the typed values", func(s snapshot) bool {
		return strings.Contains(s.view, "saved as +254722333444") && strings.Contains(s.view, "is not an email address")
	})
	tm.Quit()
	final := tm.FinalModel(t, teatest.WithFinalTimeout(20*time.Second)).(*harness)
	golden.RequireEqual(t, final.stack[len(final.stack)-1].View())
}
