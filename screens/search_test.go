package screens

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/tui"
)

// checkView fails if a view is not exactly h lines of at most w cells, or
// carries a control character other than newline (with colour off, a view
// has no escape sequence at all).
func checkView(t *testing.T, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Errorf("view has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got > w {
			t.Errorf("line %d is %d cells wide, more than %d: %q", i, got, w, l)
		}
		for _, r := range l {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Fatalf("line %d carries control character %U: %q", i, r, l)
			}
		}
	}
}

func newTestSearch(t *testing.T, role string, customers int) (*Search, *sandboxtest.Env) {
	t.Helper()
	env := newSandbox(t, customers)
	cl := newClient(t, env, role, env.URL)
	c := testCommon(role, 120, 30)
	s := newSearch(c, testEnv(cl), "")
	s.SetSize(120, 30)
	settle(t, s, s.Init())
	return s, env
}

func TestSearchListsNewestCustomersFirst(t *testing.T) {
	s, _ := newTestSearch(t, api.RoleAgent, 60)
	if !s.hasList || s.list.Total != 60 {
		t.Fatalf("total = %d (has list %v, err %v), want 60", s.list.Total, s.hasList, s.err)
	}
	if len(s.list.Items) != searchPageSize {
		t.Fatalf("%d rows on page 1, want %d", len(s.list.Items), searchPageSize)
	}
	for i := 1; i < len(s.list.Items); i++ {
		if s.list.Items[i].CreatedAt.After(s.list.Items[i-1].CreatedAt) {
			t.Fatalf("row %d is newer than row %d: not newest first", i, i-1)
		}
	}
	v := s.View()
	checkView(t, v, 120, 30)
	for _, want := range []string{"page 1 of 2 · 60 customers", "sort: newest", "Name", "Total spent", "KES "} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	// The hostile records are the newest: their escape sequences must
	// show inert.
	if !strings.Contains(v, "␛]0;pwned␇Title") {
		t.Errorf("the title record is not shown inert:\n%s", v)
	}
}

// deliver hands msg to s (even one settle leaves to the test, such as a
// timer's) and settles what it starts.
func deliver(t testing.TB, s tui.Screen, msg tea.Msg) []tea.Msg {
	t.Helper()
	_, cmd := s.Update(msg)
	return settle(t, s, cmd)
}

// searches returns the search answers among msgs.
func searches(msgs []tea.Msg) []searchDoneMsg {
	var out []searchDoneMsg
	for _, m := range msgs {
		if d, ok := m.(searchDoneMsg); ok {
			out = append(out, d)
		}
	}
	return out
}

// The first key searches at once; keys typed while it is in flight send
// nothing, and its answer sends the newest text. Enter on the final list
// opens the match.
func TestSearchSendsAtOnceAndCoalesces(t *testing.T) {
	s, env := newTestSearch(t, api.RoleAgent, 60)
	want, frag := pickCustomer(t, env.DB)
	if !s.CapturesKeys() {
		t.Fatal("the search box should have the keys at start")
	}
	_, cmd := s.Update(key(string(frag[0])))
	first := searches(run(t, cmd))
	if len(first) != 1 || first[0].key.query != frag[:1] {
		t.Fatalf("the first key sent %v, want one search for %q", first, frag[:1])
	}
	for _, r := range frag[1:] {
		_, cmd := s.Update(key(string(r)))
		if got := searches(run(t, cmd)); len(got) != 0 {
			t.Fatalf("a key typed while a search was in flight sent %d more", len(got))
		}
	}
	if v := s.View(); !strings.Contains(v, "searching") {
		t.Fatalf("the status line does not say a search is under way:\n%s", v)
	}
	// The first answer is shown (for the first letter), and asks for the
	// whole fragment: one more request.
	_, cmd = s.Update(first[0])
	next := searches(run(t, cmd))
	if len(next) != 1 || next[0].key.query != frag {
		t.Fatalf("the first answer sent %v, want one search for %q", next, frag)
	}
	if s.shown.query != frag[:1] || !s.stale() {
		t.Fatalf("showing %q (stale %v) between answers, want the first letter's list, stale", s.shown.query, s.stale())
	}
	if v := s.View(); !strings.Contains(v, "searching "+strconv.Quote(frag)+"…") {
		t.Fatalf("the status line does not say which text is coming:\n%s", v)
	}
	settle(t, s, func() tea.Msg { return next[0] })
	if s.shown.query != frag || s.list.Total != 1 || s.stale() {
		t.Fatalf("shown %q with %d results (stale %v), want %q with 1", s.shown.query, s.list.Total, s.stale(), frag)
	}
	if v := s.View(); !strings.Contains(v, want.email) || !strings.Contains(v, "1 customer") || strings.Contains(v, "searching") {
		t.Fatalf("view does not show %s, done:\n%s", want.email, v)
	}
	msgs := press(t, s, "enter")
	open, ok := findMsg[tui.OpenCustomerMsg](msgs)
	if !ok || open.ID != want.id {
		t.Fatalf("enter gave %v, want OpenCustomerMsg{%s}", msgs, want.id)
	}
	if s.CapturesKeys() {
		t.Error("after opening, the search should be in the results (q quits there)")
	}
}

