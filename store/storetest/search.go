package storetest

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/store"
	"frontdesk/store/searchq"
)

// search runs one SearchCustomers in a Read transaction.
func search(t *testing.T, st store.Store, p store.SearchParams) store.SearchResult {
	t.Helper()
	var res store.SearchResult
	read(t, st, func(ctx context.Context, tx store.Tx) error {
		var err error
		res, err = tx.SearchCustomers(ctx, p)
		return err
	})
	return res
}

// rename sets a customer's names through UpdateCustomer.
func rename(t *testing.T, st store.Store, id api.ID, first, last string) {
	t.Helper()
	write(t, st, func(ctx context.Context, tx store.Tx) error {
		c, err := tx.Customer(ctx, id)
		if err != nil {
			return err
		}
		return tx.UpdateCustomer(ctx, id, c.Version, store.CustomerUpdate{
			CustomerPatch: api.CustomerPatch{FirstName: &first, LastName: &last}, At: t0.Add(time.Hour)})
	})
}

// testSearchFolds: search folds case and accents alike in the query and
// the customers ("élodie", "ELODIE" and "elodie" find "Élodie"; "muller"
// finds "Müller"), sorts names by their folded forms, and sees a
// Store's own writes at its next search.
func testSearchFolds(t *testing.T, st store.Store) {
	elodie := newCustomer(t, st, "e.ngugi@example.co.ke", "Élodie", "Ngugi", t0)
	muller := newCustomer(t, st, "jm@example.de", "Jürgen", "Müller", t0.Add(time.Minute))
	zoe := newCustomer(t, st, "zoe@example.co.ke", "Zoë", "Mueller", t0.Add(2*time.Minute))
	oscar := newCustomer(t, st, "oscar@example.co.ke", "Oscar", "Ngũgĩ", t0.Add(3*time.Minute))
	for _, c := range []struct {
		query string
		want  []api.ID
	}{
		{"élodie", []api.ID{elodie}}, {"ELODIE", []api.ID{elodie}}, {"elodie", []api.ID{elodie}}, {"ÉLODIE", []api.ID{elodie}},
		{"Elo", []api.ID{elodie}}, {"ngugi", []api.ID{oscar, elodie}}, {"NGŨGĨ", []api.ID{oscar, elodie}}, {"élodie ngugi", []api.ID{elodie}},
		{"muller", []api.ID{muller}}, {"MÜLLER", []api.ID{muller}}, {"jurgen", []api.ID{muller}}, {"zoe", []api.ID{zoe}}, {"mueller", []api.ID{zoe}},
		{"elodiex", nil},
	} {
		res := search(t, st, store.SearchParams{Query: c.query, Page: 1, Limit: 10})
		if !slices.Equal(res.IDs, c.want) || res.Total != len(c.want) {
			t.Errorf("search %q = %v (total %d), want %v", c.query, res.IDs, res.Total, c.want)
		}
	}
	// By folded last name: Mueller < Müller (muller) < Ngugi, Ngũgĩ (ngugi:
	// then by folded first name, Élodie < Oscar).
	byName := search(t, st, store.SearchParams{Sort: api.SortName, Page: 1, Limit: 10})
	if want := []api.ID{zoe, muller, elodie, oscar}; !slices.Equal(byName.IDs, want) {
		t.Errorf("by name = %v, want %v (Mueller, Müller, Ngugi Élodie, Ngũgĩ Oscar)", byName.IDs, want)
	}
	// The newest key is the creation time, RFC 3339 UTC.
	newest := search(t, st, store.SearchParams{Page: 1, Limit: 1})
	if newest.Last == nil || newest.Last.K1 != t0.Add(3*time.Minute).Format(time.RFC3339Nano) || newest.Last.ID != oscar {
		t.Errorf("newest page's last key = %+v, want %s at %s", newest.Last, oscar, t0.Add(3*time.Minute).Format(time.RFC3339Nano))
	}
	// Read your writes: a rename is found by the new name at once, and
	// not by the old one.
	rename(t, st, elodie, "Hélène", "Wairimu")
	if res := search(t, st, store.SearchParams{Query: "helene wairimu", Page: 1, Limit: 10}); !slices.Equal(res.IDs, []api.ID{elodie}) {
		t.Errorf("after the rename, search helene wairimu = %v, want [%s]", res.IDs, elodie)
	}
	if res := search(t, st, store.SearchParams{Query: "elodie", Page: 1, Limit: 10}); len(res.IDs) != 0 {
		t.Errorf("after the rename, search elodie = %v, want none", res.IDs)
	}
}

