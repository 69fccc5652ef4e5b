package screens

import (
	"context"
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"frontdesk/api"
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
	if len(s.list.Customers) != searchPageSize {
		t.Fatalf("%d rows on page 1, want %d", len(s.list.Customers), searchPageSize)
	}
	for i := 1; i < len(s.list.Customers); i++ {
		if s.list.Customers[i].CreatedAt.After(s.list.Customers[i-1].CreatedAt) {
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

func TestSearchDebouncesTypingAndOpensTheMatch(t *testing.T) {
	s, env := newTestSearch(t, api.RoleAgent, 60)
	want, frag := pickCustomer(t, env.DB)
	if !s.CapturesKeys() {
		t.Fatal("the search box should have the keys at start")
	}
	// Type the whole fragment before any debounce tick fires: only the
	// last keystroke's tick may send a request.
	var cmds []tea.Cmd
	for _, r := range frag {
		_, cmd := s.Update(key(string(r)))
		cmds = append(cmds, cmd)
	}
	if s.Query() != frag {
		t.Fatalf("box holds %q, want %q", s.Query(), frag)
	}
	requests, from := 0, -1
	for i, cmd := range cmds {
		for _, msg := range run(t, cmd) {
			if _, ok := msg.(searchTickMsg); !ok {
				continue
			}
			_, next := s.Update(msg)
			if next != nil {
				requests, from = requests+1, i
				settle(t, s, next)
			}
		}
	}
	if requests != 1 || from != len(cmds)-1 {
		t.Fatalf("typing %d characters sent %d requests (from keystroke %d), want 1 from the last", len(frag), requests, from)
	}
	if s.shown.query != frag || s.list.Total != 1 {
		t.Fatalf("shown %q with %d results, want %q with 1", s.shown.query, s.list.Total, frag)
	}
	if v := s.View(); !strings.Contains(v, want.email) || !strings.Contains(v, "1 customer") {
		t.Fatalf("view does not show %s:\n%s", want.email, v)
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

func TestSearchIgnoresALateAnswer(t *testing.T) {
	s, _ := newTestSearch(t, api.RoleAgent, 20)
	older := api.CustomerList{Customers: []api.Customer{{ID: "1", Email: "jan@old.test"}}, Total: 1, Page: 1, Limit: 50}
	newer := api.CustomerList{Customers: []api.Customer{{ID: "2", Email: "jane@new.test"}}, Total: 1, Page: 1, Limit: 50}

	s.input.SetValue("jan")
	first := s.fetch()
	s.input.SetValue("jane")
	second := s.fetch()
	seqJan, seqJane := s.seq-1, s.seq

	// The answer to "jane" comes first, then the late answer to "jan".
	s.Update(searchDoneMsg{s: s, seq: seqJane, key: searchKey{query: "jane", sort: api.SortNewest, page: 1}, list: newer})
	s.Update(searchDoneMsg{s: s, seq: seqJan, key: searchKey{query: "jan", sort: api.SortNewest, page: 1}, list: older})
	if s.shown.query != "jane" || s.list.Customers[0].Email != "jane@new.test" {
		t.Fatalf("showing %q %v after a late answer, want jane's", s.shown.query, s.list.Customers)
	}
	if v := s.View(); strings.Contains(v, "jan@old.test") {
		t.Fatalf("the late answer reached the view:\n%s", v)
	}

	// Out of order the other way: the superseded answer arrives while the
	// newer request is still out, and is dropped too.
	s.input.SetValue("ja")
	s.fetch()
	s.input.SetValue("j")
	s.fetch()
	s.Update(searchDoneMsg{s: s, seq: s.seq - 1, key: searchKey{query: "ja", sort: api.SortNewest, page: 1}, list: older})
	if s.shown.query != "jane" || !s.loading {
		t.Fatalf("a superseded answer was taken: showing %q, loading %v", s.shown.query, s.loading)
	}

	// The real superseded requests were cancelled: their error answers are
	// dropped as well.
	for _, cmd := range []tea.Cmd{first, second} {
		for _, msg := range run(t, cmd) {
			d := msg.(searchDoneMsg)
			if d.err != nil && !errors.Is(d.err, context.Canceled) {
				t.Errorf("a superseded request failed with %v, want context.Canceled", d.err)
			}
			s.Update(msg)
		}
	}
	if s.err != nil {
		t.Fatalf("a cancelled request's error reached the screen: %v", s.err)
	}
	// An answer meant for another search screen is not this one's.
	other := newSearch(s.c, s.env, "")
	s.Update(searchDoneMsg{s: other, seq: s.seq, key: searchKey{query: "x"}, list: older})
	if s.shown.query == "x" {
		t.Fatal("took an answer addressed to another screen")
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
	if s.shown.page != 2 || len(s.list.Customers) != 10 {
		t.Fatalf("pgdown shows page %d with %d rows, want page 2 with 10", s.shown.page, len(s.list.Customers))
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
	for i := 1; i < len(s.list.Customers); i++ {
		if s.list.Customers[i].TotalSpent > s.list.Customers[i-1].TotalSpent {
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

	first := s.list.Customers[0]
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
	if !ok || open.ID != s.list.Customers[0].ID {
		t.Fatalf("enter opened %v, want %s", open, s.list.Customers[0].ID)
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
	if open, ok := findMsg[tui.OpenCustomerMsg](run(t, cmd)); !ok || open.ID != s.list.Customers[2].ID {
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
	ts := toasts(msgs)
	if len(ts) != 1 || !strings.Contains(ts[0], "cannot reach the store") {
		t.Fatalf("a dead API toasted %q", ts)
	}
	v = s.View()
	if !strings.Contains(v, "Could not load customers.") || !strings.Contains(v, "Press ctrl+r to retry.") {
		t.Fatalf("no error state:\n%s", v)
	}
	checkView(t, v, 100, 20)

	sw.down.Store(false)
	press(t, s, "ctrl+r")
	if s.err != nil || s.shown.query != "zzqqx" {
		t.Fatalf("ctrl+r did not recover: err %v, query %q", s.err, s.shown.query)
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
