package searchq

import (
	"errors"
	"strings"
	"testing"
	"time"

	"frontdesk/api"
)

func unix(s string) int64 {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.Unix()
}

// TestFilterMatch checks each filter against customers on either side of
// its boundary.
func TestFilterMatch(t *testing.T) {
	base := Attrs{Orders: 5, Spent: 1_000_000, Points: 100, Created: unix("2026-01-01T00:00:00Z"),
		LastOrder: unix("2026-05-31T23:59:59Z"), HasLastOrder: true}
	cases := []struct {
		q    string
		a    func(a *Attrs)
		want bool
	}{
		{"orders:>5", nil, false},
		{"orders:>5", func(a *Attrs) { a.Orders = 6 }, true},
		{"orders:>=5", nil, true},
		{"orders:5", nil, true},
		{"orders:=4", nil, false},
		{"orders:<5", nil, false},
		{"orders:<=5", nil, true},
		{"spent:>=10000", nil, true}, // KES 10,000 = 1,000,000 cents
		{"spent:>10000", nil, false},
		{"spent:>9999.99", nil, true},
		{"spent:>=10,000.01", nil, false},
		{"points:<100", nil, false},
		{"points:<100", func(a *Attrs) { a.Points = 99 }, true},
		{"status:disabled", nil, false},
		{"status:disabled", func(a *Attrs) { a.Disabled = true }, true},
		{"status:active", nil, true},
		{"status:active status:disabled", nil, false},
		{"since:2026", nil, true},
		{"since:2026-01-01", nil, true},
		{"since:2026-01-02", nil, false},
		{"since:2026-01", func(a *Attrs) { a.Created-- }, false},
		{"last-order:<2026-06", nil, true},
		{"last-order:<2026-05-31", nil, false},
		{"last-order:2026-05", nil, true},
		{"last-order:2026-06", nil, false},
		{"last-order:>2026-05", nil, false},
		{"last-order:>2026-05-30", nil, true},
		{"last-order:<=2026-05", nil, true},
		{"last-order:>=2026-06", nil, false},
		{"last-order:<2027", func(a *Attrs) { a.HasLastOrder = false }, false},
		{"orders:>1 points:>=100 since:2025 spent:>1", nil, true},
		{"orders:>1 points:>100", nil, false},
	}
	for _, c := range cases {
		q, err := ParseQuery(c.q)
		if err != nil {
			t.Fatalf("%q: %v", c.q, err)
		}
		if !q.Blank || len(q.Tokens) != 0 || q.Filter.Empty() {
			t.Fatalf("%q: parsed as %+v", c.q, q)
		}
		a := base
		if c.a != nil {
			c.a(&a)
		}
		if got := q.Filter.Match(a); got != c.want {
			t.Errorf("%q on %+v: %v, want %v", c.q, a, got, c.want)
		}
	}
}

// TestColumnTokens: email:, phone: and name: look in their column only,
// with the free text's rules.
func TestColumnTokens(t *testing.T) {
	f := FoldFields("mary.kamau@gmail.com", "Mary", "van der Berg", "+254712345678")
	cases := []struct {
		q    string
		want bool
	}{
		{"email:gmail", true},
		{"name:gmail", false},
		{"name:kamau", false},
		{"email:kamau", true},
		{"name:MARY", true},
		{"name:berg", true},
		{`name:"van der"`, true},
		{`name:"der van"`, false},
		{"phone:0712", true},
		{"phone:07", true},
		{"phone:712", true},
		{"email:0712", false},
		{"phone:mary", false},
		{"name:m", true},
		{"name:a", false}, // a short token is a prefix
		{"mary phone:0712", true},
		{"gmail name:gmail", false},
	}
	for _, c := range cases {
		q, err := ParseQuery(c.q)
		if err != nil {
			t.Fatalf("%q: %v", c.q, err)
		}
		if q.Blank || !q.Filtered() {
			t.Fatalf("%q: parsed as %+v", c.q, q)
		}
		if got := Match(q.Tokens, f); got != c.want {
			t.Errorf("%q: %v, want %v", c.q, got, c.want)
		}
	}
}

// TestBadFilters: each bad filter is refused naming its field, with a
// message that says what to type.
func TestBadFilters(t *testing.T) {
	cases := []struct{ q, field, says string }{
		{"orders:", "orders", "orders:>5"},
		{"orders:>x", "orders", "whole number"},
		{"orders:>>5", "orders", "whole number"},
		{"spent:>=10.001", "spent", "not an amount"},
		{"points:-3", "points", "whole number"},
		{"status:gone", "status", "status:disabled"},
		{"since:2026-13", "since", "YYYY-MM"},
		{"since:>2026", "since", "no comparison"},
		{"last-order:<June", "last-order", "YYYY-MM"},
		{"email:", "email", "needs text"},
		{"name:...", "name", "nothing to look for"},
		{"mary colour:red", "colour", "orders:"},
	}
	for _, c := range cases {
		_, err := ParseQuery(c.q)
		var fe *FilterError
		if !errors.As(err, &fe) {
			t.Fatalf("%q: error %v, want a FilterError", c.q, err)
		}
		if fe.Field != c.field || !strings.Contains(fe.Msg, c.says) || !strings.HasPrefix(fe.Msg, c.field+":") {
			t.Errorf("%q: %+v, want field %q saying %q", c.q, fe, c.field, c.says)
		}
	}
}

// TestFreeTextStays: words that only look like filters stay free text,
// and a query without filters parses as Parse does.
func TestFreeTextStays(t *testing.T) {
	for _, s := range []string{"10:30", "mary kamau", "0712 345", ":x", ""} {
		q, err := ParseQuery(s)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		toks, blank := Parse(s)
		if q.Filtered() || q.Blank != blank || len(q.Tokens) != len(toks) {
			t.Errorf("%q: %+v, Parse gives %v %v", s, q, toks, blank)
		}
		if HasFilter(s) {
			t.Errorf("HasFilter(%q)", s)
		}
	}
	if !HasFilter("mary orders:>5") || !HasFilter("x:") {
		t.Error("HasFilter misses a filter")
	}
}

// TestAPIListsEveryFilter: the console's and the server's list of
// filters (api.SearchFilters) is this package's, and each example parses.
func TestAPIListsEveryFilter(t *testing.T) {
	if len(api.SearchFilters) != len(FilterFields) {
		t.Fatalf("api lists %d filters, searchq %d", len(api.SearchFilters), len(FilterFields))
	}
	for i, f := range api.SearchFilters {
		if f.Name != FilterFields[i] {
			t.Errorf("filter %d: api %q, searchq %q", i, f.Name, FilterFields[i])
		}
		if q, err := ParseQuery(f.Example); err != nil || !q.Filtered() {
			t.Errorf("example %q: %+v, %v", f.Example, q, err)
		}
	}
}
