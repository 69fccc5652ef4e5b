package schema

import (
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"frontdesk/store/audit"
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
		if err := db.QueryRow("SELECT max(version_id) FROM goose_db_version WHERE is_applied").Scan(&v); err != nil {
			t.Fatal(err)
		}
		files, err := migrations.ReadDir("migrations")
		if err != nil {
			t.Fatal(err)
		}
		// Migration numbers are reserved per change and may leave gaps:
		// the newest file's number is the version.
		last, err := strconv.Atoi(strings.SplitN(files[len(files)-1].Name(), "_", 2)[0])
		if err != nil {
			t.Fatal(err)
		}
		var applied int
		if err := db.QueryRow("SELECT count(DISTINCT version_id) FROM goose_db_version WHERE is_applied AND version_id > 0").Scan(&applied); err != nil {
			t.Fatal(err)
		}
		if v != last || applied != len(files) {
			t.Fatalf("goose version = %d with %d applied, want %d with %d (every migration)", v, applied, last, len(files))
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
	// The search feed numbers each change of a customer: the insert, an
	// update of a searched column, not one of another column.
	seq := func() int {
		var n int
		if err := db.QueryRow(`SELECT seq FROM customer_changes WHERE customer_id = 1`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := seq(); n != 1 {
		t.Fatalf("feed number of customer 1 = %d, want 1 (its insert)", n)
	}
	mustExec(`UPDATE customers SET last_name = 'Ngugi' WHERE id = 1`)
	if n := seq(); n != 2 {
		t.Fatalf("feed number of customer 1 after a rename = %d, want 2", n)
	}
	mustExec(`UPDATE customers SET status = 'disabled' WHERE id = 1`)
	if n := seq(); n != 3 {
		t.Fatalf("feed number of customer 1 after a status change = %d, want 3 (status:disabled filters on it)", n)
	}
	mustExec(`UPDATE customers SET email_confirmed = 0 WHERE id = 1`)
	if n := seq(); n != 3 {
		t.Fatalf("feed number of customer 1 after email_confirmed changed = %d, want 3 (neither searched nor filtered)", n)
	}
}

// oldDatabase makes what the PRAGMA user_version migrations made: the
// schema of migrations 1 and 2 (the same SQL), user_version 2 and no goose
// table, with a note, a session and an audit row on customer 1.
func oldDatabase(t *testing.T, path string) {
	t.Helper()
	ctx := t.Context()
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
	if _, err := p.UpTo(ctx, 2); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DROP TABLE goose_db_version`,
		`PRAGMA user_version = 2`,
		`INSERT INTO customers (id, email, first_name, last_name, created_at, updated_at) VALUES (1, 'a@b.co', 'A', 'B', 'x', 'x')`,
		`INSERT INTO agents (id, name, role, created_at) VALUES ('amani', 'Amani', 'agent', 'x')`,
		`INSERT INTO notes (customer_id, body, agent_id, agent_name, created_at) VALUES (1, 'hello', 'amani', 'Amani', 'x')`,
		`INSERT INTO agent_sessions (id, customer_id, agent_id, key_id, reason, started_at, expires_at, max_expires_at) VALUES ('ses_1', 1, 'amani', 'ck', 'r', 'x', 'x', 'x')`,
		`INSERT INTO agent_session_tokens (token_hash, session_id, issued_at, expires_at) VALUES ('h', 'ses_1', 'x', 'x')`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A row as the code of the time wrote it: no digest, the payload in
	// the hash.
	row := audit.Row{Seq: 1, At: "2026-01-01T00:00:00.000Z", AgentID: "amani", AgentName: "Amani",
		KeyID: "ck", Via: "api", Action: "note.create", CustomerID: "1", Before: "null", After: `{"body":"hello"}`,
		RequestID: "req_1", PrevHash: audit.Genesis}
	row.Hash = row.ComputeHash()
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (seq, at, agent_id, agent_name, key_id, via, session_id, action, customer_id,
		before, after, request_id, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		row.Seq, row.At, row.AgentID, row.AgentName, row.KeyID, row.Via, row.SessionID, row.Action, 1,
		row.Before, row.After, row.RequestID, row.PrevHash, row.Hash); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_head (id, seq, hash) VALUES (1, 1, ?)`, row.Hash); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var typ string
	db.QueryRow(`SELECT type FROM pragma_table_info('audit_log') WHERE name = 'customer_id'`).Scan(&typ)
	if typ != "INTEGER" {
		t.Fatalf("the old schema's audit_log.customer_id is %q, want INTEGER", typ)
	}
}

func TestOpenMigratesAUserVersionDatabaseForward(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	oldDatabase(t, path)
	var before audit.Result
	{
		db, err := sql.Open("sqlite", DSN(path))
		if err != nil {
			t.Fatal(err)
		}
		if before, err = audit.Verify(ctx, db); err != nil || before.Rows != 1 {
			t.Fatalf("old chain: %+v %v", before, err)
		}
		db.Close()
	}

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, table := range []string{"notes", "agent_sessions", "password_resets", "audit_log", "idempotency_keys"} {
		var typ string
		if err := db.QueryRow(`SELECT type FROM pragma_table_info(?) WHERE name = 'customer_id'`, table).Scan(&typ); err != nil || typ != "TEXT" {
			t.Errorf("%s.customer_id is %q (%v), want TEXT", table, typ, err)
		}
		var fks int
		db.QueryRow(`SELECT count(*) FROM pragma_foreign_key_list(?) WHERE "table" = 'customers'`, table).Scan(&fks)
		if fks != 0 {
			t.Errorf("%s still has a foreign key to customers", table)
		}
	}
	var body, cid string
	if err := db.QueryRow(`SELECT body, customer_id FROM notes`).Scan(&body, &cid); err != nil || body != "hello" || cid != "1" {
		t.Fatalf("note after the migration: %q on %q, %v", body, cid, err)
	}
	var tokens int
	db.QueryRow(`SELECT count(*) FROM agent_session_tokens t JOIN agent_sessions s ON s.id = t.session_id WHERE s.customer_id = '1'`).Scan(&tokens)
	if tokens != 1 {
		t.Fatalf("session tokens still joined to their session: %d, want 1", tokens)
	}
	// The chain written before still verifies, to the same head.
	after, err := audit.Verify(ctx, db)
	if err != nil || after != before {
		t.Fatalf("chain after the migration: %+v %v, want %+v", after, err, before)
	}
	// The append-only triggers came back with the table.
	if _, err := db.Exec(`DELETE FROM audit_log`); err == nil {
		t.Fatal("delete from the rebuilt audit_log succeeded")
	}
	var fk int
	db.QueryRow(`PRAGMA foreign_keys`).Scan(&fk)
	if fk != 1 {
		t.Fatal("foreign keys are off on a serving connection")
	}
	// A platform's id fits now.
	if _, err := db.Exec(`INSERT INTO notes (customer_id, body, agent_id, agent_name, created_at) VALUES ('cstmr_x', 'b', 'a', 'A', 'x')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	// Opening again changes nothing.
	db2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db2.Close()
}

func TestOpenRefusesANewerUserVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "future.db")
	db, err := sql.Open("sqlite", DSN(path))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`PRAGMA user_version = 9`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(t.Context(), path); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Open of a user_version 9 database: %v, want a refusal", err)
	}
}
