package server_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
)

// facts are what the filters test of one customer, read through the API.
type facts struct {
	c         api.Customer
	points    int64
	lastOrder *time.Time
}

func allFacts(t *testing.T, env *sandboxtest.Env) []facts {
	t.Helper()
	var out []facts
	for pg := 1; ; pg++ {
		var list api.CustomerList
		env.Do(t, "agent", "GET", fmt.Sprintf("/customers?limit=100&page=%d", pg), nil).Data(t, &list)
		for _, c := range list.Customers {
			var one api.CustomerEnvelope
			env.Do(t, "agent", "GET", "/customers/"+string(c.ID), nil).Data(t, &one)
			var l api.Loyalty
			env.Do(t, "agent", "GET", "/customers/"+string(c.ID)+"/loyalty", nil).Data(t, &l)
			f := facts{c: c, points: l.PointsBalance}
			if m := one.Customer.StoreMetrics; m != nil {
				f.lastOrder = m.LastOrderAt
			}
			out = append(out, f)
		}
		if len(list.Customers) < 100 {
			return out
		}
	}
}

// listAll is every id GET /customers answers with params, paging by
// the next cursor.
func listAll(t *testing.T, env *sandboxtest.Env, params url.Values) []api.ID {
	t.Helper()
	var out []api.ID
	params.Set("limit", "100")
	for {
		var list api.CustomerList
		env.Do(t, "viewer", "GET", "/customers?"+params.Encode(), nil).Data(t, &list)
		for _, c := range list.Customers {
			out = append(out, c.ID)
		}
		if list.Next == "" {
			return out
		}
		params.Del("page")
		params.Set("after", list.Next)
	}
}

// TestListFilters: each filter, as typed in search and as its own
// parameter, answers exactly the customers whose facts (read through
// the API: the list, the profile's last order, the loyalty balance)
// pass it, on both engines; orders:>5 returns only customers with more
// than five orders.
func TestListFilters(t *testing.T) {
	onEngines(t, sandboxtest.Options{Customers: 150, RateLimit: -1}, func(t *testing.T, env *sandboxtest.Env) {
		all := allFacts(t, env)
		day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
		cases := []struct {
			search, param, value string
			keep                 func(f facts) bool
		}{
			{"orders:>5", "orders", ">5", func(f facts) bool { return f.c.TotalOrders > 5 }},
			{"orders:<=2", "orders", "<=2", func(f facts) bool { return f.c.TotalOrders <= 2 }},
			{"spent:>=10000", "spent", ">=10000", func(f facts) bool { return f.c.TotalSpent >= 10000_00 }},
			{"points:<100", "points", "<100", func(f facts) bool { return f.points < 100 }},
			{"status:disabled", "status", "disabled", func(f facts) bool { return f.c.Status == api.StatusDisabled }},
			{"since:2025", "since", "2025", func(f facts) bool { return !f.c.CreatedAt.Before(day("2025-01-01")) }},
			{"last-order:<2026-06", "last_order", "<2026-06", func(f facts) bool { return f.lastOrder != nil && f.lastOrder.Before(day("2026-06-01")) }},
			{"email:gmail", "email", "gmail", func(f facts) bool { return strings.Contains(strings.ToLower(f.c.Email), "gmail") }},
			{"name:wa", "name", "wa", func(f facts) bool {
				return strings.HasPrefix(strings.ToLower(f.c.FirstName), "wa") || strings.HasPrefix(strings.ToLower(f.c.LastName), "wa")
			}},
			{"phone:0722", "phone", "0722", func(f facts) bool {
				return strings.Contains(f.c.Phone, "+254722") || strings.Contains(f.c.Phone, "0722")
			}},
		}
		for _, c := range cases {
			var want []api.ID
			for _, f := range all {
				if c.keep(f) {
					want = append(want, f.c.ID)
				}
			}
			slices.Sort(want)
			for _, params := range []url.Values{{"search": {c.search}}, {c.param: {c.value}}} {
				got := listAll(t, env, params)
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Errorf("%v: %d customers %v, want %d %v", params, len(got), got, len(want), want)
				}
			}
			if c.search == "orders:>5" && (len(want) == 0 || len(want) == len(all)) {
				t.Errorf("orders:>5 keeps %d of %d seeded customers: the test proves nothing", len(want), len(all))
			}
		}
		// A filter parameter and free text go together.
		var withOrders api.CustomerList
		env.Do(t, "viewer", "GET", "/customers?limit=100&search=a&orders=%3E5", nil).Data(t, &withOrders)
		for _, c := range withOrders.Customers {
			if c.TotalOrders <= 5 {
				t.Errorf("search=a&orders=>5 answers %s with %d orders", c.ID, c.TotalOrders)
			}
		}
	})
}

// TestListBadFilter: a bad filter is a 400 naming the parameter it came
// from, with a message that says what to type.
func TestListBadFilter(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 5})
	for _, c := range []struct{ query, field, says string }{
		{"search=" + url.QueryEscape("orders:>x"), "search", "orders:"},
		{"search=" + url.QueryEscape("colour:red"), "search", "is no filter"},
		{"orders=" + url.QueryEscape(">>5"), "orders", "whole number"},
		{"status=gone", "status", "status:disabled"},
		{"last_order=June", "last_order", "YYYY-MM"},
		{"spent=" + url.QueryEscape("10.001"), "spent", "amount"},
	} {
		r := env.Do(t, "viewer", "GET", "/customers?"+c.query, nil)
		e := wantError(t, r, 400, "validation_error")
		if msg := e.Fields[c.field]; !strings.Contains(msg, c.says) {
			t.Errorf("%s: fields %v, want %s saying %q", c.query, e.Fields, c.field, c.says)
		}
	}
}
