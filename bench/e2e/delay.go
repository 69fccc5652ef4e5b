package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// delayRange is the --delay flag: the proxy holds every request for a
// uniformly random time in [lo, hi] before passing it on. The zero value
// adds nothing.
type delayRange struct{ lo, hi time.Duration }

// parseDelay reads "" / "0" / "none" (no delay), "90ms" (always 90 ms)
// or "90ms-240ms" (uniform between the two, inclusive).
func parseDelay(s string) (delayRange, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" || s == "none" {
		return delayRange{}, nil
	}
	loText, hiText, isRange := strings.Cut(s, "-")
	lo, err := time.ParseDuration(strings.TrimSpace(loText))
	if err != nil || lo < 0 {
		return delayRange{}, fmt.Errorf("--delay %q: want a duration or a range such as 90ms-240ms", s)
	}
	hi := lo
	if isRange {
		hi, err = time.ParseDuration(strings.TrimSpace(hiText))
		if err != nil || hi < 0 {
			return delayRange{}, fmt.Errorf("--delay %q: want a duration or a range such as 90ms-240ms", s)
		}
	}
	if hi < lo {
		return delayRange{}, fmt.Errorf("--delay %q: the range goes down (%s > %s)", s, lo, hi)
	}
	return delayRange{lo: lo, hi: hi}, nil
}

// pick draws one delay.
func (d delayRange) pick(r *rand.Rand) time.Duration {
	if d.hi <= d.lo {
		return d.lo
	}
	return d.lo + time.Duration(r.Int64N(int64(d.hi-d.lo)+1))
}

func (d delayRange) String() string {
	switch {
	case d.hi == 0:
		return "none"
	case d.lo == d.hi:
		return d.lo.String() + " per request"
	}
	return d.lo.String() + "–" + d.hi.String() + " per request (uniform)"
}
