// Package server is the desk's Customers API server: net/http handlers,
// roles, the audit trail, idempotent adjustments, on-behalf sessions and
// notes, over a storage engine (store.Store; store/sqlite by default).
// `frontdesk sandbox serve` and `frontdesk demo` run it on a seeded SQLite
// file (package sandbox), and every test in the repository talks to it
// through sandbox/sandboxtest.
//
// The handlers reach data only through store.Store: each request's reads
// share one Read transaction, and each change writes its rows and its
// audit row in one Write transaction, so they commit together.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"frontdesk/api"
	"frontdesk/policy"
	"frontdesk/store"
)

// Options tune a Server. The zero value is usable.
type Options struct {
	// Now is the clock for everything the API records (created_at,
	// updated_at, ledger entries, metrics windows). Default time.Now.
	Now func() time.Time
	// Logger receives one line per request. Default: discard.
	Logger *slog.Logger
	// RateLimit is the sustained requests per second allowed per key
	// (default 100); a negative value turns rate limiting off.
	RateLimit float64
	// RateBurst is the bucket size (default 200).
	RateBurst int
	// RateNow is the rate limiter's clock (default time.Now). It is not
	// Now, so a test that freezes the API's clock is not frozen out by the
	// limiter; a test of the limiter sets it to move time itself.
	RateNow func() time.Time
	// IdempotencyRetention and SessionRetention are how long Purge keeps
	// Idempotency-Key answers and ended sessions (defaults
	// DefaultIdempotencyRetention, DefaultSessionRetention).
	IdempotencyRetention, SessionRetention time.Duration
	// Unsupported names what the store of record cannot do (a platform
	// behind the desk: desk/upstream), by capability, with the reason;
	// GET /me tells consoles, which then hide or grey those keys.
	Unsupported map[string]string
	// GatewaySessions caps the SSH sessions open through every gateway
	// on the store (Total) and one agent's (PerAgent); 0 is no cap.
	GatewaySessions store.GatewayCaps
	// GatewayLeaseTTL is how long a gateway session's lease lives without
	// a heartbeat (default api.DefaultGatewayLeaseTTL).
	GatewayLeaseTTL time.Duration
	// PresenceTTL is how long one presence heartbeat keeps an agent on a
	// customer (default api.PresenceTTL).
	PresenceTTL time.Duration
}

// Defaults for Options.
const (
	DefaultRateLimit = 100
	DefaultRateBurst = 200
	// DefaultMaxGatewaySessions and DefaultMaxSessionsPerAgent are
	// `frontdesk server`'s caps on SSH sessions across its gateways (the
	// Options' zero value is no cap).
	DefaultMaxGatewaySessions  = 1000
	DefaultMaxSessionsPerAgent = 10
	// MaxBodyBytes caps every request body.
	MaxBodyBytes = 1 << 20
)

// Server is the sandbox Customers API. It implements http.Handler and
// serves everything under /api/v1.
type Server struct {
	st      store.Store
	now     func() time.Time
	log     *slog.Logger
	mux     *http.ServeMux
	limiter *rateLimiter
	ops     *ops
	// unsupported is Options.Unsupported, for /me.
	unsupported map[string]string
	// retention is how long Purge keeps what it purges.
	retention struct{ IdempotencyKeys, Sessions time.Duration }
	// gatewayCaps and gatewayLeaseTTL are Options.GatewaySessions and
	// GatewayLeaseTTL.
	gatewayCaps     store.GatewayCaps
	gatewayLeaseTTL time.Duration
	// presenceTTL is Options.PresenceTTL.
	presenceTTL time.Duration

	ltv ltvCache

	// afterClaim, when set (tests only), runs after an adjustment has
	// claimed its idempotency key and before it applies, so a test can
	// observe the key in flight.
	afterClaim atomic.Pointer[func()]
}

// New builds a Server over the storage engine st (see store/sqlite);
// the Server does not close it.
func New(st store.Store, opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.RateLimit == 0 {
		opts.RateLimit = DefaultRateLimit
	}
	if opts.RateBurst <= 0 {
		opts.RateBurst = DefaultRateBurst
	}
	if opts.RateNow == nil {
		opts.RateNow = time.Now
	}
	if opts.IdempotencyRetention <= 0 {
		opts.IdempotencyRetention = DefaultIdempotencyRetention
	}
	if opts.SessionRetention <= 0 {
		opts.SessionRetention = DefaultSessionRetention
	}
	s := &Server{
		st:  st,
		now: func() time.Time { return opts.Now().UTC() },
		log: opts.Logger,
		mux: http.NewServeMux(),
		ops: newOps(),

		unsupported: opts.Unsupported,
	}
	s.retention.IdempotencyKeys, s.retention.Sessions = opts.IdempotencyRetention, opts.SessionRetention
	s.gatewayCaps, s.gatewayLeaseTTL = opts.GatewaySessions, opts.GatewayLeaseTTL
	if s.gatewayLeaseTTL <= 0 {
		s.gatewayLeaseTTL = api.DefaultGatewayLeaseTTL
	}
	s.presenceTTL = opts.PresenceTTL
	if s.presenceTTL <= 0 {
		s.presenceTTL = api.PresenceTTL
	}
	if opts.RateLimit > 0 {
		s.limiter = newRateLimiter(opts.RateLimit, opts.RateBurst, opts.RateNow)
	}
	s.routes()
	return s
}

