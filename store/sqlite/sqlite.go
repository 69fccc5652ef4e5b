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
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"frontdesk/store"
	"frontdesk/store/audit"
	"frontdesk/store/sqlite/schema"
)

// Store is the SQLite engine.
type Store struct {
	db *sql.DB
	// owned is whether Close closes db.
	owned bool
	// writeMu serialises this Store's write transactions.
	writeMu sync.Mutex
}

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed) the database at path and migrates it.
func Open(ctx context.Context, path string) (*Store, error) {
	db, err := schema.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	return &Store{db: db, owned: true}, nil
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
	return &Store{db: db, owned: true}, nil
}

// New wraps a database opened with schema.Open; Close leaves db open.
func New(db *sql.DB) *Store { return &Store{db: db} }

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
	return fn(&txn{q: tx, db: s.db, readOnly: true})
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
	if err := fn(&txn{q: tx, db: s.db}); err != nil {
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

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// txn is one transaction: store.Tx over q.
type txn struct {
	q querier
	// db is the pool, for the search, which plans several statements of
	// its own on it.
	db *sql.DB
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
