package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"
)

// searchPath is the search endpoint: GET on it is one search request.
const searchPath = "/api/v1/customers"

// proxy sits between the console and the sandbox. It counts requests
// per route, tracks how many searches are in flight, and can hold each
// request for a random delay first (a slower store, a longer wire).
type proxy struct {
	rp    *httputil.ReverseProxy
	delay delayRange
	srv   *http.Server
	URL   string

	mu       sync.Mutex
	rng      *rand.Rand
	routes   map[string]int // "GET /api/v1/customers/{id}" → requests
	statuses map[int]int
	inflight int // searches in flight now
	win      window
}

// window is what the proxy saw since the last mark: the measurement of
// one query or one keypress.
type window struct {
	searches    int // search requests that arrived
	requests    int // requests of any route that arrived
	maxInflight int // most searches in flight at once
}

// startProxy listens on a free loopback port and forwards to target.
func startProxy(target string, delay delayRange, seed uint64) (*proxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	p := &proxy{
		delay:    delay,
		rng:      rand.New(rand.NewPCG(seed, 0xde1a7)),
		routes:   map[string]int{},
		statuses: map[int]int{},
	}
	p.rp = &httputil.ReverseProxy{
		Rewrite:   func(r *httputil.ProxyRequest) { r.SetURL(u) },
		Transport: tr,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if !errors.Is(err, context.Canceled) {
				http.Error(w, "bench proxy: "+err.Error(), http.StatusBadGateway)
			}
		},
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("proxy: %w", err)
	}
	p.URL = "http://" + ln.Addr().String()
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	go p.srv.Serve(ln)
	return p, nil
}

// Close stops the proxy.
func (p *proxy) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return p.srv.Shutdown(ctx)
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	search := r.Method == http.MethodGet && r.URL.Path == searchPath
	p.mu.Lock()
	p.routes[r.Method+" "+route(r.URL.Path)]++
	p.win.requests++
	if search {
		p.win.searches++
		p.inflight++
		p.win.maxInflight = max(p.win.maxInflight, p.inflight)
	}
	d := p.delay.pick(p.rng)
	p.mu.Unlock()
	if search {
		defer func() {
			p.mu.Lock()
			p.inflight--
			p.mu.Unlock()
		}()
	}
	if d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return // the console gave up on it (a newer search)
		}
	}
	rec := &statusWriter{ResponseWriter: w, code: http.StatusOK}
	p.rp.ServeHTTP(rec, r)
	p.mu.Lock()
	p.statuses[rec.code]++
	p.mu.Unlock()
}

// mark starts a new window; the searches in flight now count towards
// its maximum.
func (p *proxy) mark() {
	p.mu.Lock()
	p.win = window{maxInflight: p.inflight}
	p.mu.Unlock()
}

// seen is the window since the last mark.
func (p *proxy) seen() window {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.win
}

// totals are the requests per route and per status of the whole run.
func (p *proxy) totals() (routes map[string]int, statuses map[int]int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	routes, statuses = map[string]int{}, map[int]int{}
	for k, v := range p.routes {
		routes[k] = v
	}
	for k, v := range p.statuses {
		statuses[k] = v
	}
	return routes, statuses
}

// route names a path by its pattern: ids become {id}.
func route(path string) string {
	parts := strings.Split(path, "/")
	for i, s := range parts {
		if s == "" {
			continue
		}
		if strings.Trim(s, "0123456789") == "" || (i > 0 && parts[i-1] == "agent-sessions") {
			parts[i] = "{id}"
		}
	}
	return strings.Join(parts, "/")
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

// Flush passes flushes on, so the reverse proxy can stream.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