func (s *Server) routes() {
	const b = api.Base
	s.handle("GET "+b+"/me", policy.Read, s.getMe)
	s.handle("GET "+b+"/customers", policy.Read, s.listCustomers)
	s.handle("GET "+b+"/customers/export", policy.Read, s.exportCustomers)
	s.handle("POST "+b+"/customers", policy.CreateCustomer, s.createCustomer)
	s.handleScoped("GET "+b+"/customers/{id}", policy.Read, tokenAccepted, s.getCustomer)
	s.handleScoped("PATCH "+b+"/customers/{id}", policy.EditCustomer, tokenAccepted, s.patchCustomer)
	s.handle("GET "+b+"/customers/{id}/orders", policy.Read, s.listOrders)
	s.handle("GET "+b+"/customers/{id}/orders/{order_id}", policy.Read, s.getOrder)
	s.handle("GET "+b+"/orders", policy.Read, s.findOrder)
	s.handle("GET "+b+"/customers/{id}/loyalty", policy.Read, s.getLoyalty)
	s.handle("GET "+b+"/customers/{id}/loyalty/ledger", policy.Read, s.getLedger)
	s.handle("POST "+b+"/customers/{id}/loyalty/adjustments", policy.AdjustLoyalty, s.postAdjustment)
	s.handle("POST "+b+"/customers/{id}/merge", policy.MergeCustomers, s.postMerge)
	s.handle("POST "+b+"/customers/{id}/merge/preview", policy.MergeCustomers, s.postMergePreview)
	s.handle("GET "+b+"/customers/{id}/notes", policy.Read, s.listNotes)
	s.handle("POST "+b+"/customers/{id}/notes", policy.AddNote, s.createNote)

	s.handle("POST "+b+"/customers/{id}/agent-sessions", policy.ActOnBehalf, s.startSession)
	s.handle("GET "+b+"/agent-sessions", policy.Read, s.listSessions)
	s.handle("POST "+b+"/agent-sessions/{sid}/refresh", policy.ActOnBehalf, s.refreshSession)
	s.handle("DELETE "+b+"/agent-sessions/{sid}", policy.ActOnBehalf, s.endSession)
	s.handleScoped("GET "+b+"/customers/{id}/coupons", policy.ReadAsCustomer, tokenRequired, s.listCoupons)
	s.handleScoped("POST "+b+"/customers/{id}/password-reset", policy.ActOnBehalf, tokenRequired, s.passwordReset)

	s.handle("POST "+b+"/customers/{id}/reveal", policy.RevealPII, s.reveal)

	s.handle("GET "+b+"/audit", policy.ReadAudit, s.listAudit)
	s.handle("GET "+b+"/customers/{id}/data-export", policy.ExportCustomerData, s.exportCustomerData)
	s.handle("POST "+b+"/customers/{id}/erase", policy.EraseCustomer, s.eraseCustomer)

	s.handle("GET "+b+"/customers/{id}/presence", policy.Read, s.getPresence)
	s.handle("PUT "+b+"/customers/{id}/presence", policy.Read, s.putPresence)
	s.handle("DELETE "+b+"/customers/{id}/presence", policy.Read, s.deletePresence)

	// Gateway keys only (checked in the handlers): any role may have an
	// SSH session.
	s.handle("POST "+b+api.PathGatewaySessions, policy.Read, s.acquireGatewaySession)
	s.handle("PUT "+b+api.PathGatewaySessions+"/{lid}", policy.Read, s.renewGatewaySession)
	s.handle("DELETE "+b+api.PathGatewaySessions+"/{lid}", policy.Read, s.releaseGatewaySession)
}

// handlerFunc is an endpoint: it writes a success itself and returns an
// error for anything else (an *apiError is sent as is, anything else is a
// logged 500).
type handlerFunc func(w http.ResponseWriter, r *http.Request, c *caller) error

// handle registers h for pattern, behind the policy's check of action.
// The route refuses X-Customer-Token: it never acts as a customer.
func (s *Server) handle(pattern string, action policy.Action, h handlerFunc) {
	s.handleScoped(pattern, action, tokenRefused, h)
}

// handleScoped registers h for pattern, behind the customer-token check
// (scope) and the policy's check of action.
func (s *Server) handleScoped(pattern string, action policy.Action, scope tokenScope, h handlerFunc) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		c := callerFrom(r.Context())
		err := s.authorize(r, c, action, scope)
		if err == nil {
			err = h(w, r, c)
		}
		if err != nil {
			s.writeErr(w, r, err)
		}
	})
}

