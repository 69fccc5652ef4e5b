// Package seed fills an empty sandbox database with realistic,
// deterministic Kenyan store data: customers, addresses, orders, loyalty
// ledgers and notes, plus a fixed set of hostile records (emoji, combining
// marks, right-to-left text, 300-character strings, CJK and terminal
// control sequences) that every screen must survive.
//
// The same Seed and Now give the same rows. Loading is one transaction:
// a cancelled or failed run leaves the database as it was.
package seed

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Options says what to seed.
type Options struct {
	// Customers is how many customers to create, the hostile records
	// included; there are always at least len(HostileKinds()).
	Customers int
	// Seed picks the data; the same seed gives the same rows.
	Seed int64
	// Now is the reference time: sign-ups spread over the three years
	// before it. Zero means 2026-11-01T00:00:00Z, so output is
	// deterministic by default.
	Now time.Time
	// Progress, if set, is called with the number of customers written so
	// far, from the goroutine that called Run.
	Progress func(done int)
}

// Stats says what Run wrote.
type Stats struct {
	Customers, Orders, LedgerEntries, Notes int
	// HostileIDs are the customer ids of the hostile records, in the
	// order of HostileKinds().
	HostileIDs []int64
	Duration   time.Duration
}

// batchCustomers is how many customers the generator hands over at a
// time: big enough to amortise the channel, small enough to pipeline.
const batchCustomers = 2000

// bulkTables are the tables Run fills; their secondary indexes are
// dropped during the load and rebuilt once at the end, which sorts once
// instead of updating the B-trees row by row.
var bulkTables = []string{"customers", "addresses", "orders", "loyalty_accounts", "loyalty_ledger", "notes"}

// appendIndexes stay during the load: the generator writes rows in the
// order of their keys (ids rise with sign-up time, and each customer's
// orders, ledger entries, notes and addresses come together), so keeping
// them costs a cheap insert at the edge of the B-tree, less than sorting
// them afterwards.
var appendIndexes = []string{"customers_created", "orders_customer", "loyalty_ledger_customer", "addresses_customer", "notes_customer"}

// feedTriggers record each change of a customer in the search's change
// feed (customer_changes, see the engine's migration 00006) row by row;
// the load drops them and records every customer it wrote at the end,
// in the same transaction (fillFeed).
var feedTriggers = []string{"customer_changes_ai", "customer_changes_ad", "customer_changes_au",
	"customer_changes_loyalty_ai", "customer_changes_loyalty_au", "customer_changes_loyalty_ad",
	"customer_changes_orders_ai", "customer_changes_orders_au", "customer_changes_orders_ad"}

