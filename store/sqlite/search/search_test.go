package search

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"frontdesk/api"
	"frontdesk/sandbox/seed"
	"frontdesk/store/searchq"
	"frontdesk/store/sqlite/schema"
)

// shared is one seeded database for the read-only tests: seeding under
// -race is the slow part of this package's tests.
var shared struct {
	once sync.Once
	dir  string
	db   *sql.DB
	err  error
}

// sharedDB returns the shared database of sharedCustomers customers.
func sharedDB(t testing.TB) *sql.DB {
	t.Helper()
	shared.once.Do(func() {
		shared.dir, shared.err = os.MkdirTemp("", "search-test-")
		if shared.err != nil {
			return
		}
		ctx := context.Background()
		shared.db, shared.err = schema.Open(ctx, filepath.Join(shared.dir, "search.db"))
		if shared.err != nil {
			return
		}
		_, shared.err = seed.Run(ctx, shared.db, seed.Options{Customers: sharedCustomers, Seed: 11})
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.db
}

const sharedCustomers = 700

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.db != nil {
		shared.db.Close()
	}
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// queries exercises every kind of input: prefixes, substrings, full names,
// phones, FTS5 syntax that must stay literal, LIKE wildcards, punctuation,
// Unicode, emoji, control sequences, invalid UTF-8 and very long input.
var queries = []string{
	"", "   ", "\t\n",
	"a", "K", "ka", "Wa", "ot", "07", "+2", "+25", "7", "1", "x@", "@", "k@",
	"wan", "WAN", "Wanjiru", "wanjiru kamau", "Grace Otieno", "jane w", "w jane", "ot ka", "a b c",
	"kamau", "otieno", "mwangi", "achieng", "che", "ama", "ach", "odh",
	"gmail", "@gmail.com", "yahoo.com", ".com", "gmail com",
	"0712", "0712345", "+2547", "2547", "7123456", "254 7",
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

// tight makes broad queries on a small database take every path: the
// estimate, an index walk that runs out of budget, the fallback sort.
var tight = tuning{exactCap: 12, walkMin: 20, walkFactor: 0.3}

// shortWalk keeps the real cap but a small walk budget, so the walk over
// thousands of exact candidates runs out and falls back too.
var shortWalk = tuning{exactCap: api.TotalExactCap, walkMin: 20, walkFactor: 0.3}

func compare(t *testing.T, db *sql.DB, p Params, exactCap int) {
	t.Helper()
	compareTuned(t, db, p, tuning{exactCap: exactCap, walkMin: 2000, walkFactor: 4})
}

func compareTuned(t *testing.T, db *sql.DB, p Params, tune tuning) {
	t.Helper()
	exactCap := tune.exactCap
	ctx := context.Background()
	got, err := customersTuned(ctx, db, p, tune)
	if err != nil {
		t.Fatalf("Customers(%+v): %v", p, err)
	}
	want, err := naive(ctx, db, p, exactCap)
	if err != nil {
		t.Fatalf("Naive(%+v): %v", p, err)
	}
	if !slices.Equal(got.IDs, want.IDs) || got.Total != want.Total || got.Estimate != want.Estimate {
		t.Errorf("%+v cap %d:\nCustomers %v total %d est %v\nNaive     %v total %d est %v",
			p, exactCap, got.IDs, got.Total, got.Estimate, want.IDs, want.Total, want.Estimate)
	}
}

// someQueries is the part of queries that runs with every sort order.
var someQueries = []string{"", "a", "ka", "07", "wan", "kamau", "Grace Otieno", "jane w", "gmail", "0712", `a"b`, "%", "😀", "é", "pwned", "x@", strings.Repeat("wan ", 80)}

func TestMatchesNaive(t *testing.T) {
	db := sharedDB(t)
	for _, sort := range api.Sorts {
		qs := someQueries
		if sort == api.SortNewest {
			qs = queries
		}
		for _, q := range qs {
			// The real cap, and a low one so that broad queries take the
			// estimate, index-walk and fallback paths on a small
			// database; a later page, and one past the end.
			compare(t, db, Params{Query: q, Sort: sort, Page: 1, Limit: 7}, api.TotalExactCap)
			compare(t, db, Params{Query: q, Sort: sort, Page: 3, Limit: 7}, 12)
		}
		for _, q := range someQueries {
			compare(t, db, Params{Query: q, Sort: sort, Page: 1, Limit: 7}, 12)
			compare(t, db, Params{Query: q, Sort: sort, Page: 60, Limit: 7}, 12)
			compareTuned(t, db, Params{Query: q, Sort: sort, Page: 2, Limit: 7}, tight)
			compareTuned(t, db, Params{Query: q, Sort: sort, Page: 2, Limit: 7}, shortWalk)
		}
	}
}

func TestFindsWhatItShould(t *testing.T) {
	db := sharedDB(t)
	ctx := context.Background()
	var id int64
	var email, first, last, phone string
	if err := db.QueryRow(`SELECT id, email, first_name, last_name, phone FROM customers WHERE id = 123`).
		Scan(&id, &email, &first, &last, &phone); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		email, strings.ToUpper(email), email[2:9], first + " " + last, last + " " + first,
		strings.ToLower(first + " " + last), phone, phone[5:12], "0" + phone[4:], phone[4:7], first[:2] + " " + last,
	} {
		res, err := Customers(ctx, db, Params{Query: q, Limit: api.MaxPageLimit})
		if err != nil {
			t.Fatal(err)
		}
		found := slices.Contains(res.IDs, id)
		for p := 2; !found && p*api.MaxPageLimit <= res.Total+api.MaxPageLimit; p++ {
			more, err := Customers(ctx, db, Params{Query: q, Page: p, Limit: api.MaxPageLimit})
			if err != nil {
				t.Fatal(err)
			}
			found = slices.Contains(more.IDs, id)
		}
		if !found {
			t.Errorf("%q (%s %s, %s, %s) not found (total %d)", q, first, last, email, phone, res.Total)
		}
	}
	for _, kind := range seed.HostileKinds() {
		res, err := Customers(ctx, db, Params{Query: seed.HostileEmail(kind)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 1 || len(res.IDs) != 1 {
			t.Errorf("hostile %s: %+v, want exactly one", kind, res)
		}
	}
	// Only punctuation: nothing, and no error.
	for _, q := range []string{"...", `"`, "@", "%", "-- --"} {
		res, err := Customers(ctx, db, Params{Query: q})
		if err != nil || res.Total != 0 || len(res.IDs) != 0 {
			t.Errorf("%q: %+v, %v; want nothing", q, res, err)
		}
	}
	if _, err := Customers(ctx, db, Params{Sort: "-email"}); err == nil {
		t.Error("unknown sort accepted")
	}
}

func TestEstimateCap(t *testing.T) {
	db := sharedDB(t)
	ctx := context.Background()
	for _, c := range []struct {
		q        string
		exactCap int
		total    int
		estimate bool
	}{
		{"", 1000, sharedCustomers, false},
		{"", sharedCustomers - 1, sharedCustomers - 1, true},
		{"", sharedCustomers, sharedCustomers, false},
		{"", 50, 50, true},
		{"hostile", 50, 12, false},
		{"hostile", 11, 11, true},
		{"hostile", 12, 12, false},
		{"hostile frontdesk.test", 5, 5, true},
		{"h frontdesk.test", 12, 12, false},
		{"h frontdesk.test", 11, 11, true},
	} {
		res, err := customers(ctx, db, Params{Query: c.q}, c.exactCap)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != c.total || res.Estimate != c.estimate {
			t.Errorf("%q cap %d: total %d estimate %v, want %d %v", c.q, c.exactCap, res.Total, res.Estimate, c.total, c.estimate)
		}
	}
}

func TestSortOrders(t *testing.T) {
	db := sharedDB(t)
	ctx := context.Background()
	for _, sort := range api.Sorts {
		for _, q := range []string{"", "a", "wan", "gmail"} {
			var all []int64
			for pg := 1; ; pg++ {
				res, err := Customers(ctx, db, Params{Query: q, Sort: sort, Page: pg, Limit: 50})
				if err != nil {
					t.Fatal(err)
				}
				all = append(all, res.IDs...)
				if len(res.IDs) < 50 {
					if len(all) != res.Total {
						t.Errorf("%s %q: paged through %d, total %d", sort, q, len(all), res.Total)
					}
					break
				}
			}
			key := map[string]string{
				api.SortNewest:      `SELECT created_at || printf('%020d', id) FROM customers WHERE id = ?`,
				api.SortTopSpenders: `SELECT printf('%020d', 1000000000000 - total_spent) || printf('%020d', 1000000000 - id) FROM customers WHERE id = ?`,
				api.SortName:        `SELECT lower(last_name) || char(1) || lower(first_name) || char(1) || printf('%020d', id) FROM customers WHERE id = ?`,
			}[sort]
			var prev string
			for i, id := range all {
				var k string
				if err := db.QueryRow(key, id).Scan(&k); err != nil {
					t.Fatal(err)
				}
				if sort == api.SortNewest {
					// Newest first: keys fall.
					k = invert(k)
				}
				if i > 0 && k < prev {
					t.Errorf("%s %q: id %d out of order", sort, q, id)
				}
				prev = k
			}
			if slices.Contains(all, 0) || len(slices.Compact(slices.Sorted(slices.Values(all)))) != len(all) {
				t.Errorf("%s %q: duplicate ids across pages", sort, q)
			}
		}
	}
}

// invert maps a string to one that sorts the other way round (for the
// ASCII keys above).
func invert(s string) string {
	b := []byte(s)
	for i := range b {
		b[i] = 255 - b[i]
	}
	return string(b)
}

func TestCancelledContext(t *testing.T) {
	db := sharedDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, q := range []string{"", "a", "wanjiru"} {
		if _, err := Customers(ctx, db, Params{Query: q}); !errors.Is(err, context.Canceled) {
			t.Errorf("%q with a cancelled context: err = %v, want context.Canceled", q, err)
		}
	}
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		q     string
		want  string
		blank bool
	}{
		{"", "", true},
		{" \t", "", true},
		{"Jane  Wanjiru", "Jane+ Wanjiru+", false},
		{"jane jane", "jane+", false},
		{"... @ --", "", false},
		{"ka 0712", "ka 0712+[+254712]", false},
		{"07", "07[+25407 +2547]", false},
		{"😀", "😀", false},
		{"a\x00b", "a b", false},
		{strings.Repeat("x", 300), strings.Repeat("x", api.MaxSearchQueryLen) + "+", false},
	} {
		tokens, blank := searchq.Parse(c.q)
		var parts []string
		for _, tk := range tokens {
			s := tk.Text
			if tk.Long {
				s += "+"
			}
			if len(tk.PhoneAlts) > 0 {
				s += fmt.Sprint(tk.PhoneAlts)
			}
			parts = append(parts, s)
		}
		if got := strings.Join(parts, " "); got != c.want || blank != c.blank {
			t.Errorf("searchq.Parse(%q) = %q, %v; want %q, %v", c.q, got, blank, c.want, c.blank)
		}
	}
}

func TestPrefixRange(t *testing.T) {
	for _, c := range []struct{ p, lo, hi string }{
		{"Ka", "ka", "kb"},
		{"x@", "x@", "x["},
		{"z", "z", "{"},
		{"é", "é", "\xc3\xaa"},
	} {
		lo, hi := prefixRange(c.p)
		if lo != c.lo || hi != c.hi {
			t.Errorf("prefixRange(%q) = %q, %q; want %q, %q", c.p, lo, hi, c.lo, c.hi)
		}
	}
}
