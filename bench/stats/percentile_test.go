package stats

import (
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	// 1..20 shuffled: p50 is the 10th, p95 the 19th, p100 the 20th.
	twenty := ms(7, 3, 20, 1, 15, 9, 12, 2, 18, 5, 11, 4, 16, 8, 19, 6, 14, 10, 17, 13)
	for _, c := range []struct {
		d    []time.Duration
		p    float64
		want time.Duration
	}{
		{twenty, 0.50, 10 * time.Millisecond},
		{twenty, 0.95, 19 * time.Millisecond},
		{twenty, 1, 20 * time.Millisecond},
		{ms(42), 0.5, 42 * time.Millisecond},
		{ms(42), 0.95, 42 * time.Millisecond},
		{ms(5, 1, 3), 0.5, 3 * time.Millisecond},
		{ms(1, 2, 3, 4), 0.5, 2 * time.Millisecond},
		{ms(1, 2, 3, 4), 0.95, 4 * time.Millisecond},
		{nil, 0.5, 0},
	} {
		if got := Percentile(c.d, c.p); got != c.want {
			t.Errorf("Percentile(%v, %v) = %s, want %s", c.d, c.p, got, c.want)
		}
	}
	if twenty[0] != 7*time.Millisecond {
		t.Error("percentile sorted its argument in place")
	}
}
