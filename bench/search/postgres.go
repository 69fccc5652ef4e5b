package search

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"

	"frontdesk/store"
	"frontdesk/store/postgres"
)

// pgSide is the PostgreSQL engine on the bench's schema, and the pool
// the baselines run on.
type pgSide struct {
	engine  *postgres.Store
	store   store.Store
	version string
}

func (p *pgSide) close() { p.engine.Close() }

// withSearchPath returns dsn with search_path set to schema, then public
// (where pg_trgm and unaccent live).
func withSearchPath(dsn, schema string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("--postgres %q must be a postgres:// URL", dsn)
	}
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// preparePostgres makes the bench's schema, copies the SQLite file's
// customers into it when it has none (refusing a schema loaded from other
// data), and builds the baselines' table when they run.
func preparePostgres(ctx context.Context, o Options, lite *sql.DB) (*pgSide, error) {
	dsn, err := withSearchPath(o.Postgres, o.Schema)
	if err != nil {
		return nil, err
	}
	conn, err := pgx.Connect(ctx, o.Postgres)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL (--postgres): %w", err)
	}
	err = func() error {
		defer conn.Close(ctx)
		tx, err := conn.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		// The extensions go to public once per database, under the lock
		// pgtest takes for pg_trgm, so parallel runs and tests do not race.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7244115610291234)`); err != nil {
			return err
		}
		for _, ext := range []string{"pg_trgm", "unaccent"} {
			if _, err := tx.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS `+ext+` SCHEMA public`); err != nil {
				return fmt.Errorf("create extension %s (Debian's postgresql package has it): %w", ext, err)
			}
		}
		if _, err := tx.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+pgx.Identifier{o.Schema}.Sanitize()); err != nil {
			return fmt.Errorf("create schema %s: %w", o.Schema, err)
		}
		return tx.Commit(ctx)
	}()
	if err != nil {
		return nil, err
	}
	engine, err := postgres.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL schema %s: %w", o.Schema, err)
	}
	p := &pgSide{engine: engine, store: engine}
	if err := p.load(ctx, o, lite); err != nil {
		engine.Close()
		return nil, err
	}
	if o.wrap != nil {
		p.store = o.wrap("postgres", engine)
	}
	return p, nil
}

func (p *pgSide) load(ctx context.Context, o Options, lite *sql.DB) error {
	pool := p.engine.Pool()
	if err := pool.QueryRow(ctx, `SELECT current_setting('server_version')`).Scan(&p.version); err != nil {
		return err
	}
	var have int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM customers`).Scan(&have); err != nil {
		return fmt.Errorf("count the customers in schema %s: %w", o.Schema, err)
	}
	drop := fmt.Sprintf("drop it (DROP SCHEMA %s CASCADE) or give another --schema", pgx.Identifier{o.Schema}.Sanitize())
	switch {
	case have == 0:
		fmt.Fprintf(o.Stderr, "PostgreSQL: copying %d customers from %s into schema %s\n", o.Customers, o.SQLitePath, o.Schema)
		started := time.Now()
		if _, err := p.engine.CopySQLite(ctx, lite, []string{"customers"}); err != nil {
			return fmt.Errorf("copy the customers into PostgreSQL: %w", err)
		}
		if _, err := pool.Exec(ctx, `VACUUM ANALYZE customers`); err != nil {
			return err
		}
		fmt.Fprintf(o.Stderr, "PostgreSQL: copied in %s\n", time.Since(started).Round(time.Second))
	case have != o.Customers:
		return fmt.Errorf("PostgreSQL schema %s holds %d customers, not %d: %s", o.Schema, have, o.Customers, drop)
	default:
		fmt.Fprintf(o.Stderr, "PostgreSQL: reusing schema %s (%d customers)\n", o.Schema, have)
	}
	// The same data on both sides: the last customer agrees.
	var liteID, pgID int64
	var liteEmail, pgEmail string
	if err := lite.QueryRowContext(ctx, `SELECT id, email FROM customers ORDER BY id DESC LIMIT 1`).Scan(&liteID, &liteEmail); err != nil {
		return err
	}
	if err := pool.QueryRow(ctx, `SELECT id, email FROM customers ORDER BY id DESC LIMIT 1`).Scan(&pgID, &pgEmail); err != nil {
		return err
	}
	if liteID != pgID || liteEmail != pgEmail {
		return fmt.Errorf("PostgreSQL schema %s holds other customers than %s (last customer %d %q there, %d %q here): %s",
			o.Schema, o.SQLitePath, pgID, pgEmail, liteID, liteEmail, drop)
	}
	if o.NoBaselines {
		return nil
	}
	return p.baselineTable(ctx, o)
}

// baselineTable builds (or reuses) baseline_customers: a copy of the
// searched and sorted columns with the first design's indexes, one
// pg_trgm GIN index per column on bench_fold(column) (an IMMUTABLE
// wrapper of lower(unaccent(column))), and B-trees for the sorts. It
// lives in the bench's schema, apart from the engine's tables, so its
// indexes cannot change the engine's plans.
func (p *pgSide) baselineTable(ctx context.Context, o Options) error {
	pool := p.engine.Pool()
	var have int
	err := pool.QueryRow(ctx, `SELECT count(*) FROM baseline_customers`).Scan(&have)
	if err == nil && have == o.Customers {
		fmt.Fprintf(o.Stderr, "PostgreSQL: reusing the baselines' table %s.baseline_customers\n", o.Schema)
		return nil
	}
	fmt.Fprintf(o.Stderr, "PostgreSQL: building the baselines' table %s.baseline_customers (per-column pg_trgm indexes)\n", o.Schema)
	started := time.Now()
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	for _, stmt := range []string{
		`DROP TABLE IF EXISTS baseline_customers`,
		`CREATE OR REPLACE FUNCTION bench_fold(text) RETURNS text
			LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
			AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$`,
		`CREATE TABLE baseline_customers AS
			SELECT id, email, first_name, last_name, phone, created_at, total_spent FROM customers`,
		`ALTER TABLE baseline_customers ADD PRIMARY KEY (id)`,
		`CREATE INDEX baseline_email_trgm ON baseline_customers USING gin (bench_fold(email) public.gin_trgm_ops)`,
		`CREATE INDEX baseline_first_trgm ON baseline_customers USING gin (bench_fold(first_name) public.gin_trgm_ops)`,
		`CREATE INDEX baseline_last_trgm ON baseline_customers USING gin (bench_fold(last_name) public.gin_trgm_ops)`,
		`CREATE INDEX baseline_phone_trgm ON baseline_customers USING gin (bench_fold(phone) public.gin_trgm_ops)`,
		`CREATE INDEX baseline_newest ON baseline_customers (created_at DESC, id DESC)`,
		`CREATE INDEX baseline_spent ON baseline_customers (total_spent DESC, id DESC)`,
		`CREATE INDEX baseline_name ON baseline_customers (lower(last_name), lower(first_name), id)`,
	} {
		if _, err := tx.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("build the baselines' table: %w\n%s", err, stmt)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	if _, err := pool.Exec(ctx, `VACUUM ANALYZE baseline_customers`); err != nil {
		return err
	}
	fmt.Fprintf(o.Stderr, "PostgreSQL: built in %s\n", time.Since(started).Round(time.Second))
	return nil
}
