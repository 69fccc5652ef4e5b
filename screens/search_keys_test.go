package screens

import (
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/tui"
)

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

// The search's keys are data: every binding the footer and ? show for the
// results and the box carries the action that key runs, and gating comes
// from the same binding (the shell refuses n for a viewer with policy's
// sentence, through the list FullHelp returns).
func TestSearchBindingsCarryTheirAction(t *testing.T) {
	s, _ := newTestSearch(t, api.RoleViewer, 10)
	for _, b := range s.ShortHelp() {
		if b.Run == nil {
			t.Errorf("box footer key %q has no action", b.KeyLabel())
		}
	}
	press(t, s, "down")
	for _, g := range s.FullHelp() {
		for _, b := range g {
			if b.Run == nil {
				t.Errorf("results key %q (%s) has no action", b.KeyLabel(), b.Help)
			}
		}
	}
	for _, b := range s.ShortHelp() {
		if b.Run == nil {
			t.Errorf("results footer key %q has no action", b.KeyLabel())
		}
	}
	cmd, handled := s.c.Dispatch(key("n"), s.FullHelp()...)
	if !handled {
		t.Fatal("n is not among the results' bindings")
	}
	if ts := toasts(run(t, cmd)); len(ts) != 1 || !strings.Contains(ts[0], "your role (viewer) cannot create customers") {
		t.Fatalf("n for a viewer through the key map: %v, want policy's sentence", ts)
	}
	// j through the same list moves the highlight.
	before := s.cur.pos
	if cmd, handled := s.c.Dispatch(key("j"), s.FullHelp()...); !handled || cmd != nil || s.cur.pos != before+1 {
		t.Fatalf("j through the key map: handled %v, pos %d → %d", handled, before, s.cur.pos)
	}
}
