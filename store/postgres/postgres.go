// Package postgres is the PostgreSQL storage engine (pgx v5): the
// server's database when several server processes share one store of
// record. It implements store.Store and passes store/storetest, like
// store/sqlite, with the same answers (the search included).
//
// Concurrency model: reads are REPEATABLE READ READ ONLY transactions,
// one consistent snapshot each, never blocked by writers. Every write
// transaction first takes one transaction-level advisory lock
// (pg_advisory_xact_lock) on a key of the schema, so writes are
// serialised across every process on the database, as SQLite's one
// writer serialises them in one file: an audit append never races
// another's, an idempotency key claimed through one server is there for
// the next claim through another, and a balance moves with its ledger
// row. Writes run READ COMMITTED, so each statement after the lock sees
// every write committed before it; the lock is released by the commit
// or rollback. See docs/postgres.md for why not SERIALIZABLE.
//
// Search answers from an index in memory (store/searchidx), one per
// Store, fed by the customer_changes table that triggers keep (migration
// 00005, feed.go) on a connection of its own: before each search the
// index reads the changes committed since its last one, so a Store sees
// what every server on the database committed before the search began.
// The write lock is what makes the feed's numbers commit-ordered.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"frontdesk/store"
	"frontdesk/store/audit"
	"frontdesk/store/postgres/schema"
	"frontdesk/store/searchidx"
)

// Store is the PostgreSQL engine.
type Store struct {
	pool *pgxpool.Pool
	// owned is whether Close closes pool.
	owned bool
	// writeKey is the advisory lock every Write takes.
	writeKey int64
	// feedPool is the search feed's own connection (see feedPool).
	feedPool *pgxpool.Pool
	// search is this Store's customer search index, fed by feedPool.
	search *searchidx.Index
	// searchReady is set once the index has loaded every customer.
	searchReady atomic.Bool
}