// Run seeds db, which must have been opened with schema.Open and have no
// customers. It holds one connection and one write transaction for the
// whole load; cancelling ctx rolls everything back. The connection is
// closed afterwards rather than returned to db's pool.
func Run(ctx context.Context, db *sql.DB, opts Options) (_ Stats, err error) {
	started := time.Now()
	if opts.Customers < 0 {
		return Stats{}, fmt.Errorf("seed: customers must not be negative, got %d", opts.Customers)
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	}
	now = now.UTC().Truncate(time.Millisecond)

	conn, err := db.Conn(ctx)
	if err != nil {
		return Stats{}, fmt.Errorf("seed: get a connection: %w", err)
	}
	defer conn.Close()
	// Retire the connection afterwards: it had its pragmas changed.
	defer conn.Raw(func(any) error { return driver.ErrBadConn })

	var nonEmpty bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM customers)`).Scan(&nonEmpty); err != nil {
		return Stats{}, fmt.Errorf("seed: check for customers (is the schema migrated?): %w", err)
	}
	if nonEmpty {
		return Stats{}, errors.New("seed: the customers table is not empty; seed a new database file instead")
	}

	restore, err := bulkPragmas(ctx, conn)
	if err != nil {
		return Stats{}, err
	}
	defer func() {
		if rerr := restore(); rerr != nil && err == nil {
			err = rerr
		}
	}()

	// BEGIN IMMEDIATE: the write lock from the start, so fillFeed's
	// max(seq) is the newest and its numbers follow every change
	// committed before (see fillFeed).
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return Stats{}, fmt.Errorf("seed: begin: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()

	st, err := load(ctx, conn, opts, now)
	if err != nil {
		return Stats{}, err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return Stats{}, fmt.Errorf("seed: commit: %w", err)
	}
	committed = true
	st.Duration = time.Since(started)
	return st, nil
}

// bulkPragmas relaxes durability on conn for the load and returns a
// function that puts the previous values back. foreign_keys must change
// outside a transaction; the generator writes only valid references, and
// tests check that with foreign_key_check.
//
// When conn is the only connection to the file it also leaves WAL for an
// in-memory rollback journal: pages are then written once, to the
// database, instead of to the WAL and again at the checkpoint, and
// ROLLBACK still works. (A crash in the middle of a load can then corrupt
// the file; the load only ever targets a new, empty database.) With other
// connections open SQLite refuses the switch and the load stays in WAL.
func bulkPragmas(ctx context.Context, conn *sql.Conn) (restore func() error, err error) {
	names := []string{"synchronous", "temp_store", "foreign_keys"}
	old := make([]int64, len(names))
	for i, n := range names {
		if err := conn.QueryRowContext(ctx, "PRAGMA "+n).Scan(&old[i]); err != nil {
			return nil, fmt.Errorf("seed: read PRAGMA %s: %w", n, err)
		}
	}
	var oldJournal string
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&oldJournal); err != nil {
		return nil, fmt.Errorf("seed: read PRAGMA journal_mode: %w", err)
	}
	restore = func() error {
		c := context.WithoutCancel(ctx)
		var mode string
		if err := conn.QueryRowContext(c, "PRAGMA journal_mode = "+oldJournal).Scan(&mode); err != nil || mode != oldJournal {
			return fmt.Errorf("seed: restore journal_mode %s (got %q): %v", oldJournal, mode, err)
		}
		for i, n := range names {
			if _, err := conn.ExecContext(c, fmt.Sprintf("PRAGMA %s = %d", n, old[i])); err != nil {
				return fmt.Errorf("seed: restore PRAGMA %s: %w", n, err)
			}
		}
		return nil
	}
	// The cache stays small: the load appends, so little is re-read,
	// and releasing a big cache afterwards costs seconds.
	for _, p := range []string{"synchronous = OFF", "temp_store = MEMORY", "foreign_keys = OFF"} {
		if _, err := conn.ExecContext(ctx, "PRAGMA "+p); err != nil {
			restore()
			return nil, fmt.Errorf("seed: PRAGMA %s: %w", p, err)
		}
	}
	// Best effort: when other connections have the file open SQLite keeps
	// WAL (or reports the database busy), and the load runs in WAL.
	var mode string
	_ = conn.QueryRowContext(ctx, "PRAGMA journal_mode = MEMORY").Scan(&mode)
	return restore, nil
}

func load(ctx context.Context, tx *sql.Conn, opts Options, now time.Time) (Stats, error) {
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO agents (id, name, role, loyalty_limit, created_at) VALUES (?, ?, 'viewer', 0, ?)`,
		AgentID, AgentName, now.Format(TimeLayout)); err != nil {
		return Stats{}, fmt.Errorf("seed: create agent %q: %w", AgentID, err)
	}
	var ids [4]int64
	for i, t := range []string{"addresses", "orders", "loyalty_ledger", "notes"} {
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) + 1 FROM "+t).Scan(&ids[i]); err != nil {
			return Stats{}, fmt.Errorf("seed: next id of %s: %w", t, err)
		}
	}
	ddl, err := dropForLoad(ctx, tx)
	if err != nil {
		return Stats{}, err
	}

	g := newGen(opts.Seed, now, opts.Customers, ids)
	genCtx, stop := context.WithCancel(ctx)
	defer stop()
	batches := make(chan *batch, 4)
	go func() {
		defer close(batches)
		for from := 1; from <= g.total; from += batchCustomers {
			b := &batch{}
			g.fill(b, from, min(from+batchCustomers, g.total+1))
			select {
			case batches <- b:
			case <-genCtx.Done():
				return
			}
		}
	}()
	// Drain on early return so the generator goroutine ends.
	defer func() {
		stop()
		for range batches {
		}
	}()

	var st Stats
	for b := range batches {
		for _, q := range b.stmts {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return Stats{}, fmt.Errorf("seed: insert: %w", err)
			}
		}
		st.Customers += b.nCustomers
		st.Orders += b.nOrders
		st.LedgerEntries += b.nLedger
		st.Notes += b.nNotes
		st.HostileIDs = append(st.HostileIDs, b.hostileIDs...)
		if opts.Progress != nil {
			opts.Progress(st.Customers)
		}
	}
	if err := ctx.Err(); err != nil {
		return Stats{}, fmt.Errorf("seed: %w", err)
	}
	for _, d := range ddl {
		if _, err := tx.ExecContext(ctx, d.sql); err != nil {
			return Stats{}, fmt.Errorf("seed: recreate %s %s: %w", d.typ, d.name, err)
		}
	}
	if err := fillFeed(ctx, tx); err != nil {
		return Stats{}, err
	}
	// A bounded ANALYZE: enough statistics for the planner at a fraction
	// of a full scan's cost.
	if _, err := tx.ExecContext(ctx, `PRAGMA analysis_limit = 1000; ANALYZE`); err != nil {
		return Stats{}, fmt.Errorf("seed: analyze: %w", err)
	}
	return st, nil
}

