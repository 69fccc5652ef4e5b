package main

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestParseDelay(t *testing.T) {
	ms := time.Millisecond
	for _, c := range []struct {
		in     string
		lo, hi time.Duration
	}{
		{"", 0, 0},
		{"0", 0, 0},
		{"none", 0, 0},
		{"90ms", 90 * ms, 90 * ms},
		{"90ms-240ms", 90 * ms, 240 * ms},
		{" 1s - 2s ", time.Second, 2 * time.Second},
	} {
		d, err := parseDelay(c.in)
		if err != nil {
			t.Errorf("parseDelay(%q): %v", c.in, err)
			continue
		}
		if d.lo != c.lo || d.hi != c.hi {
			t.Errorf("parseDelay(%q) = [%s, %s], want [%s, %s]", c.in, d.lo, d.hi, c.lo, c.hi)
		}
	}
	for _, bad := range []string{"fast", "90", "240ms-90ms", "-5ms", "90ms-", "90ms-x"} {
		if d, err := parseDelay(bad); err == nil {
			t.Errorf("parseDelay(%q) = [%s, %s], want an error", bad, d.lo, d.hi)
		}
	}
}

func TestDelayPickStaysInRange(t *testing.T) {
	d, err := parseDelay("90ms-240ms")
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	lo, hi := d.hi, d.lo
	for range 2000 {
		v := d.pick(r)
		if v < d.lo || v > d.hi {
			t.Fatalf("pick = %s, outside [%s, %s]", v, d.lo, d.hi)
		}
		lo, hi = min(lo, v), max(hi, v)
	}
	// Uniform over 150 ms: 2000 draws reach both ends to within 5 ms.
	if lo > d.lo+5*time.Millisecond || hi < d.hi-5*time.Millisecond {
		t.Errorf("2000 picks spanned only [%s, %s] of [%s, %s]", lo, hi, d.lo, d.hi)
	}
	if got := (delayRange{}).pick(r); got != 0 {
		t.Errorf("no delay picked %s", got)
	}
}