// ServeHTTP runs a request through request ids, logging, auth, the rate
// limit and the routes, in that order.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.serveOps(w, r) {
		return
	}
	start := time.Now()
	rid := r.Header.Get(api.HeaderRequestID)
	if !saneRequestID(rid) {
		rid = newRequestID()
	}
	w.Header().Set(api.HeaderRequestID, rid)
	rw := &statusWriter{ResponseWriter: w}
	ctx := context.WithValue(r.Context(), requestIDKey{}, rid)
	r = r.WithContext(ctx)

	var c *caller
	var route string
	defer func() {
		s.ops.observe(route, rw.code(), time.Since(start))
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", rw.code()),
			slog.Duration("duration", time.Since(start)),
			slog.String("request_id", rid),
		}
		if c != nil {
			attrs = append(attrs, slog.String("agent", c.AgentID), slog.String("key", c.KeyID), slog.String("via", c.Via))
		}
		level := slog.LevelInfo
		if rw.code() >= 500 {
			level = slog.LevelError
		}
		s.log.LogAttrs(ctx, level, "request", attrs...)
	}()

	// A bug in a handler answers 500 in the envelope, logged, instead of
	// a dropped connection.
	defer func() {
		p := recover()
		if p == nil || p == http.ErrAbortHandler {
			if p != nil {
				panic(p)
			}
			return
		}
		s.log.LogAttrs(ctx, slog.LevelError, "panic", slog.String("request_id", rid), slog.Any("panic", p),
			slog.String("stack", string(debug.Stack())))
		if rw.status == 0 {
			s.writeErr(rw, r, fmt.Errorf("panic: %v", p))
		}
	}()

	if r.URL.Path != api.Base && !strings.HasPrefix(r.URL.Path, api.Base+"/") {
		s.writeErr(rw, r, errf(http.StatusNotFound, api.CodeNotFound, "no such endpoint: the API lives under %s", api.Base))
		return
	}
	var err error
	c, err = s.authenticate(ctx, r)
	if err != nil {
		if ae, ok := err.(*apiError); ok && ae.status == http.StatusUnauthorized {
			rw.Header().Set("WWW-Authenticate", `Basic realm="frontdesk sandbox", charset="UTF-8"`)
		}
		s.writeErr(rw, r, err)
		return
	}
	if s.limiter != nil {
		if ok, retry := s.limiter.allow(c.rateKey()); !ok {
			rw.Header().Set(api.HeaderRetryAfter, retryAfterSeconds(retry))
			s.writeErr(rw, r, errf(http.StatusTooManyRequests, api.CodeRateLimited,
				"too many requests for this key; retry after %s seconds", retryAfterSeconds(retry)))
			return
		}
	}
	r = r.WithContext(context.WithValue(ctx, callerKey{}, c))
	r.Body = http.MaxBytesReader(rw, r.Body, MaxBodyBytes)

	// The mux answers unknown paths and wrong methods in plain text; find
	// out first, so those get the envelope too.
	h, pattern := s.mux.Handler(r)
	route = pattern
	if pattern == "" {
		probe := &probeWriter{header: http.Header{}}
		h.ServeHTTP(probe, r)
		switch probe.status {
		case http.StatusMethodNotAllowed:
			rw.Header().Set("Allow", probe.header.Get("Allow"))
			s.writeErr(rw, r, errf(http.StatusMethodNotAllowed, api.CodeMethodNotAllowed,
				"%s is not allowed on %s; allowed: %s", r.Method, r.URL.Path, probe.header.Get("Allow")))
		case http.StatusNotFound, 0:
			s.writeErr(rw, r, errf(http.StatusNotFound, api.CodeNotFound, "no such endpoint: %s %s", r.Method, r.URL.Path))
		default:
			// A redirect to the cleaned path: pass it on as the mux wrote it.
			for k, v := range probe.header {
				rw.Header()[k] = v
			}
			rw.WriteHeader(probe.status)
		}
		return
	}
	s.mux.ServeHTTP(rw, r)
}

// statusWriter remembers the status for the log line.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// Unwrap lets http.ResponseController reach the real writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// probeWriter captures what the mux would answer for an unmatched request.
type probeWriter struct {
	header http.Header
	status int
}

func (p *probeWriter) Header() http.Header { return p.header }
func (p *probeWriter) Write(b []byte) (int, error) {
	if p.status == 0 {
		p.status = http.StatusOK
	}
	return len(b), nil
}
func (p *probeWriter) WriteHeader(code int) {
	if p.status == 0 {
		p.status = code
	}
}

type requestIDKey struct{}

// RequestID returns the request id of a request the Server is handling.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// saneRequestID accepts what a well-behaved client or proxy sends: 1–128
// characters of letters, digits and . _ : -. Anything else is replaced, so
// logs never carry control characters or huge values from a client.
func saneRequestID(s string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch >= 'a' && ch <= 'z', ch >= 'A' && ch <= 'Z', ch >= '0' && ch <= '9',
			ch == '.', ch == '_', ch == ':', ch == '-':
		default:
			return false
		}
	}
	return true
}

func newRequestID() string { return "req_" + randomHex(12) }
