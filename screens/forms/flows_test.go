package forms

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/client/frontdesk"
	"frontdesk/money"
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

// recorder keeps the body of every request that changes something.
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	sent []string // "METHOD path body"
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet && req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(b))
		r.mu.Lock()
		r.sent = append(r.sent, req.Method+" "+req.URL.Path+" "+string(b))
		r.mu.Unlock()
	}
	return r.next.RoundTrip(req)
}

func (r *recorder) requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.sent)
}

func TestFlowEditPhoneSendsOnlyThePhone(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "agent", tui.Profile{Name: "test"})
	before := e.firstCustomer(t)
	rec := &recorder{next: http.DefaultTransport}
	cl := e.client(t, "agent", func(cfg *frontdesk.Config) { cfg.Transport = rec })

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
	reqs := rec.requests()
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

// dropper proxies to the sandbox and cuts the connection instead of
// answering the first loyalty adjustment, after the sandbox applied it.
type dropper struct {
	upstream string
	mu       sync.Mutex
	keys     []string
}

func (d *dropper) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	req, err := http.NewRequestWithContext(r.Context(), r.Method, d.upstream+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	req.Header = r.Header.Clone()
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(resp.Body)
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/loyalty/adjustments") {
		d.mu.Lock()
		d.keys = append(d.keys, r.Header.Get(api.HeaderIdempotencyKey))
		first := len(d.keys) == 1
		d.mu.Unlock()
		if first {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	// No connection reuse: net/http would otherwise replay a keyed POST
	// on its own when a reused connection dies, hiding the error from
	// the form this test is about.
	w.Header().Set("Connection", "close")
	w.WriteHeader(resp.StatusCode)
	w.Write(rb)
}

func TestFlowAdjustRetryAfterNetworkErrorReusesTheKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "supervisor", tui.Profile{Name: "test"})
	cust := e.firstCustomer(t)
	d := &dropper{upstream: e.URL}
	proxy := httptest.NewServer(d)
	t.Cleanup(proxy.Close)
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
	d.mu.Lock()
	keys := slices.Clone(d.keys)
	d.mu.Unlock()
	if len(keys) != 2 || keys[0] == "" || keys[0] != keys[1] {
		t.Fatalf("idempotency keys sent: %q", keys)
	}
}

func TestFlowNegativeAdjustmentNoByDefault(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.common(t, "supervisor", tui.Profile{Name: "test"})
	cust := e.firstCustomer(t)
	rec := &recorder{next: http.DefaultTransport}
	cl := e.client(t, "supervisor", func(cfg *frontdesk.Config) { cfg.Transport = rec })
	tm, h := start(t, c, NewAdjustLoyalty(c, cl, cust, 500))
	typeInto(tm, "-50")
	press(tm, "tab", "tab")
	typeInto(tm, "points given twice")
	press(tm, "enter")
	h.waitFor(t, "the confirmation", func(s snapshot) bool { return strings.Contains(s.view, "Remove 50 points") })
	press(tm, "enter")
	h.waitFor(t, "the form again", func(s snapshot) bool { return strings.Contains(s.view, "Balance 500 → 450") })
	if reqs := rec.requests(); len(reqs) != 0 {
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
