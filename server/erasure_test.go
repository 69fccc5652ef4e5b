package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"frontdesk/api"
	"frontdesk/sandbox/sandboxtest"
	"frontdesk/store/audit"
	"frontdesk/store/postgres/pgtest"
)

// engineDB runs SQL on the engine under a sandbox and reads its files,
// for tests that look beneath the API.
type engineDB struct {
	env *sandboxtest.Env
	pg  *pgx.Conn // nil on SQLite
}

func (d engineDB) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	var err error
	if d.pg != nil {
		q = pgPlaceholders(q)
		_, err = d.pg.Exec(context.Background(), q, args...)
	} else {
		_, err = d.env.DB.Exec(q, args...)
	}
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// pgPlaceholders turns ? into $1, $2, ….
func pgPlaceholders(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// files is every byte the engine keeps of the test's data: the SQLite
// database, its WAL and shared memory; or, on PostgreSQL after a
// checkpoint, the files of every relation in the test's schema (tables,
// indexes, their TOAST tables).
func (d engineDB) files(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	if d.pg == nil {
		for _, p := range []string{d.env.DBPath, d.env.DBPath + "-wal", d.env.DBPath + "-shm"} {
			b, err := os.ReadFile(p)
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			out[p] = b
		}
		return out
	}
	ctx := context.Background()
	if _, err := d.pg.Exec(ctx, `CHECKPOINT`); err != nil {
		t.Fatalf("checkpoint (the test needs a superuser, as scripts/pg-test-cluster gives): %v", err)
	}
	var dir string
	if err := d.pg.QueryRow(ctx, `SHOW data_directory`).Scan(&dir); err != nil {
		t.Fatal(err)
	}
	rows, err := d.pg.Query(ctx, `
		WITH rels AS (
			SELECT c.oid, c.reltoastrelid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = current_schema())
		SELECT pg_relation_filepath(oid) FROM rels
		UNION SELECT pg_relation_filepath(reltoastrelid) FROM rels WHERE reltoastrelid <> 0
		UNION SELECT pg_relation_filepath(i.indexrelid) FROM pg_index i JOIN rels r ON i.indrelid = r.reltoastrelid`)
	if err != nil {
		t.Fatal(err)
	}
	paths, err := pgx.CollectRows(rows, pgx.RowTo[*string])
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if p == nil {
			continue
		}
		full := filepath.Join(dir, *p)
		matches, _ := filepath.Glob(full + "*") // segments and forks
		for _, m := range matches {
			b, err := os.ReadFile(m)
			if err != nil {
				t.Fatalf("read %s (run the test as a user who can read the cluster's files): %v", m, err)
			}
			out[m] = b
		}
	}
	if len(out) == 0 {
		t.Fatal("no relation files found for the test's schema")
	}
	return out
}

// onEnginesDB is onEngines with a way beneath the API.
func onEnginesDB(t *testing.T, o sandboxtest.Options, fn func(t *testing.T, env *sandboxtest.Env, db engineDB)) {
	t.Run("sqlite", func(t *testing.T) {
		env := sandboxtest.New(t, o)
		fn(t, env, engineDB{env: env})
	})
	t.Run("postgres", func(t *testing.T) {
		o := o
		o.Postgres = pgtest.DSN(t)
		env := sandboxtest.New(t, o)
		conn, err := pgx.Connect(context.Background(), o.Postgres)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close(context.Background()) })
		fn(t, env, engineDB{env: env, pg: conn})
	})
}

// findIn names where in files (or "") any of secrets occurs.
func findIn(files map[string][]byte, secrets []string) []string {
	var found []string
	for name, b := range files {
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				found = append(found, fmt.Sprintf("%q in %s", s, filepath.Base(name)))
			}
		}
	}
	return found
}

