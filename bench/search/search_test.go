package search

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"frontdesk/api"
	"frontdesk/store"
	"frontdesk/store/postgres/pgtest"
)

// testCustomers is small enough to seed in seconds, big enough that the
// shapes match something and the deep pages exist.
const testCustomers = 2500

// wantRows is the table's length: every shape under every sort, then for
// everyone and for wan, page 100 of 100 and the page after half way down.
var wantRows = len(shapes)*len(api.Sorts) + len(deepQueries)*len(api.Sorts)*2

func runBench(t *testing.T, o Options) (Report, string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	o.Stdout, o.Stderr = &stdout, &stderr
	if o.Customers == 0 {
		o.Customers = testCustomers
	}
	if o.Runs == 0 {
		o.Runs = 2
	}
	if o.BaselineRuns == 0 {
		o.BaselineRuns = 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rep, err := Run(ctx, o)
	return rep, stdout.String(), stderr.String(), err
}

// tableLines are the markdown table's lines of out.
func tableLines(t *testing.T, out string) (head []string, rows [][]string) {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if !strings.HasPrefix(l, "| ") {
			continue
		}
		cells := strings.Split(strings.Trim(l, "| "), " | ")
		if head == nil {
			head = cells
			continue
		}
		rows = append(rows, cells)
	}
	return head, rows
}

// checkTable checks the table's shape: the header, one line per row of
// the report with a cell under every heading, and numbers where timings go.
func checkTable(t *testing.T, out string, rep Report, wantHead []string) {
	t.Helper()
	head, rows := tableLines(t, out)
	if !slices.Equal(head, wantHead) {
		t.Fatalf("table header %q, want %q\n%s", head, wantHead, out)
	}
	if !strings.Contains(out, "\n"+strings.Repeat("|---", len(head))+"|\n") {
		t.Errorf("no markdown separator line under the header:\n%s", out)
	}
	if len(rep.Rows) != wantRows || len(rows) != wantRows {
		t.Fatalf("%d report rows and %d table lines, want %d each\n%s", len(rep.Rows), len(rows), wantRows, out)
	}
	for i, cells := range rows {
		if len(cells) != len(head) {
			t.Errorf("line %d has %d cells, want %d: %q", i, len(cells), len(head), cells)
			continue
		}
		r := rep.Rows[i]
		if cells[1] != sortName(r.Sort) || cells[2] != r.Page {
			t.Errorf("line %d is %q, want the report's row %q %s page %s", i, cells, r.Query, r.Sort, r.Page)
		}
		for j, h := range head[4:] {
			c := cells[4+j]
			if strings.Contains(h, "p50 / p95") {
				if p50, p95, ok := strings.Cut(c, " / "); !ok || !isNumber(p50) || !isNumber(strings.Trim(p95, "*")) {
					t.Errorf("line %d, %s: %q is not p50 / p95", i, h, c)
				}
			} else if !isNumber(c) && !strings.HasPrefix(c, "> ") {
				t.Errorf("line %d, %s: %q is not a time", i, h, c)
			}
		}
		if !r.SQLite.Ran || r.SQLite.P95 < r.SQLite.P50 || r.SQLite.P50 <= 0 {
			t.Errorf("row %d: SQLite timing %+v", i, r.SQLite)
		}
	}
	for _, want := range []string{"`wan`", "`j k`", "`a b c d e f g h`", "`+254 712`", "`élodie`", "(everyone)", "100 of 100", "after "} {
		if !strings.Contains(out, want) {
			t.Errorf("the table has no %s", want)
		}
	}
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != '.' && r != ',' {
			return false
		}
	}
	return true
}

// ascii reports whether q is plain ASCII, which folds the same way
// everywhere (the PostgreSQL baselines approximate searchq.Fold with
// unaccent).
func ascii(q string) bool {
	for i := 0; i < len(q); i++ {
		if q[i] < ' ' || q[i] > '~' {
			return false
		}
	}
	return true
}

