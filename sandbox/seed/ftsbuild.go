package seed

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"sync"
)

// ftsBuild builds the customers_fts index in a scratch database file on
// its own goroutine — in practice the other core — while the load inserts
// rows, and the load then copies the index's shadow tables in. Rebuilding
// the index inside the load instead costs the loading goroutine, which
// bounds the whole load, about a fifth of its time.
//
// The scratch database holds a customers table with the searchable
// columns, the index's content. Rows go there as they come and into the
// index ftsChunk at a time, with one INSERT … SELECT: FTS5 flushes its
// in-memory hash at the end of every statement, so indexing row batches
// one statement each would leave thousands of small segments to merge.
type ftsBuild struct {
	path   string
	db     *sql.DB
	shadow []string // the shadow tables that hold the index
	stmts  chan []string
	maxID  int64 // highest customer id indexed so far
	done   chan error
	once   sync.Once
	err    error
}

// ftsScratchSchema is the schema name the scratch database is attached
// under.
const ftsScratchSchema = "seed_fts"

// startFTSBuild creates the scratch database with the same FTS5 table as
// createSQL (the main database's own CREATE VIRTUAL TABLE, so the shadow
// tables match byte for byte) and starts the goroutine that runs the
// INSERT statements sent to it.
func startFTSBuild(ctx context.Context, createSQL string) (*ftsBuild, error) {
	f, err := os.CreateTemp("", "frontdesk-seed-fts-*.db")
	if err != nil {
		return nil, err
	}
	path := f.Name()
	f.Close()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)")
	if err != nil {
		os.Remove(path)
		return nil, err
	}
	db.SetMaxOpenConns(1)
	b := &ftsBuild{path: path, db: db, stmts: make(chan []string, 8), done: make(chan error, 1)}
	fail := func(err error) (*ftsBuild, error) {
		db.Close()
		os.Remove(path)
		return nil, err
	}
	// A big in-memory hash: fewer, larger segments, so less merging.
	for _, q := range []string{
		`CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT, first_name TEXT, last_name TEXT, phone TEXT)`,
		createSQL,
		`INSERT INTO customers_fts (customers_fts, rank) VALUES ('hashsize', 67108864)`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fail(err)
		}
	}
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name LIKE 'customers\_fts\_%' ESCAPE '\' AND name != 'customers_fts_config' ORDER BY name`)
	if err != nil {
		return fail(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return fail(err)
		}
		b.shadow = append(b.shadow, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(b.shadow) == 0 {
		return fail(fmt.Errorf("no shadow tables: %v", err))
	}
	go b.run(ctx)
	return b, nil
}

func (b *ftsBuild) run(ctx context.Context) {
	err := func() error {
		conn, err := b.db.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
			return err
		}
		pending := 0
		for stmts := range b.stmts {
			for _, q := range stmts {
				if _, err := conn.ExecContext(ctx, q); err != nil {
					return err
				}
			}
			if pending += len(stmts) * rowsPerStmt; pending >= ftsChunk {
				if err := b.index(ctx, conn); err != nil {
					return err
				}
				pending = 0
			}
		}
		if err := b.index(ctx, conn); err != nil {
			return err
		}
		_, err = conn.ExecContext(ctx, "COMMIT")
		return err
	}()
	for range b.stmts { // after a failure, keep the sender unblocked
	}
	b.done <- err
}

// ftsChunk is about how many customers go into the index per statement.
const ftsChunk = 100_000

// index adds the customers stored since the last call to the index.
func (b *ftsBuild) index(ctx context.Context, conn *sql.Conn) error {
	var top int64
	if err := conn.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM customers`).Scan(&top); err != nil {
		return err
	}
	if top <= b.maxID {
		return nil
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO customers_fts (rowid, email, first_name, last_name, phone)
		SELECT id, email, first_name, last_name, phone FROM customers WHERE id > ? AND id <= ?`, b.maxID, top); err != nil {
		return err
	}
	b.maxID = top
	return nil
}

// send hands statements to the builder.
func (b *ftsBuild) send(ctx context.Context, stmts []string) error {
	select {
	case b.stmts <- stmts:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// wait ends the input and returns the builder's error once it is done.
func (b *ftsBuild) wait() error {
	b.once.Do(func() {
		close(b.stmts)
		b.err = <-b.done
	})
	return b.err
}

// close stops the builder if it still runs and removes the scratch file.
func (b *ftsBuild) close() {
	b.wait()
	b.db.Close()
	os.Remove(b.path)
	os.Remove(b.path + "-journal")
}
