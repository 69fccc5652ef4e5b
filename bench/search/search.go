// Package search is the customer-search benchmark behind `frontdesk
// sandbox bench search`: the query shapes of issue 15 timed through each
// engine's store.Store (Read, then Tx.SearchCustomers: what the server
// calls) on the same seeded customers, SQLite and PostgreSQL side by
// side, with three baselines answering the same question without a
// search index: a naive folded LIKE scan on each engine and PostgreSQL's
// plain per-column pg_trgm GIN indexes.
//
// It seeds a SQLite file (or reuses one seeded with the same number of
// customers), copies its customers into a PostgreSQL schema of its own
// (or reuses it), and prints one markdown table on Stdout; progress goes
// to Stderr. The engines must give the same total and the same first
// page for every query: a difference is printed loudly and Run returns
// an error matching ErrMismatch.
package search

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"frontdesk/api"
	"frontdesk/sandbox/seed"
	"frontdesk/store"
	"frontdesk/store/postgres"
	"frontdesk/store/sqlite"
	"frontdesk/store/sqlite/schema"
)

// Options configure Run.
type Options struct {
	// Customers is the store's size (seeded when the SQLite file is new).
	Customers int
	// SQLitePath is the SQLite file: reused when it holds Customers
	// customers, seeded when it holds none. Default:
	// $TMPDIR/frontdesk-bench-N.db.
	SQLitePath string
	// Postgres is a postgres:// URL; "" skips PostgreSQL.
	Postgres string
	// Schema is the PostgreSQL schema the customers are copied into and
	// the baselines' table is built in (reused when loaded). Default
	// bench_N.
	Schema string
	// Runs is how many times each engine answers each query (after one
	// untimed warm-up). Default 21.
	Runs int
	// BaselineRuns is how many times each baseline answers each query.
	// Default 3.
	BaselineRuns int
	// BaselineTimeout bounds one baseline query; past it the cell reads
	// "> 5 s" and the baseline's other runs of that query are skipped.
	// Default 5 s.
	BaselineTimeout time.Duration
	// NoBaselines times the engines only.
	NoBaselines bool
	// Stdout gets the table, Stderr the progress (nil: discarded).
	Stdout, Stderr io.Writer

	// wrap, when set, stands between Run and an engine ("sqlite",
	// "postgres"): tests use it to make an engine answer wrongly.
	wrap func(engine string, st store.Store) store.Store
}

// ErrMismatch is Run's error when the engines answered a query
// differently (another total or other ids on the page).
var ErrMismatch = errors.New("the engines gave different answers")

// Defaults.
const (
	DefaultCustomers       = 1_000_000
	DefaultRuns            = 21
	DefaultBaselineRuns    = 3
	DefaultBaselineTimeout = 5 * time.Second
)

// MinCustomers is the smallest store the seed makes: its hostile records.
func MinCustomers() int { return len(seed.HostileKinds()) }

// DefaultSQLitePath is the SQLite file for n customers when none is given.
func DefaultSQLitePath(n int) string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("frontdesk-bench-%d.db", n))
}

// DefaultSchema is the PostgreSQL schema for n customers when none is given.
func DefaultSchema(n int) string { return fmt.Sprintf("bench_%d", n) }

// Report is what Run measured, row by row in the table's order.
type Report struct {
	Customers int
	Postgres  bool
	// The servers' versions, for the table's heading.
	SQLiteVersion, PostgresVersion string
	Rows                           []Row
	// Mismatches are the loud lines printed for queries the engines
	// answered differently.
	Mismatches []string
}

// Row is one line of the table: one query under one sort and page.
type Row struct {
	Shape, Query, Sort string
	// Page says which page: "1", "100 of 100", or "after N" (the page
	// after the N-th match, by key).
	Page string
	// Total is the engines' total (SQLite's; PostgreSQL's must equal it),
	// and Estimate whether it is the cap. Paging by key has none
	// (HasTotal false).
	Total    int
	Estimate bool
	HasTotal bool
	// IDs is the page SQLite answered.
	IDs              []api.ID
	SQLite, Postgres Timing
	// The baselines (Ran false when not run).
	NaiveSQLite, NaivePostgres, Trigram Baseline
}

// Timing is one engine's latency over the runs.
type Timing struct {
	Ran      bool
	P50, P95 time.Duration
}

// Baseline is one baseline's latency and answer.
type Baseline struct {
	Ran bool
	// TimedOut: a run took longer than the timeout (P95 is meaningless).
	TimedOut bool
	P95      time.Duration
	// Total is the capped count (when the row has a total), IDs the page.
	Total int
	IDs   []int64
}

func (o *Options) defaults() error {
	if o.Customers <= 0 {
		return fmt.Errorf("customers must be at least 1, not %d", o.Customers)
	}
	if o.SQLitePath == "" {
		o.SQLitePath = DefaultSQLitePath(o.Customers)
	}
	if o.Schema == "" {
		o.Schema = DefaultSchema(o.Customers)
	}
	if o.Runs == 0 {
		o.Runs = DefaultRuns
	}
	if o.BaselineRuns == 0 {
		o.BaselineRuns = DefaultBaselineRuns
	}
	if o.BaselineTimeout == 0 {
		o.BaselineTimeout = DefaultBaselineTimeout
	}
	if o.Runs < 1 || o.BaselineRuns < 1 || o.BaselineTimeout < 0 {
		return fmt.Errorf("runs, baseline runs and the baseline timeout must be positive")
	}
	if o.Stdout == nil {
		o.Stdout = io.Discard
	}
	if o.Stderr == nil {
		o.Stderr = io.Discard
	}
	return nil
}

