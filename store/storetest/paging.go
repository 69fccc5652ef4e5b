package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"frontdesk/api"
	"frontdesk/store"
)

// testSearchAfter pages through every customer with After (keyset
// pagination), for each sort, with and without a query, and checks that
// it sees each match exactly once and in the order one large numbered
// page gives. The customers share creation times, totals (all 0) and
// names (some differing only in case), so every sort leans on its ties.
func testSearchAfter(t *testing.T, st store.Store) {
	lasts := []string{"Kamau", "kamau", "Otieno", "Abdi", "Njoroge", "Wanjala"}
	firsts := []string{"Wanjiru", "achieng", "Baraka", "Wanjiku", "Amina"}
	const n = 90
	for i := range n {
		at := t0.Add(time.Duration(i/4) * time.Minute) // four customers a minute
		newCustomer(t, st, fmt.Sprintf("p%02d@example.co.ke", i), firsts[i%len(firsts)], lasts[(i/3)%len(lasts)], at)
	}
	search := func(t *testing.T, p store.SearchParams) store.SearchResult {
		t.Helper()
		var res store.SearchResult
		read(t, st, func(ctx context.Context, tx store.Tx) error {
			var err error
			res, err = tx.SearchCustomers(ctx, p)
			return err
		})
		return res
	}
	for _, sort := range api.Sorts {
		for _, query := range []string{"", "wan", "ka", "wanj kam"} {
			t.Run(fmt.Sprintf("%s/%q", sort, query), func(t *testing.T) {
				all := search(t, store.SearchParams{Query: query, Sort: sort, Page: 1, Limit: api.MaxPageLimit})
				if query == "" && len(all.IDs) != n {
					t.Fatalf("one page of everyone has %d customers, want %d", len(all.IDs), n)
				}
				if len(all.IDs) < 10 {
					t.Fatalf("query %q matches only %d customers: too few to page", query, len(all.IDs))
				}
				if all.More {
					t.Fatalf("one page of all %d matches says more follow", len(all.IDs))
				}
				var got []api.ID
				seen := map[api.ID]bool{}
				p := store.SearchParams{Query: query, Sort: sort, Limit: 7}
				for pages := 0; ; pages++ {
					if pages > len(all.IDs) {
						t.Fatalf("still paging after %d pages", pages)
					}
					res := search(t, p)
					for _, id := range res.IDs {
						if seen[id] {
							t.Fatalf("page %d repeats customer %s", pages+1, id)
						}
						seen[id] = true
					}
					got = append(got, res.IDs...)
					if p.After != nil && (res.Total != 0 || res.Estimate) {
						t.Errorf("a page after a key reports total %d (estimate %v); want none", res.Total, res.Estimate)
					}
					if len(res.IDs) > 0 && (res.Last == nil || res.Last.ID != res.IDs[len(res.IDs)-1]) {
						t.Fatalf("page %d: Last = %+v, want the key of %s", pages+1, res.Last, res.IDs[len(res.IDs)-1])
					}
					if !res.More {
						break
					}
					if len(res.IDs) != 7 {
						t.Fatalf("page %d has %d customers and says more follow", pages+1, len(res.IDs))
					}
					p.After = res.Last
				}
				if !slices.Equal(got, all.IDs) {
					t.Fatalf("paging with After saw\n%v\nwant\n%v", got, all.IDs)
				}
			})
		}
	}
}
