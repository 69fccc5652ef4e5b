package store_test

import (
	"database/sql"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/sandbox/seed"
	"frontdesk/store"
	"frontdesk/store/postgres"
	"frontdesk/store/postgres/pgtest"
	"frontdesk/store/sqlite"
	sqliteschema "frontdesk/store/sqlite/schema"
	"frontdesk/store/storetest"
)

// deleteCustomer removes a customer from the database under st, as no
// Store method does (the platform's own deletions, an operator's SQL):
// the search feed's delete trigger has to notice.
func deleteCustomer(t *testing.T, st store.Store, id api.ID) {
	t.Helper()
	n, _ := id.Int64()
	var err error
	switch s := st.(type) {
	case *sqlite.Store:
		for _, q := range []string{`DELETE FROM loyalty_accounts WHERE customer_id = ?`, `DELETE FROM customers WHERE id = ?`} {
			if _, err = s.DB().ExecContext(t.Context(), q, n); err != nil {
				break
			}
		}
	case *postgres.Store:
		_, err = s.Pool().Exec(t.Context(), `WITH a AS (DELETE FROM loyalty_accounts WHERE customer_id = $1) DELETE FROM customers WHERE id = $1`, n)
	default:
		t.Fatalf("no way to delete from %T", st)
	}
	if err != nil {
		t.Fatalf("delete customer %s: %v", id, err)
	}
}

// TestSearchAcrossStores: a search through one Store sees what another
// Store on the same database (another server) committed before it began.
func TestSearchAcrossStores(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			a, b := e.pair(t)
			storetest.SearchAcrossStores(t, a, b, func(t *testing.T, id api.ID) { deleteCustomer(t, a, id) })
		})
	}
}

// naiveSeed is how many customers the naive comparison seeds.
const naiveSeed = 3000

// seedSQLite seeds a new SQLite file with sandbox/seed and adds customers
// whose names need folding.
func seedSQLite(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sqliteschema.Open(t.Context(), filepath.Join(t.TempDir(), "seed.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := seed.Run(t.Context(), db, seed.Options{Customers: naiveSeed, Seed: 11}); err != nil {
		t.Fatal(err)
	}
	return db
}

// allIDs is every customer id in the database, read with SQL.
func allIDs(t *testing.T, rows interface {
	Next() bool
	Scan(...any) error
	Err() error
}) []api.ID {
	t.Helper()
	var out []api.ID
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, api.IDFromInt(id))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// addFolded adds customers whose names differ only in case and accents,
// after the seed.
func addFolded(t *testing.T, st store.Store) {
	t.Helper()
	err := st.Write(t.Context(), func(tx store.Tx) error {
		for i, n := range [][2]string{{"Élodie", "Ngugi"}, {"elodie", "NGUGI"}, {"Jürgen", "Müller"}, {"Zoë", "Mueller"}, {"Ærin", "Straße"}, {"OSCAR", "ngũgĩ"}} {
			if _, err := tx.CreateCustomer(t.Context(), api.CustomerCreate{Email: "folded" + string(rune('a'+i)) + "@example.co.ke", FirstName: n[0], LastName: n[1]},
				time.Date(2026, 10, 31, 12, 0, 0, 0, time.UTC)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSearchMatchesNaive compares each engine's SearchCustomers with its
// index's reference scan on a seeded store (every sort, pages, After
// cursors), and the index with the customers the database holds.
func TestSearchMatchesNaive(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		db := seedSQLite(t)
		st := sqlite.New(db)
		addFolded(t, st)
		rows, err := db.QueryContext(t.Context(), `SELECT id FROM customers ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		storetest.SearchMatchesNaive(t, st, st.SearchIndex().Naive, allIDs(t, rows))
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := pgtest.DSN(t)
		st, err := postgres.Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		// The index is loaded (empty) before the bulk copy: it must
		// catch up with a million-row-style COPY through the feed.
		if err := st.WarmSearch(t.Context()); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CopySQLite(t.Context(), seedSQLite(t), nil); err != nil {
			t.Fatal(err)
		}
		addFolded(t, st)
		rows, err := st.Pool().Query(t.Context(), `SELECT id FROM customers ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		storetest.SearchMatchesNaive(t, st, st.SearchIndex().Naive, allIDs(t, rows))
	})
}

// FuzzSearchQuery feeds any query, sort, page and limit to the SQLite
// engine's search over a seeded store: it must not fail (other than for
// a cursor it did not hand out) nor panic, and must answer what the
// index's reference scan answers, on numbered pages and after the first
// page's last key.
func FuzzSearchQuery(f *testing.F) {
	for i, q := range storetest.NaiveQueries {
		f.Add(q, uint8(i), uint8(i), uint8(i*7))
	}
	db, err := sqliteschema.Open(f.Context(), filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	if _, err := seed.Run(f.Context(), db, seed.Options{Customers: 400, Seed: 3}); err != nil {
		f.Fatal(err)
	}
	st := sqlite.New(db)
	f.Fuzz(func(t *testing.T, q string, sortIdx, pg, limit uint8) {
		p := store.SearchParams{Query: q, Sort: api.Sorts[int(sortIdx)%len(api.Sorts)], Page: int(pg % 8), Limit: int(limit)}
		var got store.SearchResult
		err := st.Read(t.Context(), func(tx store.Tx) error {
			var err error
			got, err = tx.SearchCustomers(t.Context(), p)
			return err
		})
		if err != nil {
			t.Fatalf("SearchCustomers(%+v): %v", p, err)
		}
		want, err := st.SearchIndex().Naive(p)
		if err != nil {
			t.Fatalf("Naive(%+v): %v", p, err)
		}
		if !slices.Equal(got.IDs, want.IDs) || got.Total != want.Total || got.More != want.More {
			t.Fatalf("%+v: got %v (total %d, more %v), want %v (total %d, more %v)", p, got.IDs, got.Total, got.More, want.IDs, want.Total, want.More)
		}
		if got.Last == nil {
			return
		}
		p.After, p.Page = got.Last, 0
		err = st.Read(t.Context(), func(tx store.Tx) error {
			var err error
			got, err = tx.SearchCustomers(t.Context(), p)
			return err
		})
		if err != nil {
			t.Fatalf("SearchCustomers(%+v): %v", p, err)
		}
		if want, err = st.SearchIndex().Naive(p); err != nil || !slices.Equal(got.IDs, want.IDs) || got.More != want.More {
			t.Fatalf("after %+v: got %v, want %v (%v)", *p.After, got.IDs, want.IDs, err)
		}
	})
}
