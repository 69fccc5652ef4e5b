package screens

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
)

// apiTotal is the total GET /customers answers for params, asked of the
// sandbox directly.
func apiTotal(t *testing.T, env *sandboxtest.Env, params url.Values) int {
	t.Helper()
	var list api.CustomerList
	env.Do(t, "viewer", "GET", "/customers?"+params.Encode(), nil).Data(t, &list)
	return list.Total
}

// TestSearchCompletesFilters: tab completes a filter's name in the box
// (the status line says what it takes), the completed filter searches
// the store, and tab without a completion moves to the results.
func TestSearchCompletesFilters(t *testing.T) {
	s, env := newTestSearch(t, api.RoleAgent, 80)
	typeText(t, s, "ord")
	if v := s.View(); !strings.Contains(v, "tab: orders: number of orders") {
		t.Fatalf("no completion offered for ord:\n%s", v)
	}
	press(t, s, "tab")
	if got := s.Query(); got != "orders:" || !s.CapturesKeys() {
		t.Fatalf("after tab: box %q, in box %v; want orders: and the box", got, s.CapturesKeys())
	}
	typeText(t, s, ">5")
	want := apiTotal(t, env, url.Values{"orders": {">5"}})
	if want == 0 || want == 80 {
		t.Fatalf("the seed has %d of 80 customers with more than 5 orders: the test proves nothing", want)
	}
	if s.err != nil || s.list.Total != want || s.shown.query != "orders:>5" {
		t.Fatalf("orders:>5 lists %d (query %q, err %v), the API says %d", s.list.Total, s.shown.query, s.err, want)
	}
	for _, c := range s.list.Items {
		if c.TotalOrders <= 5 {
			t.Errorf("orders:>5 lists %s with %d orders", c.ID, c.TotalOrders)
		}
	}
	// A second word completes on its own: "mary st" → "mary status:".
	press(t, s, "ctrl+u")
	if s.Query() != "" {
		typeText(t, s, "")
	}
	for s.Query() != "" {
		press(t, s, "backspace")
	}
	typeText(t, s, "a st")
	press(t, s, "tab")
	if got := s.Query(); got != "a status:" {
		t.Fatalf("a st + tab = %q, want \"a status:\"", got)
	}
	// No completion: tab goes to the results.
	typeText(t, s, "active ")
	press(t, s, "tab")
	if s.CapturesKeys() {
		t.Fatalf("tab with nothing to complete stayed in the box (%q)", s.Query())
	}
}

// TestSearchBadFilter: a filter the store refuses is said under the box
// with the store's words, the list of the text before stays, and fixing
// the text searches again.
func TestSearchBadFilter(t *testing.T) {
	s, env := newTestSearch(t, api.RoleAgent, 60)
	typeText(t, s, "a")
	before := s.list
	if s.err != nil || len(before.Items) == 0 {
		t.Fatalf("search a: %d customers, %v", len(before.Items), s.err)
	}
	// Pasted at once, so no search of half the filter comes between.
	settle(t, s, func() tea.Cmd { _, cmd := s.Update(tea.PasteMsg{Content: " orders:>x"}); return cmd }())
	v := s.View()
	checkView(t, v, 120, 30)
	if !strings.Contains(v, `orders: "x" is not a whole number, e.g. orders:>5`) {
		t.Fatalf("the refusal is not under the box:\n%s", v)
	}
	if s.err != nil || !strings.Contains(v, before.Items[0].Email) || s.list.Total != before.Total {
		t.Fatalf("the list before went away (err %v):\n%s", s.err, v)
	}
	// Fixed: the filter searches.
	press(t, s, "backspace")
	typeText(t, s, "5")
	want := apiTotal(t, env, url.Values{"search": {"a orders:>5"}})
	if s.filterErrShown() != "" || s.list.Total != want || strings.Contains(s.View(), "not a whole number") {
		t.Fatalf("after the fix: %d customers (API %d), refusal %q", s.list.Total, want, s.filterErrShown())
	}
}

// TestSearchSavedViews: the views are listed under the status line; a
// digit in the results, or alt+digit in the box, puts a view's query and
// sort in the box and lists what the API answers for them.
func TestSearchSavedViews(t *testing.T) {
	env := newSandbox(t, 80)
	cl := newClient(t, env, api.RoleAgent, env.URL)
	c := testCommon(api.RoleAgent, 120, 30)
	cfg := testConfig()
	cfg.Views = []View{{Name: "Big buyers", Query: "orders:>5", Sort: api.SortTopSpenders}, {Name: "Disabled", Query: "status:disabled"}}
	s := newSearch(c, NewApp(cl, cfg).env, "")
	s.SetSize(120, 30)
	settle(t, s, s.Init())
	// One disabled customer at least, through the API.
	first := s.list.Items[0]
	env.Do(t, "supervisor", "PATCH", "/customers/"+string(first.ID), map[string]string{"status": api.StatusDisabled},
		"If-Match", `"`+strconv.FormatInt(first.Version, 10)+`"`)
	v := s.View()
	checkView(t, v, 120, 30)
	if !strings.Contains(v, "Views:  1 Big buyers  2 Disabled") {
		t.Fatalf("the views are not listed:\n%s", v)
	}
	press(t, s, "esc")
	if s.CapturesKeys() {
		t.Fatal("esc did not leave the box")
	}
	press(t, s, "2")
	disabled := apiTotal(t, env, url.Values{"status": {"disabled"}})
	if s.Query() != "status:disabled" || s.list.Total != disabled || disabled == 0 {
		t.Fatalf("view 2: box %q, %d customers, the API %d", s.Query(), s.list.Total, disabled)
	}
	for _, cu := range s.list.Items {
		if cu.Status != api.StatusDisabled {
			t.Errorf("view Disabled lists %s (%s)", cu.ID, cu.Status)
		}
	}
	press(t, s, "/")
	if !s.CapturesKeys() {
		t.Fatal("/ did not focus the box")
	}
	press(t, s, "alt+1")
	big := apiTotal(t, env, url.Values{"orders": {">5"}})
	if s.Query() != "orders:>5" || api.Sorts[s.sort] != api.SortTopSpenders || s.list.Total != big {
		t.Fatalf("view 1 from the box: %q sorted %s, %d customers, the API %d", s.Query(), api.Sorts[s.sort], s.list.Total, big)
	}
	for i, cu := range s.list.Items {
		if cu.TotalOrders <= 5 || i > 0 && cu.TotalSpent > s.list.Items[i-1].TotalSpent {
			t.Fatalf("view Big buyers row %d: %d orders, %d spent after %d", i, cu.TotalOrders, cu.TotalSpent, s.list.Items[max(0, i-1)].TotalSpent)
		}
	}
}
