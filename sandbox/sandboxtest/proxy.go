package sandboxtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"frontdesk/api"
)

// Proxy is a reverse proxy in front of a test server (a sandbox's URL)
// that can misbehave the ways a store or the wire does: play dead, rate
// limit, answer slowly, or lose the answer to a change the store applied.
// It counts searches and records every change sent through it. It is safe
// for concurrent use; its API uses plain types, so callers need not name
// net/http.
type Proxy struct {
	// URL is the proxy's base URL (without /api/v1): point a client here
	// instead of at the sandbox.
	URL string

	down     atomic.Bool
	limit    atomic.Int64
	limited  atomic.Int64
	searches atomic.Int64
	// inFlight and maxInFlight count searches between arrival and answer.
	inFlight, maxInFlight atomic.Int64
	delay                 atomic.Pointer[func() time.Duration]
	drop                  atomic.Pointer[func(method, path string, n int) bool]

	mu      sync.Mutex
	changes []Change
	seen    map[string]int // "METHOD path" → requests so far
}

// Change is one request that changes something (any method but GET and
// HEAD) as it reached the proxy.
type Change struct {
	Method string
	// Path is the URL path as sent, /api/v1 included, without the query.
	Path string
	Body string
	// IdempotencyKey is the request's Idempotency-Key header ("" if none).
	IdempotencyKey string
}

// String is "METHOD path body".
func (c Change) String() string { return c.Method + " " + c.Path + " " + c.Body }

// errDropped is how ModifyResponse tells the error handler to cut the
// connection instead of answering.
var errDropped = errors.New("sandboxtest: answer dropped")

// NewProxy starts a proxy in front of target (a base URL such as Env.URL);
// t.Cleanup stops it.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatalf("sandboxtest: proxy target: %v", err)
	}
	p := &Proxy{seen: map[string]int{}}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	rp := &httputil.ReverseProxy{
		Rewrite:   func(r *httputil.ProxyRequest) { r.SetURL(u); r.Out.Host = r.In.Host },
		Transport: tr,
		ModifyResponse: func(resp *http.Response) error {
			drop, _ := resp.Request.Context().Value(dropKey{}).(bool)
			if !drop {
				return nil
			}
			// The store has answered, so it has applied the change: read
			// the answer to the end, then lose it.
			io.Copy(io.Discard, resp.Body)
			return errDropped
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if errors.Is(err, errDropped) {
				hangUp(w)
				return
			}
			if errors.Is(err, context.Canceled) {
				return
			}
			http.Error(w, "sandboxtest proxy: "+err.Error(), http.StatusBadGateway)
		},
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.down.Load() {
			hangUp(w)
			return
		}
		drop := p.arrived(r)
		if n := p.limit.Load(); n > 0 {
			p.limited.Add(1)
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set(api.HeaderRetryAfter, strconv.FormatInt(n, 10))
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprintf(w, `{"status":"error","error":{"code":%q,"message":"too many requests for this key; retry after %d seconds"}}`, api.CodeRateLimited, n)
			return
		}
		if r.URL.Path == api.Base+"/customers" && r.Method == http.MethodGet {
			p.searches.Add(1)
			n := p.inFlight.Add(1)
			defer p.inFlight.Add(-1)
			for m := p.maxInFlight.Load(); n > m && !p.maxInFlight.CompareAndSwap(m, n); m = p.maxInFlight.Load() {
			}
		}
		if d := p.delay.Load(); d != nil {
			select {
			case <-time.After((*d)()):
			case <-r.Context().Done():
				return
			}
		}
		if p.drop.Load() != nil {
			// No connection reuse while answers may be lost: net/http
			// would otherwise replay an idempotent (or keyed) request on
			// its own when a reused connection dies, hiding the error
			// from the code under test.
			w.Header().Set("Connection", "close")
		}
		if drop {
			r = r.WithContext(context.WithValue(r.Context(), dropKey{}, true))
		}
		rp.ServeHTTP(w, r)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("sandboxtest: proxy: %v", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() {
		srv.Close()
		tr.CloseIdleConnections()
	})
	p.URL = "http://" + ln.Addr().String()
	return p
}

type dropKey struct{}

// arrived records r (a change's body, the count of its method and path)
// and reports whether its answer is to be dropped.
func (p *Proxy) arrived(r *http.Request) bool {
	var c *Change
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(b))
		c = &Change{Method: r.Method, Path: r.URL.Path, Body: string(b), IdempotencyKey: r.Header.Get(api.HeaderIdempotencyKey)}
	}
	p.mu.Lock()
	if c != nil {
		p.changes = append(p.changes, *c)
	}
	k := r.Method + " " + r.URL.Path
	p.seen[k]++
	n := p.seen[k]
	p.mu.Unlock()
	if f := p.drop.Load(); f != nil {
		return (*f)(r.Method, r.URL.Path, n)
	}
	return false
}

// hangUp closes the client's connection without an answer.
func hangUp(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// Down makes the proxy play dead (true: every connection is closed
// without an answer, as if the API had stopped) or come back (false).
func (p *Proxy) Down(down bool) { p.down.Store(down) }

// RateLimit makes the proxy answer every call 429 with Retry-After:
// seconds, without passing it on, while seconds is above zero; 0 stops.
func (p *Proxy) RateLimit(seconds int) { p.limit.Store(int64(seconds)) }

// Limited is how many 429 answers RateLimit has given so far.
func (p *Proxy) Limited() int { return int(p.limited.Load()) }

// Searches is how many searches (GET /api/v1/customers) have arrived.
func (p *Proxy) Searches() int { return int(p.searches.Load()) }

// InFlight is how many searches are between arrival and answer now.
func (p *Proxy) InFlight() int { return int(p.inFlight.Load()) }

// MaxInFlight is the most searches that were in flight at once.
func (p *Proxy) MaxInFlight() int { return int(p.maxInFlight.Load()) }

// SetDelay makes the proxy hold every request for d() before passing it
// on (d is called once per request, from the request's goroutine); a
// request cancelled meanwhile is dropped. nil removes the delay.
func (p *Proxy) SetDelay(d func() time.Duration) {
	if d == nil {
		p.delay.Store(nil)
		return
	}
	p.delay.Store(&d)
}

// DropAnswer makes the proxy pass a request on and, when drop says so,
// cut the connection after the upstream has answered it: the change is
// applied but its answer lost. drop gets the method, the URL path as sent
// (/api/v1 included) and n, how many requests with that method and path
// have arrived, this one included. While drop is set, every answer closes
// its connection, so the client cannot replay a request on its own. nil
// stops dropping.
func (p *Proxy) DropAnswer(drop func(method, path string, n int) bool) {
	if drop == nil {
		p.drop.Store(nil)
		return
	}
	p.drop.Store(&drop)
}

// Changes returns every change sent through the proxy so far, in order
// of arrival.
func (p *Proxy) Changes() []Change {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.changes)
}