// Enter pressed before the answer to the text in the box has arrived
// never opens a row of the list on screen: it waits, then opens the one
// customer the answer names, or only shows the answer.
func TestSearchEnterWaitsForTheTextInTheBox(t *testing.T) {
	s, env := newTestSearch(t, api.RoleAgent, 60)
	want, frag := pickCustomer(t, env.DB)
	shownBefore := s.list.Items[0]

	// Paste the fragment and press enter at once: the list on screen is
	// still the newest customers.
	_, cmd := s.Update(tea.PasteMsg{Content: frag})
	pending := searches(run(t, cmd))
	if len(pending) != 1 {
		t.Fatalf("the paste sent %d searches, want 1", len(pending))
	}
	msgs := press(t, s, "enter")
	if open, ok := findMsg[tui.OpenCustomerMsg](msgs); ok {
		t.Fatalf("enter on a stale list opened %s (the list showed %s first)", open.ID, shownBefore.ID)
	}
	v := s.View()
	if !strings.Contains(v, "opening when "+strconv.Quote(frag)+" answers") {
		t.Fatalf("the screen does not say enter is waiting:\n%s", v)
	}
	if strings.Contains(v, s.c.Styles.SelectedMarker) {
		t.Fatalf("a stale list shows a highlighted row:\n%s", v)
	}
	// y and Y say why they do nothing.
	for _, k := range []string{"y", "Y"} {
		if reason := s.noSelection(); !strings.Contains(reason, "not yet for") {
			t.Fatalf("%s on a stale list: reason %q", k, reason)
		}
	}
	msgs = settle(t, s, func() tea.Msg { return pending[0] })
	open, ok := findMsg[tui.OpenCustomerMsg](msgs)
	if !ok || open.ID != want.id {
		t.Fatalf("when the answer came, enter opened %v, want %s", msgs, want.id)
	}

	// A broad text: the answer names nobody, so nothing opens; the list
	// is shown and the agent is told to pick.
	s.focus()
	s.input.SetValue("")
	_, cmd = s.Update(tea.PasteMsg{Content: "hostile-"})
	pending = searches(run(t, cmd))
	msgs = press(t, s, "enter")
	msgs = append(msgs, settle(t, s, func() tea.Msg { return pending[0] })...)
	if open, ok := findMsg[tui.OpenCustomerMsg](msgs); ok {
		t.Fatalf("enter on a broad text opened %s", open.ID)
	}
	if ts := toasts(msgs); len(ts) != 1 || !strings.Contains(ts[0], "highlight one and press enter") {
		t.Fatalf("after a broad answer the toast said %q", ts)
	}
	// Now the list answers the text: enter opens the highlighted row.
	open, ok = findMsg[tui.OpenCustomerMsg](press(t, s, "enter"))
	if !ok || open.ID != s.list.Items[0].ID {
		t.Fatalf("enter on a fresh list opened %v, want the first row %s", open, s.list.Items[0].ID)
	}
}

// The exact email among several results is the one enter opens.
func TestNamedCustomer(t *testing.T) {
	list := client.Page[api.Customer]{Total: 3, Items: []api.Customer{
		{ID: "1", Email: "jane@x.test", Phone: "+254711000001"},
		{ID: "2", Email: "jane.k@x.test", Phone: "+254711000002"},
		{ID: "3", Email: "janet@x.test", Phone: "+254722000003"},
	}}
	for _, tc := range []struct {
		query, want string
	}{
		{"JANE@x.test", "1"},
		{"0711 000 002", "2"},
		{"+254722000003", "3"},
		{"3", "3"},
		{"jane", ""},
		{"0711", ""},
	} {
		c, ok := namedCustomer(list, tc.query)
		if got := string(c.ID); (tc.want == "") == ok || got != tc.want {
			t.Errorf("namedCustomer(%q) = %q, %v; want %q", tc.query, got, ok, tc.want)
		}
	}
	one := client.Page[api.Customer]{Total: 1, Items: list.Items[:1]}
	if c, ok := namedCustomer(one, "jan"); !ok || c.ID != "1" {
		t.Errorf("a single result is not named: %v %v", c, ok)
	}
}

// A late answer is dropped: only the request in flight is answered, and
// a closed screen takes nothing.
func TestSearchIgnoresALateAnswer(t *testing.T) {
	s, _ := newTestSearch(t, api.RoleAgent, 20)
	older := client.Page[api.Customer]{Items: []api.Customer{{ID: "1", Email: "jan@old.test"}}, Total: 1, Number: 1, Limit: 50}
	newer := client.Page[api.Customer]{Items: []api.Customer{{ID: "2", Email: "jane@new.test"}}, Total: 1, Number: 1, Limit: 50}

	s.input.SetValue("jane")
	s.sync()
	seqJane := s.seq
	// An answer with an older number (a request that was cancelled) is
	// not the one in flight.
	s.Update(searchDoneMsg{s: s, seq: seqJane - 1, key: searchKey{query: "jan", sort: api.SortNewest, page: 1}, list: older})
	if s.shown.query == "jan" || !s.flying {
		t.Fatalf("a stale answer was taken: showing %q, flying %v", s.shown.query, s.flying)
	}
	s.Update(searchDoneMsg{s: s, seq: seqJane, key: searchKey{query: "jane", sort: api.SortNewest, page: 1}, list: newer})
	if s.shown.query != "jane" || s.list.Items[0].Email != "jane@new.test" {
		t.Fatalf("showing %q %v, want jane's", s.shown.query, s.list.Items)
	}
	// The same answer delivered twice is not taken twice.
	s.Update(searchDoneMsg{s: s, seq: seqJane, key: searchKey{query: "jan", sort: api.SortNewest, page: 1}, list: older})
	if v := s.View(); strings.Contains(v, "jan@old.test") {
		t.Fatalf("a repeated answer reached the view:\n%s", v)
	}
	// An answer meant for another search screen is not this one's.
	other := newSearch(s.c, s.env, "")
	s.Update(searchDoneMsg{s: other, seq: s.seq, key: searchKey{query: "x"}, list: older})
	if s.shown.query == "x" {
		t.Fatal("took an answer addressed to another screen")
	}
	// Close cancels the request in flight; its answer is dropped.
	s.input.SetValue("j")
	cmd := s.sync()
	s.Close()
	for _, msg := range run(t, cmd) {
		d := msg.(searchDoneMsg)
		if d.err == nil || !errors.Is(d.err, context.Canceled) {
			t.Errorf("a closed screen's request ended with %v, want context.Canceled", d.err)
		}
		s.Update(msg)
	}
	if s.err != nil || s.shown.query != "jane" {
		t.Fatalf("a cancelled request reached the screen: err %v, showing %q", s.err, s.shown.query)
	}
}

