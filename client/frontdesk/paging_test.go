package frontdesk

import (
	"testing"

	"frontdesk/api"
	"frontdesk/client"
)

func TestNewPageCursors(t *testing.T) {
	items := make([]int, 5)
	for _, tc := range []struct {
		name              string
		items             []int
		total             int
		estimate          bool
		number, limit     int
		wantNext, wantPrv string
	}{
		{"first of three", items, 12, false, 1, 5, "page:2", ""},
		{"middle", items, 12, false, 2, 5, "page:3", "page:1"},
		{"last", items[:2], 12, false, 3, 5, "", "page:2"},
		{"exactly full", items, 10, false, 2, 5, "", "page:1"},
		{"estimate goes on", items, 10, true, 2, 5, "page:3", "page:1"},
		{"empty estimate stops", nil, 10, true, 3, 5, "", "page:2"},
		{"empty", nil, 0, false, 1, 5, "", ""},
	} {
		p := newPage(tc.items, tc.total, tc.estimate, tc.number, tc.limit)
		if p.Next != tc.wantNext || p.Prev != tc.wantPrv || p.Number != tc.number || p.Total != tc.total {
			t.Errorf("%s: next %q prev %q number %d, want %q %q %d", tc.name, p.Next, p.Prev, p.Number, tc.wantNext, tc.wantPrv, tc.number)
		}
		for _, cur := range []string{p.Next, p.Prev} {
			if cur == "" {
				continue
			}
			if n, err := parseCursor(cur); err != nil || n < 1 {
				t.Errorf("%s: cursor %q does not parse: %d, %v", tc.name, cur, n, err)
			}
		}
	}
}

func TestParseCursor(t *testing.T) {
	if n, err := parseCursor(""); n != 0 || err != nil {
		t.Errorf(`parseCursor("") = %d, %v`, n, err)
	}
	if n, err := parseCursor(PageCursor(7)); n != 7 || err != nil {
		t.Errorf("parseCursor(PageCursor(7)) = %d, %v", n, err)
	}
	if PageCursor(1) != "" || PageCursor(0) != "" {
		t.Error("the first page's cursor is not empty")
	}
	for _, bad := range []string{"7", "page:0", "page:x", "cursor:abc"} {
		if _, err := parseCursor(bad); client.KindOf(err) != client.KindInvalid {
			t.Errorf("parseCursor(%q) = %v, want an invalid error", bad, err)
		}
	}
}

func TestIfMatch(t *testing.T) {
	for in, want := range map[string]string{"7": `"7"`, `"7"`: `"7"`, `W/"12"`: `"12"`} {
		if got, err := ifMatch("1", in); got != want || err != nil {
			t.Errorf("ifMatch(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "0", "-1", "abc"} {
		if _, err := ifMatch("1", bad); err == nil {
			t.Errorf("ifMatch(%q) accepted", bad)
		}
	}
}

func TestSearchPageCursors(t *testing.T) {
	cs := make([]api.Customer, 5)
	for _, tc := range []struct {
		name              string
		out               api.CustomerList
		keyset            bool
		wantNext, wantPrv string
	}{
		{"server cursor", api.CustomerList{Customers: cs, Total: 50, Page: 2, Limit: 5, Next: "abc"}, false, "abc", "page:1"},
		{"after a cursor, the end", api.CustomerList{Customers: cs, Total: 50, Page: 10, Limit: 5}, true, "", "page:9"},
		{"a server without cursors", api.CustomerList{Customers: cs, Total: 50, Page: 2, Limit: 5}, false, "page:3", "page:1"},
		{"no numbered page past the cap", api.CustomerList{Customers: cs, Total: api.TotalExactCap, TotalIsEstimate: true, Page: api.TotalExactCap / 5, Limit: 5}, false, "", "page:1999"},
		{"deep: no numbered prev", api.CustomerList{Customers: cs, Total: api.TotalExactCap, TotalIsEstimate: true, Page: api.TotalExactCap/5 + 2, Limit: 5, Next: "x"}, true, "x", ""},
	} {
		p := searchPage(tc.out, tc.keyset)
		if p.Next != tc.wantNext || p.Prev != tc.wantPrv {
			t.Errorf("%s: next %q prev %q, want %q %q", tc.name, p.Next, p.Prev, tc.wantNext, tc.wantPrv)
		}
	}
}
