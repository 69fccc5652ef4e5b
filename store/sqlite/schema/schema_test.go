package schema

import (
	"context"
	"path/filepath"
	"testing"
)

func TestOpenMigratesAndIsIdempotent(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	for range 2 {
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		var v int
		if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
			t.Fatal(err)
		}
		if v < 1 {
			t.Fatalf("user_version = %d, want >= 1", v)
		}
		var mode string
		if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
			t.Fatalf("journal_mode = %q, %v; want wal", mode, err)
		}
		db.Close()
	}
}

func TestLedgerIsAppendOnly(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mustExec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	mustExec(`INSERT INTO customers (id, email, first_name, last_name, created_at, updated_at) VALUES (1, 'a@b.co', 'A', 'B', 'x', 'x')`)
	mustExec(`INSERT INTO loyalty_ledger (customer_id, type, points, balance_after, created_at) VALUES (1, 'earn', 5, 5, 'x')`)
	if _, err := db.Exec(`UPDATE loyalty_ledger SET points = 6`); err == nil {
		t.Fatal("update of the ledger succeeded; want append-only error")
	}
	if _, err := db.Exec(`DELETE FROM loyalty_ledger`); err == nil {
		t.Fatal("delete from the ledger succeeded; want append-only error")
	}
	var n int
	db.QueryRow(`SELECT count(*) FROM customers_fts WHERE customers_fts MATCH '"a@b"'`).Scan(&n)
	if n != 1 {
		t.Fatalf("fts rows for a@b = %d, want 1 (trigger keeps the index in step)", n)
	}
}
