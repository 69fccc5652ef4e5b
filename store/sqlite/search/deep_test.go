package search

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/store/sqlite/schema"
)

// deepCustomers is how many customers TestAfterVisitsEveryone pages
// through: FRONTDESK_TEST_DEEP_CUSTOMERS (200000 for the check),
// else a count that keeps the default run short.
func deepCustomers(t *testing.T) int {
	if s := os.Getenv("FRONTDESK_TEST_DEEP_CUSTOMERS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1000 {
			t.Fatalf("FRONTDESK_TEST_DEEP_CUSTOMERS=%q: want a count of 1000 or more", s)
		}
		return n
	}
	return 6000
}

// TestAfterVisitsEveryone pages with After through every customer of a
// large store (and every match of a broad query), 100 at a time, for
// each sort, and checks it visits each exactly once and in the sort's
// order. The customers share creation times (three a second), totals
// and names (in several cases), so the keys' ties are everywhere.
func TestAfterVisitsEveryone(t *testing.T) {
	n := deepCustomers(t)
	ctx := context.Background()
	db, err := schema.Open(ctx, filepath.Join(t.TempDir(), "deep.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	if _, err := db.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		INSERT INTO customers (email, first_name, last_name, phone, total_spent, created_at, updated_at)
		SELECT 'c' || i || '@example.com',
			substr('WanjiruAchiengBarakaAminaKipWanjikuzoe   ', 1 + (i % 7) * 5, 5),
			CASE i % 4 WHEN 0 THEN 'Kamau' WHEN 1 THEN 'kamau' WHEN 2 THEN 'Otieno' ELSE 'Mwangi' || (i % 13) END,
			'+2547' || printf('%08d', i),
			(i * 7919) % 5000,
			strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || (i / 3) || ' seconds'),
			'2026-01-01T00:00:00.000Z'
		FROM n`, n); err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded %d customers in %s", n, time.Since(start).Round(time.Millisecond))

	type key struct {
		created string
		spent   int64
		last    string
		first   string
	}
	keys := make(map[int64]key, n)
	rows, err := db.QueryContext(ctx, `SELECT id, created_at, total_spent, last_name, first_name FROM customers`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var k key
		if err := rows.Scan(&id, &k.created, &k.spent, &k.last, &k.first); err != nil {
			t.Fatal(err)
		}
		k.last, k.first = strings.ToLower(k.last), strings.ToLower(k.first) // NOCASE folds ASCII; the names are ASCII
		keys[id] = k
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	// before reports whether a comes strictly before b in sort's order.
	before := func(sort string, a, b int64) bool {
		ka, kb := keys[a], keys[b]
		switch sort {
		case api.SortNewest:
			return ka.created > kb.created || ka.created == kb.created && a > b
		case api.SortTopSpenders:
			return ka.spent > kb.spent || ka.spent == kb.spent && a > b
		default:
			if ka.last != kb.last {
				return ka.last < kb.last
			}
			if ka.first != kb.first {
				return ka.first < kb.first
			}
			return a < b
		}
	}
	for _, sort := range api.Sorts {
		for _, q := range []string{"", "wan"} {
			want := n
			if q != "" {
				r, err := naive(ctx, db, Params{Query: q, Sort: sort, Limit: 1}, n)
				if err != nil {
					t.Fatal(err)
				}
				want = r.Total
			}
			seen := make(map[int64]bool, want)
			var prev int64
			p := Params{Query: q, Sort: sort, Limit: api.MaxPageLimit}
			var slowest time.Duration
			for pages := 0; ; pages++ {
				if pages > n/api.MaxPageLimit+1 {
					t.Fatalf("%s %q: still paging after %d pages", sort, q, pages)
				}
				t0 := time.Now()
				r, err := Customers(ctx, db, p)
				if err != nil {
					t.Fatal(err)
				}
				slowest = max(slowest, time.Since(t0))
				for _, id := range r.IDs {
					if seen[id] {
						t.Fatalf("%s %q: customer %d seen twice (page %d)", sort, q, id, pages+1)
					}
					if prev != 0 && !before(sort, prev, id) {
						t.Fatalf("%s %q: customer %d after %d is out of order (page %d)", sort, q, id, prev, pages+1)
					}
					seen[id], prev = true, id
				}
				if !r.More {
					break
				}
				p.After = r.Last
			}
			if len(seen) != want || want == 0 {
				t.Fatalf("%s %q: paging saw %d customers, want %d", sort, q, len(seen), want)
			}
			t.Logf("%s %q: %d customers, slowest page %s", sort, q, len(seen), slowest.Round(time.Microsecond))
		}
	}
}
