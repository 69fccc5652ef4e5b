package screens

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
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
