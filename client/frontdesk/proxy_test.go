package frontdesk_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"sync"
	"testing"

	"frontdesk/api"
	"frontdesk/client/frontdesk"
	"frontdesk/sandbox/sandboxtest"
)

// fault is what the test proxy does with one request.
type fault int

const (
	pass    fault = iota // forward it
	drop                 // forward it, let the server apply it, then cut the connection instead of answering
	fail503              // answer 503 without forwarding
	fail429              // answer 429 rate_limited with Retry-After without forwarding
	hang                 // never answer
)

// faultProxy is an httputil.ReverseProxy in front of the sandbox that
// counts requests per "METHOD /path" and injects faults chosen by rule.
type faultProxy struct {
	URL string

	mu       sync.Mutex
	counts   map[string]int
	rule     func(r *http.Request, n int) fault // n counts from 1 per "METHOD /path"
	retryAft string
	done     chan struct{}
}

func newFaultProxy(t *testing.T, upstream string, rule func(r *http.Request, n int) fault) *faultProxy {
	t.Helper()
	target, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{counts: map[string]int{}, rule: rule, retryAft: "1", done: make(chan struct{})}
	rp := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Method + " " + r.URL.Path
		p.mu.Lock()
		p.counts[key]++
		n := p.counts[key]
		rule := p.rule
		ra := p.retryAft
		p.mu.Unlock()
		f := pass
		if rule != nil {
			f = rule(r, n)
		}
		switch f {
		case pass:
			rp.ServeHTTP(w, r)
		case drop:
			// Let the server do the work, throw its answer away, and
			// close the connection: the client sees no response.
			rec := httptest.NewRecorder()
			rp.ServeHTTP(rec, r)
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				panic(err)
			}
			conn.Close()
		case fail503:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("<html><body>503 Service Temporarily Unavailable</body></html>"))
		case fail429:
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set(api.HeaderRetryAfter, ra)
			w.Header().Set(api.HeaderRequestID, "req_proxy")
			w.WriteHeader(http.StatusTooManyRequests)
			json.NewEncoder(w).Encode(api.Envelope{Status: api.EnvelopeError, Error: &api.ErrorBody{
				Code: api.CodeRateLimited, Message: "too many requests for this key; retry after " + ra + " seconds"}})
		case hang:
			select {
			case <-r.Context().Done():
			case <-p.done:
			}
		}
	}))
	t.Cleanup(func() {
		close(p.done)
		srv.CloseClientConnections()
		srv.Close()
	})
	p.URL = srv.URL
	return p
}

// count is how many requests "METHOD /api/v1/path" reached the proxy.
func (p *faultProxy) count(method, path string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.counts[method+" "+api.Base+path]
}

func (p *faultProxy) setRetryAfter(v string) {
	p.mu.Lock()
	p.retryAft = v
	p.mu.Unlock()
}

// newClient makes a client for role against base (the sandbox or a
// proxy in front of it), with every request and response it exchanges
// checked against api/openapi.yaml. Statuses only the fault proxy makes
// (503 with an HTML page) are not the server's and are not judged.
func newClient(t *testing.T, env *sandboxtest.Env, base, role string, mutate ...func(*frontdesk.Config)) *frontdesk.Client {
	t.Helper()
	k, ok := env.Keys[role]
	if !ok {
		t.Fatalf("no key for role %q", role)
	}
	cfg := frontdesk.Config{
		BaseURL:      base,
		KeyID:        k.KeyID,
		Secret:       k.Secret,
		UserAgent:    "frontdesk/test",
		RetryWaitMin: 5 * millis,
		RetryWaitMax: 50 * millis,
		Transport:    sandboxtest.ContractTransport(t, http.StatusServiceUnavailable),
	}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := frontdesk.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// ledgerRows counts a customer's ledger rows in the sandbox's database.
func ledgerRows(t *testing.T, env *sandboxtest.Env, id api.ID) (rows int, sum int64, balance int64) {
	t.Helper()
	ctx := context.Background()
	if err := env.DB.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(points), 0) FROM loyalty_ledger WHERE customer_id = ?`, string(id)).Scan(&rows, &sum); err != nil {
		t.Fatal(err)
	}
	if err := env.DB.QueryRowContext(ctx, `SELECT COALESCE((SELECT points_balance FROM loyalty_accounts WHERE customer_id = ?), 0)`, string(id)).Scan(&balance); err != nil {
		t.Fatal(err)
	}
	return rows, sum, balance
}

// activeCustomer returns the id of a seeded active customer.
func activeCustomer(t *testing.T, env *sandboxtest.Env, skip int) api.ID {
	t.Helper()
	var id int64
	if err := env.DB.QueryRow(`SELECT id FROM customers WHERE status = 'active' AND email NOT LIKE 'hostile-%' ORDER BY id LIMIT 1 OFFSET ?`, skip).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return api.ID(strconv.FormatInt(id, 10))
}