// Run seeds or reuses the stores, times every query, prints the table and
// returns what it measured. The error matches ErrMismatch when the
// engines disagreed (the table is printed all the same).
func Run(ctx context.Context, o Options) (Report, error) {
	if err := o.defaults(); err != nil {
		return Report{}, err
	}
	rep := Report{Customers: o.Customers}
	if err := prepareSQLite(ctx, o); err != nil {
		return rep, err
	}
	lite, err := sqlite.Open(ctx, o.SQLitePath)
	if err != nil {
		return rep, fmt.Errorf("open %s: %w", o.SQLitePath, err)
	}
	defer lite.Close()
	var liteStore store.Store = lite
	if o.wrap != nil {
		liteStore = o.wrap("sqlite", liteStore)
	}
	naiveDB, err := openNaiveSQLite(ctx, o.SQLitePath)
	if err != nil {
		return rep, err
	}
	defer naiveDB.Close()

	if err := naiveDB.QueryRowContext(ctx, `SELECT sqlite_version()`).Scan(&rep.SQLiteVersion); err != nil {
		return rep, err
	}
	qs, err := querySet(ctx, naiveDB, o.Customers)
	if err != nil {
		return rep, err
	}

	var pg *pgSide
	if o.Postgres == "" {
		fmt.Fprintln(o.Stderr, "PostgreSQL: skipped (no --postgres URL, and neither FRONTDESK_TEST_POSTGRES nor FRONTDESK_POSTGRES is set); timing SQLite only")
	} else {
		pg, err = preparePostgres(ctx, o, naiveDB)
		if err != nil {
			return rep, err
		}
		defer pg.close()
		rep.Postgres, rep.PostgresVersion = true, pg.version
	}

	started := time.Now()
	b := &bench{o: o, lite: liteStore, naive: naiveDB, pg: pg}
	if err := b.warm(ctx); err != nil {
		return rep, err
	}
	for i, q := range qs {
		fmt.Fprintf(o.Stderr, "[%d/%d] %s %q %s page %s\n", i+1, len(qs), q.shape, q.query, sortName(q.sort), q.pageLabel())
		row, mismatch, err := b.row(ctx, q)
		if err != nil {
			return rep, err
		}
		rep.Rows = append(rep.Rows, row)
		if mismatch != "" {
			rep.Mismatches = append(rep.Mismatches, mismatch)
			fmt.Fprintln(o.Stderr, mismatch)
		}
	}
	fmt.Fprintf(o.Stderr, "timed %d rows in %s\n", len(rep.Rows), time.Since(started).Round(time.Second))
	printTable(o.Stdout, o, rep)
	if len(rep.Mismatches) > 0 {
		return rep, fmt.Errorf("%w on %d of %d rows (see the MISMATCH lines)", ErrMismatch, len(rep.Mismatches), len(rep.Rows))
	}
	return rep, nil
}

// prepareSQLite seeds the file when it has no customers, and refuses one
// seeded with another number.
func prepareSQLite(ctx context.Context, o Options) error {
	db, err := schema.Open(ctx, o.SQLitePath)
	if err != nil {
		return fmt.Errorf("open %s: %w", o.SQLitePath, err)
	}
	defer db.Close()
	var have int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM customers`).Scan(&have); err != nil {
		return fmt.Errorf("count the customers of %s: %w", o.SQLitePath, err)
	}
	switch {
	case have == o.Customers:
		fmt.Fprintf(o.Stderr, "SQLite: reusing %s (%d customers)\n", o.SQLitePath, have)
		return nil
	case have != 0:
		return fmt.Errorf("%s holds %d customers, not %d: give --customers %d, or another --sqlite file (a new one is seeded)",
			o.SQLitePath, have, o.Customers, have)
	}
	if least := MinCustomers(); o.Customers < least {
		return fmt.Errorf("the seed makes at least %d customers (its hostile records): give --customers %d or more", least, least)
	}
	fmt.Fprintf(o.Stderr, "SQLite: seeding %d customers into %s\n", o.Customers, o.SQLitePath)
	last := time.Now()
	st, err := seed.Run(ctx, db, seed.Options{Customers: o.Customers, Seed: 1, Progress: func(done int) {
		if time.Since(last) > 5*time.Second {
			last = time.Now()
			fmt.Fprintf(o.Stderr, "SQLite: %d customers seeded\n", done)
		}
	}})
	if err != nil {
		return fmt.Errorf("seed %s: %w", o.SQLitePath, err)
	}
	fmt.Fprintf(o.Stderr, "SQLite: seeded %d customers in %s\n", st.Customers, st.Duration.Round(time.Second))
	return nil
}

// openPostgresStore opens the engine on the bench's schema.
func openPostgresStore(ctx context.Context, dsn string) (*postgres.Store, error) {
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL: %w", err)
	}
	return st, nil
}