// checkBaselineTotals: every baseline that counts counts what the engine
// does (the SQLite scan folds with searchq.Fold, so for every query; the
// PostgreSQL ones for ASCII queries).
func checkBaselineTotals(t *testing.T, rep Report) {
	t.Helper()
	checked := 0
	for _, r := range rep.Rows {
		if !r.HasTotal {
			continue
		}
		for _, b := range []struct {
			name string
			b    Baseline
			all  bool
		}{{"naive SQLite", r.NaiveSQLite, true}, {"naive PostgreSQL", r.NaivePostgres, false}, {"pg_trgm", r.Trigram, false}} {
			if !b.b.Ran || (!b.all && !ascii(r.Query)) {
				continue
			}
			if b.b.TimedOut {
				t.Errorf("%s timed out on %q at %d customers", b.name, r.Query, testCustomers)
				continue
			}
			checked++
			if b.b.Total != r.Total {
				t.Errorf("%s counts %d for %q %s, the engine %d", b.name, b.b.Total, r.Query, r.Sort, r.Total)
			}
			if r.Total > 0 && len(b.b.IDs) == 0 && r.Page == "1" {
				t.Errorf("%s found no page for %q %s, the engine %d ids", b.name, r.Query, r.Sort, len(r.IDs))
			}
		}
	}
	if checked == 0 {
		t.Fatal("no baseline total was compared")
	}
	var some bool
	for _, r := range rep.Rows {
		if r.HasTotal && r.Total > 0 && r.Query != "" && r.Total < testCustomers {
			some = true
		}
	}
	if !some {
		t.Fatal("no query matched some but not all customers: the comparison proves nothing")
	}
}

func TestSQLiteOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bench.db")
	rep, out, errOut, err := runBench(t, Options{SQLitePath: path})
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, errOut)
	}
	if rep.Postgres || !strings.Contains(errOut, "PostgreSQL: skipped") || !strings.Contains(out, "PostgreSQL: not measured") {
		t.Errorf("without a URL PostgreSQL must be skipped, saying so\nstderr:\n%s\nstdout:\n%s", errOut, out)
	}
	if !strings.Contains(errOut, "seeding 2500 customers") {
		t.Errorf("a new file is seeded, saying so:\n%s", errOut)
	}
	checkTable(t, out, rep, []string{"query", "sort", "page", "total", "SQLite p50 / p95", "naive LIKE SQLite p95"})
	checkBaselineTotals(t, rep)
	if strings.Contains(out, "Note:") {
		t.Errorf("a baseline counted otherwise than the engine:\n%s", out)
	}

	// The file is reused as it is; one of another size is refused.
	_, out, errOut, err = runBench(t, Options{SQLitePath: path, NoBaselines: true, Runs: 1})
	if err != nil || !strings.Contains(errOut, "reusing "+path) {
		t.Fatalf("second run: %v, stderr:\n%s", err, errOut)
	}
	if head, _ := tableLines(t, out); !slices.Equal(head, []string{"query", "sort", "page", "total", "SQLite p50 / p95"}) {
		t.Errorf("--no-baselines header %q", head)
	}
	_, _, _, err = runBench(t, Options{SQLitePath: path, Customers: 3000, NoBaselines: true})
	if err == nil || !strings.Contains(err.Error(), "holds 2500 customers, not 3000") {
		t.Errorf("a file of another size: %v, want a refusal naming both sizes", err)
	}
}

// TestBaselineTimeout: a baseline over its time shows as "> timeout" and
// the table still comes out.
func TestBaselineTimeout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bench.db")
	rep, out, errOut, err := runBench(t, Options{SQLitePath: path, Customers: 2000, BaselineTimeout: time.Microsecond, Runs: 1})
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, errOut)
	}
	timedOut := 0
	for _, r := range rep.Rows {
		if r.NaiveSQLite.TimedOut {
			timedOut++
		}
	}
	if timedOut == 0 || !strings.Contains(out, "| > 1µs |") {
		t.Errorf("%d baselines timed out at 1µs; the table:\n%s", timedOut, out)
	}
}

