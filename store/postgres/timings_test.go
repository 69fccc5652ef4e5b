package postgres

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"frontdesk/api"
	"frontdesk/sandbox/seed"
	"frontdesk/store"
	"frontdesk/store/postgres/pgtest"
	"frontdesk/store/sqlite"
	sqliteschema "frontdesk/store/sqlite/schema"
)

// TestSearchTimings prints search p50/p95 on both engines for the query
// shapes of issue 15, side by side, on FRONTDESK_PG_BENCH customers:
//
//	eval "$(scripts/pg-test-cluster)"
//	FRONTDESK_PG_BENCH=1000000 go test -run TestSearchTimings -timeout 60m -v ./store/postgres/
//
// The seeded SQLite file ($TMPDIR/frontdesk-bench-N.db) and the
// PostgreSQL schema (bench_N in the test database) are kept and reused by
// the next run. Skipped without FRONTDESK_PG_BENCH.
func TestSearchTimings(t *testing.T) {
	nStr := os.Getenv("FRONTDESK_PG_BENCH")
	if nStr == "" {
		t.Skip("FRONTDESK_PG_BENCH (a number of customers) is not set")
	}
	n, err := strconv.Atoi(nStr)
	if err != nil {
		t.Fatal(err)
	}
	base := pgtest.BaseDSN(t)
	ctx := context.Background()

	path := filepath.Join(os.TempDir(), fmt.Sprintf("frontdesk-bench-%d.db", n))
	db, err := sqliteschema.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var have int
	if err := db.QueryRow(`SELECT count(*) FROM customers`).Scan(&have); err != nil {
		t.Fatal(err)
	}
	if have == 0 {
		started := time.Now()
		if _, err := seed.Run(ctx, db, seed.Options{Customers: n, Seed: 1}); err != nil {
			t.Fatal(err)
		}
		t.Logf("seeded SQLite with %d customers in %s", n, time.Since(started).Round(time.Second))
	}
	lite := sqlite.New(db)

	schemaName := fmt.Sprintf("bench_%d", n)
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+schemaName); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	dsn, err := pgtest.WithSearchPath(base, schemaName)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	var pgHave int
	if err := pg.pool.QueryRow(ctx, `SELECT count(*) FROM customers`).Scan(&pgHave); err != nil {
		t.Fatal(err)
	}
	if pgHave == 0 {
		started := time.Now()
		if _, err := pg.CopySQLite(ctx, db, []string{"customers"}); err != nil {
			t.Fatal(err)
		}
		if _, err := pg.pool.Exec(ctx, `VACUUM ANALYZE customers`); err != nil {
			t.Fatal(err)
		}
		t.Logf("copied %d customers into PostgreSQL in %s", n, time.Since(started).Round(time.Second))
	}

	// Selective queries taken from customers spread over the table.
	var email, phone string
	if err := db.QueryRow(`SELECT email, phone FROM customers WHERE id = ?`, n/3).Scan(&email, &phone); err != nil {
		t.Fatal(err)
	}
	shapes := []struct{ class, q string }{
		{"full email", email},
		{"7-digit phone", phone[len(phone)-7:]},
		{"local phone", "0" + phone[4:]},
		{"fragment", "wan"}, {"fragment", "ach"}, {"fragment", "kam"}, {"fragment", "nai"}, {"digits", "254"},
		{"surname", "Otieno"}, {"surname", "Mwangi"},
		{"initials", "j k"}, {"half name", "mary w"},
		{"short words", "a b"}, {"short words", "a b c d e f g h"},
		{"1 char", "a"}, {"2 chars", "ka"},
		{"phone prefix", "0712"},
		{"blank", ""},
	}
	const runs = 21
	measure := func(st store.Store, p store.SearchParams) (p50, p95 time.Duration, res store.SearchResult) {
		var ds []time.Duration
		for range runs {
			started := time.Now()
			if err := st.Read(ctx, func(tx store.Tx) error {
				var err error
				res, err = tx.SearchCustomers(ctx, p)
				return err
			}); err != nil {
				t.Fatalf("%+v: %v", p, err)
			}
			ds = append(ds, time.Since(started))
		}
		slices.Sort(ds)
		return ds[len(ds)/2], ds[len(ds)*95/100], res
	}
	var out strings.Builder
	fmt.Fprintf(&out, "\n%d customers, %d runs each, p50 / p95 in ms\n", n, runs)
	fmt.Fprintf(&out, "%-14s %-22s %-13s %17s %17s %s\n", "shape", "query", "sort", "sqlite", "postgres", "total")
	worst := time.Duration(0)
	for _, sh := range shapes {
		for _, sort := range api.Sorts {
			p := store.SearchParams{Query: sh.q, Sort: sort, Page: 1, Limit: 20}
			l50, l95, lr := measure(lite, p)
			g50, g95, gr := measure(pg, p)
			same := ""
			if !slices.Equal(lr.IDs, gr.IDs) || lr.Total != gr.Total {
				same = " DIFFERENT ANSWERS"
				t.Errorf("%q %s: sqlite %v %d, postgres %v %d", sh.q, sort, lr.IDs, lr.Total, gr.IDs, gr.Total)
			}
			worst = max(worst, g95)
			q := sh.q
			if len(q) > 22 {
				q = q[:19] + "..."
			}
			fmt.Fprintf(&out, "%-14s %-22q %-13s %7.1f / %7.1f %7.1f / %7.1f %d%s%s\n", sh.class, q, sort,
				ms(l50), ms(l95), ms(g50), ms(g95), gr.Total, map[bool]string{true: "+", false: ""}[gr.Estimate], same)
		}
	}
	fmt.Fprintf(&out, "worst PostgreSQL p95: %.1f ms\n", ms(worst))
	t.Log(out.String())
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