// SearchAcrossStores checks the replica case: a customer created or
// renamed through a is found by its new name (and not its old one) by
// the very next search through b, another Store (another server) on the
// same database, and one deleted (del removes it from the database, as
// no Store method does) is gone from b's next search.
func SearchAcrossStores(t *testing.T, a, b store.Store, del func(t *testing.T, id api.ID)) {
	// b's index is loaded before the writes: it has to catch up.
	if res := search(t, b, store.SearchParams{Query: "", Page: 1, Limit: 10}); res.Total != 0 {
		t.Fatalf("a new database lists %d customers", res.Total)
	}
	id := newCustomer(t, a, "elodie@example.co.ke", "Élodie", "Ngugi", t0)
	for _, q := range []string{"élodie", "ELODIE", "elodie", "ngugi"} {
		if res := search(t, b, store.SearchParams{Query: q, Page: 1, Limit: 10}); !slices.Equal(res.IDs, []api.ID{id}) {
			t.Fatalf("the other store's search %q right after the create = %v, want [%s]", q, res.IDs, id)
		}
	}
	rename(t, a, id, "Amani", "Müller")
	if res := search(t, b, store.SearchParams{Query: "muller", Page: 1, Limit: 10}); !slices.Equal(res.IDs, []api.ID{id}) {
		t.Fatalf("the other store's search muller right after the rename = %v, want [%s]", res.IDs, id)
	}
	if res := search(t, b, store.SearchParams{Query: "ngugi", Page: 1, Limit: 10}); len(res.IDs) != 0 {
		t.Fatalf("the other store's search ngugi (the old name) after the rename = %v, want none", res.IDs)
	}
	if res := search(t, b, store.SearchParams{Sort: api.SortName, Page: 1, Limit: 10}); res.Last == nil || res.Last.K1 != "Müller" {
		t.Fatalf("the other store's name sort key after the rename = %+v, want K1 Müller", res.Last)
	}
	other := newCustomer(t, a, "other@example.co.ke", "Amani", "Otieno", t0.Add(time.Minute))
	del(t, id)
	if res := search(t, b, store.SearchParams{Query: "amani", Page: 1, Limit: 10}); !slices.Equal(res.IDs, []api.ID{other}) || res.Total != 1 {
		t.Fatalf("the other store's search amani after the delete = %v (total %d), want [%s]", res.IDs, res.Total, other)
	}
	if res := search(t, a, store.SearchParams{Query: "muller", Page: 1, Limit: 10}); len(res.IDs) != 0 {
		t.Fatalf("the writing store's search muller after the delete = %v, want none", res.IDs)
	}
}

