package search

import (
	"context"
	"database/sql"
	"slices"
	"testing"

	"frontdesk/api"
)

// allByOffset lists every match of query in sort's order through Naive's
// numbered pages: the reference order.
func allByOffset(t *testing.T, db *sql.DB, query, sort string) []int64 {
	t.Helper()
	var all []int64
	for pg := 1; ; pg++ {
		r, err := naive(context.Background(), db, Params{Query: query, Sort: sort, Page: pg, Limit: api.MaxPageLimit}, api.TotalExactCap)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, r.IDs...)
		if !r.More {
			return all
		}
	}
}

// TestAfterMatchesNaive pages with After through every match, on every
// path (the tunings reach the walk from the key and its fallback), and
// checks each page against Naive's page after the same key, and the
// whole against the numbered pages' order.
func TestAfterMatchesNaive(t *testing.T) {
	db := sharedDB(t)
	ctx := context.Background()
	tunings := map[string]tuning{
		"default":   {exactCap: api.TotalExactCap, walkMin: 2000, walkFactor: 4},
		"tight":     tight,
		"shortWalk": shortWalk,
	}
	for _, sort := range api.Sorts {
		for _, q := range someQueries {
			want := allByOffset(t, db, q, sort)
			for name, tune := range tunings {
				if name != "default" && !slices.Contains([]string{"", "a", "ka", "wan", "jane w", "gmail"}, q) {
					continue // the tight paths on the broad and phrase queries that reach them
				}
				var got []int64
				p := Params{Query: q, Sort: sort, Limit: 31}
				for pages := 0; ; pages++ {
					if pages > len(want)+1 {
						t.Fatalf("%s %q %s: still paging after %d pages", sort, q, name, pages)
					}
					r, err := customersTuned(ctx, db, p, tune)
					if err != nil {
						t.Fatalf("%s %q %s after %+v: %v", sort, q, name, p.After, err)
					}
					ref, err := naive(ctx, db, p, tune.exactCap)
					if err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(r.IDs, ref.IDs) || r.More != ref.More {
						t.Fatalf("%s %q %s after %+v:\nCustomers %v more %v\nNaive     %v more %v", sort, q, name, p.After, r.IDs, r.More, ref.IDs, ref.More)
					}
					got = append(got, r.IDs...)
					if !r.More {
						break
					}
					p.After = r.Last
				}
				if !slices.Equal(got, want) {
					t.Fatalf("%s %q %s: paging with After saw %d ids, numbered pages %d:\n%v\n%v", sort, q, name, len(got), len(want), got, want)
				}
			}
		}
	}
}
