package sandbox_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
)

// The rules in this file are the contract's words taken literally
// (api/openapi.yaml): what a third-party validator found the sandbox
// doing differently.

// from is inclusive and until exclusive, to the millisecond; dates and a
// space for the T are accepted as the contract's TimeBound says.
func TestOrdersTimeBounds(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 40})
	id := customerWithOrders(t, env, 3)
	base := fmt.Sprintf("/customers/%d/orders", id)
	var all api.OrderList
	env.Do(t, "viewer", "GET", base+"?limit=100", nil).Data(t, &all)
	newest := all.Orders[0].CreatedAt
	if newest.Truncate(time.Millisecond) != newest {
		t.Fatalf("created_at %s is finer than a millisecond", newest)
	}
	count := func(keep func(time.Time) bool) int {
		n := 0
		for _, o := range all.Orders {
			if keep(o.CreatedAt) {
				n++
			}
		}
		return n
	}
	ms := time.Millisecond
	half := newest.Add(ms / 2)
	day := time.Date(newest.Year(), newest.Month(), newest.Day(), 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		query string
		keep  func(time.Time) bool
	}{
		{"until the newest leaves it out", "until=" + newest.Format(time.RFC3339Nano), func(c time.Time) bool { return c.Before(newest) }},
		{"from the newest keeps it", "from=" + newest.Format(time.RFC3339Nano), func(c time.Time) bool { return !c.Before(newest) }},
		{"until a millisecond later keeps it", "until=" + newest.Add(ms).Format(time.RFC3339Nano), func(c time.Time) bool { return !c.After(newest) }},
		{"until half a millisecond later keeps it", "until=" + half.Format(time.RFC3339Nano), func(c time.Time) bool { return !c.After(newest) }},
		{"from half a millisecond later leaves it out", "from=" + half.Format(time.RFC3339Nano), func(c time.Time) bool { return c.After(newest) }},
		{"a space for the T", "from=" + url.QueryEscape(newest.Format("2006-01-02 15:04:05.000Z07:00")), func(c time.Time) bool { return !c.Before(newest) }},
		{"an offset", "until=" + url.QueryEscape(newest.In(time.FixedZone("EAT", 3*3600)).Format(time.RFC3339Nano)), func(c time.Time) bool { return c.Before(newest) }},
		{"a date is midnight UTC: from", "from=" + day.Format(time.DateOnly), func(c time.Time) bool { return !c.Before(day) }},
		{"a date is midnight UTC: until", "until=" + day.Format(time.DateOnly), func(c time.Time) bool { return c.Before(day) }},
	}
	for _, c := range cases {
		var got api.OrderList
		r := env.Do(t, "viewer", "GET", base+"?limit=100&"+c.query, nil)
		wantStatus(t, r, 200)
		r.Data(t, &got)
		if want := count(c.keep); got.Total != want {
			t.Errorf("%s (?%s): %d orders, want %d", c.name, c.query, got.Total, want)
		}
	}

	// The validator's case: from = until = the newest order is an empty
	// range, and a range must not be empty or reversed.
	T := newest.Format(time.RFC3339Nano)
	e := wantError(t, env.Do(t, "viewer", "GET", base+"?from="+T+"&until="+T, nil), 400, api.CodeValidation)
	if e.Fields["until"] == "" {
		t.Errorf("from = until: fields %v do not name until", e.Fields)
	}
	for _, bad := range []string{"from=2026-03-14T15:09Z", "from=14/03/2026", "until=2026-02-30", "from=2026-03-14T25:00:00Z", "until=2026-03-14%2015:09:26"} {
		e := wantError(t, env.Do(t, "viewer", "GET", base+"?"+bad, nil), 400, api.CodeValidation)
		name, _, _ := strings.Cut(bad, "=")
		if e.Fields[name] == "" {
			t.Errorf("?%s: fields %v do not name %s", bad, e.Fields, name)
		}
	}
}
