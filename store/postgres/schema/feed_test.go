package schema_test

import (
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"frontdesk/store/postgres/pgtest"
	"frontdesk/store/postgres/schema"
)

// feedVersion is the migration that adds the search's change feed.
const feedVersion = 5

// TestFeedMigration: migrating a database with customers to the change
// feed numbers every existing customer once, in id order, and drops the
// old search's trigram index and initials table; down and up again gives
// the same, and the triggers number later changes after them.
func TestFeedMigration(t *testing.T) {
	ctx := t.Context()
	pool, err := pgxpool.New(ctx, pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var schemaName string
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schemaName); err != nil {
		t.Fatal(err)
	}
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := schema.Provider(db, schemaName)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, feedVersion-1); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO customers (id, email, first_name, last_name, created_at, updated_at) VALUES
		(7, 'a@x.co', 'Élodie', 'Ngugi', now(), now()), (3, 'b@x.co', 'Jürgen', 'Müller', now(), now()), (9, 'c@x.co', 'Amani', 'Otieno', now(), now())`); err != nil {
		t.Fatal(err)
	}
	feed := func() [][2]int64 {
		t.Helper()
		rows, err := pool.Query(ctx, `SELECT customer_id, seq FROM customer_changes ORDER BY seq`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got [][2]int64
		for rows.Next() {
			var r [2]int64
			if err := rows.Scan(&r[0], &r[1]); err != nil {
				t.Fatal(err)
			}
			got = append(got, r)
		}
		return got
	}
	check := func(when string) {
		t.Helper()
		got := feed()
		if len(got) != 3 || got[0][0] != 3 || got[1][0] != 7 || got[2][0] != 9 || got[0][1] >= got[1][1] || got[1][1] >= got[2][1] {
			t.Fatalf("%s: feed = %v, want customers 3, 7, 9 in rising order", when, got)
		}
		var old int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace
			AND relname IN ('customer_initials', 'customers_trgm', 'customers_name')`).Scan(&old); err != nil || old != 0 {
			t.Fatalf("%s: %d of the old search's objects left (%v)", when, old, err)
		}
	}
	if _, err := p.UpTo(ctx, feedVersion); err != nil {
		t.Fatal(err)
	}
	check("after the migration")
	if _, err := p.DownTo(ctx, feedVersion-1); err != nil {
		t.Fatalf("down: %v", err)
	}
	var n int64
	if err := pool.QueryRow(ctx, `SELECT coalesce(sum(n), 0) FROM customer_initials`).Scan(&n); err != nil || n != 3 {
		t.Fatalf("after down, customer_initials counts %d (%v), want 3", n, err)
	}
	if _, err := p.UpTo(ctx, feedVersion); err != nil {
		t.Fatalf("up again: %v", err)
	}
	check("after down and up")
	// An update of a searched column, a delete and an insert each take a
	// number above every earlier one; an update of another column none.
	before := feed()[2][1]
	for _, q := range []string{
		`UPDATE customers SET last_name = 'Wairimu' WHERE id = 3`,
		`UPDATE customers SET status = 'disabled' WHERE id = 7`,
		`DELETE FROM customers WHERE id = 9`,
		`INSERT INTO customers (id, email, first_name, last_name, created_at, updated_at) VALUES (10, 'd@x.co', 'Zoë', 'Mueller', now(), now())`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	got := feed()
	if len(got) != 4 || got[0][0] != 7 || got[1][0] != 3 || got[2][0] != 9 || got[3][0] != 10 || got[1][1] <= before {
		t.Fatalf("after an update, a delete and an insert, feed = %v, want 7 (unchanged), then 3, 9, 10 above %d", got, before)
	}
}
