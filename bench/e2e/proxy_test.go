package main

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

func TestRoute(t *testing.T) {
	for in, want := range map[string]string{
		"/api/v1/customers":                     "/api/v1/customers",
		"/api/v1/customers/42":                  "/api/v1/customers/{id}",
		"/api/v1/customers/42/orders/7":         "/api/v1/customers/{id}/orders/{id}",
		"/api/v1/customers/42/loyalty/ledger":   "/api/v1/customers/{id}/loyalty/ledger",
		"/api/v1/agent-sessions/as_x1b/refresh": "/api/v1/agent-sessions/{id}/refresh",
		"/api/v1/me":                            "/api/v1/me",
	} {
		if got := route(in); got != want {
			t.Errorf("route(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestProxyCountsSearchesInFlight holds three searches in the backend at
// once and checks the proxy saw three in flight, and counted them apart
// from other routes.
func TestProxyCountsSearchesInFlight(t *testing.T) {
	arrived := make(chan struct{})
	release := make(chan struct{})
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == searchPath {
			select {
			case arrived <- struct{}{}:
				<-release
			case <-release: // after the held three
			}
		}
		w.WriteHeader(http.StatusTeapot)
	}))
	defer backend.Close()
	p, err := startProxy(backend.URL, delayRange{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	get := func(path string) {
		resp, err := http.Get(p.URL + path)
		if err != nil {
			t.Error(err)
			return
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusTeapot {
			t.Errorf("GET %s through the proxy: %s", path, resp.Status)
		}
	}
	get("/api/v1/customers/5") // before the mark: not in the window
	p.mark()
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { get(searchPath + "?q=jane") })
	}
	for range 3 {
		<-arrived
	}
	get("/api/v1/customers/9/orders")
	if w := p.seen(); w.maxInflight != 3 || w.searches != 3 || w.requests != 4 {
		t.Errorf("with three searches held: window %+v, want 3 in flight, 3 searches, 4 requests", w)
	}
	close(release)
	wg.Wait()

	p.mark()
	get(searchPath)
	if w := p.seen(); w.maxInflight != 1 || w.searches != 1 {
		t.Errorf("one search after the others finished: window %+v, want 1 in flight", w)
	}
	routes, statuses := p.totals()
	if routes["GET "+searchPath] != 4 || routes["GET /api/v1/customers/{id}"] != 1 || routes["GET /api/v1/customers/{id}/orders"] != 1 {
		t.Errorf("routes %v", routes)
	}
	if statuses[http.StatusTeapot] != 6 {
		t.Errorf("statuses %v, want 6 × 418", statuses)
	}
}
