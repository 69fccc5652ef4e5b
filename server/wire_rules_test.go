package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
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

// A header or filter sent empty is refused and named, never read as if
// it had not been sent.
func TestEmptyHeadersAndFiltersAreRefused(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 5})
	cases := []struct {
		role, path string
		headers    []string
		field      string // named in fields; "" for a bad_request
	}{
		{"gateway", "/me", []string{api.HeaderAgent, ""}, api.HeaderAgent},
		{"agent", "/me", []string{api.HeaderAgent, ""}, api.HeaderAgent},
		{"agent", "/customers/1", []string{api.HeaderCustomerToken, ""}, api.HeaderCustomerToken},
		{"agent", "/customers/1/coupons", []string{api.HeaderCustomerToken, ""}, api.HeaderCustomerToken},
		{"agent", "/me", []string{api.HeaderVia, ""}, ""},
		{"supervisor", "/audit?agent_id=", nil, "agent_id"},
		{"supervisor", "/audit?session_id=", nil, "session_id"},
		{"supervisor", "/audit?customer_id=", nil, "customer_id"},
		{"supervisor", "/audit?action=", nil, "action"},
		{"viewer", "/agent-sessions?agent_id=", nil, "agent_id"},
		{"viewer", "/agent-sessions?customer_id=", nil, "customer_id"},
		{"viewer", "/customers/1/orders?status=", nil, "status"},
		{"viewer", "/customers/1/orders?from=", nil, "from"},
		{"viewer", "/customers/1/orders?until=", nil, "until"},
	}
	for _, c := range cases {
		r := env.Do(t, c.role, "GET", c.path, nil, c.headers...)
		if c.field == "" {
			wantError(t, r, 400, api.CodeBadRequest)
			continue
		}
		e := wantError(t, r, 400, api.CodeValidation)
		if e.Fields[c.field] == "" || !strings.Contains(e.Message, "empty") {
			t.Errorf("%s %v: %q, fields %v: want %s named as empty", c.path, c.headers, e.Message, e.Fields, c.field)
		}
	}
}

// send is one request with exactly the headers given: no Content-Type
// unless it is among them.
func send(t *testing.T, env *sandboxtest.Env, role, method, path, body string, headers ...string) sandboxtest.Response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, env.URL+api.Base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	k := env.Keys[role]
	req.SetBasicAuth(k.KeyID, k.Secret)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := sandboxtest.Response{Status: resp.StatusCode, Header: resp.Header, Body: raw}
	if err := json.Unmarshal(raw, &out.Envelope); err != nil && resp.StatusCode != http.StatusNoContent {
		t.Fatalf("%s %s: %d, body not JSON: %s", method, path, resp.StatusCode, raw)
	}
	return out
}

// Bodies are JSON objects sent as application/json; anything else gets
// a clear refusal instead of a guess.
func TestBodiesMustBeJSONObjects(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 5})
	const ct = "Content-Type"
	note := `{"body":"Called about a late delivery."}`
	notes := "/customers/3/notes"

	e := wantError(t, send(t, env, "agent", "POST", notes, note), 415, api.CodeUnsupportedMediaType)
	if !strings.Contains(e.Message, "application/json") {
		t.Errorf("415 does not say what to send: %q", e.Message)
	}
	wantError(t, send(t, env, "agent", "POST", notes, note, ct, "text/plain"), 415, api.CodeUnsupportedMediaType)
	wantError(t, send(t, env, "agent", "POST", notes, note, ct, "application/x-www-form-urlencoded"), 415, api.CodeUnsupportedMediaType)
	wantStatus(t, send(t, env, "agent", "POST", notes, note, ct, "application/json; charset=utf-8"), 201)

	for _, body := range []string{"null", "[]", `"x"`, "42", " null "} {
		e := wantError(t, send(t, env, "agent", "POST", notes, body, ct, "application/json"), 400, api.CodeBadRequest)
		if !strings.Contains(e.Message, "must be a JSON object") {
			t.Errorf("body %s: %q", body, e.Message)
		}
	}
	e = wantError(t, send(t, env, "agent", "PATCH", "/customers/2", "null", ct, "application/json", "If-Match", `"1"`), 400, api.CodeBadRequest)
	if !strings.Contains(e.Message, "not a JSON null") {
		t.Errorf("PATCH null: %q", e.Message)
	}

	// The password reset takes no parameters: no body at all (no
	// Content-Type needed) or {} as JSON; null is not an empty object.
	var active int64
	if err := env.DB.QueryRow(`SELECT min(id) FROM customers WHERE status = 'active'`).Scan(&active); err != nil {
		t.Fatal(err)
	}
	cp := fmt.Sprintf("/customers/%d", active)
	var sess api.AgentSession
	env.Do(t, "agent", "POST", cp+"/agent-sessions", api.AgentSessionCreate{Reason: "customer on the phone"}).Data(t, &sess)
	reset := cp + "/password-reset"
	tok := api.HeaderCustomerToken
	e = wantError(t, send(t, env, "agent", "POST", reset, "null", ct, "application/json", tok, sess.Token), 400, api.CodeBadRequest)
	if !strings.Contains(e.Message, "null") {
		t.Errorf("reset with null: %q", e.Message)
	}
	wantError(t, send(t, env, "agent", "POST", reset, "{}", tok, sess.Token), 415, api.CodeUnsupportedMediaType)
	wantStatus(t, send(t, env, "agent", "POST", reset, "{}", ct, "application/json", tok, sess.Token), 202)
	wantStatus(t, send(t, env, "agent", "POST", reset, "", tok, sess.Token), 202)
}
