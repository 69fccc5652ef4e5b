// Package desk runs the desk server as a service: the store of record
// opened from one --db value, the API server on it, retention, and a
// graceful stop (drain, finish what is in flight, close). `frontdesk
// server` is its command; several processes may run on one PostgreSQL
// database (docs/deploy.md).
package desk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"frontdesk/server"
	"frontdesk/store"
	"frontdesk/store/postgres"
	"frontdesk/store/sqlite"
)

// Defaults for Options.
const (
	DefaultShutdownTimeout = 30 * time.Second
)

// Open opens the store of record db names: a postgres:// (or
// postgresql://) URL, or the path of a SQLite file (created and migrated
// when missing). Close it when done.
func Open(ctx context.Context, db string) (store.Store, error) {
	switch {
	case db == "":
		return nil, errors.New("no database: give --db a SQLite file or a postgres:// URL")
	case IsPostgres(db):
		return openPostgres(ctx, db)
	}
	return sqlite.Open(ctx, db)
}

// IsPostgres reports whether db is a PostgreSQL URL.
func IsPostgres(db string) bool { return postgres.IsDSN(db) }

// OpenReadOnly opens the store of record db names for reading only, as
// it is (no migration): what `audit verify` checks. Close it when done.
func OpenReadOnly(ctx context.Context, db string) (store.Store, error) {
	if IsPostgres(db) {
		return postgres.OpenReadOnly(ctx, db)
	}
	return sqlite.OpenReadOnly(ctx, db)
}

// Options configure Run.
type Options struct {
	// Addr is the address to listen on ("127.0.0.1:8080"; port 0 picks
	// a free one).
	Addr string
	// Logger receives the server's logs. Default: discard.
	Logger *slog.Logger
	// Server configures the API server (rate limits, retention).
	Server server.Options
	// PurgeEvery is how often retention runs (server.DefaultPurgeEvery
	// when 0; negative turns it off).
	PurgeEvery time.Duration
	// DrainDelay is how long /readyz answers 503 before the listener
	// closes on a stop, so load balancers take the server out first.
	DrainDelay time.Duration
	// ShutdownTimeout bounds the wait for requests in flight on a stop
	// (DefaultShutdownTimeout when 0); past it connections are closed.
	ShutdownTimeout time.Duration
	// Listening, when set, is called with the server's URL once it
	// accepts connections.
	Listening func(url string)
}

// Run serves the API over st on o.Addr until ctx ends, then stops
// gracefully: /readyz turns 503, DrainDelay passes, the listener closes,
// requests in flight finish (up to ShutdownTimeout). It returns nil after
// a graceful stop. It does not close st.
func Run(ctx context.Context, st store.Store, o Options) error {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = DefaultShutdownTimeout
	}
	if o.Server.Logger == nil {
		o.Server.Logger = o.Logger
	}
	srv := server.New(st, o.Server)
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", o.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another server using it? pick another --addr)", o.Addr, err)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(o.Logger.Handler(), slog.LevelWarn),
		// Requests outlive the stop signal: they finish on their own
		// context, bounded by Shutdown's timeout.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	bg, stopBG := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBG()
	// The search index loads while the listener already answers (/readyz
	// 503 until it is done); Run does not return before the load ends.
	if warmed := srv.StartSearchWarm(bg); warmed != nil {
		defer func() {
			stopBG()
			<-warmed
		}()
	}
	if o.PurgeEvery >= 0 {
		go srv.RunRetention(bg, o.PurgeEvery)
	}
	url := "http://" + ln.Addr().String()
	o.Logger.Info("desk server listening", "url", url)
	if o.Listening != nil {
		o.Listening(url)
	}

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	o.Logger.Info("stopping: draining", "drain_delay", o.DrainDelay, "shutdown_timeout", o.ShutdownTimeout)
	srv.Drain()
	if o.DrainDelay > 0 {
		t := time.NewTimer(o.DrainDelay)
		<-t.C
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), o.ShutdownTimeout)
	defer cancel()
	err = hs.Shutdown(sctx)
	if err != nil {
		hs.Close()
		err = fmt.Errorf("requests still running after %s were cut off: %w", o.ShutdownTimeout, err)
	}
	if serr := <-served; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	stopBG()
	o.Logger.Info("stopped")
	return err
}
