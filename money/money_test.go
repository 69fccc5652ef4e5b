package money

import (
	"math"
	"testing"
)

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		minor    int64
		currency string
		want     string
	}{
		{125000, "KES", "KES 1,250.00"},
		{0, "KES", "KES 0.00"},
		{5, "KES", "KES 0.05"},
		{99, "kes", "KES 0.99"},
		{100, "KES", "KES 1.00"},
		{-125000, "KES", "-KES 1,250.00"},
		{123456789, "USD", "USD 1,234,567.89"},
		{1250, "JPY", "JPY 1,250"},
		{1250, "KWD", "KWD 1.250"},
		{7, "KWD", "KWD 0.007"},
		{125000, "", "1,250.00"},
		{math.MinInt64, "KES", "-KES 92,233,720,368,547,758.08"},
		{math.MaxInt64, "KES", "KES 92,233,720,368,547,758.07"},
	} {
		if got := Format(tc.minor, tc.currency); got != tc.want {
			t.Errorf("Format(%d, %q) = %q, want %q", tc.minor, tc.currency, got, tc.want)
		}
	}
}

func TestInt(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0", 7: "7", 999: "999", 1000: "1,000", -1000: "-1,000",
		1234567: "1,234,567", -50: "-50", math.MinInt64: "-9,223,372,036,854,775,808",
	} {
		if got := Int(n); got != want {
			t.Errorf("Int(%d) = %q, want %q", n, got, want)
		}
	}
}
