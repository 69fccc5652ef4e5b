// Package sqlite is the SQLite storage engine (modernc.org/sqlite, WAL):
// the embedded default for `frontdesk demo`, `sandbox serve` and every
// test. It implements store.Store.
//
// Concurrency model: one writer, many readers. Reads run on the pool (WAL
// lets them proceed while a write commits); every write transaction of
// one Store holds its write mutex, so two of its own writers never race
// for SQLite's lock and SQLITE_BUSY never reaches a caller. Writers in
// other processes (`sandbox keys create`) are waited for by the
// connection's busy_timeout.
//
// Search answers from an index in memory (store/searchidx), one per
// Store, fed by the customer_changes table that triggers keep (migration
// 00006, feed.go): before each search the index reads the changes
// committed since its last one, so a Store sees what any other Store or
// process on the file committed before the search began.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"frontdesk/store"
	"frontdesk/store/audit"
	"frontdesk/store/searchidx"
	"frontdesk/store/sqlite/schema"
)

// Store is the SQLite engine.
type Store struct {
	db *sql.DB
	// owned is whether Close closes db.
	owned bool
	// writeMu serialises this Store's write transactions.
	writeMu sync.Mutex
	// search is this Store's customer search index, fed from db.
	search *searchidx.Index
	// searchReady is set once the index has loaded every customer.
	searchReady atomic.Bool
}

func newStore(db *sql.DB, owned bool) *Store {
	return &Store{db: db, owned: owned, search: searchidx.New(feed(db))}
}

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed) the database at path and migrates it.
func Open(ctx context.Context, path string) (*Store, error) {
	db, err := schema.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	return newStore(db, true), nil
}

// OpenReadOnly opens the existing database at path read-only and as it
// is (no migration), for checks such as VerifyAudit that must not change
// what they look at; a server may keep writing to it meanwhile. Writes
// through it fail.
func OpenReadOnly(ctx context.Context, path string) (*Store, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return newStore(db, true), nil
}

// New wraps a database opened with schema.Open; Close leaves db open.
func New(db *sql.DB) *Store { return newStore(db, false) }

// DB is the database, for the seed generator and tests.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the database if Open opened it.
func (s *Store) Close() error {
	if !s.owned {
		return nil
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return nil
}

// Read runs fn in a read-only transaction: one consistent snapshot
// across its queries, taken without the write lock (a read-only BEGIN is
// deferred even with _txlock=immediate).
func (s *Store) Read(ctx context.Context, fn func(store.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback()
	return fn(&txn{q: tx, st: s, readOnly: true})
}

// Write runs fn in a write transaction while holding the write mutex and
// commits when fn returns nil. fn's error is returned as is.
func (s *Store) Write(ctx context.Context, fn func(store.Tx) error) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin write: %w", err)
	}
	defer tx.Rollback()
	if err := fn(&txn{q: tx, st: s}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// VerifyAudit recomputes the audit hash chain.
func (s *Store) VerifyAudit(ctx context.Context) (audit.Result, error) {
	return audit.Verify(ctx, s.db)
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

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// txn is one transaction: store.Tx over q.
type txn struct {
	q querier
	// st is the Store, whose search index SearchCustomers asks.
	st *Store
	// readOnly refuses writes: SQLite does not enforce a read-only BEGIN.
	readOnly bool
}

// errReadOnly is a write attempted in a Read transaction.
var errReadOnly = errors.New("sqlite: a write in a read-only transaction")

func (t *txn) writable() error {
	if t.readOnly {
		return errReadOnly
	}
	return nil
}

var _ store.Tx = (*txn)(nil)

type scanner interface{ Scan(dest ...any) error }
