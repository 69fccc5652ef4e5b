package server

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"frontdesk/api"
	"frontdesk/store"
)

// readyTimeout bounds /readyz's database check.
const readyTimeout = 2 * time.Second

// ops is the server's operational state: its metrics and whether it is
// draining. Each Server has its own registry: several servers in one
// process (tests, the demo) never share a metric.
type ops struct {
	draining atomic.Bool

	// warmMu guards warmDone, closed when the search index's load (see
	// StartSearchWarm) has ended; nil when none is under way or done.
	warmMu   sync.Mutex
	warmDone chan struct{}

	reg         *prometheus.Registry
	requests    *prometheus.HistogramVec
	adjustments *prometheus.CounterVec
	conflicts   *prometheus.CounterVec
	sessions    *prometheus.CounterVec
	gwSessions  *prometheus.CounterVec
	purged      *prometheus.CounterVec
}

func newOps() *ops {
	o := &ops{reg: prometheus.NewRegistry()}
	o.requests = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "frontdesk_http_request_duration_seconds",
		Help:    "Time to answer an API request, by route (the pattern matched, or \"unmatched\") and status code.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"route", "code"})
	o.adjustments = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "frontdesk_loyalty_adjustments_total",
		Help: "Loyalty adjustments answered, by result: applied, replayed (an Idempotency-Key seen before), refused (a business rule).",
	}, []string{"result"})
	o.conflicts = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "frontdesk_conflicts_total",
		Help: "Requests refused for a conflict (409, 412), by error code: version_mismatch, idempotency_in_flight, duplicate_email, …",
	}, []string{"code"})
	o.sessions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "frontdesk_agent_sessions_total",
		Help: "On-behalf sessions, by event: started, refreshed, ended.",
	}, []string{"event"})
	o.gwSessions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "frontdesk_gateway_sessions_total",
		Help: "SSH gateway session leases, by event: acquired, refused_desk (the desk's cap), refused_agent (the agent's cap), released.",
	}, []string{"event"})
	o.purged = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "frontdesk_retention_purged_total",
		Help: "Rows removed by retention, by kind: idempotency_keys, sessions.",
	}, []string{"kind"})
	o.reg.MustRegister(o.requests, o.adjustments, o.conflicts, o.sessions, o.gwSessions, o.purged,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return o
}

// Drain makes /readyz answer 503 so load balancers stop sending new
// requests; the API keeps answering the ones that still arrive. Call it
// on SIGTERM, before http.Server.Shutdown.
func (s *Server) Drain() { s.ops.draining.Store(true) }

// StartSearchWarm starts loading the store's search index in the
// background, when the engine has one to load (store.SearchWarmer) and
// no load is under way or done, and returns a channel closed when that
// load has ended (nil when there is nothing to load). ctx bounds the
// load. The server runners call it at start and wait for the channel
// before closing the store. /readyz answers 503 until the index is
// loaded (and starts the load itself, unbounded, when nothing did); a
// search before then waits for it.
func (s *Server) StartSearchWarm(ctx context.Context) <-chan struct{} {
	w, ok := s.st.(store.SearchWarmer)
	if !ok {
		return nil
	}
	s.ops.warmMu.Lock()
	defer s.ops.warmMu.Unlock()
	if s.ops.warmDone != nil {
		return s.ops.warmDone
	}
	done := make(chan struct{})
	s.ops.warmDone = done
	go func() {
		defer close(done)
		start := time.Now()
		if err := w.WarmSearch(ctx); err != nil {
			if ctx.Err() == nil {
				s.log.Warn("search index: the load failed; the next /readyz or search tries again", "err", err)
			}
			s.ops.warmMu.Lock()
			s.ops.warmDone = nil
			s.ops.warmMu.Unlock()
			return
		}
		s.log.Info("search index loaded", "took", time.Since(start).Round(time.Millisecond))
	}()
	return done
}

// searchLoading reports whether the store's search index is still
// loading after waiting for it until ctx ends.
func (s *Server) searchLoading(ctx context.Context) bool {
	w, ok := s.st.(store.SearchWarmer)
	if !ok || w.SearchReady() {
		return false
	}
	// Not the probe's context: the load outlives the probe that started
	// it (it ends with the store, whose Close fails it).
	select {
	case <-s.StartSearchWarm(context.Background()):
	case <-ctx.Done():
	}
	return !w.SearchReady()
}

// Registry is the server's Prometheus registry (served at /metrics).
func (s *Server) Registry() *prometheus.Registry { return s.ops.reg }

// serveOps answers the operator's endpoints; false for any other path.
func (s *Server) serveOps(w http.ResponseWriter, r *http.Request) bool {
	switch r.URL.Path {
	case api.PathHealth:
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return true
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	case api.PathReady:
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return true
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if s.ops.draining.Load() {
			http.Error(w, "draining: this server is shutting down", http.StatusServiceUnavailable)
			return true
		}
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		if err := s.st.Read(ctx, func(store.Tx) error { return nil }); err != nil {
			s.log.Warn("not ready", "err", err)
			http.Error(w, "the database does not answer", http.StatusServiceUnavailable)
			return true
		}
		if s.searchLoading(ctx) {
			http.Error(w, "the search index is still loading", http.StatusServiceUnavailable)
			return true
		}
		w.Write([]byte("ready\n"))
	case api.PathMetrics:
		promhttp.HandlerFor(s.ops.reg, promhttp.HandlerOpts{}).ServeHTTP(w, r)
	default:
		return false
	}
	return true
}

// observe records one API request's latency.
func (o *ops) observe(route string, code int, took time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	o.requests.WithLabelValues(route, strconv.Itoa(code)).Observe(took.Seconds())
}

// countError counts conflicts among the error answers.
func (o *ops) countError(status int, code string) {
	if status == http.StatusConflict || status == http.StatusPreconditionFailed {
		o.conflicts.WithLabelValues(code).Inc()
	}
}
