package schema

import (
	"database/sql"
	"path/filepath"
	"testing"
)

// feedVersion is the migration that adds the search's change feed.
const feedVersion = 6

// TestFeedMigration: migrating a database with customers to the change
// feed numbers every existing customer once, in id order, and drops the
// FTS5 index; down and up again gives the same.
func TestFeedMigration(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", DSN(path))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	p, err := Provider(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, feedVersion-1); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO customers (id, email, first_name, last_name, created_at, updated_at) VALUES (7, 'a@x.co', 'Élodie', 'Ngugi', '2026-01-01T00:00:00.000Z', 'x')`,
		`INSERT INTO customers (id, email, first_name, last_name, created_at, updated_at) VALUES (3, 'b@x.co', 'Jürgen', 'Müller', '2026-01-02T00:00:00.000Z', 'x')`,
		`INSERT INTO customers (id, email, first_name, last_name, created_at, updated_at) VALUES (9, 'c@x.co', 'Amani', 'Otieno', '2026-01-03T00:00:00.000Z', 'x')`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	check := func(when string) {
		t.Helper()
		rows, err := db.QueryContext(ctx, `SELECT customer_id, seq FROM customer_changes ORDER BY seq`)
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		defer rows.Close()
		var got [][2]int64
		for rows.Next() {
			var r [2]int64
			rows.Scan(&r[0], &r[1])
			got = append(got, r)
		}
		if want := [][2]int64{{3, 1}, {7, 2}, {9, 3}}; len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
			t.Fatalf("%s: feed = %v, want %v", when, got, want)
		}
		var fts int
		db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name LIKE 'customers_fts%'`).Scan(&fts)
		if fts != 0 {
			t.Fatalf("%s: %d FTS objects left", when, fts)
		}
	}
	if _, err := p.UpTo(ctx, feedVersion); err != nil {
		t.Fatal(err)
	}
	check("after the migration")
	if _, err := p.DownTo(ctx, feedVersion-1); err != nil {
		t.Fatalf("down: %v", err)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM customers_fts WHERE customers_fts MATCH '"ller"'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("after down, the FTS index finds %d for ller (%v), want 1", n, err)
	}
	if _, err := p.UpTo(ctx, feedVersion); err != nil {
		t.Fatalf("up again: %v", err)
	}
	check("after down and up")
}
