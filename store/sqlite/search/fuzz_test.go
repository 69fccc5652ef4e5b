package search

import (
	"context"
	"errors"
	"slices"
	"testing"

	"frontdesk/api"
)

// FuzzCustomersQuery feeds any query, sort and page to Customers: it must
// not fail (other than for a cancelled context) nor panic, and must answer
// what Naive answers, both with the real cap and with a low one and a
// small walk budget that send broad queries down the estimate, index-walk
// and fallback paths.
func FuzzCustomersQuery(f *testing.F) {
	for i, q := range someQueries {
		f.Add(q, uint8(i), uint8(i))
	}
	db := sharedDB(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, q string, sortIdx, pg uint8) {
		p := Params{Query: q, Sort: api.Sorts[int(sortIdx)%len(api.Sorts)], Page: int(pg%5) + 1, Limit: 9}
		for _, tune := range []tuning{{exactCap: api.TotalExactCap, walkMin: 2000, walkFactor: 4}, tight, shortWalk} {
			exactCap := tune.exactCap
			got, err := customersTuned(ctx, db, p, tune)
			if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Customers(%+v): %v", p, err)
			}
			want, err := naive(ctx, db, p, exactCap)
			if err != nil {
				t.Fatalf("Naive(%+v): %v", p, err)
			}
			for _, id := range got.IDs {
				if !slices.Contains(want.IDs, id) {
					t.Fatalf("%+v cap %d: id %d not in Naive's page %v", p, exactCap, id, want.IDs)
				}
			}
			if !slices.Equal(got.IDs, want.IDs) || got.Total != want.Total || got.Estimate != want.Estimate {
				t.Fatalf("%+v cap %d: Customers %v/%d/%v, Naive %v/%d/%v",
					p, exactCap, got.IDs, got.Total, got.Estimate, want.IDs, want.Total, want.Estimate)
			}
		}
	})
}