// The done criterion of issue 19 item 3, on each engine: after an
// erasure the database files and the export hold none of the customer's
// email, phone, name or note text; the audit chain verifies; a tampered
// payload and a tampered row are still caught; a second erasure changes
// nothing; search finds nothing by the old values.
func TestEraseLeavesNothing(t *testing.T) {
	onEnginesDB(t, sandboxtest.Options{Customers: 5}, func(t *testing.T, env *sandboxtest.Env, db engineDB) {
		ctx := context.Background()
		// A seeded customer with an order, given values found nowhere else.
		var id api.ID
		var order api.Order
		for n := 1; n <= 5 && id == ""; n++ {
			var list api.OrderList
			env.Do(t, "viewer", "GET", fmt.Sprintf("/customers/%d/orders", n), nil).Data(t, &list)
			if len(list.Orders) > 0 {
				id, order = api.IDFromInt(int64(n)), list.Orders[0]
			}
		}
		if id == "" {
			t.Fatal("no seeded customer has an order")
		}
		const (
			email    = "quokka.erasure@example.co.ke"
			first    = "Quokkamina"
			last     = "Erasurova"
			phone    = "+254799123457"
			phone2   = "+254733987651"
			street   = "Quokka Lane 77"
			orderSt  = "Wombat Close 13"
			noteText = "prefers deliveries to the blue gate, dog called Biscuitzz"
			ledgerN  = "goodwill for Pumpernickelq's parcel"
			reasonS  = "customer Quokkamina on the phone"
			ticket   = "T-QUOKKA-9"
		)
		secrets := []string{email, first, last, phone, phone2, "799123457", "733987651", street, orderSt, noteText, ledgerN, "Biscuitzz", "Pumpernickelq", ticket}

		// The order's shipping address names the street (set beneath the
		// API: orders come from the seed).
		addr, _ := json.Marshal(api.Address{Type: "shipping", Address1: orderSt, City: "Nairobi", Country: "Kenya"})
		db.exec(t, `UPDATE orders SET shipping_address = ? WHERE id = ?`, string(addr), mustInt(t, order.ID))

		var cust api.CustomerEnvelope
		env.Do(t, "supervisor", "GET", "/customers/"+id.String(), nil).Data(t, &cust)
		r := env.Do(t, "agent", "PATCH", "/customers/"+id.String(), api.CustomerPatch{
			Email: ptr(email), FirstName: ptr(first), LastName: ptr(last), Phone: ptr(phone),
			Addresses: &[]api.Address{{Type: "shipping", Address1: street, City: "Nairobi", Country: "Kenya"}},
		}, api.HeaderIfMatch, fmt.Sprintf(`"%d"`, cust.Customer.Version))
		wantStatus(t, r, 200)
		r.Data(t, &cust)
		wantStatus(t, env.Do(t, "agent", "PATCH", "/customers/"+id.String(), api.CustomerPatch{Phone: ptr(phone2)},
			api.HeaderIfMatch, fmt.Sprintf(`"%d"`, cust.Customer.Version)), 200)
		wantStatus(t, env.Do(t, "agent", "POST", "/customers/"+id.String()+"/notes", api.NoteCreate{Body: noteText}), 201)
		wantStatus(t, env.Do(t, "agent", "POST", "/customers/"+id.String()+"/loyalty/adjustments",
			api.AdjustmentRequest{Points: 40, Reason: api.ReasonGoodwill, Note: ledgerN}, api.HeaderIdempotencyKey, "erase-key-1"), 201)
		wantStatus(t, env.Do(t, "agent", "POST", "/customers/"+id.String()+"/agent-sessions",
			api.AgentSessionCreate{Reason: reasonS, Ticket: ticket}), 201)
		other := newCustomer(t, env, "bystander@example.co.ke")
		wantStatus(t, env.Do(t, "agent", "POST", "/customers/"+other.ID.String()+"/notes", api.NoteCreate{Body: "unrelated"}), 201)

		// Before: the values are there, so the search below can fail.
		if found := findIn(db.files(t), secrets); len(found) < len(secrets)/2 {
			t.Fatalf("before the erasure only %v are in the files: the search cannot see them", found)
		}
		if ids := searchIDs(t, env, email); len(ids) != 1 || ids[0] != id {
			t.Fatalf("search %q before: %v", email, ids)
		}

		// Roles: export and erase are a supervisor's.
		wantError(t, env.Do(t, "agent", "GET", "/customers/"+id.String()+"/data-export", nil), 403, api.CodeForbidden)
		wantError(t, env.Do(t, "agent", "POST", "/customers/"+id.String()+"/erase", api.CustomerErase{Reason: "asked"}), 403, api.CodeForbidden)

		// The export holds everything, and appends a row.
		exp := env.Do(t, "supervisor", "GET", "/customers/"+id.String()+"/data-export", nil)
		wantStatus(t, exp, 200)
		for _, s := range []string{email, first, last, phone2, street, orderSt, noteText, ledgerN, reasonS, ticket} {
			if !bytes.Contains(exp.Body, []byte(s)) {
				t.Errorf("the export lacks %q", s)
			}
		}
		var doc api.CustomerDataExport
		exp.Data(t, &doc)
		if len(doc.Orders) == 0 || len(doc.Notes) == 0 || len(doc.Sessions) != 1 || len(doc.Loyalty.Ledger) == 0 || len(doc.Audit) < 4 {
			t.Fatalf("export: %d orders, %d notes, %d sessions, %d ledger, %d audit rows", len(doc.Orders), len(doc.Notes),
				len(doc.Sessions), len(doc.Loyalty.Ledger), len(doc.Audit))
		}
		var page api.AuditPage
		env.Do(t, "supervisor", "GET", "/audit?action=customer.export&customer_id="+id.String(), nil).Data(t, &page)
		if page.Total != 1 || page.Entries[0].AgentID != env.Agents["supervisor"] || string(page.Entries[0].After) != "null" {
			t.Fatalf("export audit rows: %+v", page)
		}

		// Confirmation must match.
		wantError(t, env.Do(t, "supervisor", "POST", "/customers/"+id.String()+"/erase",
			api.CustomerErase{Reason: "GDPR request T-1", ConfirmEmail: "someone@else.example"}), 400, api.CodeValidation)

		var res api.CustomerEraseResult
		r = env.Do(t, "supervisor", "POST", "/customers/"+id.String()+"/erase",
			api.CustomerErase{Reason: "GDPR request T-1", ConfirmEmail: strings.ToUpper(email)})
		wantStatus(t, r, 200)
		r.Data(t, &res)
		if res.AlreadyErased || res.Customer.Email != "erased-"+id.String()+"@erased.invalid" || res.Customer.FirstName != "Erased" ||
			res.Customer.Phone != "" || len(res.Customer.Addresses) != 0 || res.Erased["audit_rows"] < 4 || res.Erased["notes"] != len(doc.Notes) {
			t.Fatalf("erase: %+v", res)
		}

		// The chain verifies; the customer's payloads are erased.
		vr, err := env.Engine.VerifyAudit(ctx)
		if err != nil {
			t.Fatalf("verify after erase: %v", err)
		}
		if vr.Erased < 4 {
			t.Fatalf("verify: %+v, want the erased payloads counted", vr)
		}

		// Nothing of the customer in the files, the export or search.
		if found := findIn(db.files(t), secrets); len(found) > 0 {
			t.Fatalf("after the erasure the files still hold %v", found)
		}
		exp = env.Do(t, "supervisor", "GET", "/customers/"+id.String()+"/data-export", nil)
		wantStatus(t, exp, 200)
		if found := findIn(map[string][]byte{"export": exp.Body}, append(secrets, reasonS)); len(found) > 0 {
			t.Fatalf("the export after the erasure holds %v", found)
		}
		exp.Data(t, &doc)
		if len(doc.Orders) == 0 || doc.Orders[0].Total == 0 || len(doc.Loyalty.Ledger) == 0 {
			t.Fatalf("the erasure lost what a store keeps: %+v", doc)
		}
		for _, q := range []string{email, "quokka", phone2, "0733987651", first, last} {
			if ids := searchIDs(t, env, q); len(ids) != 0 {
				t.Errorf("search %q after the erasure finds %v", q, ids)
			}
		}

		// Twice is once.
		var again api.CustomerEraseResult
		env.Do(t, "supervisor", "POST", "/customers/"+id.String()+"/erase", api.CustomerErase{Reason: "GDPR request T-1"}).Data(t, &again)
		if !again.AlreadyErased || again.Customer.Email != res.Customer.Email || again.Customer.Version != res.Customer.Version {
			t.Fatalf("second erase: %+v", again)
		}
		env.Do(t, "supervisor", "GET", "/audit?action=customer.erase&customer_id="+id.String(), nil).Data(t, &page)
		if page.Total != 1 || !strings.Contains(string(page.Entries[0].After), "GDPR request T-1") {
			t.Fatalf("erase audit rows: %+v", page)
		}
		// The adjustment's key replays as applied, never applies again.
		wantError(t, env.Do(t, "agent", "POST", "/customers/"+id.String()+"/loyalty/adjustments",
			api.AdjustmentRequest{Points: 40, Reason: api.ReasonGoodwill, Note: ledgerN}, api.HeaderIdempotencyKey, "erase-key-1"),
			422, api.CodeIdempotencyReused)

		// Tampering is still caught: guards off, as someone with the files.
		if db.pg != nil {
			db.exec(t, `ALTER TABLE audit_log DISABLE TRIGGER audit_log_erase_only`)
		} else {
			db.exec(t, `DROP TRIGGER audit_log_erase_only`)
		}
		wantBroken := func(problem string) {
			t.Helper()
			_, err := env.Engine.VerifyAudit(ctx)
			var ce *audit.ChainError
			if !errors.As(err, &ce) || ce.Problem != problem {
				t.Fatalf("verify: %v, want %s", err, problem)
			}
		}
		var eraseSeq int64 = page.Entries[0].Seq
		db.exec(t, `UPDATE audit_log SET after = ? WHERE seq = ?`, `{"reason":"nothing to see"}`, eraseSeq)
		wantBroken("payload mismatch")
		db.exec(t, `UPDATE audit_log SET after = ? WHERE seq = ?`, string(page.Entries[0].After), eraseSeq)
		if _, err := env.Engine.VerifyAudit(ctx); err != nil {
			t.Fatalf("restored: %v", err)
		}
		db.exec(t, `UPDATE audit_log SET agent_name = 'Someone Else' WHERE seq = ?`, eraseSeq)
		wantBroken("hash mismatch")
	})
}

func mustInt(t *testing.T, id api.ID) int64 {
	t.Helper()
	n, ok := id.Int64()
	if !ok {
		t.Fatalf("id %q is not an integer", id)
	}
	return n
}

func ptr[T any](v T) *T { return &v }
