package server_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
)

// get fetches an operator endpoint without a key.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// /healthz and /readyz answer without a key; draining makes /readyz 503
// while the API still answers; /metrics counts requests by route,
// adjustments by result and conflicts by code.
func TestOperatorEndpoints(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{})
	if code, body := get(t, env.URL+"/healthz"); code != 200 || body != "ok\n" {
		t.Fatalf("healthz: %d %q", code, body)
	}
	if code, body := get(t, env.URL+"/readyz"); code != 200 || body != "ready\n" {
		t.Fatalf("readyz: %d %q", code, body)
	}

	c := newCustomer(t, env, "ops@example.co.ke")
	wantStatus(t, adjust(t, env, "agent", c.ID, "ops-1", 50), 201)
	if r := adjust(t, env, "agent", c.ID, "ops-1", 50); r.Header.Get(api.HeaderReplayed) != "true" {
		t.Fatalf("replay: %d %s", r.Status, r.Body)
	}
	wantError(t, env.Do(t, "agent", "PATCH", "/customers/"+c.ID.String(), map[string]string{"first_name": "Zed"}, "If-Match", `"99"`), 412, api.CodeVersionMismatch)

	_, m := get(t, env.URL+"/metrics")
	for _, want := range []string{
		`frontdesk_http_request_duration_seconds_count{code="201",route="POST /api/v1/customers/{id}/loyalty/adjustments"} 2`,
		`frontdesk_loyalty_adjustments_total{result="applied"} 1`,
		`frontdesk_loyalty_adjustments_total{result="replayed"} 1`,
		`frontdesk_conflicts_total{code="version_mismatch"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(m, env.Keys["agent"].Secret) || strings.Contains(m, c.ID.String()+"/") {
		t.Error("/metrics carries a secret or a customer id")
	}

	env.Server.Drain()
	if code, body := get(t, env.URL+"/readyz"); code != 503 || !strings.Contains(body, "draining") {
		t.Fatalf("readyz while draining: %d %q", code, body)
	}
	wantStatus(t, env.Do(t, "agent", "GET", "/customers/"+c.ID.String(), nil), 200)
	if code, _ := get(t, env.URL+"/healthz"); code != 200 {
		t.Fatalf("healthz while draining: %d", code)
	}
}

// Purge forgets Idempotency-Key answers after a day (the contract says
// so): within the day the key replays, after it the same key applies anew
// (a retry a day late is a new request).
func TestPurgeIdempotencyKeys(t *testing.T) {
	clock := newClock()
	env := sandboxtest.New(t, sandboxtest.Options{Now: clock.Now})
	c := newCustomer(t, env, "purge@example.co.ke")
	wantStatus(t, adjust(t, env, "agent", c.ID, "p-1", 10), 201)
	if keys, _, err := env.Server.Purge(t.Context()); err != nil || keys != 0 {
		t.Fatalf("purge at once: %d keys, %v", keys, err)
	}
	if r := adjust(t, env, "agent", c.ID, "p-1", 10); r.Header.Get(api.HeaderReplayed) != "true" {
		t.Fatalf("replay within the day: %d %s", r.Status, r.Body)
	}
	clock.Advance(25 * time.Hour)
	if keys, _, err := env.Server.Purge(t.Context()); err != nil || keys != 1 {
		t.Fatalf("purge a day later: %d keys, %v", keys, err)
	}
	if r := adjust(t, env, "agent", c.ID, "p-1", 10); r.Status != 201 || r.Header.Get(api.HeaderReplayed) == "true" {
		t.Fatalf("after the purge: %d replayed=%q", r.Status, r.Header.Get(api.HeaderReplayed))
	}
	if sum, balance := ledgerSum(t, env, c.ID); sum != 20 || balance != 20 {
		t.Fatalf("ledger %d, balance %d: want the key applied once in each day (20)", sum, balance)
	}
}
