package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/server"
	"frontdesk/store/sqlite"
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

// gatedStore is a SQLite store whose search index load waits for gate:
// a load that takes as long as a million customers' would.
type gatedStore struct {
	*sqlite.Store
	gate chan struct{}
}

func (g gatedStore) WarmSearch(ctx context.Context) error {
	select {
	case <-g.gate:
	case <-ctx.Done():
		return ctx.Err()
	}
	return g.Store.WarmSearch(ctx)
}

// /readyz answers 503 while the search index loads, 200 once it has.
func TestReadyWhileTheSearchIndexLoads(t *testing.T) {
	env := sandboxtest.New(t, sandboxtest.Options{Customers: 30})
	st := gatedStore{Store: sqlite.New(env.DB), gate: make(chan struct{})}
	srv := httptest.NewServer(server.New(st, server.Options{}))
	defer srv.Close()
	if code, body := get(t, srv.URL+"/readyz"); code != 503 || !strings.Contains(body, "search index") {
		t.Fatalf("readyz while the index loads: %d %q, want 503 saying so", code, body)
	}
	close(st.gate)
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, body := get(t, srv.URL+"/readyz")
		if code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("readyz after the load: %d %q", code, body)
		}
	}
	if !st.SearchReady() || st.SearchIndex().Len() != 30 {
		t.Fatalf("ready with the index at %d customers (ready %v), want 30", st.SearchIndex().Len(), st.SearchReady())
	}
}