// fillFeed records every customer in the search's change feed, after
// the changes recorded before (a database seeded into has no customers,
// but may have the feed rows of deleted ones). The load holds SQLite's
// write lock from its BEGIN IMMEDIATE to its COMMIT, so no other writer
// numbers a change meanwhile: the numbers stay in commit order.
func fillFeed(ctx context.Context, tx *sql.Conn) error {
	var last int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM customer_changes`).Scan(&last); err != nil {
		return fmt.Errorf("seed: read the search feed: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO customer_changes (customer_id, seq)
		SELECT id, ? + row_number() OVER (ORDER BY id) FROM customers WHERE true
		ON CONFLICT (customer_id) DO UPDATE SET seq = excluded.seq`, last); err != nil {
		return fmt.Errorf("seed: record the customers in the search feed: %w", err)
	}
	return nil
}

type ddlStmt struct{ typ, name, sql string }

// dropForLoad drops the secondary indexes of the bulk tables and the
// feed triggers, and returns their exact CREATE statements (as the schema
// stores them) to run after the load, so whatever the migrations define
// comes back unchanged.
func dropForLoad(ctx context.Context, tx *sql.Conn) ([]ddlStmt, error) {
	q := `SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND (
		(type = 'index' AND tbl_name IN (` + placeholders(len(bulkTables)) + `) AND name NOT IN (` + placeholders(len(appendIndexes)) + `)) OR
		(type = 'trigger' AND name IN (` + placeholders(len(feedTriggers)) + `)))
		ORDER BY type, name`
	var args []any
	for _, t := range bulkTables {
		args = append(args, t)
	}
	for _, t := range appendIndexes {
		args = append(args, t)
	}
	for _, t := range feedTriggers {
		args = append(args, t)
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("seed: read the schema: %w", err)
	}
	var out []ddlStmt
	for rows.Next() {
		var d ddlStmt
		if err := rows.Scan(&d.typ, &d.name, &d.sql); err != nil {
			rows.Close()
			return nil, fmt.Errorf("seed: read the schema: %w", err)
		}
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("seed: read the schema: %w", err)
	}
	for _, d := range out {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`DROP %s "%s"`, strings.ToUpper(d.typ), strings.ReplaceAll(d.name, `"`, `""`))); err != nil {
			return nil, fmt.Errorf("seed: drop %s %s for the load: %w", d.typ, d.name, err)
		}
	}
	return out, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
