package chec

import "testing"

// A price's minor digits come from its own formatted text.
func TestMinorUnits(t *testing.T) {
	for _, tc := range []struct {
		p    Price
		want int64
	}{
		{Price{Raw: 48.5, Formatted: "48.50"}, 4850},
		{Price{Raw: 1250, Formatted: "1,250"}, 1250},
		{Price{Raw: 1.25, Formatted: "1.250"}, 1250},
		{Price{Raw: 0.1 + 0.2, Formatted: "0.30"}, 30},
		{Price{Raw: 12.5}, 1250},
		{Price{Raw: -3.5, Formatted: "-3.50"}, -350},
	} {
		if got := minor(tc.p); got != tc.want {
			t.Errorf("%+v: %d, want %d", tc.p, got, tc.want)
		}
	}
}