// With nothing typed, ? and : are the shell's (help, palette), as the
// footer says; with text in the box they are text.
func TestSearchHelpAndPaletteFromTheEmptyBox(t *testing.T) {
	s, _ := newTestSearch(t, api.RoleAgent, 10)
	if !s.GlobalKeysLive() {
		t.Fatal("an empty box should let ? and : through")
	}
	if _, ok := findMsg[tui.ShowHelpMsg](press(t, s, "?")); !ok || s.Query() != "" {
		t.Fatalf("? in the empty box: query %q, no help", s.Query())
	}
	if _, ok := findMsg[tui.OpenPaletteMsg](press(t, s, ":")); !ok || s.Query() != "" {
		t.Fatalf(": in the empty box: query %q, no palette", s.Query())
	}
	press(t, s, "a", "?", ":")
	if s.Query() != "a?:" || s.GlobalKeysLive() {
		t.Fatalf("with text in the box, ? and : should be typed: %q (live %v)", s.Query(), s.GlobalKeysLive())
	}
}

func TestSearchResultKeys(t *testing.T) {
	s, env := newTestSearch(t, api.RoleSupervisor, 60)
	press(t, s, "down")
	if s.CapturesKeys() {
		t.Fatal("down should move into the results")
	}
	press(t, s, "j", "j")
	if s.cur.pos != 2 {
		t.Fatalf("after j j the highlight is on %d, want 2", s.cur.pos)
	}
	press(t, s, "k")
	if s.cur.pos != 1 {
		t.Fatalf("after k the highlight is on %d, want 1", s.cur.pos)
	}
	press(t, s, "G")
	if s.cur.pos != searchPageSize-1 {
		t.Fatalf("G put the highlight on %d, want %d", s.cur.pos, searchPageSize-1)
	}
	press(t, s, "g")
	if s.cur.pos != 0 {
		t.Fatalf("g put the highlight on %d, want 0", s.cur.pos)
	}
	press(t, s, "k")
	if !s.CapturesKeys() {
		t.Fatal("k on the first row should go back to the box")
	}
	press(t, s, "tab")
	if s.CapturesKeys() {
		t.Fatal("tab should move into the results")
	}

	press(t, s, "pgdown")
	if s.shown.page != 2 || len(s.list.Items) != 10 {
		t.Fatalf("pgdown shows page %d with %d rows, want page 2 with 10", s.shown.page, len(s.list.Items))
	}
	if v := s.View(); !strings.Contains(v, "page 2 of 2") {
		t.Fatalf("view lacks page 2 of 2:\n%s", v)
	}
	if ts := toasts(press(t, s, "pgdown")); len(ts) != 1 || !strings.Contains(ts[0], "last page") {
		t.Fatalf("pgdown on the last page said %q", ts)
	}
	press(t, s, "pgup")
	if s.shown.page != 1 {
		t.Fatalf("pgup shows page %d, want 1", s.shown.page)
	}

	press(t, s, "s")
	if s.shown.sort != api.SortTopSpenders {
		t.Fatalf("s sorted by %q, want %q", s.shown.sort, api.SortTopSpenders)
	}
	for i := 1; i < len(s.list.Items); i++ {
		if s.list.Items[i].TotalSpent > s.list.Items[i-1].TotalSpent {
			t.Fatalf("row %d spent more than row %d: not top spenders first", i, i-1)
		}
	}
	if v := s.View(); !strings.Contains(v, "sort: top spenders") {
		t.Fatalf("view does not name the sort:\n%s", v)
	}
	press(t, s, "s")
	if s.shown.sort != api.SortName {
		t.Fatalf("second s sorted by %q, want name", s.shown.sort)
	}

	first := s.list.Items[0]
	if ts := toasts(press(t, s, "y")); len(ts) != 1 || !strings.Contains(ts[0], "copied email: "+first.Email) {
		t.Fatalf("y said %q, want the email copied", ts)
	}
	if ts := toasts(press(t, s, "Y")); len(ts) != 1 || !strings.Contains(ts[0], "copied customer id: "+string(first.ID)) {
		t.Fatalf("Y said %q, want the id copied", ts)
	}
	if push, ok := findMsg[tui.PushMsg](press(t, s, "n")); !ok || push.Screen == nil {
		t.Fatal("n (supervisor) did not push the new-customer form")
	}
	before := s.seq
	press(t, s, "ctrl+r")
	if s.seq != before+1 || s.err != nil {
		t.Fatalf("ctrl+r did not search again (seq %d → %d, err %v)", before, s.seq, s.err)
	}
	press(t, s, "/")
	if !s.CapturesKeys() {
		t.Fatal("/ should focus the box")
	}
	press(t, s, "esc")
	if s.CapturesKeys() {
		t.Fatal("esc in the box should leave it")
	}
	open, ok := findMsg[tui.OpenCustomerMsg](press(t, s, "enter"))
	if !ok || open.ID != s.list.Items[0].ID {
		t.Fatalf("enter opened %v, want %s", open, s.list.Items[0].ID)
	}
	_ = env
}

