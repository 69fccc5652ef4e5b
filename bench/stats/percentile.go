// Package stats holds what the benchmark commands share.
package stats

import (
	"math"
	"slices"
	"time"
)

// Percentile is the nearest-rank p-th percentile (0 < p ≤ 1) of d: the
// smallest sample with at least p of the samples at or below it. Zero
// for no samples.
func Percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	// ceil(p·n), less a hair so 0.95·20 = 19.000000000000004 is rank 19.
	rank := int(math.Ceil(p*float64(len(s)) - 1e-9))
	rank = min(max(rank, 1), len(s))
	return s[rank-1]
}