// pgSchema is a schema of the test's own, dropped at its end.
func pgSchema(t *testing.T, base string) string {
	t.Helper()
	var rnd [4]byte
	rand.Read(rnd[:])
	name := "t_benchsearch_" + hex.EncodeToString(rnd[:])
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("drop schema %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+name+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", name, err)
		}
	})
	return name
}

// wrongStore answers one query wrongly: the page of "Otieno" sorted by
// name loses its last id.
type wrongStore struct{ store.Store }

func (w wrongStore) Read(ctx context.Context, fn func(store.Tx) error) error {
	return w.Store.Read(ctx, func(tx store.Tx) error { return fn(wrongTx{tx}) })
}

type wrongTx struct{ store.Tx }

func (w wrongTx) SearchCustomers(ctx context.Context, p store.SearchParams) (store.SearchResult, error) {
	res, err := w.Tx.SearchCustomers(ctx, p)
	if err == nil && p.Query == "Otieno" && p.Sort == api.SortName && len(res.IDs) > 0 {
		res.IDs = res.IDs[:len(res.IDs)-1]
	}
	return res, err
}

func TestBothEngines(t *testing.T) {
	base := pgtest.BaseDSN(t)
	schema := pgSchema(t, base)
	path := filepath.Join(t.TempDir(), "bench.db")
	rep, out, errOut, err := runBench(t, Options{SQLitePath: path, Postgres: base, Schema: schema})
	if err != nil {
		t.Fatalf("Run: %v\n%s\n%s", err, errOut, out)
	}
	if !rep.Postgres || !strings.Contains(errOut, "copying 2500 customers") || !strings.Contains(errOut, "building the baselines' table") {
		t.Errorf("PostgreSQL was not loaded and its baselines' table built, by stderr:\n%s", errOut)
	}
	checkTable(t, out, rep, []string{"query", "sort", "page", "total", "SQLite p50 / p95", "PostgreSQL p50 / p95",
		"naive LIKE SQLite p95", "naive LIKE PostgreSQL p95", "per-column pg_trgm p95"})
	checkBaselineTotals(t, rep)
	for _, r := range rep.Rows {
		if !r.Postgres.Ran || !r.NaivePostgres.Ran || !r.Trigram.Ran {
			t.Errorf("%q %s page %s: PostgreSQL or its baselines did not run", r.Query, r.Sort, r.Page)
		}
	}
	if len(rep.Mismatches) > 0 || strings.Contains(out, "MISMATCH") {
		t.Fatalf("the engines disagreed:\n%s", strings.Join(rep.Mismatches, "\n"))
	}

	// A wrong answer from one engine is caught, loudly, and fails the run;
	// the loaded schema and its baselines' table are reused.
	o := Options{SQLitePath: path, Postgres: base, Schema: schema, Runs: 1,
		wrap: func(engine string, st store.Store) store.Store {
			if engine == "postgres" {
				return wrongStore{st}
			}
			return st
		}}
	rep, out, errOut, err = runBench(t, o)
	if !errors.Is(err, ErrMismatch) {
		t.Fatalf("a wrong PostgreSQL answer: Run = %v, want ErrMismatch\n%s", err, out)
	}
	if !strings.Contains(errOut, "reusing schema "+schema) || !strings.Contains(errOut, "reusing the baselines' table") {
		t.Errorf("the second run did not reuse the schema:\n%s", errOut)
	}
	if len(rep.Mismatches) != 1 || !strings.Contains(out, `MISMATCH: "Otieno" sorted by name, page 1`) {
		t.Errorf("mismatches %q; stdout:\n%s", rep.Mismatches, out)
	}
	if _, rows := tableLines(t, out); len(rows) != wantRows {
		t.Errorf("the table is printed in full all the same: %d lines", len(rows))
	}
}
