// Package sandbox runs the demo store: the server (package server) over
// a SQLite file (store/sqlite), seeded by the deterministic generator
// (sandbox/seed) when it is empty, with a bootstrap key. It is what
// `frontdesk sandbox serve` and `frontdesk demo` start.
package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"frontdesk/sandbox/seed"
	"frontdesk/server"
	"frontdesk/store/sqlite"
)

// StartOptions configure Start.
type StartOptions struct {
	// Addr to listen on, e.g. "127.0.0.1:8080" or "127.0.0.1:0" for any
	// free port.
	Addr string
	// DBPath is the SQLite file; empty means a temporary file removed by
	// Close.
	DBPath string
	// Customers is how many customers to seed when the database has none
	// (0: seed nothing).
	Customers int
	// Seed makes the generated data reproducible.
	Seed int64
	// Logger receives request and lifecycle logs. Default: discard.
	Logger *slog.Logger
	// Dialect is the wire format served: DialectFrontdesk ("" too), the
	// desk's own API, or DialectStore, the seed-004 store API
	// (dialect/store) over the same database and keys.
	Dialect string
	// RateLimit is the API's per-key requests per second (0: the
	// server's default; negative: no limit), for benchmarks.
	RateLimit float64
}

// Running is a started sandbox.
type Running struct {
	// URL is the base URL, without /api/v1 (e.g. http://127.0.0.1:41234).
	URL string
	// Key is the bootstrap supervisor key when KeyCreated; empty
	// otherwise (the database had keys already).
	Key        Key
	KeyCreated bool
	// Seeded reports whether Start seeded customers, and SeedStats what.
	Seeded    bool
	SeedStats seed.Stats
	// Store is the storage engine the server runs on.
	Store *sqlite.Store
	// DB is Store's database, for minting more keys (CreateKey).
	DB *sql.DB
	// DBPath is the SQLite file in use.
	DBPath string
	// Server is the desk's API server; nil when another dialect is
	// served.
	Server *server.Server
	// Handler is what is served: Server, or the dialect's handler.
	Handler http.Handler
	// Dialect is the dialect served (DialectFrontdesk or another).
	Dialect string

	http   *http.Server
	served chan error
	// stopWarm cancels the search index's load; warmed is closed when it
	// has ended.
	stopWarm context.CancelFunc
	warmed   <-chan struct{}
	tempDir  string
}

// Start opens (and migrates) the database, seeds it if it has no
// customers, makes a supervisor key if it has no keys, and serves the API
// on o.Addr until Close.
func Start(ctx context.Context, o StartOptions) (*Running, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.Dialect == "" {
		o.Dialect = DialectFrontdesk
	}
	dia, ok := DialectNamed(o.Dialect)
	if !ok {
		return nil, fmt.Errorf("start sandbox: no dialect %q (dialects: %s)", o.Dialect, strings.Join(Dialects, ", "))
	}
	run := &Running{served: make(chan error, 1), Dialect: o.Dialect}
	if o.DBPath == "" {
		dir, err := os.MkdirTemp("", "frontdesk-sandbox-")
		if err != nil {
			return nil, fmt.Errorf("start sandbox: make a temporary database directory: %w", err)
		}
		run.tempDir = dir
		o.DBPath = filepath.Join(dir, "sandbox.db")
	}
	run.DBPath = o.DBPath
	fail := func(err error) (*Running, error) {
		if run.Store != nil {
			run.Store.Close()
		}
		if run.tempDir != "" {
			os.RemoveAll(run.tempDir)
		}
		return nil, err
	}

	st, err := sqlite.Open(ctx, o.DBPath)
	if err != nil {
		return fail(fmt.Errorf("start sandbox: %w", err))
	}
	db := st.DB()
	run.Store, run.DB = st, db
	if o.Customers > 0 {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM customers`).Scan(&n); err != nil {
			return fail(fmt.Errorf("start sandbox: count customers: %w", err))
		}
		if n == 0 {
			started := time.Now()
			o.Logger.Info("seeding", "customers", o.Customers, "db", o.DBPath)
			st, err := seed.Run(ctx, db, seed.Options{Customers: o.Customers, Seed: o.Seed, Now: time.Now()})
			if err != nil {
				return fail(fmt.Errorf("start sandbox: seed %d customers: %w", o.Customers, err))
			}
			run.Seeded, run.SeedStats = true, st
			// The load went through the WAL; fold it into the database now
			// so readers do not wade through it and the file is complete.
			if _, err := db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
				return fail(fmt.Errorf("start sandbox: checkpoint after seeding: %w", err))
			}
			o.Logger.Info("seeded", "customers", o.Customers, "took", time.Since(started).Round(time.Millisecond))
		}
	}
	if run.Key, run.KeyCreated, err = server.BootstrapKey(ctx, st); err != nil {
		return fail(fmt.Errorf("start sandbox: %w", err))
	}

	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", o.Addr)
	if err != nil {
		return fail(fmt.Errorf("start sandbox: listen on %s: %w (is another server using it? pick another --addr)", o.Addr, err))
	}
	// The search index loads in the background (seconds at a million
	// customers); Close stops the load and waits for it.
	warmCtx, stopWarm := context.WithCancel(context.WithoutCancel(ctx))
	run.stopWarm = stopWarm
	if dia.New != nil {
		run.Handler = dia.New(st, o.Logger)
		// Load the search index now rather than at the first search.
		done := make(chan struct{})
		go func() {
			defer close(done)
			if err := st.WarmSearch(warmCtx); err != nil && warmCtx.Err() == nil {
				o.Logger.Warn("search index: the load failed; the first search tries again", "err", err)
			}
		}()
		run.warmed = done
	} else {
		run.Server = server.New(st, server.Options{Logger: o.Logger, RateLimit: o.RateLimit})
		run.warmed = run.Server.StartSearchWarm(warmCtx)
		run.Handler = run.Server
	}
	run.URL = "http://" + ln.Addr().String()
	run.http = &http.Server{
		Handler:           run.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(o.Logger.Handler(), slog.LevelWarn),
	}
	go func() {
		err := run.http.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		run.served <- err
		close(run.served)
	}()
	o.Logger.Info("sandbox API listening", "url", run.URL, "dialect", o.Dialect, "db", o.DBPath)
	return run, nil
}

// Done is closed when the server stops serving; it carries the error
// that stopped it, if any (a nil receive after Close).
func (r *Running) Done() <-chan error { return r.served }

// Close stops accepting requests, waits (up to ctx) for those running,
// and closes the database; a temporary database is removed.
func (r *Running) Close(ctx context.Context) error {
	err := r.http.Shutdown(ctx)
	if err != nil {
		r.http.Close()
	}
	for range r.served {
	}
	if r.stopWarm != nil {
		r.stopWarm()
	}
	if r.warmed != nil {
		<-r.warmed
	}
	if cerr := r.Store.Close(); cerr != nil {
		err = errors.Join(err, cerr)
	}
	if r.tempDir != "" {
		if rerr := os.RemoveAll(r.tempDir); rerr != nil {
			err = errors.Join(err, rerr)
		}
	}
	return err
}