// NaiveQueries is every kind of input: prefixes, substrings, full
// names, phones, syntax that must stay literal, LIKE wildcards,
// punctuation, Unicode (accents to fold), emoji, control sequences,
// invalid UTF-8 and very long input.
var NaiveQueries = []string{
	"", "   ", "\t\n",
	"a", "K", "ka", "Wa", "ot", "07", "+2", "+25", "7", "1", "x@", "@", "k@",
	"wan", "WAN", "Wanjiru", "wanjiru kamau", "Grace Otieno", "jane w", "w jane", "ot ka", "a b c", "j k", "mary w", "a b", "a b c d e f g h",
	"é", "É", "e", "élodie", "ELODIE", "elodie", "ngugi", "muller", "MÜLLER", "ß", "ss", "straße", "strasse",
	"kamau", "otieno", "mwangi", "achieng", "che", "nai", "254", "kam",
	"gmail", "@gmail.com", "yahoo.com", ".com", "gmail com",
	"0712", "0712345", "+2547", "2547", "7123456", "254 7", "071", "0",
	`"`, `"quoted"`, `a"b`, "'", "ng'ang'a", "...", "--", "%", "_", "%an%", `\`, "a%", "100%",
	"NEAR(a b)", "kam*", "OR", "a OR b", "^wan", "-wan", "(wan)",
	"😀", "🇰🇪", "👩‍💻", "王小明", "ＷＩＤＥ", "wide", "مريم", "\u202e", "\u0300", "Z\u0300", "Otieno\u0301",
	"pwned", "\x1b]0;", "\x1b", "\u009b31m", "hostile", "HOSTILE-RTL@FRONTDESK.TEST", "frontdesk.test",
	"\x00", "kam\x00au", "\xff\xfekam", "wan\xc3",
	strings.Repeat("a", 250), strings.Repeat("wan ", 80),
}

// SearchMatchesNaive checks st's SearchCustomers against naive (the
// search index's reference scan, searchidx.Index.Naive, of st's own
// index) on whatever customers st holds (a few thousand, seeded): for
// every query of NaiveQueries, every sort, numbered pages and After
// cursors, the same result. It also checks the index against the
// customers themselves, so the feed that fills it is checked too: every
// query's matches are those searchq.Match accepts among all (every
// customer id in the database, read by the caller), and each sort
// orders them by the customers' stored values.
func SearchMatchesNaive(t *testing.T, st store.Store, naive func(store.SearchParams) (store.SearchResult, error), all []api.ID) {
	if len(all) < 1000 {
		t.Fatalf("only %d customers: seed a few thousand", len(all))
	}
	byID := map[api.ID]api.Customer{}
	for chunk := range slices.Chunk(all, 500) {
		read(t, st, func(ctx context.Context, tx store.Tx) error {
			cs, err := tx.CustomersByID(ctx, chunk)
			for _, c := range cs {
				byID[c.ID] = c
			}
			return err
		})
	}
	if len(byID) != len(all) {
		t.Fatalf("loaded %d of %d customers", len(byID), len(all))
	}
	// A search brings the index up to date; naive reads it as it is.
	search(t, st, store.SearchParams{Page: 1, Limit: 1})
	naiveOf := func(t *testing.T, p store.SearchParams) store.SearchResult {
		t.Helper()
		res, err := naive(p)
		if err != nil {
			t.Fatalf("naive %+v: %v", p, err)
		}
		return res
	}
	// everyone is the full order of a query through numbered pages.
	everyone := func(t *testing.T, query, sort string) []api.ID {
		var out []api.ID
		for pg := 1; ; pg++ {
			res := naiveOf(t, store.SearchParams{Query: query, Sort: sort, Page: pg, Limit: api.MaxPageLimit})
			out = append(out, res.IDs...)
			if !res.More {
				return out
			}
		}
	}
	folded := func(id api.ID) searchq.Fields {
		c := byID[id]
		return searchq.FoldFields(c.Email, c.FirstName, c.LastName, c.Phone)
	}
	for _, sort := range api.Sorts {
		order := everyone(t, "", sort)
		if len(order) != len(all) {
			t.Fatalf("%s: the index lists %d customers, the database holds %d", sort, len(order), len(all))
		}
		for i := 1; i < len(order); i++ {
			a, b := byID[order[i-1]], byID[order[i]]
			ai, _ := a.ID.Int64()
			bi, _ := b.ID.Int64()
			var c int
			switch sort {
			case api.SortNewest:
				c = cmp.Or(b.CreatedAt.Compare(a.CreatedAt), cmp.Compare(bi, ai))
			case api.SortTopSpenders:
				c = cmp.Or(cmp.Compare(b.TotalSpent, a.TotalSpent), cmp.Compare(bi, ai))
			case api.SortName:
				fa, fb := folded(a.ID), folded(b.ID)
				c = cmp.Or(strings.Compare(fa.LastName, fb.LastName), strings.Compare(fa.FirstName, fb.FirstName), cmp.Compare(ai, bi))
			}
			if c >= 0 {
				t.Fatalf("%s: %s (%s %s) listed before %s (%s %s)", sort, a.ID, a.FirstName, a.LastName, b.ID, b.FirstName, b.LastName)
			}
		}
	}
	for _, q := range NaiveQueries {
		tokens, blank := searchq.Parse(q)
		want := map[api.ID]bool{}
		for _, id := range all {
			if blank || len(tokens) > 0 && searchq.Match(tokens, folded(id)) {
				want[id] = true
			}
		}
		got := everyone(t, q, api.SortNewest)
		gotSet := map[api.ID]bool{}
		for _, id := range got {
			gotSet[id] = true
		}
		if len(got) != len(want) || !maps.Equal(gotSet, want) {
			t.Errorf("query %q: the index matches %d customers, searchq.Match on the database's %d", q, len(got), len(want))
		}
		for _, sort := range api.Sorts {
			for _, limit := range []int{7, 50} {
				for pg := 1; pg <= 3; pg++ {
					p := store.SearchParams{Query: q, Sort: sort, Page: pg, Limit: limit}
					if got, want := search(t, st, p), naiveOf(t, p); !equalResult(got, want) {
						t.Fatalf("%+v:\n got  %+v\n want %+v", p, got, want)
					}
				}
			}
			// After cursors: five pages of 13 from the first page's last key.
			p := store.SearchParams{Query: q, Sort: sort, Page: 1, Limit: 13}
			res := search(t, st, p)
			for range 5 {
				if res.Last == nil || !res.More {
					break
				}
				p = store.SearchParams{Query: q, Sort: sort, Limit: 13, After: res.Last}
				res = search(t, st, p)
				if want := naiveOf(t, p); !equalResult(res, want) {
					t.Fatalf("%q %s after %+v:\n got  %+v\n want %+v", q, sort, *p.After, res, want)
				}
			}
		}
	}
}

func equalResult(a, b store.SearchResult) bool {
	if (a.Last == nil) != (b.Last == nil) || a.Last != nil && *a.Last != *b.Last {
		return false
	}
	return slices.Equal(a.IDs, b.IDs) && a.Total == b.Total && a.Estimate == b.Estimate && a.More == b.More
}