func TestSearchRoleGating(t *testing.T) {
	s, _ := newTestSearch(t, api.RoleViewer, 10)
	press(t, s, "down")
	var newBinding tui.Binding
	for _, g := range s.FullHelp() {
		for _, b := range g {
			if b.Matches(key("n")) {
				newBinding = b
			}
		}
	}
	if reason := s.c.Reason(newBinding); reason != "your role (viewer) cannot create customers" {
		t.Fatalf("n for a viewer: reason %q", reason)
	}
	if msgs := press(t, s, "n"); len(msgs) != 0 {
		t.Fatalf("n for a viewer did %v, want nothing", msgs)
	}
}

func TestSearchMouse(t *testing.T) {
	s, _ := newTestSearch(t, api.RoleAgent, 20)
	s.Update(tea.MouseClickMsg{X: 10, Y: searchHeadLines + 2, Button: tea.MouseLeft})
	if s.CapturesKeys() || s.cur.pos != 2 {
		t.Fatalf("click on the third row: in box %v, highlight %d", s.CapturesKeys(), s.cur.pos)
	}
	_, cmd := s.Update(tea.MouseClickMsg{X: 10, Y: searchHeadLines + 2, Button: tea.MouseLeft})
	if open, ok := findMsg[tui.OpenCustomerMsg](run(t, cmd)); !ok || open.ID != s.list.Items[2].ID {
		t.Fatalf("a second click did not open row 2: %v", open)
	}
	s.Update(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if s.cur.pos != 5 {
		t.Fatalf("wheel down moved to %d, want 5", s.cur.pos)
	}
	s.Update(tea.MouseClickMsg{X: 3, Y: 0, Button: tea.MouseLeft})
	if !s.CapturesKeys() {
		t.Fatal("a click on the box should focus it")
	}
}

func TestSearchEmptyErrorAndRetry(t *testing.T) {
	env := newSandbox(t, 20)
	sw := newSwitchable(t, env.URL)
	c := testCommon(api.RoleAgent, 100, 20)
	s := newSearch(c, testEnv(newClient(t, env, api.RoleAgent, sw.URL)), "")
	s.SetSize(100, 20)
	settle(t, s, s.Init())

	typeText(t, s, "zzqqxx")
	v := s.View()
	if !strings.Contains(v, `No customers match "zzqqxx".`) {
		t.Fatalf("no empty state:\n%s", v)
	}
	checkView(t, v, 100, 20)

	sw.down.Store(true)
	msgs := press(t, s, "backspace")
	v = s.View()
	if !strings.Contains(v, "Could not load customers.") || !strings.Contains(v, "cannot reach the store") ||
		!strings.Contains(v, "Retrying by itself in 2 s; ctrl+r retries now.") {
		t.Fatalf("no error state:\n%s", v)
	}
	checkView(t, v, 100, 20)
	tick, ok := findMsg[searchRetryMsg](msgs)
	if !ok {
		t.Fatalf("a dead store scheduled no retry: %v", msgs)
	}

	// The store comes back: the countdown retries by itself, no ctrl+r.
	sw.down.Store(false)
	msgs = deliver(t, s, tick)
	if !strings.Contains(s.View(), "Retrying by itself in 1 s") {
		t.Fatalf("the countdown did not count:\n%s", s.View())
	}
	tick, _ = findMsg[searchRetryMsg](msgs)
	deliver(t, s, tick)
	if s.err != nil || s.shown.query != "zzqqx" {
		t.Fatalf("the retry did not recover: err %v, query %q", s.err, s.shown.query)
	}

	// Down again; ctrl+r retries at once, and a tick of the cut-short
	// wait does nothing.
	sw.down.Store(true)
	msgs = press(t, s, "ctrl+r")
	tick, _ = findMsg[searchRetryMsg](msgs)
	if s.err == nil {
		t.Fatal("a dead store on ctrl+r showed no error")
	}
	sw.down.Store(false)
	press(t, s, "ctrl+r")
	if s.err != nil || s.waiting != 0 {
		t.Fatalf("ctrl+r did not recover: err %v, waiting %d", s.err, s.waiting)
	}
	if _, cmd := s.Update(tick); cmd != nil {
		t.Fatal("the tick of a wait that ctrl+r cut short still acted")
	}

	// An error still on screen when the agent comes back to the search
	// (a profile above it was popped) is reloaded.
	sw.down.Store(true)
	press(t, s, "ctrl+r")
	sw.down.Store(false)
	settle(t, s, s.Refocus())
	if s.err != nil {
		t.Fatalf("coming back to the search did not reload the error: %v", s.err)
	}
}

// A 429 says so, counts down the store's Retry-After, and searches again
// by itself; the list on screen stays.
func TestSearchRateLimited(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 20, Now: func() time.Time { return testNow }, RateLimit: 0.5, RateBurst: 2})
	c := testCommon(api.RoleAgent, 100, 20)
	s := newSearch(c, testEnv(newClient(t, env, api.RoleAgent, env.URL)), "")
	s.SetSize(100, 20)
	settle(t, s, s.Init())
	if !s.hasList {
		t.Fatalf("no first list: %v", s.err)
	}
	var msgs []tea.Msg
	for _, r := range "hostile" {
		msgs = append(msgs, press(t, s, string(r))...)
		if s.waiting > 0 {
			break
		}
	}
	tick, ok := findMsg[searchRetryMsg](msgs)
	if !ok || !s.limited {
		t.Fatalf("no 429 after a burst of searches (waiting %d, err %v)", s.waiting, s.err)
	}
	v := s.View()
	if !strings.Contains(v, "rate limited by the store, retrying in "+strconv.Itoa(s.waiting)+" s") || s.err != nil || !s.showsTable() {
		t.Fatalf("a 429 should keep the list and say it waits:\n%s", v)
	}
	// Keys typed during the wait send nothing; the countdown's end sends
	// the newest text.
	_, cmd := s.Update(key("-"))
	if got := searches(run(t, cmd)); len(got) != 0 {
		t.Fatalf("a key during the wait sent %d searches", len(got))
	}
	for s.waiting > 0 {
		// The limiter refills at 0.5/s: wait for it as the console would.
		time.Sleep(time.Second) // the countdown's own second, not synchronisation
		msgs = deliver(t, s, tick)
		tick, _ = findMsg[searchRetryMsg](msgs)
	}
	if s.shown.query != s.Query() || s.stale() || s.limited {
		t.Fatalf("after the wait showing %q (stale %v, limited %v), want %q", s.shown.query, s.stale(), s.limited, s.Query())
	}
}

func TestSearchSmallAndHostileViewsStayInBounds(t *testing.T) {
	s, _ := newTestSearch(t, api.RoleAgent, 30)
	typeText(t, s, "hostile-")
	if s.list.Total < 12 {
		t.Fatalf("hostile- found %d customers, want the 12 hostile records", s.list.Total)
	}
	for _, size := range [][2]int{{60, 14}, {80, 20}, {200, 60}} {
		s.SetSize(size[0], size[1])
		press(t, s, "down")
		for range s.list.Total {
			checkView(t, s.View(), size[0], size[1])
			press(t, s, "j")
		}
		press(t, s, "/")
	}
}
