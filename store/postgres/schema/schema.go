// Package schema migrates the PostgreSQL engine's database with goose
// (github.com/pressly/goose/v3) from the SQL files embedded under
// migrations/, numbered 00001, 00002, … like the SQLite engine's but its
// own: the two engines' schemas say the same in their own types, and each
// is versioned on its own. goose records what it applied in
// goose_db_version, in the connection's current schema.
//
// Several servers may start at once on one database: the migration holds
// a session-level advisory lock (one per schema) while it runs, so one
// migrates and the others wait, then find nothing left to do.
package schema

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrations embed.FS

// LockKey is a stable advisory-lock key for name in the given schema:
// locks taken by frontdesk on one database differ by purpose and schema.
func LockKey(purpose, schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("frontdesk:" + purpose + ":" + schema))
	return int64(h.Sum64())
}

// Migrate applies every embedded migration the database has not had, in
// the pool's current schema.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	var schemaName string
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schemaName); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := Provider(db, schemaName)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Provider is goose over db with the embedded migrations, serialised by
// an advisory lock of schemaName, for tests and tools that migrate step
// by step.
func Provider(db *sql.DB, schemaName string) (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	locker, err := lock.NewPostgresSessionLocker(
		lock.WithLockID(LockKey("migrate", schemaName)),
		lock.WithLockTimeout(1, 600), // poll each second, up to 10 minutes
	)
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectPostgres, db, sub,
		goose.WithDisableGlobalRegistry(true), goose.WithSessionLocker(locker))
}