// withSearch gives s its search index, over a feed connection of its
// own made from cfg.
func (s *Store) withSearch(ctx context.Context, cfg *pgxpool.Config) (*Store, error) {
	fp, err := feedPool(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s.feedPool = fp
	s.search = searchidx.New(feed(fp))
	return s, nil
}

var _ store.Store = (*Store)(nil)

// Open connects to the database dsn names (a postgres:// URL or key=value
// string, see pgx's ParseConfig), migrates it and returns the engine.
// The tables live in the connection's current schema (public unless the
// DSN's search_path says otherwise).
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	s, err := newStore(ctx, pool, true)
	if err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// OpenReadOnly connects to the database dsn names as it is (no
// migration) with every transaction read-only, for checks such as
// VerifyAudit that must not change what they look at while servers keep
// writing. Writes through it fail.
func OpenReadOnly(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	cfg.ConnConfig.RuntimeParams["default_transaction_read_only"] = "on"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	var schemaName string
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schemaName); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s, err := (&Store{pool: pool, owned: true, writeKey: schema.LockKey("write", schemaName)}).withSearch(ctx, cfg)
	if err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// IsDSN reports whether s names a PostgreSQL database (a postgres:// or
// postgresql:// URL) rather than a file, for flags such as --db that
// take either.
func IsDSN(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// New migrates the database of pool and returns the engine over it;
// Close leaves pool open.
func New(ctx context.Context, pool *pgxpool.Pool) (*Store, error) {
	return newStore(ctx, pool, false)
}

func newStore(ctx context.Context, pool *pgxpool.Pool, owned bool) (*Store, error) {
	if err := pool.Ping(ctx); err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	if err := schema.Migrate(ctx, pool); err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	var schemaName string
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schemaName); err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return (&Store{pool: pool, owned: owned, writeKey: schema.LockKey("write", schemaName)}).withSearch(ctx, pool.Config())
}

// Pool is the connection pool, for tools and tests.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Close closes the search feed's connection, and the pool if Open
// opened it.
func (s *Store) Close() error {
	s.feedPool.Close()
	if s.owned {
		s.pool.Close()
	}
	return nil
}

// Read runs fn in a REPEATABLE READ READ ONLY transaction: one snapshot.
func (s *Store) Read(ctx context.Context, fn func(store.Tx) error) error {
	tx := &lazyTx{pool: s.pool}
	defer tx.end(context.WithoutCancel(ctx))
	return fn(&txn{tx: tx, st: s, readOnly: true})
}

// dbtx is what a txn runs its statements on: a pgx.Tx (Write) or a
// lazyTx (Read).
type dbtx interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// lazyTx is a Read's REPEATABLE READ, READ ONLY transaction, begun at
// its first statement. PostgreSQL takes the snapshot at the first
// statement anyway, so nothing changes but the round trips: a Read that
// only searches (the index reads the change feed on its own connection)
// sends no BEGIN and no ROLLBACK.
type lazyTx struct {
	pool *pgxpool.Pool
	tx   pgx.Tx
}

func (l *lazyTx) begin(ctx context.Context) (pgx.Tx, error) {
	if l.tx == nil {
		tx, err := l.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
		if err != nil {
			return nil, fmt.Errorf("begin read: %w", err)
		}
		l.tx = tx
	}
	return l.tx, nil
}

// end rolls back the transaction if one began.
func (l *lazyTx) end(ctx context.Context) {
	if l.tx != nil {
		l.tx.Rollback(ctx)
	}
}

func (l *lazyTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	tx, err := l.begin(ctx)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	return tx.Exec(ctx, sql, args...)
}

func (l *lazyTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	tx, err := l.begin(ctx)
	if err != nil {
		return nil, err
	}
	return tx.Query(ctx, sql, args...)
}

func (l *lazyTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	tx, err := l.begin(ctx)
	if err != nil {
		return errRow{err}
	}
	return tx.QueryRow(ctx, sql, args...)
}

// errRow is a pgx.Row that failed before it was sent.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// Write runs fn in a READ COMMITTED transaction that holds the write lock
// and commits when fn returns nil. fn's error is returned as is.
func (s *Store) Write(ctx context.Context, fn func(store.Tx) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return fmt.Errorf("begin write: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, s.writeKey); err != nil {
		return fmt.Errorf("begin write: take the write lock: %w", err)
	}
	if err := fn(&txn{tx: tx, st: s}); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// VerifyAudit recomputes the audit hash chain in one snapshot.
func (s *Store) VerifyAudit(ctx context.Context) (audit.Result, error) {
	var res audit.Result
	err := s.Read(ctx, func(stx store.Tx) error {
		tx := stx.(*txn).tx
		var headSeq int64
		headHash := audit.Genesis
		err := tx.QueryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("audit: read the chain head: %w", err)
		}
		// A database read as it is may predate payload digests.
		cols := audit.Columns
		var digests int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = 'audit_log' AND column_name = 'digest'`).Scan(&digests); err != nil {
			return fmt.Errorf("audit: read the chain's columns: %w", err)
		}
		if digests == 0 {
			cols = audit.LegacyColumns
		}
		rows, err := tx.Query(ctx, `SELECT `+cols+` FROM audit_log ORDER BY seq`)
		if err != nil {
			return fmt.Errorf("audit: read the chain: %w", err)
		}
		defer rows.Close()
		var c audit.Checker
		n := int64(0)
		for rows.Next() {
			n++
			r, err := audit.Scan(rows)
			if err != nil {
				return fmt.Errorf("audit: read row %d: %w", n, err)
			}
			if err := c.Next(r); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("audit: read the chain: %w", err)
		}
		res, err = c.Finish(headSeq, headHash)
		return err
	})
	return res, err
}

// txn is one transaction: store.Tx over tx.
type txn struct {
	tx dbtx
	// st is the Store, whose search index SearchCustomers asks.
	st       *Store
	readOnly bool
}

// WarmSearch loads the search index (every customer: seconds at a
// million) so that the first search does not wait for it; the server
// calls it at start and answers /readyz 503 until it is done. A search
// before then loads the index itself (or waits for the load under way).
func (s *Store) WarmSearch(ctx context.Context) error {
	if err := s.search.Sync(ctx); err != nil {
		return err
	}
	s.searchReady.Store(true)
	return nil
}

// SearchReady reports whether the search index has loaded every
// customer (WarmSearch or a search did).
func (s *Store) SearchReady() bool { return s.searchReady.Load() }

// SearchIndex is the Store's search index, for tests that compare it
// with its reference scan (searchidx.Index.Naive).
func (s *Store) SearchIndex() *searchidx.Index { return s.search }

var _ store.Tx = (*txn)(nil)

// errReadOnly is a write attempted in a Read transaction (PostgreSQL
// would refuse it too; this says so before the statement).
var errReadOnly = errors.New("postgres: a write in a read-only transaction")

func (t *txn) writable() error {
	if t.readOnly {
		return errReadOnly
	}
	return nil
}

// dbTime is how a time is stored: UTC, milliseconds (what the SQLite
// engine keeps, so both engines answer the same times).
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }
