// Package pgtest gives tests a PostgreSQL database of their own: a fresh
// schema in the database FRONTDESK_TEST_POSTGRES names, dropped when the
// test ends, so tests run in parallel and leave nothing behind.
//
// FRONTDESK_TEST_POSTGRES is a postgres:// URL; scripts/pg-test-cluster
// starts a throwaway cluster and prints it (.ci/run does the same).
// Without it a test that asks for PostgreSQL is skipped with a message
// saying so, and fails instead when FRONTDESK_E2E_REQUIRED=1 (CI).
//
//	dsn := pgtest.DSN(t)              // a schema of the test's own
//	st, err := postgres.Open(ctx, dsn)
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvDSN is the variable that points tests at a PostgreSQL database.
const EnvDSN = "FRONTDESK_TEST_POSTGRES"

// BaseDSN is the database tests use: FRONTDESK_TEST_POSTGRES, or a skip
// (a failure when FRONTDESK_E2E_REQUIRED=1) without it.
func BaseDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvDSN)
	if dsn == "" {
		msg := EnvDSN + " is not set: no PostgreSQL to test against (start one with: eval \"$(scripts/pg-test-cluster)\")"
		if os.Getenv("FRONTDESK_E2E_REQUIRED") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return dsn
}

var extension struct {
	once sync.Once
	err  error
}

// DSN makes a schema for t in the test database and returns a DSN whose
// search_path is that schema (then public, where pg_trgm lives). The
// schema and everything in it are dropped when t ends.
func DSN(t testing.TB) string {
	t.Helper()
	base := BaseDSN(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("pgtest: connect to %s: %v", EnvDSN, err)
	}
	defer conn.Close(ctx)
	extension.once.Do(func() { extension.err = ensureTrigram(ctx, conn) })
	if extension.err != nil {
		t.Fatalf("pgtest: %v", extension.err)
	}
	name := schemaName(t.Name())
	if _, err := conn.Exec(ctx, `CREATE SCHEMA `+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("pgtest: create schema %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("pgtest: drop schema %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA `+pgx.Identifier{name}.Sanitize()+` CASCADE`); err != nil {
			t.Errorf("pgtest: drop schema %s: %v", name, err)
		}
	})
	dsn, err := WithSearchPath(base, name)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return dsn
}

// WithSearchPath returns dsn (a postgres:// URL) with search_path set to
// schema, then public.
func WithSearchPath(dsn, schema string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("%s must be a postgres:// URL", EnvDSN)
	}
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// ensureTrigram installs pg_trgm in public once per database (the
// migrations would otherwise create it in the first test's schema, and
// parallel test processes would race to).
func ensureTrigram(ctx context.Context, conn *pgx.Conn) error {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7244115610291234)`); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public`); err != nil {
		return fmt.Errorf("create extension pg_trgm (Debian's postgresql package has it): %w", err)
	}
	return tx.Commit(ctx)
}

// schemaName is a unique schema name that says which test made it.
func schemaName(test string) string {
	var b strings.Builder
	b.WriteString("t_")
	for _, r := range strings.ToLower(test) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= 40 {
			break
		}
	}
	var rnd [6]byte
	rand.Read(rnd[:])
	return b.String() + "_" + hex.EncodeToString(rnd[:])
}
