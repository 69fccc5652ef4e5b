package postgres

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/sandbox/seed"
	"frontdesk/store"
	"frontdesk/store/postgres/pgtest"
	"frontdesk/store/sqlite"
	sqliteschema "frontdesk/store/sqlite/schema"
)

// queries exercises every kind of input (the SQLite search's own test
// list): prefixes, substrings, full names, phones, syntax that must stay
// literal, LIKE wildcards, punctuation, Unicode, emoji, control
// sequences, invalid UTF-8 and very long input.
var queries = []string{
	"", "   ", "\t\n",
	"a", "K", "ka", "Wa", "ot", "07", "+2", "+25", "7", "1", "x@", "@", "k@",
	"wan", "WAN", "Wanjiru", "wanjiru kamau", "Grace Otieno", "jane w", "w jane", "ot ka", "a b c", "j k", "mary w", "a b", "a b c d e f g h",
	"a b c d", "a b c d e", "k ka j m w", "k ka j m w x", "A a b c d", "a b c d é", "j k mary w", "J j k", "é É", "😀 z", "k w", "z q",
	"kamau", "otieno", "mwangi", "Mwangi", "achieng", "che", "ama", "ach", "odh", "nai", "254", "kam",
	"gmail", "@gmail.com", "yahoo.com", ".com", "gmail com",
	"0712", "0712345", "+2547", "2547", "7123456", "254 7", "071", "0",
	`"`, `""`, `"quoted"`, `a"b`, `kam"au`, "'", "o'", "ng'ang'a", "Ng'ang'a",
	"...", "--", "%", "_", "%an%", "_a", `\`, `wan\`, "a%", "100%",
	"NEAR(a b)", "kam*", "OR", "AND NOT", "a OR b", "email:x", "{email}: wan", "^wan", "wan AND kam", "-wan", "(wan)",
	"😀", "🇰🇪", "👩‍💻", "Kamau 👩‍💻", "王小明", "ＷＩＤＥ", "wide", "مريم", "\u202e", "\u202egnitset", "כהן",
	"é", "É", "\u0300", "Z\u0300", "Otieno\u0301",
	"pwned", "\x1b]0;", "\x1b", "\x1b[2J", "evil.test", "SGVsbG8=", "\u009b31m", "\a", "\b", "\r",
	"hostile", "hostile-emoji@frontdesk.test", "HOSTILE-RTL@FRONTDESK.TEST", "frontdesk.test",
	"\x00", "kam\x00au", "\xff\xfekam", "wan\xc3",
	strings.Repeat("a", 250), strings.Repeat("wan ", 80), strings.Repeat("Wanjiru-", 40), strings.Repeat("ab ", 120),
}

// someQueries run with every sort order and several pages.
var someQueries = []string{"", "a", "ka", "07", "wan", "kamau", "Mwangi", "Grace Otieno", "jane w", "j k", "a b", "gmail", "0712", `a"b`, "%", "😀", "é", "pwned", "x@", strings.Repeat("wan ", 80)}

// paritySeed is how many customers the parity test seeds.
const paritySeed = 3000

// TestSearchMatchesSQLite seeds SQLite with sandbox/seed, copies the rows
// into PostgreSQL (CopySQLite) and asks both engines the same searches:
// the same ids in the same order, the same totals.
func TestSearchMatchesSQLite(t *testing.T) {
	dsn := pgtest.DSN(t)
	ctx := t.Context()
	db, err := sqliteschema.Open(ctx, filepath.Join(t.TempDir(), "seed.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := seed.Run(ctx, db, seed.Options{Customers: paritySeed, Seed: 11}); err != nil {
		t.Fatal(err)
	}
	lite := sqlite.New(db)
	pg, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	if _, err := pg.CopySQLite(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := pg.pool.Exec(ctx, `ANALYZE`); err != nil {
		t.Fatal(err)
	}

	search := func(st store.Store, p store.SearchParams) store.SearchResult {
		t.Helper()
		var res store.SearchResult
		if err := st.Read(ctx, func(tx store.Tx) error {
			var err error
			res, err = tx.SearchCustomers(ctx, p)
			return err
		}); err != nil {
			t.Fatalf("%T %+v: %v", st, p, err)
		}
		return res
	}
	nonEmpty, compared := 0, 0
	compare := func(p store.SearchParams) {
		compared++
		t.Helper()
		want, got := search(lite, p), search(pg, p)
		if len(want.IDs) > 0 {
			nonEmpty++
		}
		if !slices.Equal(got.IDs, want.IDs) || got.Total != want.Total || got.Estimate != want.Estimate {
			t.Errorf("%q sort %s page %d limit %d:\npostgres %v total %d est %v\nsqlite   %v total %d est %v",
				p.Query, p.Sort, p.Page, p.Limit, got.IDs, got.Total, got.Estimate, want.IDs, want.Total, want.Estimate)
		}
	}
	t.Run("Engines", func(t *testing.T) {
		for _, sort := range api.Sorts {
			qs := someQueries
			if sort == api.SortNewest {
				qs = queries
			}
			for _, q := range qs {
				compare(store.SearchParams{Query: q, Sort: sort, Page: 1, Limit: 7})
				compare(store.SearchParams{Query: q, Sort: sort, Page: 3, Limit: 100})
			}
			for _, q := range someQueries {
				compare(store.SearchParams{Query: q, Sort: sort, Page: 2, Limit: 20})
				compare(store.SearchParams{Query: q, Sort: sort, Page: 400, Limit: 7})
			}
		}
	})
	// With a low cap the broad queries take the estimate paths on a small
	// database; the index paths must still equal the reference scan.
	t.Run("Naive", func(t *testing.T) {
		for _, tune := range testTunings {
			for _, sort := range api.Sorts {
				for _, q := range someQueries {
					for _, pg2 := range []int{1, 2, 60} {
						p := store.SearchParams{Query: q, Sort: sort, Page: pg2, Limit: 7}
						if err := pg.Read(ctx, func(stx store.Tx) error {
							tx := stx.(*txn).tx
							got, err := searchCustomers(ctx, tx, p, tune)
							if err != nil {
								return err
							}
							want, err := naive(ctx, tx, p, tune.exactCap)
							if err != nil {
								return err
							}
							if !slices.Equal(got.IDs, want.IDs) || got.Total != want.Total || got.Estimate != want.Estimate {
								t.Errorf("%q sort %s page %d tuning %+v:\nsearch %v total %d est %v\nnaive  %v total %d est %v",
									q, sort, pg2, tune, got.IDs, got.Total, got.Estimate, want.IDs, want.Total, want.Estimate)
							}
							return nil
						}); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
		}
	})
	// Keyset pagination: every page after a key equals the reference
	// scan's page after it, and paging through every match sees the
	// same ids in the same order as SQLite's paging (the engines' keys
	// differ in form, not in place).
	t.Run("After", func(t *testing.T) {
		all := func(st store.Store, q, sort string) []api.ID {
			var ids []api.ID
			p := store.SearchParams{Query: q, Sort: sort, Limit: 100}
			for range paritySeed + 1 {
				r := search(st, p)
				ids = append(ids, r.IDs...)
				if !r.More {
					return ids
				}
				p.After = r.Last
			}
			t.Fatalf("%T %q %s: paging does not end", st, q, sort)
			return nil
		}
		for _, sort := range api.Sorts {
			for _, q := range someQueries {
				if got, want := all(pg, q, sort), all(lite, q, sort); !slices.Equal(got, want) {
					t.Errorf("%q sort %s: paging with After on postgres saw %d ids, on sqlite %d", q, sort, len(got), len(want))
				}
			}
		}
		for _, tune := range testTunings {
			for _, sort := range api.Sorts {
				for _, q := range someQueries {
					p := store.SearchParams{Query: q, Sort: sort, Limit: 23}
					for pages := 0; pages < 12; pages++ {
						var got, want result
						if err := pg.Read(ctx, func(stx store.Tx) error {
							tx := stx.(*txn).tx
							var err error
							if got, err = searchCustomers(ctx, tx, p, tune); err != nil {
								return err
							}
							want, err = naive(ctx, tx, p, tune.exactCap)
							return err
						}); err != nil {
							t.Fatal(err)
						}
						if !slices.Equal(got.IDs, want.IDs) || got.More != want.More {
							t.Fatalf("%q sort %s after %+v tuning %+v:\nsearch %v more %v\nnaive  %v more %v",
								q, sort, p.After, tune, got.IDs, got.More, want.IDs, want.More)
						}
						if !got.More {
							break
						}
						p.After = got.Last
					}
				}
			}
		}
	})
	t.Run("CopiedRows", func(t *testing.T) {
		ids := []api.ID{"1", "2", "123", api.IDFromInt(paritySeed)}
		var a, b []api.Customer
		var ao, bo []api.Order
		var al, bl []api.LedgerEntry
		read := func(st store.Store, cs *[]api.Customer, os *[]api.Order, ls *[]api.LedgerEntry) {
			if err := st.Read(ctx, func(tx store.Tx) error {
				var err error
				if *cs, err = tx.CustomersByID(ctx, ids); err != nil {
					return err
				}
				for _, id := range ids {
					o, err := tx.OrdersOf(ctx, store.OrderFilter{CustomerID: id}, 100, 0)
					if err != nil {
						return err
					}
					*os = append(*os, o...)
					l, err := tx.LedgerOf(ctx, id, 100, 0)
					if err != nil {
						return err
					}
					*ls = append(*ls, l...)
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		read(lite, &a, &ao, &al)
		read(pg, &b, &bo, &bl)
		if len(a) != len(ids) || !slices.EqualFunc(a, b, func(x, y api.Customer) bool {
			return x.ID == y.ID && x.Email == y.Email && x.FirstName == y.FirstName && x.LastName == y.LastName && x.Phone == y.Phone &&
				x.CreatedAt.Equal(y.CreatedAt) && x.TotalSpent == y.TotalSpent && len(x.Addresses) == len(y.Addresses)
		}) {
			t.Errorf("customers differ:\nsqlite   %+v\npostgres %+v", a, b)
		}
		if len(ao) == 0 || !slices.EqualFunc(ao, bo, func(x, y api.Order) bool {
			return x.ID == y.ID && x.Number == y.Number && x.Total == y.Total && x.CreatedAt.Equal(y.CreatedAt)
		}) {
			t.Errorf("orders differ: %d and %d", len(ao), len(bo))
		}
		if !slices.EqualFunc(al, bl, func(x, y api.LedgerEntry) bool {
			return x.ID == y.ID && x.Points == y.Points && x.BalanceAfter == y.BalanceAfter && x.CreatedAt.Equal(y.CreatedAt)
		}) {
			t.Errorf("ledgers differ: %d and %d entries", len(al), len(bl))
		}
	})
	t.Logf("%d searches compared, %d found customers", compared, nonEmpty)
}

// testTunings: the real cap, and low ones.
var testTunings = []tuning{
	defaultTuning,
	{exactCap: 12}, // no sample: counted
	{exactCap: 12, sampleBlocks: 24, walkMin: 2000, walkFactor: 4}, // broad by sample, walked
	{exactCap: 12, sampleBlocks: 24, walkMin: 20, walkFactor: 0.3}, // walks that run out: the planner's page
	{exactCap: 150, sampleBlocks: 8, walkMin: 20, walkFactor: 1},
}

func TestLookupPart(t *testing.T) {
	for _, c := range []struct{ w, want string }{
		{"wan", "wan"},
		{"Wanjiru-", "Wanjiru-"},
		{"drotich.5@gmail.com", "drotich"},
		{"faithnjeri@students.ku.ac.ke", "faithnjeri"},
		{"+254712017275", "2017275"},
		{"0712017275", "2017275"},
		{"a.b.c.d.e.f", "a.b.c.d.e.f"},
		{"王小明王小明王小明", "王小明王小明王小明"},
	} {
		if got := lookupPart(c.w); got != c.want {
			t.Errorf("lookupPart(%q) = %q, want %q", c.w, got, c.want)
		}
		if !strings.Contains(c.w, lookupPart(c.w)) {
			t.Errorf("lookupPart(%q) is not a part of it", c.w)
		}
	}
}
