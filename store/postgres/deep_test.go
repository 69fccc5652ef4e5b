package postgres

import (
	"os"
	"strconv"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/store"
	"frontdesk/store/postgres/pgtest"
	"frontdesk/store/searchq"
)

// TestAfterVisitsEveryone pages with After through every customer of a
// large store (and every match of a broad query), 100 at a time, for
// each sort, and checks each is seen exactly once and in the order of
// the reference scan's numbered pages' sort: FRONTDESK_TEST_DEEP_CUSTOMERS
// customers (200000 for the check), 6,000 by default. The
// customers share creation times (three a second), totals and names.
func TestAfterVisitsEveryone(t *testing.T) {
	n := 6000
	if s := os.Getenv("FRONTDESK_TEST_DEEP_CUSTOMERS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1000 {
			t.Fatalf("FRONTDESK_TEST_DEEP_CUSTOMERS=%q: want a count of 1000 or more", s)
		}
	}
	dsn := pgtest.DSN(t)
	ctx := t.Context()
	pg, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	start := time.Now()
	if _, err := pg.pool.Exec(ctx, `INSERT INTO customers (email, first_name, last_name, phone, total_spent, created_at, updated_at)
		SELECT 'c' || i || '@example.com',
			substr('WanjiruAchiengBarakaAminaKipWanjikuzoe   ', 1 + (i % 7) * 5, 5),
			CASE i % 4 WHEN 0 THEN 'Kamau' WHEN 1 THEN 'kamau' WHEN 2 THEN 'Otieno' ELSE 'Mwangi' || (i % 13) END,
			'+2547' || lpad(i::text, 8, '0'),
			(i * 7919) % 5000,
			timestamptz '2026-01-01 00:00:00.123456Z' + (i / 3) * interval '1 second',
			timestamptz '2026-01-01Z'
		FROM generate_series(1, $1::int) AS i`, n); err != nil {
		t.Fatal(err)
	}
	if _, err := pg.pool.Exec(ctx, `ANALYZE customers`); err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded %d customers in %s", n, time.Since(start).Round(time.Millisecond))

	for _, sort := range api.Sorts {
		for _, q := range []string{"", "wan"} {
			// The reference: every id in the sort's order, from one
			// statement over the whole table.
			var want []int64
			if err := pg.Read(ctx, func(stx store.Tx) error {
				s, err := sortOf(sort)
				if err != nil {
					return err
				}
				tokens, _ := searchq.Parse(q)
				var a args
				where := "true"
				if q != "" {
					where = match(tokens, &a)
				}
				want, err = queryIDs(ctx, stx.(*txn).tx, `SELECT c.id FROM customers c WHERE `+where+` ORDER BY `+s.orderBy, a)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			var got []int64
			p := store.SearchParams{Query: q, Sort: sort, Limit: api.MaxPageLimit}
			var slowest time.Duration
			for pages := 0; ; pages++ {
				if pages > n/api.MaxPageLimit+1 {
					t.Fatalf("%s %q: still paging after %d pages", sort, q, pages)
				}
				var r result
				t0 := time.Now()
				if err := pg.Read(ctx, func(stx store.Tx) error {
					var err error
					r, err = searchCustomers(ctx, stx.(*txn).tx, p, defaultTuning)
					return err
				}); err != nil {
					t.Fatal(err)
				}
				slowest = max(slowest, time.Since(t0))
				got = append(got, r.IDs...)
				if !r.More {
					break
				}
				p.After = r.Last
			}
			seen := make(map[int64]bool, len(got))
			for i, id := range got {
				if seen[id] {
					t.Fatalf("%s %q: customer %d seen twice", sort, q, id)
				}
				seen[id] = true
				if i >= len(want) || want[i] != id {
					t.Fatalf("%s %q: customer %d at %d, the reference order has %v there", sort, q, id, i, want[min(i, len(want)-1)])
				}
			}
			if len(got) != len(want) || len(want) == 0 {
				t.Fatalf("%s %q: paging saw %d customers, the reference %d", sort, q, len(got), len(want))
			}
			t.Logf("%s %q: %d customers, slowest page %s", sort, q, len(got), slowest.Round(time.Microsecond))
		}
	}
}
